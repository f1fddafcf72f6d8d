"""The `information` kind: answers that need no lookup (addresses, documents needed, fees),
optionally with the offices of a chosen district, or the places nearest a shared location.

Example::

    kind: information
    information:
      body:
        en: "Offices are open 10:00 to 17:00, Monday to Saturday."
        te: "కార్యాలయాలు సోమవారం నుంచి శనివారం వరకు ఉదయం 10 నుంచి సాయంత్రం 5 వరకు పనిచేస్తాయి."

With a district step, list that district's offices (`tahsildar`, `police`, `rto`, `municipal`,
`hospital`, `sub_registrar`, or `sachivalayam` with a mandal step)::

    steps: [{id: district, type: district, prompt: {en: "District?", te: "జిల్లా?"}}]
    information: {body: {...}, offices: tahsildar, district_step: district}

With a location step, the nearest places of a directory (`anna_canteens`)::

    steps: [{id: where, type: location, prompt: {en: "Share your location.", te: "మీ ప్రదేశం పంపండి."}}]
    information: {body: {...}, nearest: anna_canteens, location_step: where}
"""

from __future__ import annotations

from typing import Any

from manamitra.catalog.places import gazetteer
from manamitra.catalog.schema import Localized, ServiceSpec
from manamitra.departments.offices import (
    NEAREST_SOURCES,
    OFFICE_KINDS,
    OFFICE_TITLES,
    nearest,
    offices,
)
from manamitra.errors import SpecError
from manamitra.messaging.reply import Text
from manamitra.services.kind import Done, KindResult, ServiceContext, ServiceKind, register_kind

KEYS = frozenset(
    {"body", "answers", "offices", "district_step", "mandal_step", "nearest", "location_step"}
)
NEAREST_COUNT = 3


class Information(ServiceKind):
    name = "information"

    def check(self, spec: ServiceSpec) -> None:
        config = spec.information or {}
        unknown = set(config) - KEYS
        if unknown:
            raise SpecError(f"information.{sorted(unknown)[0]}: unknown key")
        if "body" not in config and "answers" not in config:
            raise SpecError("information: needs `body` (or `answers` keyed by a choice step)")
        try:
            if "body" in config:
                Localized.model_validate(config["body"])
            for key, text in (config.get("answers") or {}).items():
                Localized.model_validate(text)
                if not isinstance(key, str):
                    raise SpecError("information.answers: keys must be option ids")
        except ValueError as exc:
            raise SpecError(f"information.body: {exc}") from exc
        step_ids = {s.id for s in spec.steps}
        if "offices" in config:
            if config["offices"] not in OFFICE_KINDS:
                raise SpecError(f"information.offices: unknown office kind {config['offices']!r}")
            if config.get("district_step", "district") not in step_ids:
                raise SpecError("information.district_step: no such step")
            if (
                config["offices"] == "sachivalayam"
                and config.get("mandal_step", "mandal") not in step_ids
            ):
                raise SpecError("information.mandal_step: Sachivalayams need a mandal step")
        if "nearest" in config:
            if config["nearest"] not in NEAREST_SOURCES:
                raise SpecError(f"information.nearest: unknown directory {config['nearest']!r}")
            if config.get("location_step", "location") not in step_ids:
                raise SpecError("information.location_step: no such step")

    def complete(self, ctx: ServiceContext) -> KindResult:
        config = ctx.spec.information or {}
        answers = config.get("answers") or {}
        chosen = next(
            (answers[v] for v in ctx.answers.values() if isinstance(v, str) and v in answers), None
        )
        text = chosen or config.get("body")
        parts = [ctx.text(text)] if text else []
        if "offices" in config:
            parts.append(self._offices(ctx, config))
        if "nearest" in config:
            parts.append(self._nearest(ctx, config))
        ctx.say(Text("\n\n".join(p for p in parts if p)[:4096]))
        return Done()

    @staticmethod
    def _offices(ctx: ServiceContext, config: dict[str, Any]) -> str:
        kind = config["offices"]
        district = str(ctx.answers.get(config.get("district_step", "district"), ""))
        mandal = ctx.answers.get(config.get("mandal_step", "mandal"))
        found = offices(kind, district, mandal if isinstance(mandal, str) else None)

        place = gazetteer().district(district)
        title_en, title_te = OFFICE_TITLES[kind]
        lines = [
            ctx.t(
                "records.offices_title",
                office=title_te if ctx.lang == "te" else title_en,
                district=place.name(ctx.lang) if place else district,
            )
        ]
        for office in found[:15]:
            lines.append(f"• *{ctx.text(office.name)}* — {ctx.text(office.address)}")
        return "\n".join(lines)

    @staticmethod
    def _nearest(ctx: ServiceContext, config: dict[str, Any]) -> str:
        where = ctx.answers.get(config.get("location_step", "location"))
        if not isinstance(where, dict):
            return ""
        ranked = nearest(
            config["nearest"], float(where["latitude"]), float(where["longitude"]), NEAREST_COUNT
        )
        lines = [ctx.t("records.nearest_title")]
        for index, (place, km) in enumerate(ranked, start=1):
            lines.append(
                ctx.t(
                    "records.nearest_line",
                    index=index,
                    name=ctx.text(place.name),
                    distance=f"{km:.1f}",
                    address=ctx.text(place.address),
                )
            )
        return "\n".join(lines)


def register() -> None:
    """Enter what this module provides in the registries (`services.registry` calls it)."""
    register_kind(Information)
