"""Message templates as managed objects: what Meta holds for our WhatsApp Business Account,
kept in the database, with their approval status and quality.

The Graph edge (`channels/whatsapp/template_sync.py`) turns Meta's pages into `TemplateInfo`;
status and quality webhooks arrive as `account.TemplateStatus` / `TemplateQuality`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.errors import NotFoundError, SpecError
from manamitra.store import Database
from manamitra.store.models import AlertTemplate

CATEGORIES = ("utility", "marketing", "authentication")
SENDABLE = "APPROVED"
_PARAM = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*\}\}")


@dataclass(frozen=True)
class TemplateInfo:
    name: str
    language: str
    category: str
    body: str
    status: str = "PENDING"
    header: str | None = None
    footer: str | None = None
    buttons: list[dict[str, Any]] = field(default_factory=list)
    meta_id: str | None = None
    quality: str | None = None
    reason: str | None = None

    @property
    def parameters(self) -> list[str]:
        """The body's parameters in order of first appearance: "1", "2"… or names."""
        return list(dict.fromkeys(_PARAM.findall(self.body)))

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "parameters": self.parameters}


def _info(row: AlertTemplate) -> TemplateInfo:
    return TemplateInfo(
        name=row.name,
        language=row.language,
        category=row.category,
        body=row.body,
        status=row.status,
        header=row.header,
        footer=row.footer,
        buttons=list(row.buttons or []),
        meta_id=row.meta_id,
        quality=row.quality,
        reason=row.reason,
    )


def save(database: Database, infos: list[TemplateInfo]) -> int:
    """Insert or update each template by (name, language); returns how many were written."""
    now = clock.now()
    with database.unit_of_work() as session:
        known = {
            (row.name, row.language): row
            for row in session.scalars(
                select(AlertTemplate).where(AlertTemplate.name.in_({i.name for i in infos}))
            )
        }
        for info in infos:
            if info.category not in CATEGORIES:
                raise SpecError(f"template {info.name}: unknown category {info.category!r}")
            row = known.get((info.name, info.language))
            if row is None:
                row = AlertTemplate(name=info.name, language=info.language)
                session.add(row)
            row.category = info.category
            row.body = info.body
            row.status = info.status
            row.header, row.footer = info.header, info.footer
            row.buttons = info.buttons
            row.parameters = info.parameters
            row.meta_id = info.meta_id or row.meta_id
            row.quality = info.quality or row.quality
            row.reason = info.reason
            row.updated_at = now
    return len(infos)


def all_templates(database: Database) -> list[TemplateInfo]:
    with database.unit_of_work() as session:
        return templates_in(session)


def templates_in(session: Session) -> list[TemplateInfo]:
    rows = session.scalars(select(AlertTemplate).order_by(AlertTemplate.name, "language"))
    return [_info(row) for row in rows]


def find(database: Database, name: str, language: str) -> TemplateInfo:
    with database.unit_of_work() as session:
        return find_in(session, name, language)


def find_in(session: Session, name: str, language: str) -> TemplateInfo:
    row = session.scalar(
        select(AlertTemplate).where(AlertTemplate.name == name, AlertTemplate.language == language)
    )
    if row is None:
        raise NotFoundError(f"no template {name!r} in language {language!r}; sync first")
    return _info(row)


def body_parameters(info: TemplateInfo, params: Any) -> list[str]:
    """The values for the body's parameters, in order: `params` a list (positional) or an
    object (named); SpecError when they do not fit the template."""
    wanted = info.parameters
    if isinstance(params, dict):
        missing = [p for p in wanted if p not in params]
        if missing:
            raise SpecError(f"template {info.name}: parameters missing: {', '.join(missing)}")
        return [str(params[p]) for p in wanted]
    values = [str(v) for v in (params or [])]
    if len(values) != len(wanted):
        raise SpecError(
            f"template {info.name} takes {len(wanted)} body parameters, {len(values)} given"
        )
    return values


def update_status(
    database: Database, name: str, language: str | None, status: str, reason: str | None
) -> None:
    with database.unit_of_work() as session:
        query = select(AlertTemplate).where(AlertTemplate.name == name)
        if language:
            query = query.where(AlertTemplate.language == language)
        for row in session.scalars(query):
            row.status = status
            row.reason = reason
            row.updated_at = clock.now()


def update_quality(database: Database, name: str, language: str | None, quality: str) -> None:
    with database.unit_of_work() as session:
        query = select(AlertTemplate).where(AlertTemplate.name == name)
        if language:
            query = query.where(AlertTemplate.language == language)
        for row in session.scalars(query):
            row.quality = quality
            row.updated_at = clock.now()
