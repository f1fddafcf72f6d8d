"""The three electricity distribution companies' billing systems (reference data):
APSPDCL (Tirupati, southern districts), APEPDCL (Visakhapatnam, northern coastal districts),
APCPDCL (Vijayawada, central districts). By service number: the current bill, its due date,
arrears, and the last six bills; a paid bill shows paid from the department's record."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.departments.billing import (
    BillSystem,
    Due,
    Statement,
    bill_system,
    month_label,
    month_start,
    paid_refs,
    seed_number,
)

# (service number, consumer name, Telugu name, town, Telugu town, has arrears)
ACCOUNTS: dict[str, list[tuple[str, str, str, str, str, bool]]] = {
    "apspdcl": [
        ("1121402003456", "K. Venkata Ramana", "కె. వెంకట రమణ", "Tirupati", "తిరుపతి", False),
        ("1121402007781", "S. Lakshmi Devi", "ఎస్. లక్ష్మీ దేవి", "Nellore", "నెల్లూరు", True),
        ("1121402011209", "P. Ravi Kumar", "పి. రవి కుమార్", "Kadapa", "కడప", False),
        ("1121402015532", "M. Anjaneyulu", "ఎం. ఆంజనేయులు", "Anantapur", "అనంతపురం", True),
        ("1121402019914", "G. Padmavathi", "జి. పద్మావతి", "Kurnool", "కర్నూలు", False),
    ],
    "apepdcl": [
        ("2231506001123", "B. Satyanarayana", "బి. సత్యనారాయణ", "Visakhapatnam", "విశాఖపట్నం", False),
        ("2231506004478", "Ch. Durga Prasad", "చ. దుర్గా ప్రసాద్", "Rajahmundry", "రాజమహేంద్రవరం", True),
        ("2231506008835", "T. Sravani", "టి. శ్రావణి", "Kakinada", "కాకినాడ", False),
        ("2231506012290", "N. Appala Naidu", "ఎన్. అప్పల నాయుడు", "Srikakulam", "శ్రీకాకుళం", False),
    ],
    "apcpdcl": [
        ("3341608002234", "V. Srinivasa Rao", "వి. శ్రీనివాస రావు", "Vijayawada", "విజయవాడ", False),
        ("3341608005567", "A. Nagamani", "ఎ. నాగమణి", "Guntur", "గుంటూరు", True),
        ("3341608009901", "R. Koteswara Rao", "ఆర్. కోటేశ్వర రావు", "Ongole", "ఒంగోలు", False),
    ],
}

NAMES = {
    "apspdcl": {"en": "APSPDCL (Southern Power)", "te": "ఏపీఎస్‌పీడీసీఎల్ (దక్షిణ విద్యుత్)"},
    "apepdcl": {"en": "APEPDCL (Eastern Power)", "te": "ఏపీఈపీడీసీఎల్ (తూర్పు విద్యుత్)"},
    "apcpdcl": {"en": "APCPDCL (Central Power)", "te": "ఏపీసీపీడీసీఎల్ (మధ్య విద్యుత్)"},
}

# LT-I domestic slabs (rupees per unit, in paise) — representative, not the tariff order.
SLABS = ((50, 195), (50, 310), (100, 480), (100, 770), (10**6, 900))
FIXED_PAISE = 1000 + 4500  # fixed charge + customer charge


def energy_charge(units: int) -> int:
    left, total = units, 0
    for size, rate in SLABS:
        used = min(left, size)
        total += used * rate
        left -= used
        if left <= 0:
            break
    return total + FIXED_PAISE


def _statement(discom: str):
    def lookup(db: Session, number: str) -> Statement | None:
        number = "".join(ch for ch in number if ch.isdigit())
        found = next((a for a in ACCOUNTS[discom] if a[0] == number), None)
        if found is None:
            return None
        _, name_en, name_te, town_en, town_te, arrears = found
        today = clock.to_ist(clock.now()).date()
        seed = seed_number(number)
        paid = paid_refs(db, discom, number)
        history: list[tuple[dict[str, str], int, bool]] = []
        dues: list[Due] = []
        for back in range(6, 0, -1):
            month = month_start(today, back)
            units = 90 + (seed >> back) % 180
            amount = energy_charge(units)
            ref = f"{discom}:{number}:{month:%Y-%m}"
            is_current = back == 1
            open_bill = is_current or (arrears and back == 2)
            settled = (not open_bill) or ref in paid
            label = month_label(month)
            history.append(
                (
                    {
                        "en": f"{label['en']} · {units} units",
                        "te": f"{label['te']} · {units} యూనిట్లు",
                    },
                    amount,
                    settled,
                )
            )
            if not settled:
                due = month_start(today, back - 1) + timedelta(days=14)
                dues.append(
                    Due(
                        ref=ref,
                        label={
                            "en": f"Bill {label['en']} ({units} units)",
                            "te": f"{label['te']} బిల్లు ({units} యూనిట్లు)",
                        },
                        amount_paise=amount,
                        due_date=due,
                    )
                )
        return Statement(
            system=discom,
            account=number,
            holder=name_en,
            holder_te=name_te,
            lines={
                "en": [f"{name_en}, {town_en}", f"Service no. {number}"],
                "te": [f"{name_te}, {town_te}", f"సర్వీస్ నంబర్ {number}"],
            },
            dues=dues,
            history=history,
        )

    return lookup


for _discom in ACCOUNTS:
    bill_system(BillSystem(id=_discom, name=NAMES[_discom], lookup=_statement(_discom)))
