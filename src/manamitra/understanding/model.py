"""An optional chat-completion model for what the local engine cannot place: any server that
speaks the OpenAI-compatible `POST /v1/chat/completions` (vLLM, Ollama, a state-hosted model).

Grounded: the model is shown only the candidate services' catalogue facts (id, name,
description, keywords) and the citizen's words with every number of six or more digits, any
Aadhaar and any e-mail address masked; it must answer with one candidate id or NONE, and any
other answer counts as NONE. A strict timeout; any failure falls back to the local engine.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Sequence
from typing import Any

import httpx

from manamitra.catalog.schema import ServiceSpec
from manamitra.privacy import mask_aadhaar_in
from manamitra.settings import Settings

log = logging.getLogger(__name__)

_LONG_NUMBER = re.compile(r"\d[\d\s-]{4,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
SYSTEM = (
    "You route a citizen's message to one government service of Andhra Pradesh. "
    "Choose only from the services listed, using only their facts. "
    "Answer with exactly one service id from the list, or NONE if none fits. No other words."
)


def redact(text: str) -> str:
    """The citizen's words without Aadhaar, phone, account or other long numbers, or e-mail."""
    masked = mask_aadhaar_in(text)
    masked = _EMAIL.sub("[email]", masked)
    return _LONG_NUMBER.sub(
        lambda m: "[number]" if sum(c.isdigit() for c in m[0]) >= 6 else m[0], masked
    )


class ChatModel:
    """Asks the model to pick one of the candidates; None on NONE, timeout or any error."""

    def __init__(
        self,
        url: str,
        model: str,
        *,
        api_key: str = "",
        timeout: float = 2.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self.model = model
        self.client = httpx.Client(
            base_url=url.rstrip("/"), headers=headers, timeout=timeout, transport=transport
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> ChatModel | None:
        if not settings.llm_url:
            return None
        return cls(
            settings.llm_url,
            settings.llm_model,
            api_key=settings.llm_api_key,
            timeout=settings.llm_timeout_seconds,
        )

    def request(self, text: str, candidates: Sequence[ServiceSpec], lang: str) -> dict[str, Any]:
        facts = [
            {
                "id": spec.id,
                "name": spec.name.en,
                "name_te": spec.name.te,
                "description": spec.description.en,
                "keywords": [*spec.keywords.en, *spec.keywords.roman, *spec.keywords.te],
            }
            for spec in candidates
        ]
        question = {"message": redact(text), "language": lang, "services": facts}
        return {
            "model": self.model,
            "temperature": 0,
            "max_tokens": 40,
            "messages": [
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": json.dumps(question, ensure_ascii=False)},
            ],
        }

    def __call__(self, text: str, candidates: list[ServiceSpec], lang: str) -> str | None:
        if not candidates:
            return None
        try:
            response = self.client.post(
                "/v1/chat/completions", json=self.request(text, candidates, lang)
            )
            response.raise_for_status()
            content = response.json()["choices"][0]["message"]["content"]
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.warning("understanding model unavailable", extra={"error": type(exc).__name__})
            return None
        answer = str(content).strip().strip("`'\". ")
        ids = {spec.id for spec in candidates}
        return answer if answer in ids else None

    def close(self) -> None:
        self.client.close()
