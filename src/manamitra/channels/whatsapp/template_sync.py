"""Templates between Meta and our database: `sync` reads every page of
`GET /{waba-id}/message_templates` (following `paging.cursors.after`) into `alert_template`;
`submit` creates one with `POST /{waba-id}/message_templates` (Meta answers PENDING, and its
`message_template_status_update` webhook says APPROVED or REJECTED later).

Meta's raw template objects stop here: what goes on is an `alerts.TemplateInfo`.
"""

from __future__ import annotations

import logging
from typing import Any

from manamitra.alerts import templates
from manamitra.alerts.templates import TemplateInfo
from manamitra.channels.whatsapp.graph_client import GraphClient
from manamitra.errors import PayloadError
from manamitra.store import Database

log = logging.getLogger(__name__)
MAX_PAGES = 1000  # 100 a page: Meta's limit of templates per account is far lower


def _component(components: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next((c for c in components if str(c.get("type", "")).upper() == kind), None)


def from_graph(item: dict[str, Any]) -> TemplateInfo:
    components = [c for c in item.get("components") or [] if isinstance(c, dict)]
    body = _component(components, "BODY")
    if not item.get("name") or not item.get("language") or body is None:
        raise PayloadError("template without name, language or body")
    header = _component(components, "HEADER")
    footer = _component(components, "FOOTER")
    buttons = _component(components, "BUTTONS")
    return TemplateInfo(
        name=str(item["name"]),
        language=str(item["language"]),
        category=str(item.get("category") or "utility").lower(),
        body=str(body.get("text") or ""),
        status=str(item.get("status") or "PENDING").upper(),
        header=str(header["text"]) if header and header.get("text") else None,
        footer=str(footer["text"]) if footer and footer.get("text") else None,
        buttons=[b for b in (buttons or {}).get("buttons", []) if isinstance(b, dict)],
        meta_id=str(item["id"]) if item.get("id") else None,
        quality=_quality(item),
        reason=str(item["rejected_reason"])
        if item.get("rejected_reason") not in (None, "NONE")
        else None,
    )


def _quality(item: dict[str, Any]) -> str | None:
    score = item.get("quality_score")
    if isinstance(score, dict) and score.get("score"):
        return str(score["score"]).upper()
    return None


def to_graph(info: TemplateInfo) -> dict[str, Any]:
    components: list[dict[str, Any]] = []
    if info.header:
        components.append({"type": "HEADER", "format": "TEXT", "text": info.header})
    body: dict[str, Any] = {"type": "BODY", "text": info.body}
    if info.parameters:
        body["example"] = {"body_text": [[f"<{p}>" for p in info.parameters]]}
    components.append(body)
    if info.footer:
        components.append({"type": "FOOTER", "text": info.footer})
    if info.buttons:
        components.append({"type": "BUTTONS", "buttons": info.buttons})
    named = info.parameters and not all(p.isdigit() for p in info.parameters)
    return {
        "name": info.name,
        "language": info.language,
        "category": info.category.upper(),
        "parameter_format": "NAMED" if named else "POSITIONAL",
        "components": components,
    }


async def sync(database: Database, graph: GraphClient, account_id: str) -> int:
    """Read every template of the account into the database; how many were stored."""
    found: list[TemplateInfo] = []
    after: str | None = None
    for _ in range(MAX_PAGES):
        page = await graph.list_templates(account_id, after=after)
        for item in page.get("data") or []:
            try:
                found.append(from_graph(item))
            except PayloadError as exc:
                log.warning("template skipped", extra={"reason": str(exc)})
        paging = page.get("paging") or {}
        after = (paging.get("cursors") or {}).get("after")
        if not paging.get("next") or not after:
            break
    templates.save(database, found)
    return len(found)


async def submit(
    database: Database, graph: GraphClient, account_id: str, info: TemplateInfo
) -> str:
    """Create the template at Meta and store it with the status Meta gave."""
    answer = await graph.create_template(account_id, to_graph(info))
    stored = TemplateInfo(
        **{
            **{k: v for k, v in info.to_json().items() if k != "parameters"},
            "status": str(answer.get("status") or "PENDING").upper(),
            "meta_id": str(answer.get("id") or "") or None,
        }
    )
    templates.save(database, [stored])
    return stored.status
