"""Case workflows as data: states and transitions loaded from YAML and checked for shape.

A definition is refused when a transition names an unknown state, a state cannot be reached
from `initial` (unreachable), or a state that is not `final` has no way to a final state
(dead: a case would wait there for ever). `final` states take no transitions.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from manamitra.errors import SpecError
from manamitra.yamlio import load_yaml

WORKFLOWS_DIR = Path(__file__).parent / "workflows"
Actor = Literal["officer", "citizen", "system"]


class Label(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    en: str = Field(min_length=1)
    te: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.te if lang == "te" else self.en


class StateDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    label: Label
    open: bool = False  # the SLA clock runs and the case counts as pending
    final: bool = False


class TransitionDef(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    name: str = Field(pattern=r"^[a-z][a-z_]*$")
    from_: tuple[str, ...] = Field(alias="from", min_length=1)
    to: str
    by: tuple[Actor, ...] = ("officer",)
    needs: Literal["note", "reason"] | None = None
    notify: str | None = None


class Workflow(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    initial: str
    states: dict[str, StateDef]
    transitions: tuple[TransitionDef, ...]

    def transition(self, name: str) -> TransitionDef:
        for item in self.transitions:
            if item.name == name:
                return item
        raise KeyError(f"{self.id}: no transition {name!r}")

    def available(self, state: str, actor: Actor = "officer") -> list[TransitionDef]:
        return [t for t in self.transitions if state in t.from_ and actor in t.by]

    def label(self, state: str, lang: str) -> str:
        found = self.states.get(state)
        return found.label.get(lang) if found else state

    @property
    def open_states(self) -> frozenset[str]:
        return frozenset(name for name, s in self.states.items() if s.open)

    @property
    def final_states(self) -> frozenset[str]:
        return frozenset(name for name, s in self.states.items() if s.final)


def check_workflow(flow: Workflow) -> list[str]:
    """Every problem with a definition, in words an author can act on; empty when sound."""
    problems: list[str] = []
    names = set(flow.states)
    if flow.initial not in names:
        problems.append(f"initial state {flow.initial!r} is not declared")
    seen_names: set[str] = set()
    for item in flow.transitions:
        if item.name in seen_names:
            problems.append(f"transition {item.name!r} declared twice")
        seen_names.add(item.name)
        for state in (*item.from_, item.to):
            if state not in names:
                problems.append(f"transition {item.name!r} names unknown state {state!r}")
        for state in item.from_:
            if state in flow.final_states:
                problems.append(f"transition {item.name!r} leaves final state {state!r}")
    if not flow.final_states:
        problems.append("no final state")
    if problems:
        return problems
    edges: dict[str, set[str]] = {name: set() for name in names}
    for item in flow.transitions:
        for state in item.from_:
            edges[state].add(item.to)
    reachable = _closure({flow.initial}, edges)
    for name in sorted(names - reachable):
        problems.append(f"state {name!r} is unreachable from {flow.initial!r}")
    backwards: dict[str, set[str]] = {name: set() for name in names}
    for source, targets in edges.items():
        for target in targets:
            backwards[target].add(source)
    can_finish = _closure(set(flow.final_states), backwards)
    for name in sorted(names - can_finish):
        problems.append(f"state {name!r} is dead: no way from it to a final state")
    return problems


def _closure(start: set[str], edges: dict[str, set[str]]) -> set[str]:
    found = set(start)
    todo = list(start)
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in found:
                found.add(nxt)
                todo.append(nxt)
    return found


def parse_workflow(data: dict[str, Any], source: str = "<data>") -> Workflow:
    """A checked workflow; SpecError lists every problem with the file named."""
    try:
        flow = Workflow.model_validate(data)
    except ValueError as exc:
        raise SpecError(f"{source}: {exc}") from exc
    problems = check_workflow(flow)
    if problems:
        raise SpecError(f"{source}: " + "; ".join(problems))
    return flow


@cache
def load_workflow(name: str) -> Workflow:
    path = WORKFLOWS_DIR / f"{name}.yaml"
    return parse_workflow(load_yaml(path.read_text(encoding="utf-8")), path.name)


def all_workflows() -> dict[str, Workflow]:
    return {p.stem: load_workflow(p.stem) for p in sorted(WORKFLOWS_DIR.glob("*.yaml"))}
