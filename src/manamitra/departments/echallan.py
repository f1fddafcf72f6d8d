"""Traffic e-challans by vehicle registration number (reference data of the police's
e-challan system): offence, place, date and fine; paid challans show paid."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.departments.billing import BillSystem, Due, Statement, bill_system, paid_refs

OFFENCES = {
    "helmet": ({"en": "Riding without helmet", "te": "హెల్మెట్ లేకుండా ప్రయాణం"}, 100000),
    "signal": ({"en": "Jumping a red signal", "te": "రెడ్ సిగ్నల్ దాటడం"}, 100000),
    "speed": ({"en": "Over-speeding", "te": "అతివేగం"}, 150000),
    "parking": ({"en": "Wrong parking", "te": "తప్పుడు పార్కింగ్"}, 50000),
    "seatbelt": ({"en": "Driving without seat belt", "te": "సీట్ బెల్ట్ లేకుండా డ్రైవింగ్"}, 100000),
}

# vehicle → [(challan no., offence, place, Telugu place, days ago)]
CHALLANS: dict[str, list[tuple[str, str, str, str, int]]] = {
    "AP39AB1234": [
        ("APVJA2611000123", "helmet", "Benz Circle, Vijayawada", "బెంజ్ సర్కిల్, విజయవాడ", 12),
        ("APVJA2611000456", "signal", "Ramavarappadu Ring, Vijayawada", "రామవరప్పాడు రింగ్, విజయవాడ", 40),
    ],
    "AP31CD5678": [("APVSP2610000789", "speed", "Beach Road, Visakhapatnam", "బీచ్ రోడ్, విశాఖపట్నం", 25)],
    "AP03EF9012": [
        ("APTPT2611001011", "parking", "Leela Mahal Circle, Tirupati", "లీలా మహల్ సర్కిల్, తిరుపతి", 5),
        ("APTPT2609001212", "seatbelt", "Renigunta Road, Tirupati", "రేణిగుంట రోడ్, తిరుపతి", 70),
    ],
}


def normalise_vehicle(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def _lookup(db: Session, number: str) -> Statement | None:
    vehicle = normalise_vehicle(number)
    found = CHALLANS.get(vehicle)
    if found is None:
        return None
    paid = paid_refs(db, "echallan", vehicle)
    today = clock.to_ist(clock.now()).date()
    dues: list[Due] = []
    history = []
    for challan, offence, place_en, place_te, days in found:
        label, fine = OFFENCES[offence]
        when: date = today - timedelta(days=days)
        ref = f"echallan:{challan}"
        settled = ref in paid
        line = {
            "en": f"{challan} {label['en']}, {place_en}, {when:%d-%m-%Y}",
            "te": f"{challan} {label['te']}, {place_te}, {when:%d-%m-%Y}",
        }
        history.append((line, fine, settled))
        if not settled:
            dues.append(
                Due(
                    ref=ref,
                    label={"en": f"Challan {challan}", "te": f"చలాన్ {challan}"},
                    amount_paise=fine,
                    due_date=None,
                )
            )
    return Statement(
        system="echallan",
        account=vehicle,
        holder=vehicle,
        dues=dues,
        history=history,
        lines={"en": [f"Vehicle {vehicle}"], "te": [f"వాహనం {vehicle}"]},
    )


bill_system(
    BillSystem(id="echallan", name={"en": "Traffic e-challan", "te": "ట్రాఫిక్ ఈ-చలాన్"}, lookup=_lookup)
)
