"""Speech settings, read once from MM_SPEECH_* and MM_BHASHINI_* environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# MeitY's ULCA endpoint for the pipeline-config call (Bhashini's documented address)
BHASHINI_CONFIG_URL = "https://meity-auth.ulcacontrib.org/ulca/apis/v0/model/getModelsPipeline"
# the MeitY pipeline that offers ASR, translation and TTS for the scheduled languages
BHASHINI_PIPELINE_ID = "64392f96daac500b55c543cd"
# where the sandbox's stand-in answers the same config call (under MM_PUBLIC_URL)
STAND_IN_CONFIG_PATH = "/sandbox/bhashini/ulca/apis/v0/model/getModelsPipeline"


class SpeechConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MM_", extra="ignore")

    # "bhashini": the ULCA pipeline API for speech in and out; "local": espeak-ng speaks the
    # replies and voice notes go to the sandbox's stand-in recogniser (a demo, see docs/voice.md)
    speech_provider: Literal["local", "bhashini"] = "local"
    bhashini_config_url: str = BHASHINI_CONFIG_URL
    bhashini_user_id: str = ""
    bhashini_api_key: str = ""
    bhashini_pipeline_id: str = BHASHINI_PIPELINE_ID
    # the voice Bhashini speaks replies in
    bhashini_tts_gender: Literal["female", "male"] = "female"
    # one call to the provider (each retry has its own)
    speech_timeout_seconds: float = Field(default=15.0, gt=0, le=120)
    # voice notes longer than this are not sent to the recogniser (WhatsApp allows far longer)
    speech_max_seconds: float = Field(default=60.0, gt=0, le=600)
