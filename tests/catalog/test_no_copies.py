"""No padding: no two services are the same spec under another name, and every application
added in phase two says who may apply, where, with what, and by when."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from manamitra.catalog.loader import SERVICES_DIR
from manamitra.catalog.schema import ServiceSpec
from manamitra.services.catalog_check import load_checked_catalog

PHASE_TWO = SERVICES_DIR / "phase2"
# What a renamed copy would change: its id, its names and the words that find it.
NAMING = {"id", "name", "short_name", "keywords", "description", "order"}


@pytest.fixture(scope="module")
def catalog():
    return load_checked_catalog()


def _body(spec: ServiceSpec) -> str:
    """Everything about the service except its naming, with its own name blanked in texts."""
    data = spec.model_dump(mode="json", exclude=NAMING)
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for name in (spec.name, spec.short_name):
        if name is not None:
            text = text.replace(name.en, "<name>").replace(name.te, "<name>")
    return text


def test_no_two_services_differ_only_in_name(catalog) -> None:
    seen: dict[str, list[str]] = defaultdict(list)
    for spec in catalog.services.values():
        seen[_body(spec)].append(spec.id)
    copies = [ids for ids in seen.values() if len(ids) > 1]
    assert copies == []


def test_the_copy_check_catches_a_renamed_copy(catalog) -> None:
    original = catalog.services["revenue.minority_certificate"]
    renamed = original.model_copy(
        update={
            "id": "revenue.minority_status_certificate",
            "name": original.name.model_copy(update={"en": "Minority status certificate"}),
            "keywords": original.keywords.model_copy(update={"en": ("minority status",)}),
        }
    )
    assert _body(renamed) == _body(original)
    changed = original.model_copy(update={"sla_days": 21})
    assert _body(changed) != _body(original)


def _phase_two_ids(catalog) -> list[str]:
    return sorted(sid for sid, path in catalog.sources.items() if Path(path).parent == PHASE_TWO)


def test_phase_two_lists_at_least_300_new_services_from_many_departments(catalog) -> None:
    new = _phase_two_ids(catalog)
    assert len(new) >= 300
    assert len(catalog.services) >= 521
    assert len({s.department for s in catalog.services.values()}) >= 36


def test_every_new_application_says_who_where_what_and_when(catalog) -> None:
    missing = []
    for service_id in _phase_two_ids(catalog):
        spec = catalog.services[service_id]
        if spec.kind != "application":
            continue
        for field in ("documents_required", "sla_days", "eligibility", "office"):
            if not getattr(spec, field):
                missing.append((service_id, field))
    assert missing == []


def test_new_applications_show_eligibility_and_office_in_both_languages(catalog) -> None:
    spec = catalog.services["cmrf.relief_application"]
    assert spec.eligibility is not None and "Aarogyasri" in spec.eligibility.en
    assert spec.office is not None and "ముఖ్యమంత్రి" in spec.office.te
