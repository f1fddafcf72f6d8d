"""The Bhashini adapter against recorded shapes of the real ULCA API: the config call, then
ASR, TTS and ASR chained into translation, with the headers and bodies Bhashini documents."""

from __future__ import annotations

import asyncio
import base64
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
import soundfile as sf

from manamitra.speech import SpeechCircuitOpenError, SpeechUnavailableError
from manamitra.speech.bhashini import BhashiniSpeech
from manamitra.speech.breaker import CircuitBreaker

FIXTURES = Path(__file__).parent / "fixtures"
CONFIG_URL = "https://meity-auth.ulcacontrib.org/ulca/apis/v0/model/getModelsPipeline"
CALLBACK = "https://dhruva-api.bhashini.gov.in/services/inference/pipeline"


def recorded(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def wav(seconds: float = 0.5, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(int(seconds * rate)) / rate)
    sf.write(out, tone.astype(np.float32), rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


class Bhashini:
    """Answers as the real API did, and keeps every request for the test to look at."""

    def __init__(self, config: str, compute: dict[str, Any] | None) -> None:
        self.config = recorded(config)
        self.compute = compute
        self.requests: list[httpx.Request] = []
        self.fail_next: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail_next:
            return httpx.Response(self.fail_next.pop(0), json={"detail": "recorded failure"})
        if str(request.url) == CONFIG_URL:
            return httpx.Response(200, json=self.config)
        assert str(request.url) == CALLBACK
        return httpx.Response(200, json=self.compute)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def adapter(handler: Callable[[httpx.Request], httpx.Response], **options: Any) -> BhashiniSpeech:
    return BhashiniSpeech(
        config_url=CONFIG_URL,
        user_id="recorded-user",
        api_key="recorded-ulca-key",
        pipeline_id="64392f96daac500b55c543cd",
        transport=httpx.MockTransport(handler),
        retry_delays=(0.0, 0.0),
        **options,
    )


def test_asr_asks_the_config_call_then_computes_with_the_inference_key() -> None:
    api = Bhashini("config_asr_te", recorded("compute_asr_te"))
    audio = wav()
    heard = asyncio.run(adapter(api).transcribe(audio, "te"))
    assert heard == "ఆదాయ ధృవీకరణ పత్రం"
    config, compute = api.requests
    assert config.headers["userID"] == "recorded-user"
    assert config.headers["ulcaApiKey"] == "recorded-ulca-key"
    assert json.loads(config.content) == {
        "pipelineTasks": [{"taskType": "asr", "config": {"language": {"sourceLanguage": "te"}}}],
        "pipelineRequestConfig": {"pipelineId": "64392f96daac500b55c543cd"},
    }
    assert compute.headers["Authorization"] == "recorded-inference-key"
    assert "ulcaApiKey" not in compute.headers
    assert json.loads(compute.content) == {
        "pipelineTasks": [
            {
                "taskType": "asr",
                "config": {
                    "language": {"sourceLanguage": "te"},
                    "serviceId": "ai4bharat/conformer-multilingual-dravidian-gpu--t4",
                    "audioFormat": "wav",
                    "samplingRate": 16000,
                },
            }
        ],
        "inputData": {"audio": [{"audioContent": base64.b64encode(audio).decode()}]},
    }


def test_tts_sends_the_text_and_gender_and_returns_the_wav() -> None:
    spoken = wav(0.8, 22050)
    answer = recorded("compute_tts_te")
    answer["pipelineResponse"][0]["audio"][0]["audioContent"] = base64.b64encode(spoken).decode()
    api = Bhashini("config_tts_te", answer)
    out = asyncio.run(adapter(api).synthesise("మీ దరఖాస్తు అందింది", "te"))
    assert out == spoken
    compute = api.bodies()[1]
    assert compute["pipelineTasks"] == [
        {
            "taskType": "tts",
            "config": {
                "language": {"sourceLanguage": "te"},
                "serviceId": "ai4bharat/indic-tts-coqui-dravidian-gpu--t4",
                "gender": "female",
                "samplingRate": 22050,
            },
        }
    ]
    assert compute["inputData"] == {"input": [{"source": "మీ దరఖాస్తు అందింది"}]}


def test_asr_chained_into_translation_in_one_compute_call() -> None:
    api = Bhashini("config_asr_translation_te_en", recorded("compute_asr_translation_te_en"))
    said, meant = asyncio.run(adapter(api).transcribe_and_translate(wav(), "te", "en"))
    assert (said, meant) == ("వీధి దీపం వెలగడం లేదు", "The street light is not working")
    config, compute = api.bodies()
    assert [t["taskType"] for t in config["pipelineTasks"]] == ["asr", "translation"]
    assert config["pipelineTasks"][1]["config"]["language"] == {
        "sourceLanguage": "te",
        "targetLanguage": "en",
    }
    tasks = compute["pipelineTasks"]
    assert [t["taskType"] for t in tasks] == ["asr", "translation"]
    assert tasks[1]["config"]["serviceId"] == "ai4bharat/indictrans-v2-all-gpu--t4"
    assert "audioFormat" not in tasks[1]["config"]


def test_the_config_answer_is_kept_between_calls() -> None:
    api = Bhashini("config_asr_te", recorded("compute_asr_te"))
    speech = adapter(api)

    async def twice() -> None:
        await speech.transcribe(wav(), "te")
        await speech.transcribe(wav(), "te")

    asyncio.run(twice())
    assert [str(r.url) for r in api.requests] == [CONFIG_URL, CALLBACK, CALLBACK]


def test_a_refused_inference_key_asks_the_config_call_again_once() -> None:
    api = Bhashini("config_asr_te", recorded("compute_asr_te"))
    speech = adapter(api)

    async def run() -> str:
        await speech.transcribe(wav(), "te")
        api.fail_next = [401]
        return await speech.transcribe(wav(), "te")

    assert asyncio.run(run()) == "ఆదాయ ధృవీకరణ పత్రం"
    assert [str(r.url) for r in api.requests] == [
        CONFIG_URL,
        CALLBACK,
        CALLBACK,
        CONFIG_URL,
        CALLBACK,
    ]


def test_server_errors_are_retried_then_reported_unavailable() -> None:
    api = Bhashini("config_asr_te", recorded("compute_asr_te"))
    api.fail_next = [503, 502]
    assert asyncio.run(adapter(api).transcribe(wav(), "te")) == "ఆదాయ ధృవీకరణ పత్రం"
    api = Bhashini("config_asr_te", recorded("compute_asr_te"))
    api.fail_next = [503, 503, 503]
    with pytest.raises(SpeechUnavailableError):
        asyncio.run(adapter(api).transcribe(wav(), "te"))
    assert len(api.requests) == 3


def test_a_bad_request_is_not_retried() -> None:
    api = Bhashini("config_asr_te", recorded("compute_asr_te"))
    api.fail_next = [400]
    with pytest.raises(SpeechUnavailableError):
        asyncio.run(adapter(api).transcribe(wav(), "te"))
    assert len(api.requests) == 1


def test_a_slow_provider_times_out() -> None:
    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("recorded timeout", request=request)

    with pytest.raises(SpeechUnavailableError):
        asyncio.run(adapter(slow).transcribe(wav(), "te"))


def test_the_circuit_opens_after_failures_and_a_trial_closes_it() -> None:
    clock = [0.0]
    breaker = CircuitBreaker(failures=2, cool_down=30, now=lambda: clock[0])
    api = Bhashini("config_asr_te", recorded("compute_asr_te"))
    speech = adapter(api, breaker=breaker)
    api.fail_next = [503] * 6
    for _ in range(2):
        with pytest.raises(SpeechUnavailableError):
            asyncio.run(speech.transcribe(wav(), "te"))
    asked = len(api.requests)
    with pytest.raises(SpeechCircuitOpenError):
        asyncio.run(speech.transcribe(wav(), "te"))
    assert len(api.requests) == asked  # not called while open
    clock[0] = 31.0
    assert asyncio.run(speech.transcribe(wav(), "te")) == "ఆదాయ ధృవీకరణ పత్రం"
    assert breaker.state == "closed"
