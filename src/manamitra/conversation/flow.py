"""Walking a spec's steps: which question is next, storing and undoing answers, the summary.

Answers live in one dict: a plain step's answer under its id; a repeatable group's items as a
list of dicts under the group's id; "add another?" answers under `_more`. `history` lists the
paths answered, newest last, so "back" can undo exactly one answer, inside groups too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from manamitra.catalog.schema import Condition, Localized, ServiceSpec, StepSpec

MORE = "more"


@dataclass(frozen=True)
class Pending:
    """The next question: `path` is (step,) or (group, item_index, step) or (group, "more", i)."""

    path: tuple[str | int, ...]
    step: StepSpec
    group: StepSpec | None = None
    item_index: int = 0

    @property
    def is_more_question(self) -> bool:
        return len(self.path) == 3 and self.path[1] == MORE


def _first_open(
    steps: tuple[StepSpec, ...], answers: dict[str, Any], scope: dict[str, Any]
) -> StepSpec | None:
    for step in steps:
        if step.when is not None and not step.when.holds(scope):
            continue
        if step.id not in answers:
            return step
    return None


def more_step(group: StepSpec) -> StepSpec:
    label = group.repeat.item_label if group.repeat and group.repeat.item_label else None
    prompt = Localized(
        en=f"Add another {label.en if label else 'entry'}?",
        te=f"మరో {label.te if label else 'వివరం'} చేర్చాలా?",
    )
    return StepSpec(id=f"{group.id}_more", type="yes_no", prompt=prompt)


def next_pending(spec: ServiceSpec, answers: dict[str, Any]) -> Pending | None:
    for step in spec.steps:
        if step.when is not None and not step.when.holds(answers):
            continue
        if step.type != "group":
            if step.id not in answers:
                return Pending(path=(step.id,), step=step)
            continue
        found = _next_in_group(step, answers)
        if found is not None:
            return found
    return None


def _next_in_group(group: StepSpec, answers: dict[str, Any]) -> Pending | None:
    items: list[dict[str, Any]] = answers.get(group.id, [])
    repeat = group.repeat
    low, high = (repeat.min, repeat.max) if repeat else (1, 1)
    more: dict[str, Any] = answers.get("_more", {})
    for index, item in enumerate(items):
        open_step = _first_open(group.steps, item, {**answers, **item})
        if open_step is not None:
            return Pending(
                path=(group.id, index, open_step.id), step=open_step, group=group, item_index=index
            )
    count = len(items)
    if count >= high:
        return None
    if count >= low:
        if count == 0:
            return None
        key = f"{group.id}.{count - 1}"
        if key not in more:
            return Pending(
                path=(group.id, MORE, count - 1),
                step=more_step(group),
                group=group,
                item_index=count - 1,
            )
        if not more[key]:
            return None
    first = _first_open(group.steps, {}, answers)
    if first is None:
        return None
    return Pending(path=(group.id, count, first.id), step=first, group=group, item_index=count)


def store_answer(
    answers: dict[str, Any], history: list[list[Any]], pending: Pending, value: Any
) -> None:
    path = pending.path
    if len(path) == 1:
        answers[str(path[0])] = value
    elif pending.is_more_question:
        answers.setdefault("_more", {})[f"{path[0]}.{path[2]}"] = bool(value)
    else:
        group_id, index, step_id = str(path[0]), int(path[1]), str(path[2])
        items = answers.setdefault(group_id, [])
        while len(items) <= index:
            items.append({})
        items[index][step_id] = value
    history.append(list(path))


def undo_last(answers: dict[str, Any], history: list[list[Any]]) -> bool:
    """Forget the newest answer; False when there is nothing to undo."""
    if not history:
        return False
    path = history.pop()
    if len(path) == 1:
        answers.pop(str(path[0]), None)
    elif path[1] == MORE:
        answers.get("_more", {}).pop(f"{path[0]}.{path[2]}", None)
    else:
        items = answers.get(str(path[0]), [])
        index = int(path[1])
        if index < len(items):
            items[index].pop(str(path[2]), None)
            if not items[index] and index == len(items) - 1:
                items.pop()
    return True


def forget(answers: dict[str, Any], history: list[list[Any]], step_id: str) -> None:
    """Drop a top-level answer (to change it) and its history entries."""
    answers.pop(step_id, None)
    history[:] = [p for p in history if str(p[0]) != step_id]
    if step_id in answers.get("_more", {}):
        answers["_more"].pop(step_id)


_UNDECIDED = object()


def count_questions(spec: ServiceSpec, answers: dict[str, Any]) -> int:
    """How many top-level questions this citizen will be asked, given their answers so far.

    A question whose condition hangs on an answer not given yet counts as the largest branch
    that answer could open ("choose district" opens three questions, "share a pin" one), so
    the total does not grow under the citizen's eyes as they answer; it can only shrink.
    """
    total = 0
    undecided: dict[str, list[Condition]] = {}
    for step in spec.steps:
        if step.when is None:
            total += 1
        elif step.when.field in answers:
            total += step.when.holds(answers)
        else:
            undecided.setdefault(step.when.field, []).append(step.when)
    for field_id, conditions in undecided.items():
        candidates: list[Any] = [_UNDECIDED]
        for condition in conditions:
            candidates.extend(condition.in_ or (condition.equals, condition.not_equals))
        total += max(sum(c.holds({field_id: value}) for c in conditions) for value in candidates)
    return total


def top_level_position(spec: ServiceSpec, answers: dict[str, Any], step_id: str) -> int:
    position = 0
    for step in spec.steps:
        if step.when is not None and not step.when.holds(answers):
            continue
        position += 1
        if step.id == step_id:
            return position
    return position


def answered_top_level(spec: ServiceSpec, answers: dict[str, Any]) -> list[StepSpec]:
    return [
        step
        for step in spec.steps
        if step.id in answers and (step.when is None or step.when.holds(answers))
    ]


def location_ahead(spec: ServiceSpec, answers: dict[str, Any]) -> list[tuple[StepSpec, Any]]:
    """What storing a pin shared early takes: the first unanswered top-level location step,
    preceded by the answer that opens it (`location_mode: pin` before `location`) when its
    condition is an `equals` on a choice not yet answered. Empty when no location is to come
    or its gate was answered otherwise."""
    for step in spec.steps:
        if step.type != "location" or step.id in answers:
            continue
        if step.when is None or step.when.holds(answers):
            return [(step, None)]
        gate = step.when
        if gate.field in answers or gate.equals is None:
            return []
        opener = next((s for s in spec.steps if s.id == gate.field), None)
        if opener is None or not any(o.id == gate.equals for o in opener.options):
            return []
        return [(opener, gate.equals), (step, None)]
    return []


def store_location_ahead(
    spec: ServiceSpec, answers: dict[str, Any], history: list[list[Any]], pin: Any
) -> bool:
    """Store a pin shared before the location question (and the choice that leads to it), as
    if both had been answered in turn; False when the flow asks no location ahead."""
    steps = location_ahead(spec, answers)
    if not steps:
        return False
    for step, value in steps:
        store_answer(
            answers, history, Pending(path=(step.id,), step=step), pin if value is None else value
        )
    return True
