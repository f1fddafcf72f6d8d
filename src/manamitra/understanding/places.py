"""Places named in a sentence: the options of a place step (districts, bus stops) found by
their names in either script, with Telugu case endings ("తిరుపతికి", "guntur-nundi") and a
typo allowed in long names; and which way each one points ("from X", "X nundi" → origin;
"to Y", "Y ki" → destination)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from manamitra.catalog.search import STOPWORDS, within
from manamitra.fields.base import Option
from manamitra.understanding.lexicon import FROM_AFTER, FROM_BEFORE, TO_AFTER, TO_BEFORE, words
from manamitra.understanding.options import with_aliases
from manamitra.understanding.text import skeleton

ORIGIN, DESTINATION = "from", "to"
_GENERIC = words("district", "jilla", "జిల్లా", "bus", "stand", "station", "temple", "gudi")
_FROM_SUFFIXES = tuple(sorted(FROM_AFTER, key=len, reverse=True))
_TO_SUFFIXES = tuple(sorted(TO_AFTER | words("lo", "ni"), key=len, reverse=True))


@dataclass(frozen=True)
class Mention:
    option: Option
    position: int
    role: str | None


def _names(options: Sequence[Option]) -> list[set[str]]:
    names = []
    for option in options:
        found: set[str] = set()
        for text in option.label.values():
            found.update(with_aliases(skeleton(text)))
        names.append(
            {
                t
                for t in found
                if len(t) >= 3 and t not in STOPWORDS and t not in _GENERIC and not t.isdigit()
            }
        )
    shared = Counter(t for name in names for t in name)
    return [{t for t in name if shared[t] == 1} for name in names]


def _same(word: str, name: str) -> bool:
    if word == name:
        return True
    if len(name) < 5 or word[:1] != name[:1]:
        return False
    return within(word, name, 1 if len(name) < 8 else 2) is not None


def _stem(token: str) -> tuple[str, str | None]:
    for suffix in _FROM_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)], ORIGIN
    for suffix in _TO_SUFFIXES:
        if token.endswith(suffix) and len(token) - len(suffix) >= 4:
            return token[: -len(suffix)], DESTINATION
    return token, None


def mentions(options: Sequence[Option], tokens: Sequence[str]) -> list[Mention]:
    """Each option named in the tokens (once, at its first place), in the order said."""
    names = _names(options)
    text = with_aliases(tokens)
    found: dict[str, Mention] = {}
    for position, token in enumerate(text):
        for candidate, implied in ((token, None), _stem(token)):
            hit = next(
                (
                    o
                    for o, name in zip(options, names, strict=True)
                    if any(_same(candidate, n) for n in name)
                ),
                None,
            )
            if hit is not None and hit.id not in found:
                found[hit.id] = Mention(hit, position, implied or _role(text, position))
                break
    return sorted(found.values(), key=lambda m: m.position)


def _role(tokens: Sequence[str], position: int) -> str | None:
    before = tokens[position - 1] if position > 0 else ""
    after = tokens[position + 1] if position + 1 < len(tokens) else ""
    if before in FROM_BEFORE or after in FROM_AFTER or after in TO_BEFORE:
        return ORIGIN
    if before in TO_BEFORE or after in TO_AFTER:
        return DESTINATION
    return None


def origin_and_destination(found: list[Mention]) -> tuple[Option | None, Option | None]:
    """The origin and destination of a journey said in any order; unmarked places fill the
    roles left open, the first said first."""
    origin = next((m.option for m in found if m.role == ORIGIN), None)
    destination = next((m.option for m in found if m.role == DESTINATION), None)
    unmarked = [m for m in found if m.role is None]
    if len(found) == 1 and unmarked:
        # "tirupati bus": a lone place is where the citizen wants to go
        return None, unmarked[0].option
    for mention in unmarked:
        if origin is None and mention.option is not destination:
            origin = mention.option
        elif destination is None and mention.option is not origin:
            destination = mention.option
    if origin is not None and origin is destination:
        destination = None
    return origin, destination
