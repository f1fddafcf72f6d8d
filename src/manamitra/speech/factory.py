"""The configured speech provider (MM_SPEECH_PROVIDER), built once by the composition root."""

from __future__ import annotations

import httpx

from manamitra.speech import SpeechProvider
from manamitra.speech.bhashini import BhashiniSpeech
from manamitra.speech.config import STAND_IN_CONFIG_PATH, SpeechConfig
from manamitra.speech.local import LocalSpeech


def build_provider(
    config: SpeechConfig,
    public_url: str,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
) -> SpeechProvider:
    if config.speech_provider == "bhashini":
        if not (config.bhashini_user_id and config.bhashini_api_key):
            raise ValueError("MM_SPEECH_PROVIDER=bhashini needs MM_BHASHINI_USER_ID and _API_KEY")
        return BhashiniSpeech(
            config_url=config.bhashini_config_url,
            user_id=config.bhashini_user_id,
            api_key=config.bhashini_api_key,
            pipeline_id=config.bhashini_pipeline_id,
            gender=config.bhashini_tts_gender,
            timeout=config.speech_timeout_seconds,
            transport=transport,
        )
    stand_in = BhashiniSpeech(
        config_url=f"{public_url.rstrip('/')}{STAND_IN_CONFIG_PATH}",
        user_id="sandbox",
        api_key="sandbox",
        pipeline_id=config.bhashini_pipeline_id,
        timeout=config.speech_timeout_seconds,
        transport=transport,
    )
    return LocalSpeech(stand_in)
