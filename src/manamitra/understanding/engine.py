"""Free text to an intent: navigation, a status request, a question about a service, a
service to start (with the answers the sentence already gives), or not understood with the
best guesses. One function, `understand`, serves the chat and `manamitra understand`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from manamitra import clock
from manamitra.catalog.loader import Catalog
from manamitra.catalog.schema import ServiceSpec
from manamitra.catalog.search import STOPWORDS, ranked_services
from manamitra.understanding import lexicon
from manamitra.understanding.answers import answer
from manamitra.understanding.lexicon import Phrase
from manamitra.understanding.query import service_words
from manamitra.understanding.result import Topic, Understanding
from manamitra.understanding.slots import extract
from manamitra.understanding.text import Message, is_emoji_only

# A service is taken at this score (search's 0–1 scale); guesses are offered from GUESS_FLOOR.
ACCEPT = 0.34
GUESS_FLOOR = 0.25
MAX_GUESSES = 3
# A message of more than LONG_MESSAGE service words is also read WINDOW words at a time; a
# service found in a window counts a little less than one named by the whole message.
LONG_MESSAGE, WINDOW, WINDOW_DISCOUNT = 5, 3, 0.8
# A long message opens a service only on firmer ground; below it, its guesses are offered.
ACCEPT_LONG = 0.45
# Services within CLOSE of the best score are told apart by what the sentence fills in.
CLOSE = 0.15
SLOT_BONUS = 0.06
_COMPLAINT = lexicon.words("complaint", "ఫిర్యాదు", "phiryadu", "firyadu", "complain")
# Words that say what kind of thing, not which: left out when looking for a status's service.
_STATUS_GENERIC = lexicon.words(
    "application",
    "applications",
    "దరఖాస్తు",
    "dharakasthu",
    "darakastu",
    "complaint",
    "ఫిర్యాదు",
    "phiryadu",
    "grievance",
    "request",
)
# Kinds a citizen applies for and later asks about.
_TRACKED_KINDS = frozenset({"application"})

# The model adapter, when one is configured: (text, candidates, lang) → a candidate's id or None.
Resolver = Callable[[str, list[ServiceSpec], str], str | None]


def _found(message: Message, table: frozenset[Phrase]) -> set[int]:
    """Positions of the tokens of every phrase of `table` said in the message."""
    tokens = message.tokens
    hit: set[int] = set()
    for phrase in table:
        size = len(phrase)
        for start in range(len(tokens) - size + 1):
            if tokens[start : start + size] == phrase:
                hit.update(range(start, start + size))
    return hit


def _navigation(message: Message) -> str | None:
    content = [t for t in message.tokens if t not in lexicon.POLITE and t not in STOPWORDS]
    if not content:
        return None
    for move, vocabulary in lexicon.NAVIGATION.items():
        if all(token in vocabulary for token in content):
            return move
    return None


def _topic(message: Message) -> tuple[Topic | None, set[int]]:
    for topic, table in lexicon.TOPICS.items():
        hit = _found(message, table)
        if hit:
            return topic, hit  # type: ignore[return-value]
    return None, set()


def _best_fit(
    ranked: list[tuple[ServiceSpec, float]], message: Message, day: date, lang: str
) -> tuple[ServiceSpec, float, dict[str, Any], tuple[str, ...]]:
    """Of the services scored alike, the one the rest of the sentence fits: each answer it
    already gives counts (a journey's two stops and date make it a ticket, not a bus pass),
    and a complaint goes to a grievance. Also the services that fit exactly as well (the
    same complaint to three electricity companies)."""
    best = ranked[0][1]
    said = set(message.tokens)
    complaint = bool(said & _COMPLAINT)
    fits = []
    for order, (spec, score) in enumerate(ranked):
        if score < best - CLOSE:
            break
        slots = extract(spec, message, day, lang)
        bonus = (
            SLOT_BONUS * len(slots)
            + (SLOT_BONUS if complaint and spec.kind == "grievance" else 0)
            + _action_fit(spec, said)
        )
        fits.append((score + bonus, -order, spec, score, slots))
    fits.sort(key=lambda item: (-item[0], -item[1]))
    _, _, spec, score, slots = fits[0]
    tied = tuple(other.id for fit, _, other, _, _ in fits[1:] if abs(fit - fits[0][0]) < 1e-9)
    return spec, score, slots, tied


def _action_fit(spec: ServiceSpec, said: set[str]) -> float:
    """SLOT_BONUS when the service's name does what the message asks ("cancel", "renew"),
    minus half that when its name does something the message does not ask."""
    names = [spec.name.en, spec.name.te]
    if spec.short_name is not None:
        names += [spec.short_name.en, spec.short_name.te]
    named = set(Message.of(" ".join(names)).tokens)
    fit = 0.0
    for verbs in lexicon.ACTIONS.values():
        if _does(named, verbs):
            fit += SLOT_BONUS if _does(said, verbs) else -SLOT_BONUS / 2
    return fit


def _does(tokens: set[str], verbs: frozenset[str]) -> bool:
    """Whether a token is one of the verbs, or shares its first five letters with one
    ("register" and "registration")."""
    stems = {verb[:5] for verb in verbs if len(verb) >= 5}
    return bool(tokens & verbs) or any(len(t) >= 5 and t[:5] in stems for t in tokens)


def _prefer_applications(ranked: list[tuple[ServiceSpec, float]]) -> tuple[ServiceSpec, float]:
    """Of services scored alike, the one a citizen applies for (a "new rice card" over the
    rice card's status) answers a question about documents, fees or time."""
    best = ranked[0][1]
    close = [item for item in ranked if item[1] >= best - 0.05]
    return next((item for item in close if item[0].kind == "application"), ranked[0])


def _ranked(catalog: Catalog, query: str) -> list[tuple[ServiceSpec, float]]:
    """Services for the query; a long description is also read a few words at a time, since
    the words naming the service are a small part of it ("the road near our school has…")."""
    if not query:
        return []
    ranked = ranked_services(catalog, query, limit=6, floor=GUESS_FLOOR)
    words = query.split()
    if len(words) <= LONG_MESSAGE or (ranked and ranked[0][1] >= ACCEPT):
        return ranked
    best: dict[str, tuple[ServiceSpec, float]] = {s.id: (s, score) for s, score in ranked}
    for start in range(len(words) - WINDOW + 1):
        window = " ".join(words[start : start + WINDOW])
        for spec, score in ranked_services(catalog, window, limit=3, floor=GUESS_FLOOR):
            score *= WINDOW_DISCOUNT
            if score > best.get(spec.id, (spec, 0.0))[1]:
                best[spec.id] = (spec, score)
    return sorted(best.values(), key=lambda item: (-item[1], item[0].order, item[0].id))[:6]


def understand(
    catalog: Catalog,
    text: str,
    lang: str = "te",
    *,
    today: date | None = None,
    resolver: Resolver | None = None,
) -> Understanding:
    """What the citizen means by `text`; `today` (IST) reads relative dates."""
    message = Message.of(text)
    if not message.tokens:
        return Understanding("unknown", feeling="emoji" if is_emoji_only(text) else None)
    if all(t in lexicon.THANKS or t in lexicon.POLITE for t in message.tokens):
        return Understanding("unknown", feeling="thanks")
    if set(message.tokens) & lexicon.SMALL_TALK and all(
        t in lexicon.SMALL_TALK or t in lexicon.POLITE for t in message.tokens
    ):
        return Understanding("unknown")
    move = _navigation(message)
    if move is not None:
        return Understanding("navigation", navigation=move)
    day = today or clock.to_ist(clock.now()).date()
    status = _status(catalog, message, day, lang)
    if status is not None:
        return status
    topic, topic_words = _topic(message)
    asking = topic is not None or bool(set(message.tokens) & lexicon.QUESTION_WORDS)
    drop = topic_words | {i for i, t in enumerate(message.tokens) if t in lexicon.QUESTION_WORDS}
    query = service_words(message, drop, catalog)
    ranked = _ranked(catalog, query)
    accept = ACCEPT if len(query.split()) <= LONG_MESSAGE else ACCEPT_LONG
    if topic is not None:
        # a question about documents, fees or time is about something one applies for
        facts = [(s, score) for s, score in ranked if s.kind != "information"]
        ranked = facts + [item for item in ranked if item not in facts] if facts else ranked
    if not ranked or ranked[0][1] < accept:
        return _unknown(message, ranked, lang, resolver)
    tied: tuple[str, ...] = ()
    if topic is not None:
        spec, score = _prefer_applications(ranked)
        slots = extract(spec, message, day, lang)
    else:
        spec, score, slots, tied = _best_fit(ranked, message, day, lang)
    alternatives = tuple(s.id for s, _ in ranked if s.id != spec.id)[:MAX_GUESSES]
    if asking and (topic is not None) != (spec.kind == "information"):
        text_answer, _ = answer(spec, topic, lang)
        return Understanding(
            "question", spec.id, topic, slots, alternatives, text_answer, score=score
        )
    return Understanding("service", spec.id, None, slots, alternatives, score=score, tied=tied)


def _status(catalog: Catalog, message: Message, day: date, lang: str) -> Understanding | None:
    strong = _found(message, lexicon.STATUS_STRONG)
    weak = _found(message, lexicon.STATUS_WEAK)
    mine = {i for i, t in enumerate(message.tokens) if t in lexicon.POSSESSIVE}
    if not strong and not (weak and mine):
        return None
    cue = strong | weak | mine
    content = {i for i, t in enumerate(message.tokens) if i not in cue and t not in _STATUS_GENERIC}
    ranked = _ranked(
        catalog, service_words(message, set(range(len(message.tokens))) - content, catalog)
    )
    if not mine and ranked and ranked[0][1] >= ACCEPT:
        # "pension status", "FIR status": a service that is itself a status check, among
        # those the rest of the message names about equally well
        said = {message.tokens[i] for i in strong}
        for spec, score in ranked:
            if score < max(ACCEPT, ranked[0][1] - CLOSE):
                break
            names = Message.of(" ".join((spec.name.en, spec.name.te))).tokens
            if any(name.startswith(cue) for name in names for cue in said):
                slots = extract(spec, message, day, lang)
                return Understanding("service", spec.id, slots=slots, score=score)
    tracked = [(s, score) for s, score in ranked if s.kind in _TRACKED_KINDS and score >= ACCEPT]
    service = tracked[0][0].id if tracked else None
    return Understanding("status", service, score=tracked[0][1] if tracked else 0.0)


def _unknown(
    message: Message,
    ranked: list[tuple[ServiceSpec, float]],
    lang: str,
    resolver: Resolver | None,
) -> Understanding:
    guesses = tuple(s.id for s, _ in ranked[:MAX_GUESSES])
    if resolver is not None and ranked:
        chosen = resolver(message.raw, [s for s, _ in ranked], lang)
        if chosen is not None:
            rest = tuple(g for g in guesses if g != chosen)
            return Understanding("service", chosen, alternatives=rest, source="model")
    return Understanding("unknown", alternatives=guesses, score=ranked[0][1] if ranked else 0.0)
