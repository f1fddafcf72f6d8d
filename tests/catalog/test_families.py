"""Families and shared steps in the spec format: how a spec is resolved, and the precise errors
a wrong family, step or loop gets at load time."""

from __future__ import annotations

from pathlib import Path

import pytest

from manamitra.catalog.families import Families
from manamitra.catalog.loader import DEPARTMENTS_FILE, load_catalog
from manamitra.errors import SpecError
from manamitra.services.catalog_check import load_checked_catalog

ASK = {"en": "Aadhaar?", "te": "ఆధార్?"}
STEPS = {
    "aadhaar": {"id": "aadhaar", "type": "aadhaar", "prompt": ASK},
    "consent": {"id": "consent", "type": "consent", "prompt": ASK},
}
FAMILIES = {
    "base": {
        "kind": "application",
        "category": "other",
        "office": {"en": "Sachivalayam", "te": "సచివాలయం"},
        "steps": ["aadhaar", "own_steps", "consent"],
        "application": {"prefix": "REV"},
    },
    "revenue": {"extends": "base", "department": "revenue", "application": {"certificate": "x"}},
}
OWN = {"id": "village_name", "type": "text", "prompt": ASK}


def _families() -> Families:
    return Families(STEPS, FAMILIES)


def test_a_spec_gets_its_family_and_its_own_steps_in_the_frame() -> None:
    spec = _families().resolve({"id": "revenue.x", "extends": "revenue", "steps": [OWN]})
    assert [s["id"] for s in spec["steps"]] == ["aadhaar", "village_name", "consent"]
    assert spec["department"] == "revenue"
    # Mappings merge key by key down the chain: both levels' application keys are kept.
    assert spec["application"] == {"prefix": "REV", "certificate": "x"}
    assert "extends" not in spec


def test_the_spec_wins_over_its_family() -> None:
    office = {"en": "RDO office", "te": "ఆర్డీఓ కార్యాలయం"}
    spec = _families().resolve({"extends": "base", "office": office})
    assert spec["office"] == office
    assert [s["id"] for s in spec["steps"]] == ["aadhaar", "consent"]


def test_a_shared_step_can_be_changed_where_it_is_used() -> None:
    spec = _families().resolve({"steps": [{"use": "aadhaar", "optional": True}, "consent"]})
    assert spec["steps"][0] == {**STEPS["aadhaar"], "optional": True}


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"extends": "nope"}, "extends: unknown family 'nope'"),
        ({"steps": ["nope"]}, "steps[0]: no shared step 'nope'"),
        ({"steps": ["own_steps"]}, "steps[0]: `own_steps` outside a family"),
    ],
)
def test_wrong_references_are_named(document: dict, message: str) -> None:
    with pytest.raises(SpecError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _families().resolve(document)


def test_a_loop_of_families_is_refused() -> None:
    looping = Families(STEPS, {"a": {"extends": "b"}, "b": {"extends": "a"}})
    with pytest.raises(SpecError, match="families loop: a → b → a"):
        looping.check("families.yaml")


def test_a_family_with_a_key_no_spec_has_is_refused() -> None:
    with pytest.raises(SpecError, match=r"families\.bad\.colour: unknown key"):
        Families(STEPS, {"bad": {"colour": "red"}}).check("families.yaml")


def test_a_file_may_not_redefine_a_shared_family() -> None:
    with pytest.raises(SpecError, match=r"families\.base: also defined in families\.yaml"):
        _families().with_local({"base": {"kind": "lookup"}}, "x.yaml")


def test_the_loader_names_file_entry_and_field(tmp_path: Path) -> None:
    (tmp_path / "families.yaml").write_text(
        "families:\n  base: {kind: information, category: other, information: {body: {en: Hi, te: నమస్తే}},"
        " name: {en: Hours, te: వేళలు}, description: {en: Hours, te: వేళలు}}\n",
        encoding="utf-8",
    )
    services = tmp_path / "services"
    services.mkdir()
    (services / "x.yaml").write_text(
        "services:\n- {id: revenue.ok, extends: base, department: revenue}\n"
        "- {id: revenue.bad, extends: missing, department: revenue}\n",
        encoding="utf-8",
    )
    with pytest.raises(SpecError, match=r"x.yaml: services\[1\]: extends: unknown family"):
        load_catalog(services, DEPARTMENTS_FILE, families_file=tmp_path / "families.yaml")


def test_the_catalogue_uses_families_for_its_record_copies_and_discoms() -> None:
    catalog = load_checked_catalog()
    meters = [catalog.services[f"{d}.meter_change"] for d in ("apspdcl", "apepdcl", "apcpdcl")]
    assert len({m.description.en for m in meters}) == 1
    assert len({m.office.en for m in meters if m.office}) == 3
    assert [s.id for s in meters[0].steps][:3] == ["applicant_name", "mobile", "service_number"]
