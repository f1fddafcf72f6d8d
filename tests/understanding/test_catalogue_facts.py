"""Every application service states the facts citizens ask about, and `catalog check` refuses
one that does not; answers come from those facts only."""

from __future__ import annotations

from typing import Any

import pytest

from manamitra.errors import SpecError
from manamitra.services.catalog_check import check_facts
from manamitra.understanding import answer


def test_every_application_service_states_documents_time_eligibility_and_office(
    catalog: Any,
) -> None:
    applications = [s for s in catalog.services.values() if s.kind == "application"]
    assert len(applications) > 100
    for spec in applications:
        assert spec.documents_required and spec.sla_days is not None, spec.id
        assert spec.eligibility is not None and spec.office is not None, spec.id


@pytest.mark.parametrize("missing", ["eligibility", "office", "documents_required", "sla_days"])
def test_catalog_check_refuses_an_application_without_a_fact(catalog: Any, missing: str) -> None:
    spec = catalog.services["revenue.caste_certificate"]
    empty = () if missing == "documents_required" else None
    with pytest.raises(SpecError, match=missing):
        check_facts(spec.model_copy(update={missing: empty}))


def test_answers_name_the_service_and_say_when_the_spec_is_silent(catalog: Any) -> None:
    caste = catalog.services["revenue.caste_certificate"]
    said, known = answer(caste, "where", "te")
    assert known and "*కుల ధృవీకరణ పత్రం*" in said and "తహసీల్దార్" in said
    said, known = answer(caste, "documents", "en")
    assert known and "• Aadhaar card" in said
    timings = catalog.services["rtgs.office_hours"]
    said, known = answer(timings, "eligibility", "en")
    assert not known and "no answer" in said
