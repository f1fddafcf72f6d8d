"""Conversion: a voice note into the recogniser's 16 kHz mono WAV, and a synthesised reply
into an OGG Opus voice note that an independent decoder (ffprobe) reads as such."""

from __future__ import annotations

import io

import numpy as np
import pytest
import soundfile as sf

from manamitra.speech import AudioRejectedError
from manamitra.speech.audio import duration, fingerprint, for_recogniser, resample, voice_note
from manamitra.speech.espeak import speak
from tests.support.voice import needs_voice_tools, probe, recording

pytestmark = needs_voice_tools


def test_a_voice_note_becomes_16_khz_mono_wav_of_the_same_length() -> None:
    note = recording("నాకు ఆదాయ ధృవీకరణ పత్రం కావాలి")
    ready = for_recogniser(note, max_seconds=60)
    samples, rate = sf.read(io.BytesIO(ready.wav), dtype="int16")
    assert rate == 16000 and samples.ndim == 1
    assert ready.wav[:4] == b"RIFF"
    assert abs(ready.seconds - probe(note)["duration"]) < 0.1
    assert ready.level_dbfs > -40


def test_the_same_recording_always_gives_the_same_print() -> None:
    note = recording("రెండు")
    first = fingerprint(for_recogniser(note, max_seconds=60).wav)
    assert first == fingerprint(for_recogniser(note, max_seconds=60).wav)
    assert first != fingerprint(for_recogniser(recording("మూడు"), max_seconds=60).wav)


def test_silence_too_long_and_not_audio_are_rejected_with_their_reason() -> None:
    with pytest.raises(AudioRejectedError) as silent:
        for_recogniser(recording("ఏమీ లేదు", silence=True), max_seconds=60)
    assert silent.value.reason == "silent"
    with pytest.raises(AudioRejectedError) as long:
        for_recogniser(recording("ఇది చాలా పొడవైన సందేశం " * 4), max_seconds=1.0)
    assert long.value.reason == "too_long"
    with pytest.raises(AudioRejectedError) as junk:
        for_recogniser(b"OggS" + b"\x00" * 200, max_seconds=60)
    assert junk.value.reason == "unreadable"


def test_a_reply_is_an_ogg_opus_mono_voice_note_as_long_as_its_speech() -> None:
    wav = speak("మీ దరఖాస్తు అందింది. మీ సంఖ్య REV-2026-000123.", "te")
    note = voice_note(wav)
    facts = probe(note)
    assert facts["format"] == "ogg" and facts["codec"] == "opus" and facts["channels"] == 1
    assert abs(facts["duration"] - duration(wav)) < 0.1
    assert 1.5 < facts["duration"] < 12


def test_resampling_keeps_a_tone_and_drops_what_the_new_rate_cannot_carry() -> None:
    rate = 48000
    t = np.arange(rate) / rate
    low = resample(np.sin(2 * np.pi * 440 * t), rate, 16000)
    high = resample(np.sin(2 * np.pi * 12000 * t), rate, 16000)
    assert len(low) == 16000
    assert 0.6 < float(np.sqrt(np.mean(low**2))) < 0.75  # a sine's RMS is 0.707
    assert float(np.sqrt(np.mean(high**2))) < 0.05  # above 8 kHz: filtered, not aliased
