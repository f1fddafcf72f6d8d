"""The `lookup` kind: ask for an identifier, ask the department's register, answer in the
citizen's language. `source: application` reads our own applications table.

Example::

    kind: lookup
    steps:
      - {id: card_number, type: identifier, pattern: '28\\d{8}', example: "2810453712",
         prompt: {en: "Rice card number?", te: "రైస్ కార్డు నంబర్?"}}
    lookup:
      source: ration_card
      key: "{card_number}"                  # optional: built from answers; default first step
      show:
        - {fact: holder, label: {en: Card holder, te: కార్డుదారు}}
        - {fact: status, label: {en: Status, te: స్థితి}}
      rows:                                  # optional: a table in the record (members…)
        label: {en: Members, te: సభ్యులు}
        fields: [name, relation]
"""

from __future__ import annotations

import string
from typing import Any

from manamitra import clock
from manamitra.catalog.places import gazetteer
from manamitra.catalog.schema import Localized, ServiceSpec
from manamitra.departments.base import Record, render_value, systems_for
from manamitra.departments.coverage import unmapped
from manamitra.errors import SpecError
from manamitra.messaging.reply import Text
from manamitra.services.application import find_application, status_label
from manamitra.services.kind import (
    AskAgain,
    Done,
    KindResult,
    ServiceContext,
    ServiceKind,
    register_kind,
)

APPLICATION_SOURCE = "application"
LOOKUP_KEYS = frozenset({"source", "key", "show", "rows", "verify"})


def check_record_block(spec: ServiceSpec, config: dict[str, Any], block: str) -> None:
    """Shared by lookup and download: source, key fields, labels, verification steps."""
    unknown = set(config) - LOOKUP_KEYS - {"title"}
    if unknown:
        raise SpecError(f"{block}.{sorted(unknown)[0]}: unknown key")
    if not isinstance(config.get("source"), str):
        raise SpecError(f"{block}.source: name the department register")
    step_ids = {s.id for s in spec.steps}
    if not spec.steps:
        raise SpecError(f"steps: a {block} needs at least the identifier step")
    key = config.get("key")
    if key is not None:
        fields = {name for _, name, _, _ in string.Formatter().parse(key) if name}
        missing = fields - step_ids
        if missing:
            raise SpecError(f"{block}.key: no step {sorted(missing)[0]!r}")
    for index, item in enumerate(config.get("show") or []):
        if not isinstance(item, dict) or "fact" not in item:
            raise SpecError(f"{block}.show[{index}]: needs `fact` and `label`")
        try:
            Localized.model_validate(item.get("label"))
        except ValueError as exc:
            raise SpecError(f"{block}.show[{index}].label: {exc}") from exc
    for index, item in enumerate(config.get("verify") or []):
        if not isinstance(item, dict) or item.get("step") not in step_ids or "fact" not in item:
            raise SpecError(f"{block}.verify[{index}]: needs an existing `step` and a `fact`")
    named = {
        str(item["fact"]) for item in (config.get("show") or []) + (config.get("verify") or [])
    }
    rows = config.get("rows") or {}
    gap = unmapped(config["source"], named, {str(f) for f in rows.get("fields") or []})
    if gap is not None:
        raise SpecError(
            f"{block}: {gap[1]!r} is not in the {gap[0]} declaration's answer for "
            f"{config['source']} (departments/declared/{gap[0]}.yaml)"
        )


def record_key(spec: ServiceSpec, config: dict[str, Any], answers: dict[str, Any]) -> str:
    key = config.get("key")
    if key is None:
        return str(answers[spec.steps[0].id])
    return str(key).format(**{k: v for k, v in answers.items() if isinstance(v, str | int)})


def retry_step(spec: ServiceSpec, config: dict[str, Any]) -> str:
    """The step to ask again when no record matches: the last step the key is built from."""
    key = config.get("key")
    if key is None:
        return spec.steps[0].id
    fields = [name for _, name, _, _ in string.Formatter().parse(key) if name]
    return fields[-1]


