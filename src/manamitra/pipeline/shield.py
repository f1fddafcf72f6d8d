"""Aadhaar numbers kept out of the inbox: each inbound message is masked before its commit.

Whatever carries a citizen's words (typed text, captions, file names, button and list replies,
Flow replies, contacts, order notes, profile names) is stored with each Aadhaar number in it
masked ("XXXX XXXX 0957"). The typed text itself, which an Aadhaar step must read, travels
beside it sealed with the platform's data key (`Inbound.sealed`); only the Aadhaar field opens
it, in memory, and the worker drops it once the message is processed. The engine and
everything after it see only the masked message, so replies, conversation state, applications
and logs cannot hold the number either.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import orjson

from manamitra.messaging.inbound import Inbound
from manamitra.privacy import Cipher, mask_aadhaar_deep, mask_aadhaar_in, may_hold_aadhaar

# Parts of `Inbound.extra` that Meta or the payment system wrote, not the citizen: a UPI
# reference is twelve digits too, and the engine needs it as sent.
PLATFORM_EXTRA = frozenset({"payment", "system", "order", "type", "error_code", "url", "animated"})


def _written(extra: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in extra.items() if key not in PLATFORM_EXTRA}


def _content(inbound: Inbound) -> Iterator[str | None]:
    yield inbound.text
    yield inbound.choice_id
    yield inbound.choice_title
    yield inbound.profile_name
    if inbound.media is not None:
        yield inbound.media.caption
        yield inbound.media.filename
    if inbound.location is not None:
        yield inbound.location.name
        yield inbound.location.address
    written = _written(inbound.extra) if inbound.extra else None
    if written:
        yield orjson.dumps(written).decode()


def _mask(text: str | None) -> str | None:
    return None if text is None else mask_aadhaar_in(text)


def shield(inbound: Inbound, cipher: Callable[[], Cipher]) -> Inbound:
    """`inbound` as the inbox may keep it: unchanged unless it holds an Aadhaar number."""
    if not any(text is not None and may_hold_aadhaar(text) for text in _content(inbound)):
        return inbound
    media, location = inbound.media, inbound.location
    masked = replace(
        inbound,
        text=_mask(inbound.text),
        choice_id=_mask(inbound.choice_id),
        choice_title=_mask(inbound.choice_title),
        profile_name=_mask(inbound.profile_name),
        media=None
        if media is None
        else replace(media, caption=_mask(media.caption), filename=_mask(media.filename)),
        location=None
        if location is None
        else replace(location, name=_mask(location.name), address=_mask(location.address)),
        extra={**inbound.extra, **mask_aadhaar_deep(_written(inbound.extra))},
    )
    if masked == inbound:
        return inbound  # twelve digits, but no valid Aadhaar number among them
    if inbound.text is not None and masked.text != inbound.text:
        masked = replace(masked, sealed=cipher().seal_message(inbound.text))
    return masked
