"""Alerts raised by department events, declared as specs (specs/*.yaml), not code.

    event: feeder_outage               the event's name, as departments send it
    topic: power                       the subscription topic a citizen can leave
    template: power_outage             an approved template (synced from Meta)
    language: te
    fields: [department, feeder, area, until]   what the event must carry
    audience: "feeder:{department}:{feeder}"    an audience spec, filled from the fields
    params: ["{area}", "{until}"]      the template's body parameters, filled likewise
    canary: 0.01                       the share sent first (0: none)

Specs are validated when loaded (keys, audience kind, placeholders naming declared fields).
An event's campaign is approved by its spec, which went through review like code does (the
two-person rule for hand-made campaigns), and starts at once through the same sender.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from manamitra import clock
from manamitra.alerts import audience as audiences
from manamitra.alerts import campaigns
from manamitra.alerts.topics import check_topic
from manamitra.errors import SpecError
from manamitra.store import Database
from manamitra.store.models import AlertCampaign
from manamitra.yamlio import load_yaml

SPECS_DIR = Path(__file__).parent / "specs"
KEYS = {
    "event",
    "description",
    "topic",
    "template",
    "language",
    "fields",
    "audience",
    "params",
    "canary",
}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class EventSpec:
    event: str
    description: str
    topic: str
    template: str
    language: str
    fields: tuple[str, ...]
    audience: str
    params: tuple[str, ...]
    canary: float

    def fill(self, data: dict[str, Any]) -> tuple[str, list[str]]:
        missing = [f for f in self.fields if data.get(f) in (None, "")]
        if missing:
            raise SpecError(f"event {self.event}: missing {', '.join(missing)}")
        values = {f: _text(data[f]) for f in self.fields}
        return self.audience.format(**values), [p.format(**values) for p in self.params]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value)


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def parse_spec(data: Any, where: str) -> EventSpec:
    if not isinstance(data, dict):
        raise SpecError(f"{where}: expected a mapping")
    unknown = set(data) - KEYS
    if unknown:
        raise SpecError(f"{where}: unknown keys {', '.join(sorted(unknown))}")
    for key in ("event", "topic", "template", "fields", "audience"):
        if not data.get(key):
            raise SpecError(f"{where}: {key} is required")
    if not _NAME.match(str(data["event"])):
        raise SpecError(f"{where}: event must be lower_snake_case")
    fields = tuple(str(f) for f in data["fields"])
    params = tuple(str(p) for p in data.get("params") or [])
    language = str(data.get("language") or "te")
    if language not in ("te", "en"):
        raise SpecError(f"{where}: language must be te or en")
    check_topic(str(data["topic"]))
    for text in (str(data["audience"]), *params):
        undeclared = _placeholders(text) - set(fields)
        if undeclared:
            raise SpecError(f"{where}: {text!r} uses undeclared {', '.join(sorted(undeclared))}")
    sample = str(data["audience"]).format(**{f: "x" for f in fields})
    if audiences.parse_audience(sample).kind in ("all", "csv"):
        raise SpecError(f"{where}: an event's audience is addressed by its fields")
    canary = float(data.get("canary", 0.01))
    if not 0 <= canary <= 1:
        raise SpecError(f"{where}: canary is a share between 0 and 1")
    return EventSpec(
        event=str(data["event"]),
        description=str(data.get("description") or ""),
        topic=str(data["topic"]),
        template=str(data["template"]),
        language=language,
        fields=fields,
        audience=str(data["audience"]),
        params=params,
        canary=canary,
    )


@cache
def event_specs() -> dict[str, EventSpec]:
    found: dict[str, EventSpec] = {}
    for path in sorted(SPECS_DIR.glob("*.yaml")):
        spec = parse_spec(load_yaml(path.read_text(encoding="utf-8")), path.name)
        if spec.event in found:
            raise SpecError(f"{path.name}: event {spec.event} declared twice")
        found[spec.event] = spec
    return found


def raise_event(database: Database, event: str, data: dict[str, Any]) -> int:
    """Turn a department event into a started campaign; its id."""
    spec = event_specs().get(event)
    if spec is None:
        raise SpecError(f"no alert spec for event {event!r}; known: {', '.join(event_specs())}")
    audience, params = spec.fill(data)
    campaign_id = campaigns.create(
        database,
        campaigns.NewCampaign(
            template=spec.template,
            language=spec.language,
            audience=audience,
            params=params,
            topic=spec.topic,
            by=f"event:{spec.event}",
            canary_fraction=spec.canary,
        ),
    )
    with database.unit_of_work() as session:
        campaign = session.get(AlertCampaign, campaign_id)
        assert campaign is not None
        campaign.approved_by = f"spec:{spec.event}"
        campaign.approved_at = clock.now()
        campaign.state = "approved"
    campaigns.start(database, campaign_id)
    return campaign_id
