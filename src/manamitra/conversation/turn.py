"""One turn of a conversation: the citizen's state, the replies being gathered, and the
moves on that state every screen shares (setting a screen, leaving a flow, the main menu)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.loader import Catalog
from manamitra.catalog.schema import ServiceSpec
from manamitra.conversation import draft, navigation
from manamitra.events import code_of, department_of, record_event
from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Reply


@dataclass
class ConversationState:
    """What the engine reads and updates for one citizen (the store maps it to a row)."""

    citizen: str
    language: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    profile_name: str | None = None


@dataclass
class Turn:
    db: Session
    convo: ConversationState
    inbound: Inbound
    replies: list[Reply] = field(default_factory=list)

    @property
    def lang(self) -> str:
        return self.convo.language or "te"

    @property
    def state(self) -> dict[str, Any]:
        return self.convo.state

    def say(self, *replies: Reply) -> None:
        self.replies.extend(replies)

    def t(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)


def set_screen(turn: Turn, screen: str, *, push: bool = True, **params: Any) -> None:
    current = turn.state.get("screen")
    if push and current and current not in ("flow", "language"):
        stack = turn.state.setdefault("stack", [])
        stack.append({"screen": current, "params": turn.state.get("params", {})})
        del stack[:-10]
    turn.state["screen"] = screen
    turn.state["params"] = params


def step_reached(turn: Turn, spec: ServiceSpec, step_id: str, position: int) -> None:
    """The funnel's step.reached, once per question reached (not again for its next page or
    a second try); the flow remembers it for a later step.abandoned."""
    flow = turn.state.get("flow")
    if flow is None or flow.get("reached") == step_id:
        return
    flow["reached"], flow["reached_position"] = step_id, position
    if turn.db is None:  # the engine run without a store (its unit tests): nothing to record
        return
    record_event(
        turn.db,
        "step.reached",
        citizen=turn.convo.citizen,
        service=code_of(spec.id),
        department=code_of(spec.department),
        step=code_of(step_id),
        position=position,
    )


def flow_abandoned(turn: Turn, flow: dict[str, Any] | None, reason: str) -> None:
    """step.abandoned at the last question the flow reached (a draft may still resume it)."""
    if not flow or not flow.get("reached") or turn.db is None:
        return
    service = str(flow.get("service", ""))
    record_event(
        turn.db,
        "step.abandoned",
        citizen=turn.convo.citizen,
        service=code_of(service),
        department=department_of(service),
        step=code_of(flow["reached"]),
        position=flow.get("reached_position"),
        reason=reason,
    )


def leave_flow(turn: Turn, *, finished: bool = False) -> None:
    """Close the live flow; unless it finished, its answers are kept as a draft."""
    flow = turn.state.pop("flow", None)
    if not finished:
        flow_abandoned(turn, flow, "left")
    if not finished and draft.worth_keeping(flow):
        draft.save(turn.state, flow, clock.now())
    turn.state.pop("wrong", None)
    if turn.state.get("screen") == "flow":
        turn.state["screen"] = "menu"


def draft_spec(turn: Turn, catalog: Catalog) -> ServiceSpec | None:
    service_id = draft.latest(turn.state)
    return catalog.service(service_id) if service_id else None


def show_menu(turn: Turn, catalog: Catalog, *, cancel: bool = False) -> None:
    if cancel:
        leave_flow(turn)
    turn.state["screen"] = "menu"
    turn.state["params"] = {}
    turn.state["stack"] = []
    kept = draft_spec(turn, catalog)
    turn.say(navigation.main_menu(turn.lang, draft=kept))
