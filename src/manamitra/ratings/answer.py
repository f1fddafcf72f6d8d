"""A rating tapped in the chat: checked against the case it names, stored once, thanked, and
followed by the offer of an optional comment."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra.messaging.reply import Buttons, Choice, Reply, Text
from manamitra.ratings.prompt import parse_choice, prompt_unless_rated, t
from manamitra.ratings.record import record_rating
from manamitra.ratings.scale import SCALE, shown
from manamitra.ratings.subject import Subject, find_subject
from manamitra.store.models import Grievance

SKIP_COMMENT = "ratings:skip"


@dataclass
class Taken:
    """What to say, and the case whose comment the citizen's next message may be."""

    replies: list[Reply] = field(default_factory=list)
    comment_for: tuple[str, str] | None = None  # (kind, reference)


def subject_name(subject: Subject, lang: str) -> str:
    title = subject.title.get(lang) or subject.title.get("en") or ""
    return t(lang, f"what.{subject.kind}", title=title, ref=subject.ref)


def take_tap(db: Session, citizen: str, lang: str, value: str) -> Taken:
    parsed = parse_choice(value)
    subject = find_subject(db, parsed[0], parsed[1]) if parsed else None
    if parsed is None or subject is None or subject.citizen != citizen:
        return Taken([Text(t(lang, "unknown"))])
    kind, ref, score = parsed
    what = subject_name(subject, lang)
    row = record_rating(
        db,
        subject_kind=kind,
        subject_ref=ref,
        citizen=citizen,
        score=score,
        lang=lang,
        service_id=subject.service_id,
        department=subject.department,
    )
    if row is None:
        return Taken([Text(t(lang, "already", what=what))])
    if kind == "grievance":
        grievance = db.scalar(select(Grievance).where(Grievance.number == ref))
        if grievance is not None and grievance.rating is None:
            grievance.rating, grievance.rating_scale = score, SCALE
    return Taken(
        [
            Text(t(lang, "thanks", what=what, rating=shown(score, SCALE))),
            Buttons(
                body=t(lang, "comment_question"),
                choices=(Choice(id=SKIP_COMMENT, title=t(lang, "comment_skip")),),
            ),
        ],
        comment_for=(kind, ref),
    )


def ask_rating(db: Session, kind: str, ref: str, lang: str) -> list[Reply]:
    """The 1–10 list for a case just completed; nothing when it is rated or unknown."""
    subject = find_subject(db, kind, ref)
    if subject is None:
        return []
    return prompt_unless_rated(db, lang, kind, ref, subject_name(subject, lang))
