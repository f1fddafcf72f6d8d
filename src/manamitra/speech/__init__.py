"""Speech: voice notes to text and replies to voice, behind one provider interface.

    SpeechProvider            transcribe(16 kHz mono WAV, language) → text
                              synthesise(text, language) → WAV
    ├── BhashiniSpeech        the Bhashini ULCA pipeline API (config call, then compute calls)
    └── LocalSpeech           espeak-ng for speech out; recognition through a Bhashini-protocol
                              server (the sandbox's stand-in, which says plainly what it is)

Errors (all ManamitraError):
    SpeechUnavailableError    the provider did not answer in time, refused, or its circuit is
                              open: try again later
    AudioRejectedError        the audio itself is the problem (too long, silent, unreadable,
                              not understood); `reason` names which, for the citizen's message

`audio.py` converts (OGG Opus ⇄ WAV), `config.py` reads MM_SPEECH_PROVIDER and MM_BHASHINI_*.
"""

from __future__ import annotations

from typing import Literal, Protocol

from manamitra.errors import ErrorCode, ManamitraError

RejectReason = Literal["too_long", "silent", "unreadable", "not_understood"]


class SpeechUnavailableError(ManamitraError):
    """The speech provider could not be reached or refused; the work may be tried again."""

    code = ErrorCode.SPEECH_UNAVAILABLE


class SpeechCircuitOpenError(SpeechUnavailableError):
    """The provider failed so often lately that it is not being called for a while."""


class AudioRejectedError(ManamitraError):
    """The audio cannot give a transcript, whatever the provider's health."""

    code = ErrorCode.SPEECH_REJECTED

    def __init__(self, reason: RejectReason, message: str = "") -> None:
        super().__init__(message or reason)
        self.reason: RejectReason = reason


class SpeechProvider(Protocol):
    """What the pipeline needs from a speech service. Languages are ISO 639-1 ("te", "en")."""

    name: str

    async def transcribe(self, wav: bytes, lang: str) -> str:
        """The words in a 16 kHz mono 16-bit WAV; "" when nothing was recognised."""
        ...

    async def synthesise(self, text: str, lang: str) -> bytes:
        """`text` spoken in `lang`, as a WAV file (any rate, mono)."""
        ...


__all__ = [
    "AudioRejectedError",
    "RejectReason",
    "SpeechCircuitOpenError",
    "SpeechProvider",
    "SpeechUnavailableError",
]
