"""The answers a sentence already gives to a service's questions, as the flow itself stores
them: option ids (from the step's own options or a provider that lists the same options for
everyone), ISO dates, paise, reference numbers matching the step's pattern, places from the
gazetteer. Names, Aadhaar, mobile numbers and free text are never taken from a sentence."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from manamitra import clock
from manamitra.catalog.places import gazetteer
from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.errors import ManamitraError
from manamitra.fields.base import OPTION_PROVIDERS, AskContext, Option
from manamitra.fields.identifier import IdentifierField
from manamitra.understanding.amounts import said_amounts
from manamitra.understanding.dates import SaidDate, said_dates
from manamitra.understanding.options import named_options
from manamitra.understanding.places import mentions, origin_and_destination
from manamitra.understanding.text import Message, skeleton

# Providers whose options are the same for every citizen, so a sentence can be read against
# them before the flow starts (the others list the citizen's own tickets, seats or slots).
SHARED_PROVIDERS = frozenset({"apsrtc_stops", "booking_dates", "temples", "photo_id_types"})
# Of those, the ones listing places a journey runs between (their names are not service words).
JOURNEY_PROVIDERS = frozenset({"apsrtc_stops"})
PLACE_TYPES = frozenset({"district", "mandal", "village"})
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_NAME_WORDS: dict[str, frozenset[str]] = {}
_LISTED: dict[tuple[Any, ...], list[Option]] = {}


def _static(step: StepSpec) -> list[Option]:
    return [Option(id=o.id, label={"en": o.label.en, "te": o.label.te}) for o in step.options]


def step_options(step: StepSpec, answers: dict[str, Any], lang: str) -> list[Option] | None:
    """The options a step offers before any citizen data is read; None when they depend on it."""
    if step.options_from:
        if step.options_from not in SHARED_PROVIDERS:
            return None
        # the same options all day for everyone: listed once per day, step and earlier answers
        key = (
            step.options_from,
            step.id,
            clock.to_ist(clock.now()).date(),
            tuple(sorted(map(str, answers.items()))),
        )
        if key not in _LISTED:
            try:
                _LISTED[key] = OPTION_PROVIDERS[step.options_from](
                    AskContext(lang=lang, answers=answers), step
                )
            except (ManamitraError, KeyError):
                _LISTED[key] = []
            if len(_LISTED) > 512:
                _LISTED.pop(next(iter(_LISTED)))
        return _LISTED[key] or None
    if step.type in PLACE_TYPES:
        return _places(step, answers)
    return _static(step) if step.options else None


def _places(step: StepSpec, answers: dict[str, Any]) -> list[Option] | None:
    places = gazetteer()
    if step.type == "district":
        found = places.districts
    elif step.type == "mandal":
        district = answers.get(str(step.params.get("district_step", "district")))
        found = places.mandals(district) if isinstance(district, str) else ()
    else:
        mandal = answers.get(str(step.params.get("mandal_step", "mandal")))
        found = places.villages(mandal) if isinstance(mandal, str) else ()
    return [Option(id=p.id, label={"en": p.en, "te": p.te}) for p in found] or None


def date_for_step(step: StepSpec, said: list[SaidDate], today: date) -> date | None:
    """The first date said that this date step accepts (its past/future/max_days rules)."""
    past = bool(step.params.get("past"))
    birth = "birth" in step.id or "dob" in step.id
    for mention in said:
        if birth and mention.year is None:
            continue  # "repu" is never a date of birth
        value = mention.resolve(today, past=past)
        if value is None:
            continue
        if past and value > today:
            continue
        if step.params.get("future") and value < today:
            continue
        max_days = step.params.get("max_days_ahead")
        if max_days is not None and value > today + timedelta(days=int(max_days)):
            continue
        return value
    return None


def _identifier(step: StepSpec, message: Message) -> str | None:
    pattern = re.compile(str(step.params.get("pattern", "")))
    parts = message.raw.split()
    for size in (1, 2, 3, 4):
        for start in range(len(parts) - size + 1):
            candidate = IdentifierField.clean("".join(parts[start : start + size]), step)
            candidate = candidate.strip(".,;:!?()")
            if candidate and pattern.fullmatch(candidate):
                return candidate
    return None


def extract(spec: ServiceSpec, message: Message, today: date, lang: str) -> dict[str, Any]:
    """Every top-level answer the message gives to the spec's questions, in step order."""
    answers: dict[str, Any] = {}
    said = said_dates(message)
    amounts = said_amounts(message.raw)
    journey = _journey_steps(spec)
    spec_words = _name_words(spec)
    places_used: set[int] = set()
    for step in spec.steps:
        if step.type == "group" or (step.when is not None and not step.when.holds(answers)):
            continue
        if step.id in journey:
            _journey(spec, journey, message, answers, lang)
            continue
        if step.type in PLACE_TYPES:
            value = _place(step, message, answers, places_used)
        else:
            value = _value(step, message, answers, said, amounts, today, lang, spec_words)
        if value is not None:
            answers[step.id] = value
    return answers


