"""A typed answer to the question on screen, matched as a person would: "tirupathi" for the
stop Tirupati, "tomorrow", "repu" or "13th" for that date's option, "2", "రెండు", "rendu" or
"second" for the second option, "avunu"/"kaadu" for yes/no. The chat, and the voice
transcripts that reach it, map free text to a step's answer here and nowhere else.

The result is the tap or the typed date the citizen would have sent (`opt:<id>` or an ISO
date), so the field's own parser still decides whether it is a valid answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from manamitra.catalog.schema import StepSpec
from manamitra.fields.base import Option
from manamitra.understanding import lexicon
from manamitra.understanding.dates import said_dates
from manamitra.understanding.options import named_options, option_by_position
from manamitra.understanding.places import mentions
from manamitra.understanding.slots import PLACE_TYPES, SHARED_PROVIDERS, date_for_step
from manamitra.understanding.text import Message

_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class StepAnswer:
    """What the citizen meant: the option tapped, or the date typed in ISO form."""

    option_id: str | None = None
    text: str | None = None


def answer_step(
    step: StepSpec, options: Sequence[Option] | None, text: str, today: date
) -> StepAnswer | None:
    """The answer `text` gives to `step` (offering `options`), or None when it gives none."""
    message = Message.of(text)
    if not message.tokens:
        return None
    if step.type == "date":
        found = date_for_step(step, said_dates(message), today)
        return StepAnswer(text=found.isoformat()) if found else None
    if not options:
        return None
    if step.type == "yes_no":
        return _yes_no(message)
    chosen = _option(options, message, today, by_name=_named_places(step))
    return StepAnswer(option_id=chosen.id) if chosen is not None else None


def _yes_no(message: Message) -> StepAnswer | None:
    said = set(message.tokens)
    yes, no = bool(said & lexicon.YES), bool(said & lexicon.NO)
    if yes == no:
        return None
    return StepAnswer(option_id="yes" if yes else "no")


def _named_places(step: StepSpec) -> bool:
    """Steps whose options are places or temples, read by name with a typo allowed."""
    return step.type in PLACE_TYPES or step.options_from in SHARED_PROVIDERS


def _option(
    options: Sequence[Option], message: Message, today: date, *, by_name: bool
) -> Option | None:
    by_place = option_by_position(options, message.tokens)
    if by_place is not None:
        return by_place
    if all(_ISO.fullmatch(o.id) for o in options):
        offered = {o.id: o for o in options}
        for said in said_dates(message):
            day = said.resolve(today)
            if day is not None and day.isoformat() in offered:
                return offered[day.isoformat()]
        return None
    if by_name:
        named = mentions(options, message.tokens)
        if len(named) == 1:
            return named[0].option
    hits = named_options(options, message.tokens)
    return hits[0].option if hits else None
