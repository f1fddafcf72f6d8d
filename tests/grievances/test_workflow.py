"""Workflow definitions: the shipped ones are sound, and the checker catches broken ones."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from manamitra.errors import SpecError
from manamitra.grievances.workflow import (
    WORKFLOWS_DIR,
    all_workflows,
    check_workflow,
    parse_workflow,
)


def _data(name: str) -> dict[str, Any]:
    return yaml.safe_load((WORKFLOWS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(p.stem for p in WORKFLOWS_DIR.glob("*.yaml")))
def test_shipped_workflow_has_no_unreachable_or_dead_state(name: str) -> None:
    flow = parse_workflow(_data(name), name)
    assert check_workflow(flow) == []
    assert flow.final_states and flow.initial in flow.open_states


def test_both_case_workflows_ship() -> None:
    assert set(all_workflows()) == {"grievance", "application"}


def test_checker_reports_an_unreachable_state() -> None:
    data = copy.deepcopy(_data("grievance"))
    data["states"]["parked"] = {"label": {"en": "Parked", "te": "నిలిపారు"}, "open": True}
    data["transitions"].append({"name": "unpark", "from": ["parked"], "to": "assigned"})
    with pytest.raises(SpecError, match="'parked' is unreachable"):
        parse_workflow(data, "broken.yaml")


def test_checker_reports_a_dead_state() -> None:
    data = copy.deepcopy(_data("grievance"))
    data["states"]["on_hold"] = {"label": {"en": "On hold", "te": "ఆపారు"}, "open": True}
    data["transitions"].append({"name": "hold", "from": ["in_progress"], "to": "on_hold"})
    with pytest.raises(SpecError, match="'on_hold' is dead"):
        parse_workflow(data, "broken.yaml")


def test_checker_reports_unknown_states_and_leaving_a_final_state() -> None:
    data = copy.deepcopy(_data("application"))
    data["transitions"].append({"name": "undo", "from": ["approved"], "to": "limbo"})
    with pytest.raises(SpecError) as error:
        parse_workflow(data, "broken.yaml")
    assert "unknown state 'limbo'" in str(error.value)
    assert "leaves final state 'approved'" in str(error.value)


def test_every_notification_named_by_a_transition_exists() -> None:
    from manamitra.grievances.notify import templates

    events = templates()["events"]
    for flow in all_workflows().values():
        for transition in flow.transitions:
            if transition.notify:
                assert transition.notify in events, transition.name
    for event, spec in events.items():
        assert set(spec["text"]) == {"en", "te"}, event
        assert spec["template"]["name"].startswith("mm_"), event
