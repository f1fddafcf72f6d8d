"""The sandbox's stand-in for Bhashini: the ULCA pipeline protocol, answered on this machine.

    POST /sandbox/bhashini/ulca/apis/v0/model/getModelsPipeline   the config call
    POST /sandbox/bhashini/services/inference/pipeline            the compute call

It is not a speech recogniser. No offline Telugu recogniser can be installed here, so its
"recogniser" knows only audio whose words it was told: the samples shipped beside this file
(`voice_samples/*.ogg`, each with its `.txt`) and the voice notes whose transcript the
simulator's tester typed when sending them. It matches them by a print of the samples our
own conversion produces, and answers an empty transcript for anything else ("could not make
out the words"). Speech out is espeak-ng. A tester can take it down or slow it
(`POST /sandbox/api/speech`), to see what citizens see when the real service is out.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Header, HTTPException, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from manamitra.sandbox.phone import InboundError, MediaUpload
from manamitra.speech import AudioRejectedError, SpeechUnavailableError
from manamitra.speech.audio import fingerprint, for_recogniser
from manamitra.speech.config import STAND_IN_CONFIG_PATH
from manamitra.speech.espeak import speak_async

SAMPLES_DIR = Path(__file__).parent / "voice_samples"
INFERENCE_PATH = "/sandbox/bhashini/services/inference/pipeline"
INFERENCE_KEY = "sandbox-inference-key"
ASR_SERVICE = "manamitra-sandbox/transcript-lookup (not a recogniser)"
TTS_SERVICE = "manamitra-sandbox/espeak-ng"
MAX_SECONDS = 120.0


@dataclass
class StandIn:
    """The transcripts the stand-in knows, by print, and the faults a tester set."""

    known: dict[str, str] = field(default_factory=dict)
    down: bool = False
    delay: float = 0.0
    calls: list[str] = field(default_factory=list)

    def learn(self, audio: bytes, transcript: str) -> None:
        """Remember `transcript` for a voice note (as the phone sends it: OGG Opus)."""
        recording = for_recogniser(audio, max_seconds=MAX_SECONDS)
        self.known[fingerprint(recording.wav)] = transcript.strip()

    def learn_samples(self, directory: Path = SAMPLES_DIR) -> None:
        for sample in sorted(directory.glob("*.ogg")):
            text = sample.with_suffix(".txt")
            if text.exists():
                self.learn(sample.read_bytes(), text.read_text(encoding="utf-8"))

    def heard(self, wav: bytes) -> str:
        try:
            return self.known.get(fingerprint(wav), "")
        except RuntimeError:  # libsndfile: not a WAV
            return ""


def samples() -> list[dict[str, str]]:
    """The shipped samples: name, language (file name's prefix) and transcript."""
    return [
        {
            "name": path.stem,
            "lang": path.stem.split("_", 1)[0],
            "transcript": path.with_suffix(".txt").read_text(encoding="utf-8").strip(),
        }
        for path in sorted(SAMPLES_DIR.glob("*.ogg"))
        if path.with_suffix(".txt").exists()
    ]


class FaultIn(BaseModel):
    down: bool = False
    delay: float = Field(default=0.0, ge=0, le=120)


def build_speech_router(stand_in: StandIn) -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.post(STAND_IN_CONFIG_PATH)
    async def config(
        request: Request,
        user_id: str | None = Header(default=None, alias="userID"),
        api_key: str | None = Header(default=None, alias="ulcaApiKey"),
    ) -> JSONResponse:
        if not user_id or not api_key:
            raise HTTPException(401, "userID and ulcaApiKey headers are required")
        if stand_in.down:
            return JSONResponse({"message": "stand-in taken down by the tester"}, 503)
        body = await request.json()
        tasks = body.get("pipelineTasks") or []
        response = []
        for task in tasks:
            kind = task.get("taskType")
            if kind not in ("asr", "tts"):
                raise HTTPException(400, f"the stand-in offers asr and tts, not {kind}")
            language = task.get("config", {}).get("language", {})
            response.append(
                {
                    "taskType": kind,
                    "config": [
                        {
                            "serviceId": ASR_SERVICE if kind == "asr" else TTS_SERVICE,
                            "modelId": "sandbox",
                            "language": language,
                        }
                    ],
                }
            )
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "pipelineResponseConfig": response,
                "pipelineInferenceAPIEndPoint": {
                    "callbackUrl": f"{base}{INFERENCE_PATH}",
                    "inferenceApiKey": {"name": "Authorization", "value": INFERENCE_KEY},
                    "isMultilingualEnabled": True,
                    "isSyncApi": True,
                },
            }
        )

    @router.post(INFERENCE_PATH)
    async def compute(
        request: Request, authorization: str | None = Header(default=None)
    ) -> Response:
        if authorization != INFERENCE_KEY:
            raise HTTPException(401, "wrong inference key")
        if stand_in.delay:
            await asyncio.sleep(stand_in.delay)
        if stand_in.down:
            return JSONResponse({"message": "stand-in taken down by the tester"}, 503)
        body = await request.json()
        task = (body.get("pipelineTasks") or [{}])[0]
        kind = task.get("taskType")
        lang = task.get("config", {}).get("language", {}).get("sourceLanguage", "te")
        stand_in.calls.append(str(kind))
        if kind == "asr":
            return JSONResponse(_asr(stand_in, body, task))
        if kind == "tts":
            return JSONResponse(await _tts(body, task, lang))
        raise HTTPException(400, f"the stand-in offers asr and tts, not {kind}")

    @router.get("/sandbox/api/speech/samples")
    async def list_samples() -> list[dict[str, str]]:
        return samples()

    @router.get("/sandbox/api/speech/samples/{name}")
    async def sample_audio(name: str) -> Response:
        path = SAMPLES_DIR / f"{name}.ogg"
        if not name.replace("_", "").isalnum() or not path.exists():
            raise HTTPException(404, "no such sample")
        return Response(path.read_bytes(), media_type="audio/ogg")

    @router.post("/sandbox/api/speech")
    async def fault(fault: FaultIn) -> dict[str, Any]:
        stand_in.down, stand_in.delay = fault.down, fault.delay
        return {"down": stand_in.down, "delay": stand_in.delay}

    return router


