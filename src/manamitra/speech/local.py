"""The local provider, for the demo and tests: replies spoken by espeak-ng on this machine,
voice notes recognised through the Bhashini protocol by the sandbox's stand-in server.

No offline Telugu recogniser can be installed here, so the stand-in recognises only audio
whose transcript it was given (the simulator's tester typed it, or a sample's stored text);
the adapter, conversion, errors and timing on our side are the production ones.
"""

from __future__ import annotations

from manamitra.speech import SpeechProvider
from manamitra.speech.espeak import speak_async


class LocalSpeech:
    name = "local"

    def __init__(self, recogniser: SpeechProvider) -> None:
        self.recogniser = recogniser

    async def transcribe(self, wav: bytes, lang: str) -> str:
        return await self.recogniser.transcribe(wav, lang)

    async def synthesise(self, text: str, lang: str) -> bytes:
        return await speak_async(text, lang)
