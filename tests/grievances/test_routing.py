"""The office that owns the place and the category gets the case: a town's municipality or a
village's gram panchayat (then the mandal) for civic complaints, the mandal office of the
department otherwise; a district or regional office only when the place is known no better."""

from __future__ import annotations

import pytest

from manamitra.grievances.offices import route, seed_offices
from manamitra.grievances.places import place_of_pin
from manamitra.store import Database

CASES = [
    # category, service department, district, mandal, village → office id, level
    ("water_supply", "municipal", "guntur", "guntur.tenali", None, "municipal.guntur.tenali"),
    (
        "water_supply",
        "municipal",
        "guntur",
        "guntur.tenali",
        "guntur.tenali.tenali",
        "municipal.guntur.tenali",
    ),
    (
        "water_supply",
        "municipal",
        "guntur",
        "guntur.tenali",
        "guntur.tenali.chinnapuram",
        "panchayat_raj.guntur.tenali.chinnapuram",
    ),
    (
        "roads",
        "municipal",
        "guntur",
        "guntur.pedakakani",
        None,
        "panchayat_raj.guntur.pedakakani",
    ),
    (
        "street_lights",
        "municipal",
        "ntr",
        "ntr.vijayawada_urban",
        "ntr.vijayawada_urban.gollapalli",
        "municipal.ntr.vijayawada_urban",
    ),
    (
        "sanitation",
        "municipal",
        "visakhapatnam",
        "visakhapatnam.padmanabham",
        "visakhapatnam.padmanabham.kothapalli",
        "panchayat_raj.visakhapatnam.padmanabham.kothapalli",
    ),
    (
        "revenue",
        "revenue",
        "guntur",
        "guntur.tenali",
        "guntur.tenali.chinnapuram",
        "revenue.guntur.tenali",
    ),
    ("police", "police", "ntr", "ntr.vijayawada_urban", None, "police.ntr.vijayawada_urban"),
    (
        "power_supply",
        "apspdcl",  # the citizen chose another discom: the one serving Guntur takes it
        "guntur",
        "guntur.pedakakani",
        "guntur.pedakakani.pedapadu",
        "apcpdcl.guntur.pedakakani",
    ),
]


@pytest.mark.parametrize(
    ("category", "department", "district", "mandal", "village", "office"), CASES
)
def test_the_office_owning_the_place_and_category_gets_the_case(
    database: Database,
    category: str,
    department: str,
    district: str,
    mandal: str,
    village: str | None,
    office: str,
) -> None:
    with database.unit_of_work() as db:
        seed_offices(db)
        found = route(db, department, district, mandal, village=village, category=category)
        assert found is not None and found.id == office
        assert found.level in ("mandal", "village")


def test_offices_are_named_for_the_body_that_governs_the_place(database: Database) -> None:
    with database.unit_of_work() as db:
        seed_offices(db)
        town = route(db, "municipal", "ntr", "ntr.vijayawada_urban", category="water_supply")
        village = route(
            db,
            "municipal",
            "guntur",
            "guntur.tenali",
            village="guntur.tenali.chinnapuram",
            category="water_supply",
        )
        assert town is not None and village is not None
        assert town.name_en == "Vijayawada Municipal Corporation"
        assert town.name_te == "విజయవాడ నగరపాలక సంస్థ"
        assert village.name_en == "Gram Panchayat, Chinnapuram (Tenali mandal)"
        # escalation climbs gram panchayat → mandal parishad → district → state
        assert village.parent_id == "panchayat_raj.guntur.tenali"


def test_a_pin_is_placed_by_the_names_it_carries_or_the_headquarters_town() -> None:
    named = place_of_pin(16.24, 80.64, "Near the school, Chinnapuram, Tenali, Andhra Pradesh")
    assert (named.mandal, named.village) == ("guntur.tenali", "guntur.tenali.chinnapuram")
    in_town = place_of_pin(16.3067, 80.4365)  # Guntur's headquarters
    assert (in_town.district, in_town.mandal) == ("guntur", "guntur.guntur")
    far = place_of_pin(16.05, 80.2)  # fields between towns, no address
    assert far.district is not None and far.mandal is None
