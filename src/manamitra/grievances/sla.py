"""SLA policy per category and per step (data/sla.yaml), in working days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from manamitra.grievances.calendar import add_working_days
from manamitra.yamlio import load_yaml

SLA_FILE = Path(__file__).parent / "data" / "sla.yaml"


@dataclass(frozen=True)
class SlaPolicy:
    total: int
    steps: dict[str, int]
    escalation: int
    remind_hours: int

    def overall_due(self, start: datetime) -> datetime:
        return add_working_days(start, self.total)

    def step_due(self, state: str, entered: datetime, overall: datetime) -> datetime | None:
        """When this step must end: its own allowance, never later than the overall promise."""
        if state not in self.steps:
            return None
        return min(add_working_days(entered, self.steps[state]), overall)

    def escalated_due(self, at: datetime) -> datetime:
        return add_working_days(at, self.escalation)

    @property
    def remind_before(self) -> timedelta:
        return timedelta(hours=self.remind_hours)


@cache
def _config() -> dict[str, Any]:
    data = load_yaml(SLA_FILE.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or "defaults" not in data:
        raise ValueError(f"{SLA_FILE.name}: needs `defaults`")
    return data


def policy(category: str, sla_days: int | None = None) -> SlaPolicy:
    """The category's policy over the defaults; a spec's `sla_days` sets the total."""
    data = _config()
    base = data["defaults"]
    own = data.get("categories", {}).get(category, {})
    steps = {**base["steps"], **own.get("steps", {})}
    return SlaPolicy(
        total=int(sla_days if sla_days is not None else own.get("total", base["total"])),
        steps={k: int(v) for k, v in steps.items()},
        escalation=int(own.get("escalation", base["escalation"])),
        remind_hours=int(own.get("remind_hours", base["remind_hours"])),
    )
