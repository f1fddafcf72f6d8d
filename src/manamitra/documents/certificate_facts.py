"""From an approved application's answers to the facts its certificate prints.

A spec says where each fact comes from, in its `application:` block::

    application:
      certificate: caste
      holder: applicant_name          # whose name the certificate bears (default)
      facts:
        caste: caste                  # an answer, shown as the citizen gave it
        category: social_category     # a choice: its label in each language
        parents: [father_name, mother_name]   # several answers joined
        member_count: count(members)  # how many items a group has
        annual_income: rupees(annual_income)  # an amount (kept in paise) in whole rupees
        sex: id(gender)               # a choice's id rather than its label

With `facts` given, only those facts are used; without, every plain answer is passed as is.
        financial_year: financial_year()      # the current Indian financial year

Every fact is offered in the three forms the document templates read: `x` (the raw answer
where it is a plain value, else its English display), `x_en` and `x_te`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from manamitra import clock
from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.errors import SpecError
from manamitra.fields import display_answer

_CALL = re.compile(r"^(count|financial_year|rupees|id)\((\w*)\)$")


@dataclass(frozen=True)
class CertificateRequest:
    doc_type: str
    holder_en: str
    holder_te: str
    facts: dict[str, Any]


def _steps(spec: ServiceSpec) -> dict[str, StepSpec]:
    found: dict[str, StepSpec] = {}
    for step in spec.steps:
        found[step.id] = step
        for sub in step.steps:
            found.setdefault(sub.id, sub)
    return found


def check_facts(spec: ServiceSpec) -> None:
    """Load-time check: every source names a step of the spec or a known function."""
    config = spec.application or {}
    steps = _steps(spec)
    holder = config.get("holder", config.get("applicant", "applicant_name"))
    if config.get("certificate") and holder not in steps:
        raise SpecError(f"application.holder: no step {holder!r}")
    for fact, source in (config.get("facts") or {}).items():
        for name in source if isinstance(source, list) else [source]:
            call = _CALL.match(str(name))
            if call:
                if call[1] in ("count", "rupees", "id") and call[2] not in steps:
                    raise SpecError(f"application.facts.{fact}: no step {call[2]!r}")
            elif name not in steps:
                raise SpecError(f"application.facts.{fact}: no step {name!r}")


def _financial_year() -> str:
    today = clock.to_ist(clock.now()).date()
    start = today.year if today.month >= 4 else today.year - 1
    return f"{start}-{str(start + 1)[-2:]}"


def _resolve(
    steps: dict[str, StepSpec], answers: dict[str, Any], source: Any
) -> tuple[Any, str, str]:
    """(raw, english, telugu) for one source."""
    if isinstance(source, list):
        parts = [_resolve(steps, answers, s) for s in source]
        en = ", ".join(p[1] for p in parts if p[1])
        te = ", ".join(p[2] for p in parts if p[2])
        return en, en, te
    call = _CALL.match(str(source))
    if call and call[1] == "count":
        count = len(answers.get(call[2]) or [])
        return count, str(count), str(count)
    if call and call[1] == "id":
        step, value = steps[call[2]], answers.get(call[2])
        return value, display_answer(step, value, "en"), display_answer(step, value, "te")
    if call and call[1] == "rupees":
        rupees = int(answers.get(call[2]) or 0) // 100
        return rupees, str(rupees), str(rupees)
    if call:
        year = _financial_year()
        return year, year, year
    step, value = steps[str(source)], answers.get(str(source))
    en, te = display_answer(step, value, "en"), display_answer(step, value, "te")
    plain = isinstance(value, str | int | float) and step.type not in ("choice", "yes_no")
    raw = value if plain else en
    return raw, en, te


def certificate_request(
    spec: ServiceSpec, answers: dict[str, Any], applicant_name: str | None = None
) -> CertificateRequest | None:
    """What to issue for an approved application of `spec`, or None if it issues nothing."""
    config = spec.application or {}
    doc_type = config.get("certificate")
    if not doc_type:
        return None
    steps = _steps(spec)
    mapping = config.get("facts") or {}
    facts: dict[str, Any] = (
        {}
        if mapping
        else {key: value for key, value in answers.items() if isinstance(value, str | int | float)}
    )
    for fact, source in mapping.items():
        raw, en, te = _resolve(steps, answers, source)
        facts[fact], facts[f"{fact}_en"], facts[f"{fact}_te"] = raw, en, te
    holder_key = config.get("holder", config.get("applicant", "applicant_name"))
    holder = str(answers.get(holder_key) or applicant_name or "-")
    return CertificateRequest(str(doc_type), holder, holder, facts)
