"""Voice notes for tests, made at test time: espeak-ng speaks the words, ffmpeg encodes them
as WhatsApp does (OGG Opus, mono), and ffprobe (an independent decoder) reads what we send."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import tempfile
from typing import Any

import pytest

needs_voice_tools = pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("espeak-ng", "ffmpeg", "ffprobe")),
    reason="needs espeak-ng, ffmpeg and ffprobe (apt-get install espeak-ng ffmpeg)",
)

VOICES = {"te": "te", "en": "en-gb"}
PROBED = "format=format_name,duration:stream=codec_name,channels,sample_rate"


def recording(words: str, lang: str = "te", *, silence: bool = False) -> bytes:
    """`words` spoken by espeak-ng, as an OGG Opus voice note (or as long, but silent)."""
    wav = subprocess.run(
        ["espeak-ng", "-v", VOICES[lang], "--stdout", "--stdin"],
        input=words.encode(),
        capture_output=True,
        check=True,
    ).stdout
    audio_filter = ["-af", "volume=0"] if silence else []
    return subprocess.run(
        [
            "ffmpeg",
            "-nostdin",
            "-loglevel",
            "error",
            "-f",
            "wav",
            "-i",
            "pipe:0",
            *audio_filter,
            "-ac",
            "1",
            "-c:a",
            "libopus",
            "-b:a",
            "24k",
            "-f",
            "ogg",
            "pipe:1",
        ],
        input=wav,
        capture_output=True,
        check=True,
    ).stdout


def probe(data: bytes) -> dict[str, Any]:
    """What ffprobe says the file is: format name, duration, and the audio stream. (From a
    file: reading a pipe, ffprobe cannot seek to an Ogg file's last page for its length.)"""
    with tempfile.NamedTemporaryFile(suffix=".ogg") as file:
        file.write(data)
        file.flush()
        done = subprocess.run(
            ["ffprobe", "-v", "error", "-show_entries", PROBED, "-of", "json", file.name],
            capture_output=True,
            check=True,
        )
    info = json.loads(done.stdout)
    return {
        "format": info["format"]["format_name"],
        "duration": float(info["format"]["duration"]),
        "codec": info["streams"][0]["codec_name"],
        "channels": int(info["streams"][0]["channels"]),
    }


def voice_note(words: str, lang: str = "te", *, heard: str | None = None) -> dict[str, Any]:
    """The simulator API's `audio` content: a voice note whose words the stand-in is told."""
    return {
        "data_base64": base64.b64encode(recording(words, lang)).decode(),
        "mime_type": "audio/ogg",
        "voice": True,
        "transcript": words if heard is None else heard,
    }
