"""Text to speech with espeak-ng (Debian package `espeak-ng`), Telugu and English voices.

Formant synthesis: robotic but clear, offline, and about a tenth of a second of CPU for a
200-character Telugu reply. The voice is chosen by language; the text goes on stdin, never on
the command line, so nothing a reply says shows up in a process listing.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess

from manamitra.speech import SpeechUnavailableError

VOICES = {"te": "te", "en": "en-gb"}
WORDS_PER_MINUTE = {"te": 150, "en": 165}


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, lang: str) -> bytes:
    """`text` as a 22,050 Hz mono WAV (espeak-ng's own rate)."""
    binary = shutil.which("espeak-ng")
    if binary is None:
        raise SpeechUnavailableError("espeak-ng is not installed (apt-get install espeak-ng)")
    voice = VOICES.get(lang, VOICES["en"])
    speed = WORDS_PER_MINUTE.get(lang, WORDS_PER_MINUTE["en"])
    try:
        done = subprocess.run(
            [binary, "-v", voice, "-s", str(speed), "--stdout", "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise SpeechUnavailableError("espeak-ng took too long") from exc
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        raise SpeechUnavailableError(f"espeak-ng failed ({done.returncode})")
    return _fix_sizes(done.stdout)


async def speak_async(text: str, lang: str) -> bytes:
    return await asyncio.to_thread(speak, text, lang)


def _fix_sizes(wav: bytes) -> bytes:
    """espeak-ng writing to a pipe cannot seek back, so its RIFF and data sizes say 0x7fffffff
    or so; put the true ones in, so every reader sees the right length."""
    data_at = wav.find(b"data", 12)
    if data_at < 0:
        return wav
    size = len(wav) - data_at - 8
    return (
        wav[:4]
        + (len(wav) - 8).to_bytes(4, "little")
        + wav[8 : data_at + 4]
        + size.to_bytes(4, "little")
        + wav[data_at + 8 :]
    )