def not_found(
    spec: ServiceSpec, config: dict[str, Any], answers: dict[str, Any], key: str
) -> AskAgain:
    step = retry_step(spec, config)
    return AskAgain(step, "records.not_found", {"value": answers.get(step, key)})


def mismatch(config: dict[str, Any], answers: dict[str, Any], key: str) -> AskAgain:
    """The record exists but the proof of entitlement does not match: ask for the proof again."""
    return AskAgain(config["verify"][0]["step"], "records.mismatch", {"value": key})


def verified(config: dict[str, Any], record: Record, answers: dict[str, Any]) -> bool:
    """The citizen proved entitlement: each `verify` answer equals the record's fact."""
    for item in config.get("verify") or []:
        given = answers.get(item["step"])
        expected = record.facts.get(item["fact"])
        if str(given).strip().casefold() != str(expected).strip().casefold():
            return False
    return True


def shown_identifier(identifier: str, lang: str) -> str:
    """A record key as a citizen reads it: "Tenali, Tenali, Guntur — 112/2", not the raw key."""

    head, _, rest = identifier.partition("/")
    place = gazetteer().get(head.lower())
    if place is None:
        return identifier
    label = gazetteer().label(place.id, lang)
    return f"{label} — {rest}" if rest else label


def record_lines(config: dict[str, Any], record: Record, lang: str) -> list[str]:
    lines = []
    for item in config.get("show") or []:
        label = Localized.model_validate(item["label"]).get(lang)
        lines.append(f"• {label}: {record.fact(item['fact'], lang)}")
    rows = config.get("rows")
    if rows and record.rows:
        lines.append("")
        lines.append(f"*{Localized.model_validate(rows['label']).get(lang)}*")
        for number, row in enumerate(record.rows, start=1):
            values = [render_value(row.get(name), lang) for name in rows.get("fields", [])]
            lines.append(f"{number}. {' — '.join(values)}")
    return lines


class Lookup(ServiceKind):
    name = "lookup"

    def check(self, spec: ServiceSpec) -> None:
        config = spec.lookup or {}
        check_record_block(spec, config, "lookup")
        if config["source"] != APPLICATION_SOURCE and not config.get("show"):
            raise SpecError("lookup.show: list the facts to show")

    def complete(self, ctx: ServiceContext) -> KindResult:
        config = ctx.spec.lookup or {}
        key = record_key(ctx.spec, config, ctx.answers)
        if config["source"] == APPLICATION_SOURCE:
            return self._application(ctx, key)
        record = systems_for(ctx.services).lookup(config["source"], key, ctx.answers)
        if record is None:
            return not_found(ctx.spec, config, ctx.answers, key)
        if not verified(config, record, ctx.answers):
            return mismatch(config, ctx.answers, key)
        shown = shown_identifier(record.identifier, ctx.lang)
        lines = [f"*{ctx.spec.name.get(ctx.lang)}* — {shown}", ""]
        lines.extend(record_lines(config, record, ctx.lang))
        ctx.say(Text("\n".join(lines)[:4096]))
        return Done()

    @staticmethod
    def _application(ctx: ServiceContext, key: str) -> KindResult:
        found = find_application(ctx.db, key)
        if found is None:
            return not_found(ctx.spec, ctx.spec.lookup or {}, ctx.answers, key)
        ctx.say(
            Text(
                ctx.t(
                    "records.application_found",
                    number=found.number,
                    service=found.title.get(ctx.lang) or found.service_id,
                    status=status_label(found.status)[ctx.lang],
                    submitted=clock.format_ist(found.submitted_at, "%d-%m-%Y"),
                    due=clock.format_ist(found.sla_due_at, "%d-%m-%Y") if found.sla_due_at else "-",
                )
            )
        )
        return Done()


def register() -> None:
    """Enter what this module provides in the registries (`services.registry` calls it)."""
    register_kind(Lookup)
