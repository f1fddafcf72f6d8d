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


@dataclass(frozen=True)
class _Names:
    """Each option's distinctive name words, indexed for exact and near (typo) lookups."""

    exact: dict[str, int]
    by_initial: dict[str, list[tuple[str, int]]]


_NAMES: dict[tuple[str, ...], _Names] = {}


def _names(options: Sequence[Option]) -> _Names:
    key = tuple(o.id for o in options)
    cached = _NAMES.get(key)
    if cached is not None:
        return cached
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
    exact: dict[str, int] = {}
    by_initial: dict[str, list[tuple[str, int]]] = {}
    for index, name in enumerate(names):
        for word in name:
            if shared[word] == 1:
                exact[word] = index
                by_initial.setdefault(word[0], []).append((word, index))
    built = _Names(exact, by_initial)
    if len(_NAMES) > 2000:
        _NAMES.clear()
    _NAMES[key] = built
    return built


def _lookup(names: _Names, word: str) -> int | None:
    found = names.exact.get(word)
    if found is not None or len(word) < 5:
        return found
    for name, index in names.by_initial.get(word[0], ()):
        near = len(name) >= 5 and abs(len(name) - len(word)) <= 2
        if near and within(word, name, 1 if len(name) < 8 else 2) is not None:
            return index
    return None


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
            index = _lookup(names, candidate)
            if index is None:
                continue
            hit = options[index]
            if hit.id not in found:
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
