"""How a fact and its source read in the chat: each answer as a person reads it, sensitive
ones masked (Aadhaar as XXXX XXXX 1234, caste and category not shown), and where it came from
("Income certificate REV-2026-000123, 05-12-2026")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from manamitra.fields import get_field_type
from manamitra.formatting import date_numeric
from manamitra.messaging.i18n import AreaCatalogue
from manamitra.privacy import mask_aadhaar
from manamitra.profile.facts import Fact, Source

t = AreaCatalogue(Path(__file__).parent / "messages", "profile")


def label(fact: Fact, lang: str) -> str:
    return t(lang, f"fact.{fact.key}")


def value_text(fact: Fact, lang: str) -> str:
    """The value as shown on screen; sensitive facts masked."""
    if fact.key == "aadhaar":
        return mask_aadhaar(fact.value)
    if fact.sensitive:
        return t(lang, "hidden")
    if fact.key == "family_members":
        return "; ".join(_member(row, lang) for row in fact.value)
    if fact.step is not None:
        # the field that asked it knows how a person reads it (an option's label, ₹, a date)
        return get_field_type(fact.step.type).display(fact.step, fact.value, lang)
    return str(fact.value)


def _member(row: dict[str, Any], lang: str) -> str:
    name, relation = (_words(row.get(k), lang) for k in ("name", "relation"))
    return f"{name} ({relation})" if relation else name


def _words(value: Any, lang: str) -> str:
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("en") or "")
    return "" if value is None else str(value)


def source_text(source: Source, lang: str) -> str:
    title = source.title.get(lang) or source.title.get("en") or source.service_id
    when = date_numeric(source.decided_at) if source.decided_at else "-"
    if source.kind == "correction":
        return t(lang, "source.correction", department=title, date=when, number=source.application)
    if source.kind == "records":
        return t(lang, "source.records", department=title)
    if source.certificate:
        return t(lang, "source.document", title=title, number=source.certificate, date=when)
    return t(lang, "source.application", title=title, number=source.application, date=when)


def fact_lines(facts: list[Fact], lang: str) -> str:
    """Facts grouped under the source each came from, in the order given."""
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(fact.source.application, []).append(fact)
    blocks = []
    for group in groups.values():
        lines = [f"_{source_text(group[0].source, lang)}_"]
        lines += [f"• {label(f, lang)}: {value_text(f, lang)}" for f in group]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
