"""Demo facts for every document type, so `manamitra issue-demo` and the benchmark issue real
documents through the same path as an approved application."""

from __future__ import annotations

from typing import Any

from manamitra.documents.render import Office, Officer
from manamitra.names import to_latin

TAHSILDAR_OFFICE = Office("AP-GNT-TAH-045", "Tahsildar Office, Guntur", "తహసీల్దార్ కార్యాలయం, గుంటూరు")
TAHSILDAR = Officer("Tahsildar", "తహసీల్దార్", "K. Lakshmi")
REGISTRAR_OFFICE = Office(
    "AP-GNT-MC-CRS", "Registrar of Births and Deaths, Guntur", "జనన మరణాల రిజిస్ట్రార్ కార్యాలయం, గుంటూరు"
)
REGISTRAR = Officer("Registrar of Births and Deaths", "జనన మరణాల రిజిస్ట్రార్")
MANA_MITRA_OFFICE = Office("AP-MM", "Mana Mitra, Govt. of AP", "మన మిత్ర, ఆంధ్రప్రదేశ్ ప్రభుత్వం")
MANA_MITRA = Officer("Mana Mitra Service Desk", "మన మిత్ర సేవా కేంద్రం")

RELATIONS = ("son", "daughter", "wife")
# a demo holder's name ending so is taken for a woman's unless told otherwise (`--relation`);
# only the demo guesses: an application's certificate takes the relation the citizen gave
_WOMEN_NAME_ENDINGS = ("devi", "amma", "kumari", "rani", "lakshmi", "latha", "vathi", "vati")


def demo_relation(name_en: str, name_te: str = "") -> str:
    """ "daughter" for a name that ends as women's names commonly do, else "son"."""
    english = (name_en.strip() or to_latin(name_te)).lower()
    return "daughter" if english.endswith(_WOMEN_NAME_ENDINGS) else "son"


def demo_facts(doc_type: str, relation: str = "son") -> dict[str, Any]:
    """Coherent demo facts for `doc_type` about a holder who is the parent's `relation`: a
    daughter's birth certificate says female, a woman's family lists her husband."""
    woman = relation != "son"
    family: dict[str, Any] = {
        "relation": relation,
        "parent_en": "Venkata Rao",
        "parent_te": "వెంకట రావు",
        "address_en": "Door 4-12, Brodipet, Guntur",
        "address_te": "ఇంటి నం. 4-12, బ్రాడీపేట, గుంటూరు",
    }
    if woman:
        spouse_en, spouse_te = "Srinivas (husband)", "శ్రీనివాస్ (భర్త)"
    else:
        spouse_en, spouse_te = "Lakshmi (wife)", "లక్ష్మి (భార్య)"
    facts: dict[str, dict[str, Any]] = {
        "income": {
            **family,
            "annual_income": 96000,
            "purpose_en": "Scholarship",
            "purpose_te": "ఉపకార వేతనం",
        },
        "caste": {
            **family,
            "caste_en": "Kapu",
            "caste_te": "కాపు",
            "category_en": "BC-D",
            "category_te": "బీసీ-డి",
        },
        "residence": {**family, "years": 12},
        "ews": {**family, "annual_income": 540000, "financial_year": "2025-26"},
        "family_member": {
            **family,
            "members_en": f"{spouse_en}, Sai (son), Divya (daughter)",
            "members_te": f"{spouse_te}, సాయి (కుమారుడు), దివ్య (కుమార్తె)",
            "member_count": 4,
        },
        "birth": {
            "date_of_birth": "2026-03-14",
            "sex": "female" if woman else "male",
            "place_en": "Government General Hospital, Guntur",
            "place_te": "ప్రభుత్వ సర్వజన ఆసుపత్రి, గుంటూరు",
            "parents_en": "Ravi Kumar and Lakshmi",
            "parents_te": "రవి కుమార్, లక్ష్మి",
        },
        "death": {
            "date_of_death": "2026-06-02",
            "place_en": "Brodipet, Guntur",
            "place_te": "బ్రాడీపేట, గుంటూరు",
        },
        "payment": {
            "service_en": "Income certificate fee",
            "service_te": "ఆదాయ ధ్రువీకరణ పత్రం రుసుము",
            "amount": 4500,
            "paid_at": "2026-11-28T10:15:00+05:30",
            "mode": "UPI",
            "transaction_id": "UPI-4829301755",
        },
        "bus_ticket": {
            "origin_en": "Vijayawada (PNBS)",
            "origin_te": "విజయవాడ (పీఎన్‌బీఎస్)",
            "destination_en": "Tirupati",
            "destination_te": "తిరుపతి",
            "departure": "2026-12-05T21:00:00+05:30",
            "bus_service_en": "Indra AC",
            "bus_service_te": "ఇంద్ర ఏసీ",
            "seats": "7, 8",
            "passengers_en": "Ravi Kumar (34), Lakshmi (31)",
            "passengers_te": "రవి కుమార్ (34), లక్ష్మి (31)",
            "fare": 142600,
        },
        "temple_ticket": {
            "temple_en": "Srisailam Mallikarjuna Swamy",
            "temple_te": "శ్రీశైలం మల్లికార్జున స్వామి",
            "darshan_en": "Sheeghra darshan",
            "darshan_te": "శీఘ్ర దర్శనం",
            "slot": "2026-12-05T09:00:00+05:30",
            "persons": 2,
            "pilgrims_en": "Ravi Kumar, Lakshmi",
            "pilgrims_te": "రవి కుమార్, లక్ష్మి",
            "amount": 60000,
        },
        "booking": {
            "venue_en": "Kanaka Durga Temple, Vijayawada",
            "venue_te": "కనకదుర్గ ఆలయం, విజయవాడ",
            "slot": "2026-12-05T07:30:00+05:30",
            "persons": 2,
            "amount": 60000,
        },
    }
    return facts[doc_type]


DEMO_TYPES = (
    "income", "caste", "residence", "ews", "family_member", "birth", "death", "payment",
    "bus_ticket", "temple_ticket", "booking",
)  # fmt: skip
# the default demo holder, Ravi Kumar Reddy, is his father's son
DEMO_FACTS: dict[str, dict[str, Any]] = {doc_type: demo_facts(doc_type) for doc_type in DEMO_TYPES}


def demo_office(doc_type: str, department: str) -> tuple[Office, Officer]:
    if department == "revenue":
        return TAHSILDAR_OFFICE, TAHSILDAR
    if department == "crs":
        return REGISTRAR_OFFICE, REGISTRAR
    return MANA_MITRA_OFFICE, MANA_MITRA
