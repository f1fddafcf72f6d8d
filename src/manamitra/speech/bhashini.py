"""The Bhashini ULCA pipeline API, as Indian government services call it.

First a pipeline-config call (`POST MM_BHASHINI_CONFIG_URL`, headers `userID` and
`ulcaApiKey`) names, per task, the service that serves the language, and the inference
endpoint with its key; then compute calls (`POST callbackUrl`, header `{key name}: {value}`)
run the tasks, chained in the order given (ASR, then translation). Audio travels as base64
WAV. The config answer is kept for an hour, and dropped when the endpoint refuses its key.

Every call has a timeout and is retried on network errors, 429 and 5xx with backoff; runs of
failures open a circuit breaker. Everything that goes wrong surfaces as SpeechUnavailableError.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from manamitra.speech import SpeechCircuitOpenError, SpeechUnavailableError
from manamitra.speech.breaker import CircuitBreaker, CircuitOpenError

log = logging.getLogger(__name__)

CONFIG_TTL = 3600.0
RETRY_DELAYS = (0.4, 1.2)  # two retries after the first try
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Pipeline:
    """What a config call answered: a service id per task, and where to compute."""

    service_ids: tuple[str, ...]
    callback_url: str
    key_name: str
    key_value: str


class _Refused(Exception):
    """A 4xx that retrying cannot fix (the body is kept for the log)."""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class BhashiniSpeech:
    name = "bhashini"

    def __init__(
        self,
        *,
        config_url: str,
        user_id: str,
        api_key: str,
        pipeline_id: str,
        gender: str = "female",
        timeout: float = 15.0,
        transport: httpx.AsyncBaseTransport | None = None,
        breaker: CircuitBreaker | None = None,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.config_url = config_url
        self.user_id = user_id
        self.api_key = api_key
        self.pipeline_id = pipeline_id
        self.gender = gender
        self.timeout = timeout
        self.breaker = breaker or CircuitBreaker()
        self.retry_delays = tuple(retry_delays)
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._pipelines: dict[tuple[tuple[str, str, str | None], ...], tuple[float, Pipeline]] = {}

    # ---- the provider interface ------------------------------------------------------------
    async def transcribe(self, wav: bytes, lang: str) -> str:
        response = await self._run([("asr", lang, None)], {"audio": [_audio(wav)]}, _asr_config)
        return _output(response, 0, "source").strip()

    async def synthesise(self, text: str, lang: str) -> bytes:
        response = await self._run(
            [("tts", lang, None)], {"input": [{"source": text}]}, self._tts_config
        )
        try:
            content = response["pipelineResponse"][0]["audio"][0]["audioContent"]
            return base64.b64decode(content, validate=True)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise SpeechUnavailableError("TTS answer without audio") from exc

    async def transcribe_and_translate(
        self, wav: bytes, source: str, target: str
    ) -> tuple[str, str]:
        """ASR chained into translation in one compute call: (what was said, its translation)."""
        response = await self._run(
            [("asr", source, None), ("translation", source, target)],
            {"audio": [_audio(wav)]},
            _asr_config,
        )
        return _output(response, 0, "source").strip(), _output(response, 1, "target").strip()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # ---- the two calls -----------------------------------------------------------------------
    async def _run(
        self,
        tasks: list[tuple[str, str, str | None]],
        input_data: dict[str, Any],
        extra_config: Any,
    ) -> dict[str, Any]:
        try:
            self.breaker.check()
        except CircuitOpenError as exc:
            raise SpeechCircuitOpenError("speech provider circuit open") from exc
        try:
            result = await self._compute(tasks, input_data, extra_config)
        except SpeechUnavailableError:
            self.breaker.failure()
            raise
        self.breaker.success()
        return result

    async def _compute(
        self,
        tasks: list[tuple[str, str, str | None]],
        input_data: dict[str, Any],
        extra_config: Any,
    ) -> dict[str, Any]:
        for attempt in (1, 2):
            pipeline = await self._pipeline(tasks)
            body = {
                "pipelineTasks": [
                    {
                        "taskType": task,
                        "config": {
                            "language": _language(source, target),
                            "serviceId": service_id,
                            **extra_config(task),
                        },
                    }
                    for (task, source, target), service_id in zip(
                        tasks, pipeline.service_ids, strict=True
                    )
                ],
                "inputData": input_data,
            }
            try:
                return await self._post(
                    pipeline.callback_url, body, {pipeline.key_name: pipeline.key_value}
                )
            except _Refused as exc:
                if exc.status in (401, 403) and attempt == 1:
                    # the inference key was rotated: ask the config call again, once
                    self._pipelines.pop(_cache_key(tasks), None)
                    continue
                raise SpeechUnavailableError(f"compute call refused: {exc}") from exc
        raise SpeechUnavailableError("compute call refused")  # pragma: no cover - loop returns

    async def _pipeline(self, tasks: list[tuple[str, str, str | None]]) -> Pipeline:
        key = _cache_key(tasks)
        cached = self._pipelines.get(key)
        if cached is not None and time.monotonic() - cached[0] < CONFIG_TTL:
            return cached[1]
        body = {
            "pipelineTasks": [
                {"taskType": task, "config": {"language": _language(source, target)}}
                for task, source, target in tasks
            ],
            "pipelineRequestConfig": {"pipelineId": self.pipeline_id},
        }
        try:
            answer = await self._post(
                self.config_url, body, {"userID": self.user_id, "ulcaApiKey": self.api_key}
            )
        except _Refused as exc:
            raise SpeechUnavailableError(f"config call refused: {exc}") from exc
        pipeline = _parse_config(answer, [task for task, _, _ in tasks])
        self._pipelines[key] = (time.monotonic(), pipeline)
        return pipeline

    async def _post(
        self, url: str, body: dict[str, Any], headers: dict[str, str]
    ) -> dict[str, Any]:
        client = self._http()
        delays = (*self.retry_delays, None)
        for delay in delays:
            try:
                response = await client.post(url, json=body, headers=headers)
            except httpx.HTTPError as exc:
                problem: str = type(exc).__name__
            else:
                if response.status_code == 200:
                    try:
                        data = response.json()
                    except ValueError as exc:
                        raise SpeechUnavailableError("provider answered no JSON") from exc
                    if not isinstance(data, dict):
                        raise SpeechUnavailableError("provider answered no JSON object")
                    return data
                if response.status_code not in RETRY_STATUSES:
                    log.warning(
                        "speech provider refused",
                        extra={"status": response.status_code, "url": url},
                    )
                    raise _Refused(response.status_code)
                problem = f"HTTP {response.status_code}"
            if delay is None:
                raise SpeechUnavailableError(f"speech provider failed: {problem}")
            log.info("speech provider failed, retrying", extra={"problem": problem})
            await asyncio.sleep(delay)
        raise SpeechUnavailableError("speech provider failed")  # pragma: no cover

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.timeout, connect=min(5.0, self.timeout)),
                transport=self._transport,
            )
        return self._client

    def _tts_config(self, task: str) -> dict[str, Any]:
        return {"gender": self.gender, "samplingRate": 22050} if task == "tts" else {}


def _asr_config(task: str) -> dict[str, Any]:
    return {"audioFormat": "wav", "samplingRate": 16000} if task == "asr" else {}


def _language(source: str, target: str | None) -> dict[str, str]:
    return {"sourceLanguage": source, **({"targetLanguage": target} if target else {})}


def _audio(wav: bytes) -> dict[str, str]:
    return {"audioContent": base64.b64encode(wav).decode("ascii")}


def _cache_key(tasks: list[tuple[str, str, str | None]]) -> tuple[tuple[str, str, str | None], ...]:
    return tuple(tasks)


def _parse_config(answer: dict[str, Any], tasks: list[str]) -> Pipeline:
    try:
        by_task = {
            item["taskType"]: item["config"][0]["serviceId"]
            for item in answer["pipelineResponseConfig"]
        }
        endpoint = answer["pipelineInferenceAPIEndPoint"]
        key = endpoint["inferenceApiKey"]
        return Pipeline(
            service_ids=tuple(by_task[task] for task in tasks),
            callback_url=str(endpoint["callbackUrl"]),
            key_name=str(key["name"]),
            key_value=str(key["value"]),
        )
    except (KeyError, IndexError, TypeError) as exc:
        raise SpeechUnavailableError("config answer without a service for every task") from exc


def _output(response: dict[str, Any], index: int, field: str) -> str:
    try:
        outputs = response["pipelineResponse"][index]["output"]
        return str(outputs[0][field]) if outputs else ""
    except (KeyError, IndexError, TypeError) as exc:
        raise SpeechUnavailableError("compute answer without output") from exc
