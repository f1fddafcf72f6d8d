"""Answers to questions about a service, from the spec's own facts only (documents, fee, time
limit, eligibility, office), in the citizen's language. Where the spec is silent the answer
says so; nothing is made up."""

from __future__ import annotations

from manamitra.catalog.schema import ServiceSpec
from manamitra.formatting import money
from manamitra.messaging.i18n import t


def answer(spec: ServiceSpec, topic: str | None, lang: str) -> tuple[str, bool]:
    """The answer text, and whether the spec held the fact asked for."""
    name = spec.name.get(lang)
    if topic == "documents":
        if not spec.documents_required:
            return t(lang, "understanding.no_documents", service=name), False
        listed = "\n".join(f"• {d.get(lang)}" for d in spec.documents_required)
        return t(lang, "understanding.documents", service=name, documents=listed), True
    if topic == "fee":
        if not spec.fee_paise:
            return t(lang, "understanding.no_fee", service=name), True
        return t(lang, "understanding.fee", service=name, amount=money(spec.fee_paise)), True
    if topic == "time":
        if spec.sla_days is None:
            return t(lang, "understanding.no_time", service=name), False
        return t(lang, "understanding.time", service=name, days=spec.sla_days), True
    if topic == "eligibility":
        if spec.eligibility is None:
            return t(lang, "understanding.unanswered", service=name), False
        return t(
            lang, "understanding.eligibility", service=name, text=spec.eligibility.get(lang)
        ), True
    if topic == "where":
        if spec.office is None:
            return t(lang, "understanding.unanswered", service=name), False
        return t(lang, "understanding.where", service=name, text=spec.office.get(lang)), True
    return t(lang, "understanding.about", service=name, text=spec.description.get(lang)), True
