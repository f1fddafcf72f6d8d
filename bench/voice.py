"""Our own CPU per voice note in and per voice reply out, p50 and p99 on one core.

    .venv/bin/python bench/voice.py [--runs 50]

In: a WhatsApp voice note (OGG Opus, 16 kHz mono, as ffmpeg makes it here) decoded, made
16 kHz mono 16-bit WAV, checked for length and silence, base64-encoded into the Bhashini ASR
body: everything but the download and the recogniser. Out: a 200-character Telugu reply
spoken by espeak-ng (its process's CPU counted) and encoded as an OGG Opus voice note.
Beside each, what the alternatives measured cost (ffmpeg per conversion, libsndfile's Opus
writer), which is why speech/audio.py and speech/opus.py do what they do.
Targets (issue 17): ≤ 50 ms a note in, ≤ 300 ms a 200-character Telugu reply out.
"""

from __future__ import annotations

import argparse
import base64
import io
import os
import resource
import subprocess
from collections.abc import Callable

import orjson
import soundfile as sf

from manamitra.speech.audio import for_recogniser, resample, voice_note
from manamitra.speech.espeak import speak

REPLY_TE = (
    "మీ ఆదాయ ధృవీకరణ పత్రం దరఖాస్తు అందింది. మీ సంఖ్య REV-2026-000123. "
    "తహసీల్దార్ కార్యాలయం పరిశీలించి ఏడు రోజుల్లో నిర్ణయం తీసుకుంటుంది. "
    "స్థితి తెలుసుకోవడానికి స్థితి అని టైప్ చేయండి లేదా చెప్పండి."
)[:200]
DECODE = ["-i", "pipe:0", "-ac", "1", "-ar", "16000", "-f", "wav", "pipe:1"]
NOTE_TE = "నాకు ఆదాయ ధృవీకరణ పత్రం కావాలి, మా ఊరు తెనాలి, మండలం గుంటూరు జిల్లా"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _measure(action: Callable[[], object], runs: int) -> tuple[float, float]:
    action()  # warm: imports, caches, the first fork
    spent = []
    for _ in range(runs):
        before = _cpu()
        action()
        spent.append((_cpu() - before) * 1000)
    spent.sort()
    return spent[len(spent) // 2], spent[min(len(spent) - 1, int(len(spent) * 0.99))]


def _note(seconds: float) -> bytes:
    """A voice note of about `seconds`: espeak-ng's Telugu, as WhatsApp encodes one."""
    words = " ".join([NOTE_TE] * max(1, round(seconds / 5)))
    wav = subprocess.run(
        ["espeak-ng", "-v", "te", "--stdout", "--stdin"],
        input=words.encode(),
        capture_output=True,
        check=True,
    ).stdout
    encode = ["-ac", "1", "-ar", "16000", "-c:a", "libopus", "-b:a", "24k", "-f", "ogg"]
    return _ffmpeg(["-f", "wav", "-i", "pipe:0", *encode, "pipe:1"], wav)


def _note_in(note: bytes) -> bytes:
    recording = for_recogniser(note, max_seconds=120)
    body = {
        "pipelineTasks": [{"taskType": "asr", "config": {"language": {"sourceLanguage": "te"}}}],
        "inputData": {"audio": [{"audioContent": base64.b64encode(recording.wav).decode()}]},
    }
    return orjson.dumps(body)


def _ffmpeg(args: list[str], data: bytes) -> bytes:
    command = ["ffmpeg", "-nostdin", "-loglevel", "error", *args]
    return subprocess.run(command, input=data, capture_output=True, check=True).stdout


def _libsndfile_opus(wav: bytes) -> bytes:
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    out = io.BytesIO()
    sf.write(out, resample(samples, rate, 24000), 24000, format="OGG", subtype="OPUS")
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=50)
    runs = parser.parse_args().runs
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    print(f"one core, {runs} runs each; CPU ms (this process and its children), p50 / p99")
    for seconds in (3, 10, 30):
        note = _note(seconds)
        length = sf.info(io.BytesIO(note)).duration
        p50, p99 = _measure(lambda n=note: _note_in(n), runs)
        print(f"in   {length:5.1f} s note  ours          {p50:7.1f} / {p99:7.1f}   (target ≤ 50)")
        p50, p99 = _measure(lambda n=note: _ffmpeg(DECODE, n), max(5, runs // 5))
        print(f"in   {length:5.1f} s note  ffmpeg        {p50:7.1f} / {p99:7.1f}   (not used)")
    wav = speak(REPLY_TE, "te")
    length = sf.info(io.BytesIO(wav)).duration
    p50, p99 = _measure(lambda: speak(REPLY_TE, "te"), runs)
    print(f"out  {len(REPLY_TE)} chars ({length:4.1f} s)  espeak-ng  {p50:7.1f} / {p99:7.1f}")
    p50, p99 = _measure(lambda: voice_note(wav), runs)
    print(f"out  {len(REPLY_TE)} chars  encode (ours)   {p50:7.1f} / {p99:7.1f}")
    p50, p99 = _measure(lambda: voice_note(speak(REPLY_TE, "te")), runs)
    print(f"out  {len(REPLY_TE)} chars  speak + encode  {p50:7.1f} / {p99:7.1f}   (target ≤ 300)")
    args = ["-f", "wav", "-i", "pipe:0", "-ac", "1", "-c:a", "libopus", "-b:a", "24k", "-f", "ogg"]
    p50, p99 = _measure(lambda: _ffmpeg([*args, "pipe:1"], wav), max(5, runs // 5))
    print(f"out  {len(REPLY_TE)} chars  encode ffmpeg   {p50:7.1f} / {p99:7.1f}   (not used)")
    p50, p99 = _measure(lambda: _libsndfile_opus(wav), max(3, runs // 10))
    print(f"out  {len(REPLY_TE)} chars  libsndfile Opus {p50:7.1f} / {p99:7.1f}   (not used)")


if __name__ == "__main__":
    main()
