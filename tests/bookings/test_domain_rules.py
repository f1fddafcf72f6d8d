"""APSRTC and temple rules: seats (ladies' seats only to women, window wish), fares by
distance, class, age and concession, refunds by hours before departure, bill arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from manamitra.departments import apsrtc, temples
from manamitra.departments.discoms import energy_charge
from manamitra.payments.text import rupees


def test_ladies_seats_go_only_to_women_and_window_wishes_are_kept() -> None:
    express = apsrtc.CLASSES["express"]
    seats = {s.number: s for s in apsrtc.layout(express)}
    men = apsrtc.pick_seats(express, ["male", "male"], "window", set())
    assert men is not None and all(not seats[n].ladies and seats[n].window for n in men)
    women = apsrtc.pick_seats(express, ["female"], "any", set())
    assert women is not None and seats[women[0]].ladies
    everyone_but_ladies = {n for n, s in seats.items() if not s.ladies}
    assert apsrtc.pick_seats(express, ["male"], "any", everyone_but_ladies) is None
    assert apsrtc.pick_seats(express, ["female"], "any", everyone_but_ladies) is not None


def test_fares_grow_with_class_and_fall_with_age_and_concession() -> None:
    day = date(2026, 12, 5)
    by_class = {s.bus_class.id: s for s in apsrtc.services("VJA", "VSKP", day)}
    assert "palle_velugu" not in by_class  # village services do not run 400 km
    adult = {k: s.fare(30, "none") for k, s in by_class.items()}
    assert adult["express"] < adult["super_luxury"] < adult["indra_ac"] < adult["amaravati_ac"]
    express = by_class["express"]
    assert express.fare(8, "none") < express.fare(30, "none")
    assert express.fare(65, "senior") < express.fare(65, "none")
    assert all(f % 100 == 0 for f in adult.values())  # whole rupees
    assert 300 <= express.km <= 450


@pytest.mark.parametrize(
    ("hours", "bus", "temple"),
    [(72, 90, 90), (48, 90, 50), (30, 75, 50), (12, 50, 0), (3, 25, 0), (1, 0, 0)],
)
def test_refund_rules_by_hours_before(hours: float, bus: int, temple: int) -> None:
    assert apsrtc.refund_percent(hours) == bus
    assert temples.refund_percent(hours) == temple


def test_each_temple_offers_darshan_with_quotas() -> None:
    assert {
        "srisailam",
        "kanaka_durga",
        "annavaram",
        "simhachalam",
        "srikalahasti",
        "kanipakam",
        "dwaraka_tirumala",
    } <= set(temples.TEMPLES)
    for temple in temples.TEMPLES.values():
        assert any(o.kind == "darshan" and o.quota > 0 and o.slots for o in temple.offerings)


def test_slab_tariff_and_indian_rupee_grouping() -> None:
    assert energy_charge(50) == 50 * 195 + 5500
    assert energy_charge(120) == 50 * 195 + 50 * 310 + 20 * 480 + 5500
    assert rupees(12345678) == "₹1,23,456.78"
    assert rupees(100000) == "₹1,000"
