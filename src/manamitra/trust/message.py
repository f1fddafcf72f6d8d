"""A verdict told to a citizen in one short message, from the `verdicts.yaml` catalogue; for
the WhatsApp flow where a citizen sends a photo or PDF of a certificate to check it."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from manamitra.trust.verify import Result, Verdict
from manamitra.yamlio import load_yaml

CATALOGUE = Path(__file__).parent / "verdicts.yaml"


@cache
def _catalogue() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = load_yaml(CATALOGUE.read_text("utf-8"))
    return data


def verdict_message(result: Result | None, language: str = "te") -> str:
    """The citizen's message for a verdict; `None` means no QR was found in what they sent."""
    lang = "te" if language == "te" else "en"
    if result is None:
        return _catalogue()["no_qr"][lang]
    claims: dict[str, Any] = result.claims
    name = claims.get("holder_name_te" if lang == "te" else "holder_name_en", "")
    revoked = next((f for f in result.findings if f.code == "revoked"), None)
    reason = revoked.params.get("reason", "") if revoked is not None else ""
    if isinstance(reason, dict):
        reason = reason.get(lang) or reason.get("en", "")
    values = {
        "number": claims.get("number", ""),
        "name": name,
        "office": claims.get("office", ""),
        "reason": reason,
    }
    key = result.verdict.value if isinstance(result.verdict, Verdict) else str(result.verdict)
    return _catalogue()[key][lang].format_map(values)
