"""Audio conversion: a citizen's voice note into what a recogniser takes (16 kHz mono 16-bit
WAV), and a synthesised reply into what WhatsApp plays as a voice note (OGG Opus, mono).

libsndfile (through `soundfile`) does both in the process: decoding a 10-second OGG Opus note
costs a few milliseconds of CPU, where starting ffmpeg costs ~160 ms before it reads a byte
(bench/voice.py measures both). ffmpeg remains the fallback for containers libsndfile does not
read (AAC in MP4, AMR, WebM from a browser's recorder).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from dataclasses import dataclass

import numpy as np
import soundfile as sf

from manamitra.speech import AudioRejectedError, opus

RECOGNISER_RATE = 16_000
SILENCE_DBFS = -48.0
MIN_SECONDS = 0.4
_TAPS = 63


@dataclass(frozen=True)
class Recording:
    """A voice note made ready for the recogniser."""

    wav: bytes
    seconds: float
    level_dbfs: float


def for_recogniser(data: bytes, *, max_seconds: float) -> Recording:
    """Decode, mix to mono, resample to 16 kHz; AudioRejectedError when it is too long to
    send, silent or not audio at all."""
    samples, rate = _decode(data, max_seconds=max_seconds)
    seconds = len(samples) / rate if rate else 0.0
    if seconds > max_seconds:
        raise AudioRejectedError("too_long", f"{seconds:.1f} s")
    mono = resample(samples, rate, RECOGNISER_RATE)
    level = _dbfs(mono)
    if seconds < MIN_SECONDS or level < SILENCE_DBFS:
        raise AudioRejectedError("silent", f"{seconds:.1f} s at {level:.0f} dBFS")
    return Recording(wav=wav_bytes(mono, RECOGNISER_RATE), seconds=seconds, level_dbfs=level)


def voice_note(wav: bytes) -> bytes:
    """A WAV (any rate) as OGG Opus mono: WhatsApp's voice-note format."""
    try:
        samples, rate = sf.read(io.BytesIO(wav), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, TypeError) as exc:
        raise AudioRejectedError("unreadable", "synthesised audio is no WAV") from exc
    # the next rate Opus takes at or above the source's: espeak-ng's 22,050 Hz goes up to
    # 24 kHz, which needs interpolation only, no low-pass
    target = next((r for r in opus.RATES if r >= rate), opus.RATES[-1])
    return opus.encode_ogg_opus(resample(samples.mean(axis=1), rate, target), target)


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    out = io.BytesIO()
    sf.write(out, samples, rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def duration(data: bytes) -> float:
    """Seconds of audio in a file libsndfile reads (WAV, OGG Opus)."""
    info = sf.info(io.BytesIO(data))
    return float(info.frames) / float(info.samplerate)


def resample(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """Mono float samples at `target` Hz: a windowed-sinc low-pass below the lower Nyquist,
    then linear interpolation (exact decimation when the rates divide)."""
    mono = samples.mean(axis=1) if samples.ndim == 2 else samples
    mono = mono.astype(np.float32, copy=False)
    if rate == target or len(mono) == 0:
        return mono
    if rate > target:
        cutoff = 0.45 * target / rate  # of the source rate; 0.5 would be the new Nyquist
        taps = _low_pass(cutoff)
        if rate % target == 0:
            step = rate // target
            padded = np.pad(mono, (_TAPS // 2, _TAPS // 2))
            windows = np.lib.stride_tricks.sliding_window_view(padded, _TAPS)[::step]
            return (windows @ taps).astype(np.float32)
        mono = np.convolve(mono, taps, mode="same").astype(np.float32)
    count = round(len(mono) * target / rate)
    positions = np.arange(count, dtype=np.float64) * (rate / target)
    return np.interp(positions, np.arange(len(mono)), mono).astype(np.float32)


def _low_pass(cutoff: float) -> np.ndarray:
    n = np.arange(_TAPS) - (_TAPS - 1) / 2
    taps = 2 * cutoff * np.sinc(2 * cutoff * n) * np.hamming(_TAPS)
    return (taps / taps.sum()).astype(np.float32)


def _dbfs(samples: np.ndarray) -> float:
    if len(samples) == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20 * float(np.log10(max(rms, 1e-6)))


def _decode(data: bytes, *, max_seconds: float) -> tuple[np.ndarray, int]:
    try:
        with sf.SoundFile(io.BytesIO(data)) as source:
            if source.frames / source.samplerate > max_seconds:
                raise AudioRejectedError("too_long", f"{source.frames / source.samplerate:.1f} s")
            samples = source.read(dtype="float32", always_2d=True)
            return samples, int(source.samplerate)
    except (sf.LibsndfileError, RuntimeError, TypeError):
        return _decode_with_ffmpeg(data, max_seconds=max_seconds)


def _decode_with_ffmpeg(data: bytes, *, max_seconds: float) -> tuple[np.ndarray, int]:
    """Containers libsndfile cannot read (AAC, AMR, WebM): ffmpeg straight to 16 kHz PCM."""
    binary = shutil.which("ffmpeg")
    if binary is None:
        raise AudioRejectedError("unreadable", "not OGG/WAV, and ffmpeg is not installed")
    try:
        done = subprocess.run(
            [
                binary,
                *("-nostdin", "-hide_banner", "-loglevel", "error", "-i", "pipe:0"),
                *("-t", str(max_seconds + 1), "-ac", "1", "-ar", str(RECOGNISER_RATE)),
                *("-f", "s16le", "pipe:1"),
            ],
            input=data,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise AudioRejectedError("unreadable", "ffmpeg took too long") from exc
    if done.returncode != 0 or not done.stdout:
        raise AudioRejectedError("unreadable", "ffmpeg could not decode the audio")
    pcm = np.frombuffer(done.stdout, dtype="<i2").astype(np.float32) / 32768.0
    return pcm.reshape(-1, 1), RECOGNISER_RATE


def fingerprint(wav: bytes) -> str:
    """SHA-256 of a WAV's samples (not its header): the same audio gives the same print
    however the file around it was written."""
    samples, _rate = sf.read(io.BytesIO(wav), dtype="int16", always_2d=True)
    return hashlib.sha256(samples.tobytes()).hexdigest()
