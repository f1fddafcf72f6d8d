"""The emulator's message templates: `GET/POST /{waba-id}/message_templates` as Meta serves
them (pages of `limit`, `paging.cursors.before/after` and `next`), approval after a short
delay with a `message_template_status_update` webhook, and the account webhooks tests and
the simulator trigger: a template paused or its quality changed, the number's quality
flagged (`phone_number_quality_update`)."""

from __future__ import annotations

import asyncio
import base64
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from manamitra.sandbox import graph_error
from manamitra.sandbox.payload import Business

_NAME = re.compile(r"^[a-z0-9_]{1,512}$")
CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")


@dataclass
class StoredTemplate:
    id: str
    name: str
    language: str
    category: str
    components: list[dict[str, Any]]
    status: str = "PENDING"
    quality: str = "UNKNOWN"
    parameter_format: str = "POSITIONAL"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "language": self.language,
            "category": self.category,
            "status": self.status,
            "parameter_format": self.parameter_format,
            "components": self.components,
            "quality_score": {"score": self.quality},
        }


def _cursor(index: int) -> str:
    return base64.urlsafe_b64encode(str(index).encode()).decode().rstrip("=")


def _index(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode())
    except (ValueError, UnicodeDecodeError):
        raise graph_error.param("Invalid cursor") from None


@dataclass
class TemplateBook:
    """Templates of one business account, with the account webhooks they cause."""

    business: Business
    post: Callable[[dict[str, Any]], Coroutine[Any, Any, Any]]
    approval_delay: float = 0.3
    auto_approve: bool = True
    _items: list[StoredTemplate] = field(default_factory=list)
    _next_id: int = 594425479261596
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def check_account(self, account_id: str) -> None:
        if account_id != self.business.account_id:
            raise graph_error.unknown_object(account_id, "GET")

    def find(self, name: str, language: str) -> StoredTemplate | None:
        return next((t for t in self._items if t.name == name and t.language == language), None)

    def page(self, limit: int, after: str | None, base_url: str) -> dict[str, Any]:
        limit = max(1, min(limit, 100))
        start = _index(after) + 1 if after else 0
        chunk = self._items[start : start + limit]
        result: dict[str, Any] = {"data": [t.to_json() for t in chunk]}
        if chunk:
            last = start + len(chunk) - 1
            paging: dict[str, Any] = {"cursors": {"before": _cursor(start), "after": _cursor(last)}}
            if last + 1 < len(self._items):
                paging["next"] = f"{base_url}?limit={limit}&after={_cursor(last)}"
            result["paging"] = paging
        return result

    def create(self, body: Any) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise graph_error.param("Invalid JSON for postbody")
        name, language = body.get("name"), body.get("language")
        category = str(body.get("category") or "").upper()
        if not isinstance(name, str) or not _NAME.match(name):
            raise graph_error.param("Param name must be lower case letters, digits and _")
        if not isinstance(language, str) or not language:
            raise graph_error.param("The parameter language is required.")
        if category not in CATEGORIES:
            raise graph_error.param("Param category must be one of " + ", ".join(CATEGORIES))
        components = body.get("components")
        if not isinstance(components, list) or not any(
            isinstance(c, dict) and str(c.get("type", "")).upper() == "BODY" for c in components
        ):
            raise graph_error.param("Param components must include a BODY")
        if self.find(name, language) is not None:
            raise graph_error.param(f"Content in this language already exists for {name}")
        self._next_id += 1
        template = StoredTemplate(
            id=str(self._next_id),
            name=name,
            language=language,
            category=category,
            components=components,
            parameter_format=str(body.get("parameter_format") or "POSITIONAL"),
        )
        self._items.append(template)
        if self.auto_approve:
            self._spawn(self._approve_later(template))
        return {"id": template.id, "status": template.status, "category": template.category}

    async def _approve_later(self, template: StoredTemplate) -> None:
        await asyncio.sleep(self.approval_delay)
        await self.set_status(template.name, template.language, "APPROVED")

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def set_status(
        self, name: str, language: str, status: str, reason: str | None = None
    ) -> None:
        template = self.find(name, language)
        if template is None:
            raise graph_error.unknown_object(name, "POST")
        template.status = status.upper()
        value: dict[str, Any] = {
            "event": template.status,
            "message_template_id": int(template.id),
            "message_template_name": template.name,
            "message_template_language": template.language,
            "reason": reason or "NONE",
        }
        await self.post(self._account_change("message_template_status_update", value))

    async def set_quality(self, name: str, language: str, quality: str) -> None:
        template = self.find(name, language)
        if template is None:
            raise graph_error.unknown_object(name, "POST")
        previous, template.quality = template.quality, quality.upper()
        value = {
            "previous_quality_score": previous,
            "new_quality_score": template.quality,
            "message_template_id": int(template.id),
            "message_template_name": template.name,
            "message_template_language": template.language,
        }
        await self.post(self._account_change("message_template_quality_update", value))

    async def number_quality(self, event: str, current_limit: str = "TIER_10K") -> None:
        value = {
            "display_phone_number": self.business.display_number,
            "event": event.upper(),
            "current_limit": current_limit,
        }
        await self.post(self._account_change("phone_number_quality_update", value))

    def sendable(self, name: str, language: str) -> None:
        """Refuse a template message Meta would refuse: unknown here, or not approved.
        Templates the emulator never saw created (the grievance notices) pass."""
        known = [t for t in self._items if t.name == name]
        if not known:
            return
        template = self.find(name, language)
        if template is None:
            raise graph_error.GraphError(graph_error.TEMPLATE_MISSING)
        if template.status == "PAUSED":
            raise graph_error.GraphError(graph_error.TEMPLATE_PAUSED)
        if template.status != "APPROVED":
            raise graph_error.GraphError(graph_error.TEMPLATE_MISSING)

    def _account_change(self, field_name: str, value: dict[str, Any]) -> dict[str, Any]:
        return {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": self.business.account_id,
                    "time": 0,
                    "changes": [{"field": field_name, "value": value}],
                }
            ],
        }

    def reset(self) -> None:
        self._items.clear()
