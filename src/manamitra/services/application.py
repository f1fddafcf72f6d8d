"""The `application` kind: confirm a summary, take the fee, submit, give a number, track it.

A service with `fee_paise` sends the fee bill after the review (WhatsApp `order_details`, or a
checkout link) and submits when the payment is confirmed: the answers travel in the order, so
the application is written exactly once by the payment's fulfiller, and a failed payment
keeps them for the citizen to pay again.

Submitting writes an `Application` row in the turn's transaction, numbered per department and
year ("REV-2026-000123"), with the SLA due date, the place (for routing to the right office)
and the uploaded documents' media keys. Officers' decisions update the same row (console).

Example::

    kind: application
    sla_days: 7
    application:
      applicant: applicant_name      # step holding the applicant's name (default applicant_name)
      certificate: income            # document type issued on approval (optional)
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.loader import load_departments
from manamitra.catalog.schema import ServiceSpec
from manamitra.documents.certificate_facts import check_facts
from manamitra.documents.template import document_types
from manamitra.errors import SpecError
from manamitra.events import code_of, record_event
from manamitra.formatting import date_numeric, money
from manamitra.messaging.i18n import t
from manamitra.messaging.limits import clip
from manamitra.messaging.reply import Text
from manamitra.parts import Parts
from manamitra.payments.fulfil import Fulfilment, register_fulfiller
from manamitra.payments.orders import bill_replies, create_order
from manamitra.services.kind import Done, KindResult, ServiceContext, ServiceKind, register_kind
from manamitra.services.status import StatusItem, number_lookup, status_source
from manamitra.store.models import PaymentOrder
from manamitra.store.models.applications import Application, ApplicationCounter

PLACE_TYPES = ("district", "mandal", "village")
UPLOAD_TYPE = "upload"
ALLOWED_KEYS = frozenset(
    {"applicant", "certificate", "prefix", "documents_step", "holder", "facts"}
)


@cache
def department_prefix(department: str) -> str:
    departments = load_departments()
    spec = departments.get(department)
    return spec.number_prefix if spec else department[:6].upper()


def next_number(db: Session, prefix: str, at: datetime) -> str:
    """The next "PREFIX-YYYY-NNNNNN", from a counter row locked until the turn commits."""
    year = clock.to_ist(at).year
    query = (
        select(ApplicationCounter)
        .where(ApplicationCounter.prefix == prefix, ApplicationCounter.year == year)
        .with_for_update()
    )
    counter = db.execute(query).scalar_one_or_none()
    if counter is None:
        try:
            # A concurrent first application of the year may insert the same row: the
            # savepoint lets us lose that race and lock the winner's row instead.
            with db.begin_nested():
                db.add(ApplicationCounter(prefix=prefix, year=year, value=0))
        except IntegrityError:
            pass
        counter = db.execute(query.execution_options(populate_existing=True)).scalar_one()
    counter.value += 1
    db.flush()
    return f"{prefix}-{year}-{counter.value:06d}"


def _steps_of_type(spec: ServiceSpec, type_name: str) -> list[str]:
    return [step.id for step in spec.steps if step.type == type_name]


def _place(spec: ServiceSpec, answers: dict[str, Any]) -> dict[str, str | None]:
    place: dict[str, str | None] = dict.fromkeys(PLACE_TYPES)
    for type_name in PLACE_TYPES:
        for step_id in _steps_of_type(spec, type_name):
            value = answers.get(step_id)
            if isinstance(value, str):
                place[type_name] = value
                break
    return place


def _documents(spec: ServiceSpec, answers: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for step_id in _steps_of_type(spec, UPLOAD_TYPE):
        value = answers.get(step_id)
        if isinstance(value, dict):
            found.append({"step": step_id, **value})
    return found


def submit_application(ctx: ServiceContext, *, idempotency_key: str | None = None) -> Application:
    """Write the application for the flow in `ctx` (or return the one this turn already wrote)."""
    if idempotency_key is not None:
        existing = ctx.db.execute(
            select(Application).where(Application.idempotency_key == idempotency_key)
        ).scalar_one_or_none()
        if existing is not None:
            return existing
    spec = ctx.spec
    config = spec.application or {}
    now = clock.now()
    prefix = config.get("prefix") or department_prefix(spec.department)
    applicant = ctx.answers.get(config.get("applicant", "applicant_name"))
    place = _place(spec, ctx.answers)
    answers = {k: v for k, v in ctx.answers.items() if not k.startswith("_")}
    application = Application(
        number=next_number(ctx.db, prefix, now),
        service_id=spec.id,
        department=spec.department,
        citizen=ctx.citizen,
        title={"en": spec.name.en, "te": spec.name.te},
        applicant_name=applicant if isinstance(applicant, str) else ctx.profile_name,
        language=ctx.lang,
        status="submitted",
        answers=answers,
        documents=_documents(spec, ctx.answers),
        district=place["district"],
        mandal=place["mandal"],
        village=place["village"],
        fee_paise=spec.fee_paise,
        idempotency_key=idempotency_key,
        submitted_at=now,
        updated_at=now,
        sla_due_at=now + timedelta(days=spec.sla_days) if spec.sla_days else None,
    )
    ctx.db.add(application)
    ctx.db.flush()
    record_event(
        ctx.db,
        "application.submitted",
        citizen=ctx.citizen,
        service=code_of(spec.id),
        department=code_of(spec.department),
        district=code_of(place["district"]),
        mandal=code_of(place["mandal"]),
        amount_paise=spec.fee_paise,
    )
    return application


class ApplicationKind(ServiceKind):
    """Collects the answers, confirms, submits; the acknowledgement carries the number::

    kind: application
    sla_days: 7
    steps:
      - {id: applicant_name, type: name, prompt: {en: "Full name?", te: "పూర్తి పేరు?"}}
    application: {applicant: applicant_name, certificate: income}
    """

    name = "application"
    confirm = True

    def check(self, spec: ServiceSpec) -> None:
        config = spec.application or {}
        unknown = set(config) - ALLOWED_KEYS
        if unknown:
            raise SpecError(f"application.{sorted(unknown)[0]}: unknown key")
        applicant = config.get("applicant")
        if applicant is not None and applicant not in {s.id for s in spec.steps}:
            raise SpecError(f"application.applicant: no step {applicant!r}")
        if spec.sla_days is None:
            raise SpecError("sla_days: an application needs a service-level time")
        certificate = config.get("certificate")
        if certificate is not None:
            if certificate not in document_types():
                raise SpecError(f"application.certificate: no document type {certificate!r}")
            check_facts(spec)

    def complete(self, ctx: ServiceContext) -> KindResult:
        if ctx.spec.fee_paise:
            return bill_fee(ctx)
        key = f"{ctx.citizen}:{ctx.inbound.message_id}" if ctx.inbound else None
        application = submit_application(ctx, idempotency_key=key)
        ctx.kind_state["number"] = application.number
        ctx.say(Text(submitted_text(application, ctx.spec, ctx.lang)))
        return Done()


def submitted_text(application: Application, spec: ServiceSpec, lang: str) -> str:
    due = date_numeric(application.sla_due_at) if application.sla_due_at else "-"
    return t(
        lang,
        "applications.submitted",
        service=spec.name.get(lang),
        number=application.number,
        due=due,
    )


# ---- the fee, paid before the application is submitted ---------------------------------
FEE_PURPOSE = "application_fee"


def bill_fee(ctx: ServiceContext) -> KindResult:
    """The fee bill for these answers (one order per Submit tap, so a repeated turn reuses it)."""
    payments = ctx.parts.payments
    answers = dict(ctx.answers)
    tap = ctx.inbound.message_id if ctx.inbound else ""
    name = ctx.spec.name.get(ctx.lang)
    order = create_order(
        ctx.db,
        payments,
        citizen=ctx.citizen,
        lang=ctx.lang,
        purpose=FEE_PURPOSE,
        service_id=ctx.spec.id,
        subject=ctx.spec.id,
        title={"en": ctx.spec.name.en, "te": ctx.spec.name.te},
        items=[
            {
                "id": "fee",
                "name": clip(t(ctx.lang, "applications.fee_item", service=name), 60),
                "amount_paise": ctx.spec.fee_paise,
                "quantity": 1,
            }
        ],
        idempotency_key=f"fee:{ctx.citizen}:{ctx.spec.id}:{tap}",
        meta={"answers": answers, "profile_name": ctx.profile_name},
    )
    ctx.say(Text(ctx.t("applications.fee_due", amount=money(ctx.spec.fee_paise), service=name)))
    ctx.say(*bill_replies(payments, order, ctx.lang))
    return Done(to_menu=False)


def _submit_paid_application(db: Session, order: PaymentOrder, parts: Parts) -> Fulfilment:
    spec = parts.catalog.service(order.service_id)
    if spec is None:
        return Fulfilment("refund", [Text(t(order.lang, "applications.fee_refunded"))])
    meta = order.meta or {}
    ctx = ServiceContext(
        db=db,
        citizen=order.citizen,
        lang=order.lang,
        spec=spec,
        answers=dict(meta.get("answers", {})),
        kind_state={},
        parts=parts,
        profile_name=meta.get("profile_name"),
    )
    application = submit_application(ctx, idempotency_key=f"fee:{order.id}")
    application.answers = {**application.answers, "fee_payment": order.id}
    return Fulfilment("fulfilled", [Text(submitted_text(application, spec, order.lang))])


# ---- "my applications" -------------------------------------------------------------------
NUMBER_PATTERN = re.compile(r"^([A-Z]{2,6})-?(\d{4})-?(\d{6})$")
MAX_LISTED = 20


def status_label(status: str) -> dict[str, str]:
    key = f"applications.status.{status}"
    try:
        return {"en": t("en", key), "te": t("te", key)}
    except KeyError:
        return {"en": status, "te": status}


def status_item(application: Application) -> StatusItem:
    """How an application appears under "my applications" and when its number is typed."""
    params: dict[str, str] = {
        "submitted": clock.format_ist(application.submitted_at, "%d-%m-%Y"),
        "due": clock.format_ist(application.sla_due_at, "%d-%m-%Y")
        if application.sla_due_at
        else "-",
    }
    detail = {lang: t(lang, "applications.detail", **params) for lang in ("en", "te")}
    if application.decision_reason and application.status in ("rejected", "needs_document"):
        for lang in ("en", "te"):
            detail[lang] += "\n" + t(
                lang, "applications.reason", reason=application.decision_reason
            )
    return StatusItem(
        reference=application.number,
        title=dict(application.title) or {"en": application.service_id},
        status=status_label(application.status),
        updated_at=clock.as_utc(application.updated_at),
        detail=detail,
        document_media_key=application.certificate_media_key,
        document_filename=f"{application.number}.pdf"
        if application.certificate_media_key
        else None,
    )


def find_application(db: Session, number: str) -> Application | None:
    """The application with this number, typed with or without dashes and in any case."""
    match = NUMBER_PATTERN.match(re.sub(r"\s", "", number).upper())
    if match is None:
        return None
    canonical = "-".join(match.groups())
    query = select(Application).where(Application.number == canonical)
    return db.execute(query).scalar_one_or_none()


@status_source("applications")
def citizen_applications(db: Session, citizen: str) -> list[StatusItem]:
    rows = db.execute(
        select(Application)
        .where(Application.citizen == citizen)
        .order_by(Application.updated_at.desc())
        .limit(MAX_LISTED)
    ).scalars()
    return [status_item(row) for row in rows]


@number_lookup("applications")
def application_by_number(db: Session, citizen: str, text: str) -> StatusItem | None:
    """A citizen typing one of their own application numbers sees its status."""
    found = find_application(db, text)
    if found is None or found.citizen != citizen:
        return None
    return status_item(found)


def register() -> None:
    """Enter what this module provides in the registries (`services.registry` calls it)."""
    register_kind(ApplicationKind)
    register_fulfiller(FEE_PURPOSE, _submit_paid_application)
