"""Urban local bodies' revenue systems (reference data): property tax and water tax by
assessment number (half-yearly demands, arrears carried), and trade licence fees by licence
number. A paid demand shows paid from the department's record."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.departments.billing import (
    BillSystem,
    Due,
    Statement,
    bill_system,
    paid_refs,
    seed_number,
)

# assessment no. → (owner, Telugu, locality, Telugu locality, municipality, Telugu, arrear halves)
ASSESSMENTS: dict[str, tuple[str, str, str, str, str, str, int]] = {
    "1086012345": (
        "K. Suresh Babu",
        "కె. సురేష్ బాబు",
        "Benz Circle",
        "బెంజ్ సర్కిల్",
        "Vijayawada",
        "విజయవాడ",
        0,
    ),
    "1086023456": ("P. Annapurna", "పి. అన్నపూర్ణ", "Patamata", "పటమట", "Vijayawada", "విజయవాడ", 1),
    "1091034567": ("G. Ramesh", "జి. రమేష్", "MVP Colony", "ఎంవీపీ కాలనీ", "Visakhapatnam", "విశాఖపట్నం", 0),
    "1073045678": ("S. Fathima", "ఎస్. ఫాతిమా", "Brodipet", "బ్రాడీపేట", "Guntur", "గుంటూరు", 2),
    "1102056789": (
        "T. Chandrasekhar",
        "టి. చంద్రశేఖర్",
        "Tilak Road",
        "తిలక్ రోడ్",
        "Tirupati",
        "తిరుపతి",
        0,
    ),
}

# licence no. → (trade name, Telugu, owner, category)
LICENCES: dict[str, tuple[str, str, str, str]] = {
    "TL2026VJA0012": ("Sri Durga Tiffin Centre", "శ్రీ దుర్గా టిఫిన్ సెంటర్", "K. Suresh Babu", "eatery"),
    "TL2026VSP0345": ("Sai Ram Medicals", "సాయి రామ్ మెడికల్స్", "G. Ramesh", "pharmacy"),
    "TL2026GNT0078": ("Lakshmi Kirana Store", "లక్ష్మి కిరాణా స్టోర్", "S. Fathima", "grocery"),
}
LICENCE_FEE = {"eatery": 250000, "pharmacy": 180000, "grocery": 120000}


def _halves(today: date, count: int) -> list[tuple[str, dict[str, str], date]]:
    """The last `count` half-years ending with the current one (Apr–Sep, Oct–Mar)."""
    fy = today.year if today.month >= 4 else today.year - 1
    half = 1 if 4 <= today.month <= 9 else 2
    out = []
    for _ in range(count):
        start = fy
        label_en = f"{'Apr–Sep' if half == 1 else 'Oct–Mar'} {start}-{(start + 1) % 100:02d}"
        label_te = f"{start}-{(start + 1) % 100:02d} {'మొదటి' if half == 1 else 'రెండో'} అర్ధ సంవత్సరం"
        due = date(start, 9, 30) if half == 1 else date(start + 1, 3, 31)
        out.append((f"{start}H{half}", {"en": label_en, "te": label_te}, due))
        fy, half = (fy, 1) if half == 2 else (fy - 1, 2)
    return list(reversed(out))


def _tax_lookup(system: str, base_paise: int, label: dict[str, str]):
    def lookup(db: Session, number: str) -> Statement | None:
        number = number.strip().upper().replace(" ", "")
        found = ASSESSMENTS.get(number)
        if found is None:
            return None
        owner, owner_te, area, area_te, town, town_te, arrear_halves = found
        amount = base_paise + (seed_number(system + number) % 40) * 5000
        paid = paid_refs(db, system, number)
        dues: list[Due] = []
        history = []
        for index, (half, half_label, due_date) in enumerate(
            _halves(clock.to_ist(clock.now()).date(), 6)
        ):
            ref = f"{system}:{number}:{half}"
            open_demand = index >= 5 - arrear_halves
            settled = (not open_demand) or ref in paid
            history.append((half_label, amount, settled))
            if not settled:
                dues.append(
                    Due(
                        ref=ref,
                        amount_paise=amount,
                        due_date=due_date,
                        label={
                            "en": f"{label['en']} {half_label['en']}",
                            "te": f"{label['te']} {half_label['te']}",
                        },
                    )
                )
        return Statement(
            system=system,
            account=number,
            holder=owner,
            holder_te=owner_te,
            dues=dues,
            history=history,
            lines={
                "en": [f"{owner}, {area}, {town}", f"Assessment no. {number}"],
                "te": [f"{owner_te}, {area_te}, {town_te}", f"అసెస్‌మెంట్ నంబర్ {number}"],
            },
        )

    return lookup


def _licence_lookup(db: Session, number: str) -> Statement | None:
    number = number.strip().upper().replace(" ", "")
    found = LICENCES.get(number)
    if found is None:
        return None
    trade, trade_te, owner, category = found
    year = clock.to_ist(clock.now()).year
    ref = f"trade_licence:{number}:{year}"
    settled = ref in paid_refs(db, "trade_licence", number)
    fee = LICENCE_FEE[category]
    dues = (
        []
        if settled
        else [
            Due(
                ref=ref,
                amount_paise=fee,
                due_date=date(year, 12, 31),
                label={"en": f"Trade licence renewal {year}", "te": f"{year} వ్యాపార లైసెన్స్ పునరుద్ధరణ"},
            )
        ]
    )
    return Statement(
        system="trade_licence",
        account=number,
        holder=owner,
        dues=dues,
        history=[({"en": f"Renewal {year}", "te": f"{year} పునరుద్ధరణ"}, fee, settled)],
        lines={"en": [trade, f"Licence no. {number}"], "te": [trade_te, f"లైసెన్స్ నంబర్ {number}"]},
    )


bill_system(
    BillSystem(
        id="property_tax",
        name={"en": "Property tax", "te": "ఆస్తి పన్ను"},
        lookup=_tax_lookup("property_tax", 180000, {"en": "Property tax", "te": "ఆస్తి పన్ను"}),
    )
)
bill_system(
    BillSystem(
        id="water_tax",
        name={"en": "Water tax", "te": "నీటి పన్ను"},
        lookup=_tax_lookup("water_tax", 60000, {"en": "Water tax", "te": "నీటి పన్ను"}),
    )
)
bill_system(
    BillSystem(
        id="trade_licence",
        name={"en": "Trade licence fee", "te": "వ్యాపార లైసెన్స్ రుసుము"},
        lookup=_licence_lookup,
    )
)
