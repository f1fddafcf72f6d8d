"""The rating question: one WhatsApp list of ten rows, 10 at the top, sent once per case.

Each row's id carries the case ("rate:certificate:REV-2026-000123:8"), so the tap is understood
whenever it comes, on whatever screen, and a case already rated is never asked about again.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from manamitra.messaging.i18n import AreaCatalogue
from manamitra.messaging.limits import MAX_ROW_TITLE, clip
from manamitra.messaging.reply import Choice, ListMenu, Reply, Section
from manamitra.ratings.record import SUBJECTS, already_rated
from manamitra.ratings.scale import SCALE

PREFIX = "rate"
t = AreaCatalogue(Path(__file__).parent / "messages", "ratings")


def choice_id(kind: str, ref: str, score: int) -> str:
    return f"{PREFIX}:{kind}:{ref}:{score}"


def parse_choice(value: str) -> tuple[str, str, int] | None:
    """(kind, reference, score) from a row id; None when it is not a rating tap."""
    prefix, _, rest = value.partition(":")
    kind, _, rest = rest.partition(":")
    ref, _, score = rest.rpartition(":")
    if prefix != PREFIX or kind not in SUBJECTS or not ref or not score.isdigit():
        return None
    value_ = int(score)
    return (kind, ref, value_) if 1 <= value_ <= SCALE else None


def rating_prompt(lang: str, kind: str, ref: str, what: str) -> ListMenu:
    rows = tuple(
        Choice(id=choice_id(kind, ref, score), title=clip(t(lang, f"row.{score}"), MAX_ROW_TITLE))
        for score in range(SCALE, 0, -1)
    )
    return ListMenu(
        body=t(lang, "question", what=what),
        button=t(lang, "button"),
        sections=(Section(title=t(lang, "section"), rows=rows),),
        footer=t(lang, "footer"),
    )


def prompt_unless_rated(db: Session, lang: str, kind: str, ref: str, what: str) -> list[Reply]:
    """The question, or nothing when this case has its rating already."""
    if already_rated(db, kind, ref) is not None:
        return []
    return [rating_prompt(lang, kind, ref, what)]