def _value(
    step: StepSpec,
    message: Message,
    answers: dict[str, Any],
    said: list[SaidDate],
    amounts: tuple[int, ...],
    today: date,
    lang: str,
    spec_words: frozenset[str],
) -> Any:
    if step.type == "date":
        found = date_for_step(step, said, today)
        return found.isoformat() if found else None
    if step.type == "amount":
        high = step.params.get("max_rupees")
        return next((a for a in amounts if high is None or a <= int(high) * 100), None)
    if step.type == "identifier":
        return _identifier(step, message)
    if step.type not in ("choice", *PLACE_TYPES):
        return None
    options = step_options(step, answers, lang)
    if not options:
        return None
    if all(_ISO.fullmatch(o.id) for o in options):
        offered = {o.id: o for o in options}
        for mention in said:
            value = mention.resolve(today)
            if value is not None and value.isoformat() in offered:
                return offered[value.isoformat()].answer
        return None
    hits = named_options(options, _beyond_the_name(message, spec_words))
    return hits[0].option.answer if hits else None


def _name_words(spec: ServiceSpec) -> frozenset[str]:
    """The words of the service's own name: they chose it, they do not answer its questions
    ("office hours" is the service, not the option "MRO office")."""
    cached = _NAME_WORDS.get(spec.id)
    if cached is None:
        texts = [spec.name.en, spec.name.te]
        if spec.short_name is not None:
            texts += [spec.short_name.en, spec.short_name.te]
        cached = frozenset(t for text in texts for t in skeleton(text))
        _NAME_WORDS[spec.id] = cached
    return cached


def _beyond_the_name(message: Message, spec_words: frozenset[str]) -> tuple[str, ...]:
    return tuple("" if t in spec_words else t for t in message.tokens)


def _place(step: StepSpec, message: Message, answers: dict[str, Any], used: set[int]) -> Any:
    """A district, mandal or village named once, by words no bigger place has taken
    ("Guntur" is a district, not also its mandal and village of the same name)."""
    options = _places(step, answers)
    if not options:
        return None
    found = [m for m in mentions(options, message.tokens) if m.position not in used]
    if len(found) != 1:
        return None
    used.add(found[0].position)
    return found[0].option.answer


def _journey_steps(spec: ServiceSpec) -> dict[str, str]:
    """Two place steps sharing one provider, named from/to (a journey's two ends)."""
    by_provider: dict[str, list[StepSpec]] = {}
    for step in spec.steps:
        if step.options_from:
            by_provider.setdefault(step.options_from, []).append(step)
    for steps in by_provider.values():
        if len(steps) != 2:
            continue
        roles = {
            s.id: ("from" if "from" in s.id.split("_") else "to" if "to" in s.id.split("_") else "")
            for s in steps
        }
        if sorted(roles.values()) == ["from", "to"]:
            return roles
    return {}


def _journey(
    spec: ServiceSpec, roles: dict[str, str], message: Message, answers: dict[str, Any], lang: str
) -> None:
    if any(step_id in answers for step_id in roles):
        return
    first = next(s for s in spec.steps if s.id in roles)
    options = step_options(first, {}, lang)
    if not options:
        return
    origin, destination = origin_and_destination(mentions(options, message.tokens))
    for step_id, role in roles.items():
        chosen = origin if role == "from" else destination
        if chosen is not None:
            answers[step_id] = chosen.answer
