from __future__ import annotations

import httpx
import pytest

from manamitra.departments.base import Record, render_value
from manamitra.departments.http import HttpDepartmentSystems
from manamitra.departments.offices import anna_canteens, nearest, offices
from manamitra.departments.reference import embedded_systems
from manamitra.errors import DepartmentUnavailableError


def test_embedded_registers_answer_with_normalised_identifiers() -> None:
    systems = embedded_systems()
    record = systems.lookup("ration_card", "28104 53712")
    assert record is not None and record.identifier == "2810453712"
    assert record.fact("holder", "te") == "కొండపల్లి లక్ష్మీదేవి"
    assert len(record.rows) == 4
    assert systems.lookup("ration_card", "2899999999") is None
    assert systems.document("adangal", "srikakulam.srikakulam.srikakulam/112/2") is not None


def test_every_register_has_records_and_bilingual_text() -> None:
    systems = embedded_systems()
    assert len(systems.sources()) >= 20
    for source in systems.sources():
        identifiers = systems.identifiers(source)
        assert identifiers, source
        record = systems.lookup(source, identifiers[0])
        assert record is not None
        for value in record.facts.values():
            if isinstance(value, dict):
                assert set(value) == {"en", "te"}, (source, value)


def test_dates_render_day_first() -> None:
    from datetime import date

    assert render_value(date(2026, 11, 1), "te") == "01-11-2026"
    assert render_value({"en": "Paid", "te": "చెల్లించారు"}, "te") == "చెల్లించారు"


def _adapter(handler, **kwargs) -> HttpDepartmentSystems:
    slept: list[float] = []
    adapter = HttpDepartmentSystems(
        "https://dept.example/api",
        transport=httpx.MockTransport(handler),
        sleep=slept.append,
        **kwargs,
    )
    adapter.slept = slept  # type: ignore[attr-defined]
    return adapter


def test_http_adapter_reads_a_record_with_an_idempotency_key() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"facts": {"holder": {"en": "A", "te": "ఎ"}}, "rows": []})

    record = _adapter(handler, token="t0k").lookup("ration_card", "2810453712")
    assert isinstance(record, Record) and record.fact("holder", "te") == "ఎ"
    assert seen[0].url.path == "/api/records/ration_card/2810453712"
    assert seen[0].headers["Idempotency-Key"] == "ration_card:2810453712"
    assert seen[0].headers["Authorization"] == "Bearer t0k"


def test_http_adapter_404_means_no_record() -> None:
    adapter = _adapter(lambda request: httpx.Response(404))
    assert adapter.document("ssc_hall_ticket", "1") is None


def test_http_adapter_retries_with_backoff_then_succeeds() -> None:
    calls = {"n": 0}

    def handler(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] < 3:
            return httpx.Response(503)
        return httpx.Response(200, json={"facts": {}})

    adapter = _adapter(handler, attempts=3, backoff=0.5)
    assert adapter.lookup("pension", "1020304051") is not None
    assert adapter.slept == [0.5, 1.0]  # type: ignore[attr-defined]


def test_http_adapter_down_raises_department_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    adapter = _adapter(handler, attempts=3)
    with pytest.raises(DepartmentUnavailableError):
        adapter.lookup("pension", "1020304051")
    assert len(adapter.slept) == 2  # type: ignore[attr-defined]


def test_http_adapter_slow_department_times_out_as_unavailable() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(DepartmentUnavailableError):
        _adapter(handler, attempts=2, timeout=0.1).lookup("pension", "1")


def test_http_adapter_unreadable_answer_is_unavailable() -> None:
    with pytest.raises(DepartmentUnavailableError):
        _adapter(lambda r: httpx.Response(200, text="<html>")).lookup("pension", "1")


def test_offices_cover_every_district() -> None:
    from manamitra.catalog.places import gazetteer

    for district in gazetteer().districts:
        assert offices("tahsildar", district.id)
        assert offices("police", district.id)
    sachivalayams = offices("sachivalayam", "guntur", "guntur.tenali")
    assert sachivalayams and sachivalayams[0].name["te"].startswith("సచివాలయం")


def test_nearest_anna_canteens_to_vijayawada_are_in_vijayawada() -> None:
    assert len(anna_canteens()) >= 30
    ranked = nearest("anna_canteens", 16.5062, 80.6480, 3)
    assert [km for _, km in ranked] == sorted(km for _, km in ranked)
    assert all("Vijayawada" in place.address["en"] for place, _ in ranked)
    assert ranked[0][1] < 5


def test_routed_systems_send_each_register_to_its_system() -> None:
    from manamitra.departments import RoutedSystems

    down = _adapter(lambda request: httpx.Response(503), attempts=1)
    routed = RoutedSystems({"pension": down}, default=embedded_systems())
    assert routed.lookup("ration_card", "2810453712") is not None
    with pytest.raises(DepartmentUnavailableError):
        routed.document("pension", "1020304051")
