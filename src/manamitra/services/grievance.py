"""The `grievance` kind: register a complaint, check one by number, or rate/reopen one.

Registration asks what the spec's steps ask (a description as text or a voice note, up to
three photos, the place by WhatsApp pin or district → mandal → village), routes it to the
responsible office and answers with the grievance number and the expected resolution date.
Recognised answer ids: `description`, `photos` (group of `photo`), `location`, `district`,
`mandal`, `village`, `issue` (a sub-category choice). Example::

    kind: grievance
    grievance:
      category: street_lights
      action: register            # or `status`, or `feedback`
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.errors import SpecError, ValidationError
from manamitra.fields.base import (
    AskContext,
    FieldType,
    Option,
    register_field_type,
    register_option_provider,
)
from manamitra.fields.choice import ChoiceField
from manamitra.fields.upload import media_key
from manamitra.formatting import date_words
from manamitra.grievances import cases
from manamitra.grievances.categories import category_label
from manamitra.grievances.offices import office_name
from manamitra.grievances.places import place_of_pin
from manamitra.grievances.workflow import load_workflow
from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Text
from manamitra.ratings import SCALE, parse_score, shown
from manamitra.services.kind import (
    AskAgain,
    Done,
    KindResult,
    ServiceContext,
    ServiceKind,
    register_kind,
)
from manamitra.services.status import StatusItem, number_lookup, status_source
from manamitra.services.status_view import item_replies
from manamitra.store.models.grievances import Grievance

ACTIONS = ("register", "status", "feedback")
NUMBER = re.compile(r"^GRV-\d{4}-\d{6}$")
MIN_DESCRIPTION = 10


class ComplaintField(FieldType):
    """The problem in the citizen's words, typed or as a voice note (kept as an attachment)::

    - {id: description, type: complaint, prompt: {en: "Describe the problem.", te: "సమస్యను వివరించండి."}}
    """

    name = "complaint"
    # a voice note here is the complaint itself, kept as an attachment, not transcribed
    keeps_audio = True

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        if inbound.kind == "audio" and inbound.media is not None:
            return {
                "voice": True,
                "media_key": media_key(inbound.media.id),
                "media_id": inbound.media.id,
                "mime_type": inbound.media.mime_type,
            }
        text = (inbound.text or "").strip() if inbound.kind == "text" else ""
        if len(text) < MIN_DESCRIPTION:
            raise ValidationError("grievances.description_expected")
        return {"text": text[:2000]}

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        if isinstance(value, dict) and value.get("voice"):
            return t(lang, "grievances.voice_note")
        if isinstance(value, dict):
            return str(value.get("text", ""))[:200]
        return str(value)


class RatingField(ChoiceField):
    """1 to 10, tapped from the list or typed as stars, a digit, "8/10", "4/5" or the word::

    - id: rating
      type: rating
      prompt: {en: "How would you rate the service?", te: "సేవకు మీ రేటింగ్ ఎంత?"}
      options:
        - {id: "10", label: {en: "10 – Excellent", te: "10 – అద్భుతం"}}
        - {id: "1", label: {en: "1 – Terrible", te: "1 – అస్సలు బాగాలేదు"}}
    """

    name = "rating"
    error_key = "grievances.rating_invalid"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        if inbound.kind == "text" and inbound.text:
            rating = parse_score(inbound.text)
            if rating is not None:
                return str(rating)
        return super().parse(step, inbound, ctx)


def _attachments(answers: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    description = answers.get("description")
    if isinstance(description, dict) and description.get("voice"):
        found.append({"kind": "voice", **description})
    for item in answers.get("photos") or []:
        photo = item.get("photo") if isinstance(item, dict) else None
        if isinstance(photo, dict):
            found.append({"kind": "photo", **photo})
    return found[:4]


def _place(answers: dict[str, Any]) -> dict[str, Any]:
    place: dict[str, Any] = {"district": None, "mandal": None, "village": None}
    for key in ("village", "mandal", "district"):
        value = answers.get(key)
        if isinstance(value, str) and value:
            parts = value.split(".")
            place["district"] = place["district"] or parts[0]
            if len(parts) >= 2:
                place["mandal"] = place["mandal"] or ".".join(parts[:2])
            if len(parts) >= 3:
                place["village"] = place["village"] or value
    pin = answers.get("location")
    if isinstance(pin, dict) and pin.get("latitude") is not None:
        place["latitude"] = float(pin["latitude"])
        place["longitude"] = float(pin["longitude"])
        place["address"] = pin.get("address") or pin.get("name")
        if place["district"] is None:
            words = " ".join(str(pin.get(k) or "") for k in ("name", "address"))
            found = place_of_pin(place["latitude"], place["longitude"], words)
            place.update(district=found.district, mandal=found.mandal, village=found.village)
    return place


def status_item(db: Session, grievance: Grievance) -> StatusItem:
    flow = load_workflow("grievance")
    title = {
        lang: t(lang, "grievances.title", category=_category_label(grievance, lang))
        for lang in ("en", "te")
    }
    detail = {
        lang: t(
            lang,
            "grievances.detail",
            office=office_name(db, grievance.office_id, lang),
            due=date_words(grievance.due_at, lang),
        )
        for lang in ("en", "te")
    }
    return StatusItem(
        reference=grievance.number,
        title=title,
        status={lang: flow.label(grievance.state, lang) for lang in ("en", "te")},
        updated_at=clock.as_utc(grievance.updated_at),
        detail=detail,
    )


def _category_label(grievance: Grievance, lang: str) -> str:
    return category_label(grievance.category, lang)


@status_source("grievances")
def _citizen_grievances(db: Session, citizen: str) -> list[StatusItem]:
    rows = db.scalars(
        select(Grievance)
        .where(Grievance.citizen == citizen)
        .order_by(Grievance.updated_at.desc())
        .limit(20)
    ).all()
    return [status_item(db, row) for row in rows]


@number_lookup("grievances")
def _grievance_by_number(db: Session, citizen: str, text: str) -> StatusItem | None:
    number = text.strip().upper()
    if not NUMBER.match(number):
        return None
    row = cases.find_grievance(db, number)
    if row is None or row.citizen != citizen:
        return None
    return status_item(db, row)


def _awaiting_feedback(ctx: AskContext, step: StepSpec) -> list[Option]:
    if ctx.db is None:
        return []
    rows = ctx.db.scalars(
        select(Grievance)
        .where(Grievance.citizen == ctx.citizen, Grievance.state.in_(("resolved", "rejected")))
        .order_by(Grievance.resolved_at.desc())
        .limit(30)
    ).all()
    flow = load_workflow("grievance")
    return [
        Option(
            id=row.number,
            label={"en": row.number, "te": row.number},
            description={lang: flow.label(row.state, lang) for lang in ("en", "te")},
        )
        for row in rows
    ]


def _step_ids(spec: ServiceSpec) -> set[str]:
    return {step.id for step in spec.steps}


def _issue_label(spec: ServiceSpec, chosen: Any) -> str | None:
    """The chosen sub-category in English, as the office files it."""
    if not isinstance(chosen, str) or not chosen:
        return None
    for step in spec.steps:
        if step.id == "issue":
            for option in step.options:
                if option.id == chosen:
                    return option.label.en
    return chosen


class GrievanceKind(ServiceKind):
    name = "grievance"
    confirm = True

    def reviews(self, spec: ServiceSpec) -> bool:
        # Registering and rating submit something; a status check only reads.
        return spec.kind_config.get("action", "register") != "status"

    def check(self, spec: ServiceSpec) -> None:
        config = spec.grievance or {}
        action = config.get("action", "register")
        if action not in ACTIONS:
            raise SpecError(f"grievance.action: one of {', '.join(ACTIONS)}")
        if action == "register" and not config.get("category"):
            raise SpecError("grievance.category: required to route and time the complaint")

    def complete(self, ctx: ServiceContext) -> KindResult:
        action = ctx.spec.kind_config.get("action", "register")
        if action == "status":
            return self._status(ctx)
        if action == "feedback":
            return self._feedback(ctx)
        return self._register(ctx)

    def _register(self, ctx: ServiceContext) -> KindResult:
        config = ctx.spec.kind_config
        description = ctx.answers.get("description")
        text = description.get("text") if isinstance(description, dict) else None
        issue = _issue_label(ctx.spec, ctx.answers.get("issue"))
        if issue:
            text = f"{issue}: {text}" if text else issue
        place = _place(ctx.answers)
        if place["mandal"] is None and place["district"] and "mandal" in _step_ids(ctx.spec):
            # a pin we cannot place in a mandal would go to a district office: ask the mandal
            ctx.answers.update(location_mode="pick", district=place["district"])
            return AskAgain("mandal", "grievances.pin_needs_mandal")
        row = cases.register_grievance(
            ctx.db,
            cases.NewGrievance(
                citizen=ctx.citizen,
                lang=ctx.lang,
                service_id=ctx.spec.id,
                department=str(config.get("department", ctx.spec.department)),
                category=str(config["category"]),
                description=text,
                attachments=_attachments(ctx.answers),
                district=place["district"],
                mandal=place["mandal"],
                village=place["village"],
                latitude=place.get("latitude"),
                longitude=place.get("longitude"),
                address=place.get("address"),
                sla_days=ctx.spec.sla_days,
            ),
        )
        ctx.say(
            Text(
                ctx.t(
                    "grievances.acknowledged",
                    number=row.number,
                    office=office_name(ctx.db, row.office_id, ctx.lang),
                    due=date_words(row.due_at, ctx.lang),
                )
            )
        )
        return Done()

    def _status(self, ctx: ServiceContext) -> KindResult:
        typed = str(ctx.answers.get("number") or "").strip().upper()
        item = _grievance_by_number(ctx.db, ctx.citizen, typed)
        if item is None:
            ctx.say(Text(ctx.t("grievances.not_found", number=typed[:40])))
        else:
            ctx.say(*item_replies(item, ctx.lang))
        return Done()

    def _feedback(self, ctx: ServiceContext) -> KindResult:
        number = str(ctx.answers.get("grievance") or "")
        row = cases.find_grievance(ctx.db, number) if number else None
        if row is None or row.citizen != ctx.citizen or row.state not in ("resolved", "rejected"):
            ctx.say(Text(ctx.t("grievances.none_to_rate")))
            return Done()
        if ctx.answers.get("verdict") == "reopen":
            reason = ctx.answers.get("reason")
            if cases.reopen(ctx.db, row, str(reason) if reason else None):
                ctx.say(Text(ctx.t("grievances.reopened", number=row.number)))
            else:
                days = cases.reopen_window().days
                ctx.say(Text(ctx.t("grievances.reopen_window_over", number=row.number, days=days)))
            return Done()
        rating = int(str(ctx.answers.get("rating") or SCALE))
        comment = ctx.answers.get("comment")
        cases.rate(ctx.db, row, rating, str(comment) if comment else None)
        rated = shown(rating, SCALE)
        ctx.say(Text(ctx.t("grievances.thanks_rating", number=row.number, rating=rated)))
        return Done()


def register() -> None:
    """Enter what this module provides in the registries (`services.registry` calls it)."""
    register_field_type(ComplaintField)
    register_field_type(RatingField)
    register_option_provider("grievances_awaiting_feedback", _awaiting_feedback)
    register_kind(GrievanceKind)
