"""The alert topics (topics.yaml): their names in both languages and the words that pick them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from manamitra.errors import SpecError
from manamitra.messaging.i18n import normalise
from manamitra.yamlio import load_yaml

TOPICS_FILE = Path(__file__).parent / "topics.yaml"
ALL = "*"  # a subscription row for every topic


@dataclass(frozen=True)
class Topic:
    id: str
    name: dict[str, str]
    words: frozenset[str]


@cache
def topics() -> dict[str, Topic]:
    data = load_yaml(TOPICS_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise SpecError("topics.yaml: expected a mapping of topic ids")
    found: dict[str, Topic] = {}
    for topic_id, spec in data.items():
        if not isinstance(spec, dict) or not spec.get("en") or not spec.get("te"):
            raise SpecError(f"topics.yaml: topic {topic_id!r} needs en and te names")
        words = frozenset(normalise(str(w)) for w in spec.get("words", [])) | {topic_id}
        found[str(topic_id)] = Topic(str(topic_id), {"en": spec["en"], "te": spec["te"]}, words)
    return found


def check_topic(topic: str) -> str:
    """`topic` if it is a declared topic (or "*"), else SpecError naming the known ones."""
    if topic == ALL or topic in topics():
        return topic
    raise SpecError(f"unknown alert topic {topic!r}; known: {', '.join(sorted(topics()))}")


def topic_by_word(word: str) -> Topic | None:
    wanted = normalise(word)
    for topic in topics().values():
        if wanted in topic.words:
            return topic
    return None
