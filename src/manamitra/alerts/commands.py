"""Reading a citizen's alert command from chat: STOP / ఆపు / "alerts vaddu" (optionally with a
topic, in either order: "STOP power", "వరదలు ఆపు") and START / ALERTS.

Only a whole message that is such a command counts, so a sentence that happens to contain
"stop" is still answered as a question.
"""

from __future__ import annotations

from dataclasses import dataclass

from manamitra.alerts.topics import ALL, topic_by_word
from manamitra.messaging.i18n import normalise, words


@dataclass(frozen=True)
class AlertCommand:
    subscribe: bool
    topic: str  # a topic id, or "*" for every topic


def parse_command(text: str) -> AlertCommand | None:
    said = normalise(text)
    if not said or len(said) > 60:
        return None
    stop, start = words("alerts_stop"), words("alerts_start")
    if said in stop:
        return AlertCommand(False, ALL)
    if said in start:
        return AlertCommand(True, ALL)
    for phrase in sorted(stop, key=len, reverse=True):
        for rest in (_after(said, phrase), _before(said, phrase)):
            if rest:
                topic = topic_by_word(rest.removesuffix(" alerts").removesuffix(" అలర్ట్స్"))
                if topic is not None:
                    return AlertCommand(False, topic.id)
    return None


def _after(said: str, phrase: str) -> str | None:
    return said[len(phrase) :].strip() if said.startswith(phrase + " ") else None


def _before(said: str, phrase: str) -> str | None:
    return said[: -len(phrase)].strip() if said.endswith(" " + phrase) else None
