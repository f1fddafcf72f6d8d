"""Which of a step's options a sentence names: by the words of its label in either language
(folded to the shared skeleton, with everyday aliases), never by a word every option shares;
and by position ("2", "రెండు", "rendu", "second") when the message is only that."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from manamitra.catalog.search import STOPWORDS
from manamitra.fields.base import Option
from manamitra.understanding.lexicon import ALIASES, NUMBER_WORDS, POLITE, WEAK
from manamitra.understanding.text import skeleton


def with_aliases(tokens: Iterable[str]) -> list[str]:
    return [ALIASES.get(token, token) for token in tokens]


_LABELS: dict[tuple[str, tuple[tuple[str, str], ...]], frozenset[str]] = {}


def _label_tokens(option: Option) -> frozenset[str]:
    key = (option.id, tuple(sorted(option.label.items())))
    cached = _LABELS.get(key)
    if cached is None:
        if len(_LABELS) > 5000:
            _LABELS.clear()
        cached = _LABELS[key] = frozenset(_label_words(option))
    return cached


def _label_words(option: Option) -> set[str]:
    found: set[str] = set()
    for text in (*option.label.values(), option.id.replace("_", " ")):
        found.update(with_aliases(skeleton(text)))
    return {t for t in found if t not in STOPWORDS and t not in WEAK}


@dataclass(frozen=True)
class OptionHit:
    option: Option
    positions: tuple[int, ...]


def named_options(options: Sequence[Option], tokens: Sequence[str]) -> list[OptionHit]:
    """Options whose distinctive label words appear in `tokens`, best first; an option is
    named only when it beats every other (a tie names none)."""
    labels = [_label_tokens(option) for option in options]
    shared = Counter(token for label in labels for token in label)
    text = with_aliases(tokens)
    scored: list[tuple[float, int, OptionHit]] = []
    for index, (option, label) in enumerate(zip(options, labels, strict=True)):
        distinctive = {t for t in label if shared[t] == 1 or len(options) == 1}
        if not distinctive:
            continue
        positions = tuple(i for i, token in enumerate(text) if token in distinctive)
        if not positions:
            continue
        matched = {text[i] for i in positions}
        score = len(matched) + len(matched) / len(distinctive)
        scored.append((score, index, OptionHit(option, positions)))
    scored.sort(key=lambda item: (-item[0], item[1]))
    if len(scored) > 1 and scored[0][0] == scored[1][0]:
        return []
    return [hit for _, _, hit in scored]


def option_by_position(options: Sequence[Option], tokens: Sequence[str]) -> Option | None:
    """ "2", "రెండు", "rendu", "second one": the option at that place in the list."""
    meaningful = [
        t
        for t in tokens
        if t not in POLITE and t not in STOPWORDS and t not in {"option", "opsan", "van", "ఆప్షన్"}
    ]
    if len(meaningful) != 1:
        return None
    number = NUMBER_WORDS.get(meaningful[0])
    if number is None and meaningful[0].isdigit():
        number = int(meaningful[0])
    if number is None or not 1 <= number <= len(options):
        return None
    return options[number - 1]