def _asr(stand_in: StandIn, body: dict[str, Any], task: dict[str, Any]) -> dict[str, Any]:
    try:
        content = body["inputData"]["audio"][0]["audioContent"]
        wav = base64.b64decode(content, validate=True)
    except (KeyError, IndexError, TypeError, binascii.Error) as exc:
        raise HTTPException(400, "inputData.audio[0].audioContent: base64 WAV expected") from exc
    return {
        "pipelineResponse": [
            {
                "taskType": "asr",
                "config": None,
                "output": [{"source": stand_in.heard(wav)}],
                "audio": None,
            }
        ]
    }


async def _tts(body: dict[str, Any], task: dict[str, Any], lang: str) -> dict[str, Any]:
    try:
        text = str(body["inputData"]["input"][0]["source"])
    except (KeyError, IndexError, TypeError) as exc:
        raise HTTPException(400, "inputData.input[0].source expected") from exc
    try:
        wav = await speak_async(text, lang)
    except (SpeechUnavailableError, AudioRejectedError) as exc:
        raise HTTPException(503, "espeak-ng is not available") from exc
    return {
        "pipelineResponse": [
            {
                "taskType": "tts",
                "config": {
                    "language": {"sourceLanguage": lang},
                    "audioFormat": "wav",
                    "encoding": "base64",
                    "samplingRate": 22050,
                },
                "output": None,
                "audio": [{"audioContent": base64.b64encode(wav).decode(), "audioUri": None}],
            }
        ]
    }


def voice_hook(stand_in: StandIn) -> Callable[[MediaUpload, str | None], MediaUpload]:
    """What the simulated phone does with a voice note before sending it: a browser's
    recording (WebM) becomes OGG Opus, as WhatsApp sends, and a transcript the tester typed
    is taught to the stand-in recogniser."""

    def prepare(upload: MediaUpload, transcript: str | None) -> MediaUpload:
        if not upload.voice and not transcript:
            return upload
        try:
            data = base64.b64decode(upload.data_base64, validate=True)
        except (binascii.Error, ValueError):
            return upload  # the phone refuses it with its own message
        if upload.mime_type.split(";")[0].strip() in ("audio/webm", "video/webm"):
            data = _webm_to_ogg(data)
            upload = replace(
                upload,
                data_base64=base64.b64encode(data).decode(),
                mime_type="audio/ogg; codecs=opus",
            )
        if transcript and transcript.strip():
            try:
                stand_in.learn(data, transcript)
            except AudioRejectedError as exc:
                raise InboundError(f"the recording cannot be taught: {exc.reason}") from exc
        return upload

    return prepare


def _webm_to_ogg(data: bytes) -> bytes:
    binary = shutil.which("ffmpeg")
    if binary is None:
        raise InboundError("a browser recording (WebM) needs ffmpeg to become a voice note")
    done = subprocess.run(
        [
            binary,
            "-nostdin",
            "-loglevel",
            "error",
            "-i",
            "pipe:0",
            "-vn",
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
        input=data,
        capture_output=True,
        timeout=30,
        check=False,
    )
    if done.returncode != 0 or not done.stdout:
        raise InboundError("the browser recording could not be read")
    return done.stdout
