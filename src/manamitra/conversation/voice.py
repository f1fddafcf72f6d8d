"""Voice in the conversation: a voice note becomes a speech job, its transcript comes back as
a message typed in the citizen's words, and a turn answered by voice is also spoken back.

- A voice note (where the current step does not keep audio itself, as a complaint does) is
  queued as a `SpeechJob` in the turn's transaction; the speech worker transcribes it outside
  the conversation and puts the transcript in the inbox with `extra["voice"]`.
- A transcript turn starts with "I heard: …". A spoken number picks that option of the last
  question's choices (read out as "say one for …"); yes/no words become yes/no.
- At a point that cannot be undone (the review before a submission or a payment, a service
  kind's own decision), a spoken answer is held and shown, and only a tap on "Yes, go ahead"
  (or a second spoken yes) applies it.
- A turn answered by voice, or any turn once the citizen said "voice on", ends with a `Speak`
  reply: exactly the texts of the turn, lists read as "say one for …, two for …".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from sqlalchemy import select

from manamitra import clock
from manamitra.catalog.loader import Catalog
from manamitra.conversation.flow import next_pending
from manamitra.conversation.screens import Screens
from manamitra.conversation.turn import Turn
from manamitra.fields import get_field_type
from manamitra.messaging.i18n import DEFAULT_LANGUAGE, normalise, t, words
from manamitra.messaging.outbox import OUTBOX_NUMBERS
from manamitra.messaging.reply import (
    Buttons,
    Choice,
    Document,
    Image,
    ListMenu,
    OrderDetails,
    Reply,
    Speak,
    Text,
)
from manamitra.store.models import SpeechJob
from manamitra.understanding.spoken import answer_from_speech

HOLD = "voice_hold"
VOICE_REPLIES = "voice_replies"
SPOKEN_CHOICES = "spoken_choices"
# the phases where an answer submits, pays or commits through the service kind
IRREVERSIBLE_PHASES = ("confirm", "failed", "kind")
MAX_SPOKEN = 700  # characters: a reply longer than this is cut at a sentence
_NO_WORDS = frozenset({"no", "కాదు", "లేదు", "వద్దు"})
_MARKUP = re.compile(r"[*_~`]")
_LONG_NUMBER = re.compile(r"\d{5,}")

Dispatch = Callable[[Turn], None]


class Voice:
    def __init__(self, catalog: Catalog, reprompt: Callable[[Turn], None]) -> None:
        self.catalog = catalog
        self.reprompt = reprompt

    def dispatch(self, turn: Turn, dispatch: Dispatch) -> None:
        """Run `dispatch` for the turn, with voice notes, transcripts and voice replies."""
        inbound = turn.inbound
        if inbound.kind == "audio" and inbound.media is not None and self._transcribes(turn):
            self._queue(turn)
            return
        heard = inbound.extra.get("voice") if inbound.kind == "text" else None
        if heard is not None:
            turn.say(Text(turn.t("voice.heard", text=inbound.text or "")))
        if not self._settings_word(turn) and not self._held(turn, dispatch, bool(heard)):
            if heard is not None:
                self._from_speech(turn, dispatch)
            else:
                dispatch(turn)
        self._remember_spoken_choices(turn)
        if heard is not None or turn.state.get(VOICE_REPLIES):
            spoken = spoken_text(turn.replies, turn.lang)
            if spoken:
                turn.say(Speak(text=spoken, lang=turn.lang))

    def speaks_first(self, turn: Turn, dispatch: Dispatch) -> bool:
        """A citizen whose language is not known yet and who speaks: the note is recognised
        in Telugu (the state's first language), and its transcript, unless it names a
        language, sets Telugu and is answered. False: the language question as usual."""
        inbound = turn.inbound
        if inbound.kind == "audio" and inbound.media is not None:
            self._queue(turn)
            return True
        heard = inbound.extra.get("voice") if inbound.kind == "text" else None
        if heard is None or Screens.language_from(inbound) is not None:
            return False
        turn.convo.language = str(heard.get("lang") or DEFAULT_LANGUAGE)
        self.dispatch(turn, dispatch)
        return True

    # ---- voice notes in ----------------------------------------------------------------------
    def _transcribes(self, turn: Turn) -> bool:
        return not self._step_keeps_audio(turn)

    def _step_keeps_audio(self, turn: Turn) -> bool:
        flow = turn.state.get("flow")
        if turn.state.get("screen") != "flow" or not flow or flow.get("phase") != "steps":
            return False
        spec = self.catalog.service(flow["service"])
        pending = next_pending(spec, flow["answers"]) if spec is not None else None
        if pending is None:
            return False
        return bool(getattr(get_field_type(pending.step.type), "keeps_audio", False))

    def _queue(self, turn: Turn) -> None:
        inbound = turn.inbound
        media = inbound.media
        assert media is not None
        exists = turn.db.execute(
            select(SpeechJob.id).where(SpeechJob.wamid == inbound.message_id)
        ).first()
        if exists is not None:
            return
        numbers = turn.db.info.get(OUTBOX_NUMBERS) or {}
        now = clock.now()
        turn.db.add(
            SpeechJob(
                wamid=inbound.message_id,
                citizen=turn.convo.citizen,
                phone_number_id=numbers.get(turn.convo.citizen, ""),
                lang=turn.lang,
                media={
                    "id": media.id,
                    "mime_type": media.mime_type,
                    "sha256": media.sha256,
                    "file_size": media.file_size,
                    "voice": media.voice,
                },
                sent_at=inbound.sent_at,
                status="pending",
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
        turn.db.flush()

    # ---- transcripts ---------------------------------------------------------------------------
    def _from_speech(self, turn: Turn, dispatch: Dispatch) -> None:
        inbound = turn.inbound
        answer = answer_from_speech(inbound.text or "")
        choices = turn.state.get(SPOKEN_CHOICES) or []
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            choice_id, title = choices[int(answer) - 1]
            turn.inbound = replace(inbound, kind="choice", choice_id=choice_id, choice_title=title)
        else:
            turn.inbound = replace(inbound, text=answer)
        if self._irreversible(turn):
            self._hold(turn, inbound.text or "")
            return
        dispatch(turn)

    def _irreversible(self, turn: Turn) -> bool:
        flow = turn.state.get("flow")
        if turn.state.get("screen") != "flow" or not flow:
            return False
        return flow.get("phase") in IRREVERSIBLE_PHASES

    def _hold(self, turn: Turn, heard: str) -> None:
        inbound = turn.inbound
        turn.state[HOLD] = {
            "kind": inbound.kind,
            "text": inbound.text,
            "choice_id": inbound.choice_id,
            "choice_title": inbound.choice_title,
        }
        meaning = inbound.choice_title or heard
        turn.say(
            Buttons(
                body=turn.t("voice.confirm_before_doing", meaning=meaning),
                choices=(
                    Choice(id="voice:yes", title=turn.t("voice.go_ahead")),
                    Choice(id="voice:no", title=turn.t("voice.not_that")),
                ),
            )
        )

    def _held(self, turn: Turn, dispatch: Dispatch, spoken: bool) -> bool:
        """A held spoken answer: applied on "Yes, go ahead", dropped on "No"; anything else
        drops it and is handled as usual. True when this turn was the answer to the hold."""
        held = turn.state.pop(HOLD, None)
        if held is None:
            return False
        inbound = turn.inbound
        said = normalise(answer_from_speech(inbound.text or "")) if inbound.kind == "text" else ""
        choice = inbound.choice_id
        choices = turn.state.get(SPOKEN_CHOICES) or []
        if said.isdigit() and 1 <= int(said) <= len(choices):
            choice = choices[int(said) - 1][0]  # "one" for the first button: "Yes, go ahead"
        if choice == "voice:yes" or said in words("yes") | {"yes"}:
            turn.inbound = replace(
                inbound,
                kind=held["kind"],
                text=held["text"],
                choice_id=held["choice_id"],
                choice_title=held["choice_title"],
                extra={},
            )
            dispatch(turn)
            return True
        if choice == "voice:no" or said in _NO_WORDS:
            turn.say(Text(turn.t("voice.not_done")))
            self.reprompt(turn)
            return True
        return False

    # ---- "voice on" / "voice off" ---------------------------------------------------------------
    def _settings_word(self, turn: Turn) -> bool:
        inbound = turn.inbound
        if inbound.kind != "text" or not inbound.text:
            return False
        word = normalise(inbound.text)
        if word in words("voice_on"):
            turn.state[VOICE_REPLIES] = True
            turn.say(Text(turn.t("voice.replies_on")))
        elif word in words("voice_off"):
            turn.state.pop(VOICE_REPLIES, None)
            turn.say(Text(turn.t("voice.replies_off")))
        else:
            return False
        self.reprompt(turn)
        return True

    @staticmethod
    def _remember_spoken_choices(turn: Turn) -> None:
        """The choices a spoken number picks from: those of the turn's last message, when it
        offers any (the ones `spoken_text` reads out)."""
        if not turn.replies:
            return
        last = turn.replies[-1]
        turn.state[SPOKEN_CHOICES] = [[c.id, c.title] for c in _choices(last)]


def _choices(reply: Reply) -> list[Choice]:
    if isinstance(reply, Buttons):
        return list(reply.choices)
    if isinstance(reply, ListMenu):
        return [row for section in reply.sections for row in section.rows]
    return []


def spoken_text(replies: list[Reply], lang: str) -> str:
    """What a voice reply says: every text of the turn, in order, and the choices of its last
    message read as "say one for …"."""
    parts: list[str] = []
    for index, reply in enumerate(replies):
        if isinstance(reply, Text):
            parts.append(reply.body)
        elif isinstance(reply, Buttons | ListMenu):
            parts.append(reply.body)
            # only the last message's choices are numbered: the ones a spoken number picks
            if index == len(replies) - 1:
                parts.extend(_say_choices(_choices(reply), lang))
        elif isinstance(reply, Document | Image) and reply.caption:
            parts.append(reply.caption)
        elif isinstance(reply, OrderDetails):
            parts.append(reply.body)
    text = " ".join(_MARKUP.sub("", " ".join(p.split())) for p in parts if p.strip())
    # a service or application number is read digit by digit, not as a trillion
    return _cut(_LONG_NUMBER.sub(lambda m: " ".join(m.group()), text))


def _say_choices(choices: list[Choice], lang: str) -> list[str]:
    return [
        t(lang, "voice.say_number", number=t(lang, f"voice.numbers.{i}"), title=choice.title)
        if i <= 10
        else t(lang, "voice.say_digits", number=str(i), title=choice.title)
        for i, choice in enumerate(choices, 1)
    ]


def _cut(text: str) -> str:
    if len(text) <= MAX_SPOKEN:
        return text
    cut = text[:MAX_SPOKEN]
    stop = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("। "))
    return cut[: stop + 1] if stop > MAX_SPOKEN // 2 else cut
