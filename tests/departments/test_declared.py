"""Departments by declaration: loading, the engine over each kind of auth, error mapping, the
circuit, and the contract kit against the fixture server and a broken one."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from manamitra.departments.auth import sandbox_credentials
from manamitra.departments.contract import check_department
from manamitra.departments.declaration import (
    DeclarationError,
    load_declaration,
    load_declarations,
)
from manamitra.departments.declared import DeclaredDepartment
from manamitra.departments.fixtures import FixtureServer
from manamitra.departments.health import CLOSED, HALF_OPEN, OPEN, DepartmentHealth
from manamitra.departments.mapping import read_record, write_record
from manamitra.departments.reference import embedded_systems
from manamitra.errors import DepartmentRefusedError, DepartmentUnavailableError

DECLARED = load_declarations()


def _engine(name: str, handler=None, **kwargs) -> tuple[DeclaredDepartment, FixtureServer]:
    declaration = DECLARED[name]
    server = FixtureServer(declaration, embedded_systems())
    transport = httpx.MockTransport(handler or server.handle)
    engine = DeclaredDepartment(
        declaration,
        sandbox_credentials(declaration),
        transport=transport,
        sleep=lambda _s: None,
        **kwargs,
    )
    return engine, server


def test_every_declared_register_round_trips_through_its_mapping() -> None:
    systems = embedded_systems()
    assert {"civil_supplies", "transport", "serp", "bse"} <= set(DECLARED)
    for declaration in DECLARED.values():
        for operation in declaration.operations:
            for identifier in systems.identifiers(operation.source):
                record = systems.lookup(operation.source, identifier)
                assert record is not None
                body = write_record(operation.response, record)
                back = read_record(operation.response, body, operation.source, identifier)
                assert back.facts == record.facts and back.rows == record.rows


def test_a_bad_declaration_is_refused_naming_the_file_and_field(tmp_path: Path) -> None:
    text = (Path(__file__).parents[2] / "src/manamitra/departments/declared/bse.yaml").read_text()
    bad = tmp_path / "bse.yaml"
    bad.write_text(text.replace("path: /ssc/results", "path: /ssc/{answers.Bad}"))
    with pytest.raises(DeclarationError, match=r"(?s)bse.yaml.*operations.0.*answers.Bad"):
        load_declaration(bad)
    bad.write_text(text.replace("auth: {type: api_key", "auth: {type: kerberos"))
    with pytest.raises(DeclarationError, match=r"bse\.yaml"):
        load_declaration(bad)


def test_api_key_department_answers_a_card_with_coded_values_mapped() -> None:
    engine, _server = _engine("civil_supplies")
    record = engine.lookup("ration_card", "2810453712", {"head_mobile": "9849012345"})
    assert record is not None
    assert record.fact("status", "te") == "అమలులో ఉంది"
    assert record.fact("card_type", "en") == "Rice card (priority household)"
    assert [row["age"] for row in record.rows] == [46, 51, 19, 15]
    assert engine.lookup("ration_card", "2899999999") is None
    assert engine.health.calls == 2 and engine.health.not_found == 1


def test_request_carries_the_answers_the_declaration_maps() -> None:
    seen: list[httpx.Request] = []
    server = FixtureServer(DECLARED["civil_supplies"], embedded_systems())

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return server.handle(request)

    engine, _ = _engine("civil_supplies", handler)
    engine.lookup("ration_card", "2810453712", {"head_mobile": "9849012345"})
    assert seen[0].url.path.endswith("/cards/2810453712")
    assert seen[0].url.params["mobile"] == "9849012345"
    assert seen[0].headers["X-Api-Key"] == "sandbox-key-civil_supplies"


def test_wrong_api_key_is_refused_by_the_stand_in() -> None:
    declaration = DECLARED["civil_supplies"]
    server = FixtureServer(declaration, embedded_systems())
    from manamitra.departments.auth import Credentials

    engine = DeclaredDepartment(
        declaration,
        Credentials({"MM_DEPT_CIVIL_SUPPLIES_KEY": "stolen"}),
        transport=httpx.MockTransport(server.handle),
        sleep=lambda _s: None,
    )
    with pytest.raises(DepartmentUnavailableError, match="HTTP 401"):
        engine.lookup("ration_card", "2810453712")


def test_oauth2_token_is_fetched_once_and_again_after_a_401() -> None:
    declaration = DECLARED["transport"]
    server = FixtureServer(declaration, embedded_systems())
    token_calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/oauth2/token"):
            token_calls.append(request)
        return server.handle(request)

    engine, _ = _engine("transport", handler)
    vehicle = engine.lookup("vehicle", "AP39AB1234")
    assert vehicle is not None and vehicle.fact("registered_on", "en") == "18-06-2021"
    assert engine.lookup("driving_licence", "AP0320230001234") is not None
    assert len(token_calls) == 1
    server._tokens.clear()  # the department rotated its tokens
    assert engine.lookup("vehicle", "AP39AB1234") is not None
    assert len(token_calls) == 2


def test_a_declared_refusal_reaches_the_citizen_in_both_languages() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(423, json={"error": {"code": "CARD_UNDER_VERIFICATION"}})

    engine, _ = _engine("civil_supplies", handler)
    with pytest.raises(DepartmentRefusedError) as refused:
        engine.lookup("ration_card", "2810453712")
    assert "పరిశీలిస్తోంది" in refused.value.message["te"]
    assert "being verified" in refused.value.message["en"]


def test_circuit_opens_after_failures_then_half_opens_and_closes() -> None:
    now = [0.0]
    declaration = DECLARED["serp"]  # 3 failures open it for 30 s
    health = DepartmentHealth("serp", declaration.circuit, clock=lambda: now[0])
    server = FixtureServer(declaration, embedded_systems())
    server.down = True
    engine = DeclaredDepartment(
        declaration,
        sandbox_credentials(declaration),
        base_url="http://serp.test",
        transport=httpx.MockTransport(server.handle),
        health=health,
        sleep=lambda _s: None,
    )
    for _ in range(3):
        with pytest.raises(DepartmentUnavailableError):
            engine.lookup("pension", "1020304051")
    assert health.state == OPEN
    calls = server.calls
    with pytest.raises(DepartmentUnavailableError, match="circuit open"):
        engine.lookup("pension", "1020304051")
    assert server.calls == calls  # failed at once, nothing sent
    now[0] = 31.0
    assert health.state == HALF_OPEN
    server.down = False
    assert engine.lookup("pension", "1020304051") is not None
    assert health.state == CLOSED
    snapshot = health.snapshot()
    assert snapshot["errors"] == 3 and snapshot["calls"] == 4


def test_contract_kit_passes_against_every_declared_fixture_server() -> None:
    for declaration in DECLARED.values():
        server = FixtureServer(declaration, embedded_systems())
        checked, mismatches = check_department(
            declaration,
            "http://dept.test",
            sandbox_credentials(declaration),
            transport=httpx.MockTransport(server.handle),
        )
        assert mismatches == [], declaration.id
        assert len(checked) >= 2


def test_contract_kit_names_the_mismatch_of_a_broken_server() -> None:
    declaration = DECLARED["civil_supplies"]
    server = FixtureServer(declaration, embedded_systems())

    def broken(request: httpx.Request) -> httpx.Response:
        response = server.handle(request)
        if response.status_code == 200 and b"cardStatus" in response.content:
            body = response.json()
            body["card"]["status"] = body["card"].pop("cardStatus")
            return httpx.Response(200, json=body)
        if response.status_code == 404:
            return httpx.Response(500)
        return response

    _, mismatches = check_department(
        declaration,
        "http://dept.test",
        sandbox_credentials(declaration),
        transport=httpx.MockTransport(broken),
    )
    text = [str(m) for m in mismatches]
    assert "ration_card 2810453712: facts.status: `cardStatus` is missing from the answer" in text
    assert any("HTTP 500 for an unknown identifier" in line for line in text)


def test_a_spec_showing_a_fact_its_declaration_does_not_map_is_refused() -> None:
    from manamitra.catalog.schema import ServiceSpec
    from manamitra.errors import SpecError
    from manamitra.services.catalog_check import load_checked_catalog
    from manamitra.services.kind import get_kind

    spec = load_checked_catalog().services["civil_supplies.rice_card_status"]
    data = spec.model_dump(by_alias=True, exclude_defaults=True)
    data["lookup"] = {
        **data["lookup"],
        "show": [
            *data["lookup"]["show"],
            {"fact": "gas_connection", "label": {"en": "G", "te": "గ"}},
        ],
    }
    with pytest.raises(
        SpecError, match=r"'gas_connection' is not in the civil_supplies declaration"
    ):
        get_kind("lookup").check(ServiceSpec.model_validate(data))
