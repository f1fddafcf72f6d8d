"""The flow runner: a service spec's steps asked one at a time, each answer parsed, then the
review (confirm, edit, retry) and completion through the spec's service kind.

A flow's phase picks its handlers from two tables, in the manner of a conversation declared as
states: what to send when the flow is (re)asked, and what to do with the citizen's answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from manamitra import clock
from manamitra.catalog.schema import ServiceSpec
from manamitra.conversation import draft, navigation
from manamitra.conversation.flow import (
    Pending,
    answered_top_level,
    count_questions,
    forget,
    next_pending,
    store_location_ahead,
    top_level_position,
    undo_last,
)
from manamitra.conversation.prefill import CONSENT_PHASE, OFFER_PHASE, Prefill
from manamitra.conversation.review import review_replies
from manamitra.conversation.turn import Turn, leave_flow, set_screen, show_menu, step_reached
from manamitra.conversation.understood import (
    SAID_PHASE,
    answered_question,
    keep_answer,
    parse_answer,
    said_answers,
    said_decision,
    said_question,
)
from manamitra.errors import (
    DepartmentRefusedError,
    DepartmentUnavailableError,
    ValidationError,
)
from manamitra.fields import AskContext, get_field_type
from manamitra.fields.base import PageRequest
from manamitra.fields.choice import chosen_title
from manamitra.formatting import money
from manamitra.messaging.i18n import normalise, t
from manamitra.messaging.paging import choices_message, page_of
from manamitra.messaging.reply import Buttons, Choice, Text
from manamitra.parts import Parts
from manamitra.services import department_waits, spec_versions, switches
from manamitra.services.kind import (
    AskAgain,
    Continue,
    Done,
    ServiceContext,
    get_kind,
)

log = logging.getLogger(__name__)

MAX_WRONG = 3
REVIEW_PHASES = ("confirm", "edit", "failed")

PhaseHandler = Callable[[Turn, ServiceSpec], None]


class FlowRunner:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.catalog = parts.catalog
        self.prefill = Prefill(parts.catalog, self._advance, self._edit_menu, parts.departments)
        self._ask_in: dict[str, PhaseHandler] = {
            "steps": self._ask_step,
            "confirm": self._confirm,
            "edit": self._edit_menu,
            "failed": lambda turn, spec: self._offer_retry(turn),
            "kind": self._resume_kind,
            SAID_PHASE: self._confirm_said,
            CONSENT_PHASE: self.prefill.ask_consent,
            OFFER_PHASE: self.prefill.ask_offer,
        }
        self._answer_in: dict[str, PhaseHandler] = {
            "steps": self._answer_step,
            "confirm": self._decision,
            "edit": self._decision,
            "failed": self._decision,
            "kind": self._resume_kind,
            SAID_PHASE: self._said_decision,
            CONSENT_PHASE: self.prefill.answer_consent,
            OFFER_PHASE: self.prefill.answer_offer,
        }

    # ---- entry points -------------------------------------------------------------------
    def start_flow(self, turn: Turn, spec: ServiceSpec, said: dict[str, Any] | None = None) -> None:
        """Open the service's form; `said` holds answers the citizen's sentence already
        gave, shown back for one tap before the flow asks only what is missing."""
        gate = switches.availability(turn.db, spec.id, clock.now())
        if not gate.open:
            # switched off from the console: said with its return date, the citizen's own
            # flow (if any) left as it was
            turn.say(Text(switches.closed_message(gate, spec.name.get(turn.lang), turn.lang)))
            if "flow" not in turn.state:
                show_menu(turn, self.catalog)
            return
        leave_flow(turn)
        set_screen(turn, "flow")
        saved = draft.take(turn.state, spec.id)
        if saved is not None:
            turn.state["flow"] = saved
            turn.say(Text(turn.t("draft.resumed", service=spec.name.get(turn.lang))))
            self.ask(turn)
            return
        turn.state["flow"] = {
            "service": spec.id,
            "spec": spec_versions.begin(turn.db, spec),
            "answers": {},
            "history": [],
            "phase": "steps",
            "page": 0,
            "kind_state": {},
        }
        turn.say(Text(self._introduction(spec, turn.lang)))
        kind = get_kind(spec.kind)
        context = self._service_context(turn, spec)
        kind.intro(context)
        turn.say(*context.replies)
        pin = turn.state.pop("shared_pin", None)
        flow = turn.state["flow"]
        if pin is not None and store_location_ahead(spec, flow["answers"], flow["history"], pin):
            turn.say(Text(turn.t("flow.location_saved")))
        if said:
            # answers from the opening sentence come first; the profile's offer is for
            # forms opened without them
            flow["phase"] = SAID_PHASE
            flow[SAID_PHASE] = said
        elif self.prefill.begin(turn, spec):
            # Ask once: details verified before are offered (with consent) before the first step
            return
        self._advance(turn)

    def ask(self, turn: Turn) -> None:
        spec = self.spec(turn)
        if spec is None:
            show_menu(turn, self.catalog)
            return
        phase = turn.state["flow"].get("phase", "steps")
        self._ask_in.get(phase, self._ask_step)(turn, spec)

    def flow_turn(self, turn: Turn) -> None:
        spec = self.spec(turn)
        if spec is None:
            show_menu(turn, self.catalog, cancel=True)
            return
        if turn.state["flow"].pop("migrated", False):
            self.ask(turn)  # moved to the current version: ask where the answers now stand
            return
        phase = turn.state["flow"].get("phase", "steps")
        self._answer_in.get(phase, self._answer_step)(turn, spec)

    def back(self, turn: Turn) -> bool:
        """Step back inside the live flow; False when there is nothing left to undo (the flow
        is then closed and the screen before it is the caller's to show)."""
        flow = turn.state["flow"]
        if flow.get("phase") in REVIEW_PHASES:
            flow["phase"] = "steps"
            undo_last(flow["answers"], flow["history"])
            self.ask(turn)
            return True
        if undo_last(flow["answers"], flow["history"]):
            flow["page"] = 0
            self.ask(turn)
            return True
        leave_flow(turn)
        return False

    def spec(self, turn: Turn) -> ServiceSpec | None:
        flow = turn.state.get("flow")
        current = self.catalog.service(flow["service"]) if flow else None
        if current is None or flow is None:
            return None
        # a conversation inside an earlier version finishes on it, or moves by a migration
        return spec_versions.resolve(turn.db, current, flow)

    # ---- asking ---------------------------------------------------------------------------
    @staticmethod
    def _introduction(spec: ServiceSpec, lang: str) -> str:
        lines = [f"*{spec.name.get(lang)}*", spec.description.get(lang)]
        if spec.documents_required:
            docs = ", ".join(d.get(lang) for d in spec.documents_required)
            lines.append(t(lang, "flow.documents_needed", documents=docs))
        if spec.fee_paise:
            lines.append(t(lang, "flow.fee", amount=money(spec.fee_paise)))
        if spec.sla_days:
            lines.append(t(lang, "flow.sla", days=spec.sla_days))
        return "\n".join(lines)

    def _service_context(self, turn: Turn, spec: ServiceSpec) -> ServiceContext:
        flow = turn.state["flow"]
        return ServiceContext(
            db=turn.db,
            citizen=turn.convo.citizen,
            lang=turn.lang,
            spec=spec,
            answers=flow["answers"],
            kind_state=flow["kind_state"],
            parts=self.parts,
            inbound=turn.inbound,
            profile_name=turn.convo.profile_name,
        )

    def _ask_context(self, turn: Turn) -> AskContext:
        flow = turn.state["flow"]
        return AskContext(
            lang=turn.lang,
            answers=flow["answers"],
            page=flow.get("page", 0),
            parts=self.parts,
            db=turn.db,
            citizen=turn.convo.citizen,
        )

    def _ask_step(self, turn: Turn, spec: ServiceSpec) -> None:
        flow = turn.state["flow"]
        pending = next_pending(spec, flow["answers"])
        if pending is None:
            self._finish_steps(turn, spec)
            return
        field_type = get_field_type(pending.step.type)
        position = top_level_position(spec, flow["answers"], str(pending.path[0]))
        step_reached(turn, spec, pending.step.id, position)
        turn.say(
            *field_type.prompt(
                pending.step,
                self._ask_context(turn),
                header=self._header(spec, flow["answers"], pending, turn.lang),
            )
        )

    @staticmethod
    def _header(spec: ServiceSpec, answers: dict[str, Any], pending: Pending, lang: str) -> str:
        top = str(pending.path[0])
        total = count_questions(spec, answers)
        prefix = ""
        if total > 1:
            position = top_level_position(spec, answers, top)
            prefix = t(lang, "flow.step_counter", current=position, total=total) + "\n"
        if pending.group is not None and not pending.is_more_question:
            label = pending.group.repeat.item_label if pending.group.repeat else None
            if label is not None:
                prefix += f"*{label.get(lang)} {pending.item_index + 1}*\n"
        return prefix

    def _advance(self, turn: Turn) -> None:
        turn.state["flow"]["page"] = 0
        self.ask(turn)

    # ---- answering a step -----------------------------------------------------------------
    def _answer_step(self, turn: Turn, spec: ServiceSpec) -> None:
        flow = turn.state["flow"]
        pending = next_pending(spec, flow["answers"])
        if pending is None:
            self._finish_steps(turn, spec)
            return
        if self._location_ahead(turn, spec, pending):
            return
        field_type = get_field_type(pending.step.type)
        ask = self._ask_context(turn)
        try:
            value = parse_answer(turn, pending, field_type, ask)
        except ValidationError as error:
            if answered_question(turn, self.parts):
                self.ask(turn)
                return
            self._wrong_answer(turn, error)
            return
        except DepartmentUnavailableError:
            turn.say(Text(turn.t("errors.department_unavailable")))
            self._offer_retry(turn, resume=True)
            return
        if isinstance(value, PageRequest):
            flow["page"] = value.page
            self.ask(turn)
            return
        keep_answer(turn, pending, field_type, ask, value)
        if pending.step.type == "district" and self._outside_pilot(turn, spec, str(value)):
            return
        self._advance(turn)

    def _outside_pilot(self, turn: Turn, spec: ServiceSpec, district: str) -> bool:
        """A service piloted in some districts, asked from another: told, answers kept."""
        gate = switches.availability(turn.db, spec.id, clock.now())
        if gate.admits_district(district):
            return False
        turn.say(Text(switches.pilot_message(gate, spec.name.get(turn.lang), district, turn.lang)))
        show_menu(turn, self.catalog, cancel=True)
        return True

    def _location_ahead(self, turn: Turn, spec: ServiceSpec, pending: Pending) -> bool:
        """A pin shared before the location question (or instead of tapping "Share
        location") answers it now; the citizen is not asked for it again."""
        inbound = turn.inbound
        if inbound.kind != "location" or pending.step.type == "location":
            return False
        location_step = next((s for s in spec.steps if s.type == "location"), None)
        if location_step is None:
            return False
        try:
            pin = get_field_type("location").parse(location_step, inbound, self._ask_context(turn))
        except ValidationError:
            return False
        flow = turn.state["flow"]
        if not store_location_ahead(spec, flow["answers"], flow["history"], pin):
            return False
        turn.say(Text(turn.t("flow.location_saved")))
        self._advance(turn)
        return True

    def _wrong_answer(self, turn: Turn, error: ValidationError) -> None:
        wrong = int(turn.state.get("wrong", 0)) + 1
        turn.state["wrong"] = wrong
        turn.say(Text(turn.t(error.message_key, **error.params)))
        if wrong >= MAX_WRONG:
            turn.state["wrong"] = 0
            turn.say(
                Buttons(
                    body=turn.t("too_many_wrong"),
                    choices=(
                        Choice(id="nav:help", title=turn.t("help_button")),
                        Choice(id="nav:menu", title=turn.t("menu")),
                        Choice(id="nav:resume", title=turn.t("try_again")),
                    ),
                )
            )
            return
        self.ask(turn)

    # ---- answers given in the sentence that opened the service -----------------------------
    def _confirm_said(self, turn: Turn, spec: ServiceSpec) -> None:
        flow = turn.state["flow"]
        turn.say(said_question(spec, flow.get(SAID_PHASE) or {}, self._ask_context(turn)))

    def _said_decision(self, turn: Turn, spec: ServiceSpec) -> None:
        flow = turn.state["flow"]
        said = flow.pop(SAID_PHASE, None) or {}
        flow["phase"] = "steps"
        decision = said_decision(turn.inbound)
        if decision is None:  # neither yes nor change: it answers the first question itself
            self._answer_step(turn, spec)
            return
        if decision:
            ask = self._ask_context(turn)
            for pending, value in said_answers(spec, said, flow["answers"]):
                keep_answer(turn, pending, get_field_type(pending.step.type), ask, value)
        self._advance(turn)

    # ---- review: confirm, edit, retry -------------------------------------------------------
    def _finish_steps(self, turn: Turn, spec: ServiceSpec) -> None:
        kind = get_kind(spec.kind)
        if kind.reviews(spec):
            turn.state["flow"]["phase"] = "confirm"
            self._confirm(turn, spec)
        else:
            self._complete(turn, spec)

    def _confirm(self, turn: Turn, spec: ServiceSpec) -> None:
        flow = turn.state["flow"]
        answers = flow["answers"]
        labels = dict(flow.get("labels") or {})
        ask = self._ask_context(turn)
        for step in answered_top_level(spec, answers):
            # an answer given before labels were recorded (or placed from a shared pin)
            if step.id not in labels and step.type != "group":
                provided = chosen_title(step, answers[step.id], ask)
                if provided is not None:
                    labels[step.id] = {turn.lang: provided}
        extra = get_kind(spec.kind).summary_extra(spec, answers, turn.lang)
        # the citizen reads their own answers: sealed ones (a caste) opened, in memory only
        opened = self.parts.privacy.open_answers(answers)
        turn.say(*review_replies(spec, opened, turn.lang, labels, extra))

    def _edit_menu(self, turn: Turn, spec: ServiceSpec) -> None:
        flow = turn.state["flow"]
        choices = [
            Choice(
                id=f"edit:{step.id}",
                title=(step.summary_label or step.prompt).get(turn.lang)  # type: ignore[union-attr]
                if (step.summary_label or step.prompt)
                else step.id,
            )
            for step in answered_top_level(spec, flow["answers"])
        ]
        turn.say(
            choices_message(
                turn.t("flow.choose_field_to_edit"),
                choices,
                turn.lang,
                page=flow.get("page", 0),
                prefer_buttons=False,
            )
        )

    def _decision(self, turn: Turn, spec: ServiceSpec) -> None:
        flow = turn.state["flow"]
        inbound = turn.inbound
        choice = inbound.choice_id or ""
        typed = normalise(inbound.text or "") if inbound.kind == "text" else ""
        if (
            choice == "flow:submit"
            or choice == "flow:retry"
            or typed in {normalise(turn.t("flow.submit")), "submit", "yes", "అవును"}
        ):
            self._complete(turn, spec)
        elif choice == "flow:edit":
            flow["phase"] = "edit"
            flow["page"] = 0
            self._edit_menu(turn, spec)
        elif choice == "flow:cancel":
            leave_flow(turn)
            turn.say(Text(turn.t("cancelled")))
            show_menu(turn, self.catalog)
        elif choice.startswith("edit:"):
            forget(flow["answers"], flow["history"], choice.removeprefix("edit:"))
            flow["phase"] = "steps"
            self._advance(turn)
        elif page_of(choice) is not None:
            flow["page"] = page_of(choice)
            self.ask(turn)
        else:
            turn.say(Text(turn.t("errors.choice_invalid")))
            self.ask(turn)

    def _offer_retry(self, turn: Turn, *, resume: bool = False) -> None:
        flow = turn.state["flow"]
        if not resume:
            flow["phase"] = "failed"
        turn.say(
            Buttons(
                body=turn.t("retry_prompt"),
                choices=(
                    Choice(
                        id="flow:retry" if not resume else "nav:resume", title=turn.t("try_again")
                    ),
                    Choice(id="nav:menu", title=turn.t("menu")),
                ),
            )
        )

    # ---- completing through the service kind ------------------------------------------------
    def _resume_kind(self, turn: Turn, spec: ServiceSpec) -> None:
        context = self._service_context(turn, spec)
        self._apply_result(turn, spec, get_kind(spec.kind).resume(context, turn.inbound), context)

    def _complete(self, turn: Turn, spec: ServiceSpec) -> None:
        context = self._service_context(turn, spec)
        if turn.state["flow"].pop("waiting_department", None) is not None:
            department_waits.done(turn.db, turn.convo.citizen)
        try:
            result = get_kind(spec.kind).complete(context)
        except DepartmentUnavailableError as exc:
            log.warning(
                "department unavailable", extra={"service": spec.id, "department": exc.department}
            )
            turn.say(*context.replies)
            turn.say(Text(turn.t("errors.department_unavailable")))
            if exc.department is not None:
                # finished for the citizen when the department answers again
                department_waits.wait(turn.db, turn.convo.citizen, spec.id, exc.department)
                turn.state["flow"]["waiting_department"] = exc.department
                turn.say(Text(turn.t("errors.department_auto_retry")))
            self._offer_retry(turn)
            return
        except DepartmentRefusedError as refusal:
            # the department's own words for the citizen, declared in Telugu and English
            turn.say(Text(refusal.message.get(turn.lang) or refusal.message.get("en", "")))
            leave_flow(turn, finished=True)
            turn.say(navigation.after_service(turn.lang))
            return
        self._apply_result(turn, spec, result, context)

    def _apply_result(
        self, turn: Turn, spec: ServiceSpec, result: Any, context: ServiceContext
    ) -> None:
        turn.say(*context.replies)
        flow = turn.state.get("flow")
        if isinstance(result, Continue):
            if flow is not None:
                flow["phase"] = "kind"
            return
        if isinstance(result, AskAgain) and flow is not None:
            forget(flow["answers"], flow["history"], result.step_id)
            flow["phase"] = "steps"
            turn.say(Text(turn.t(result.message_key, **result.params)))
            self._advance(turn)
            return
        leave_flow(turn, finished=True)
        if isinstance(result, Done) and result.to_menu:
            turn.say(navigation.after_service(turn.lang))
