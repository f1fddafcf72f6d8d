"""The conversation engine: one inbound message in, replies out, the session updated.

Screens are declared states (language, menu, category, department, search, flow, status);
global words and buttons (menu, back, help, cancel, status, language) work on every screen.
The engine touches the database only through the kinds and registries it calls, inside the
caller's transaction, so a turn's state, effects and replies commit together or not at all.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.catalog.loader import Catalog
from manamitra.catalog.schema import ServiceSpec
from manamitra.catalog.search import search_services
from manamitra.conversation import draft, navigation
from manamitra.conversation.flow import (
    Pending,
    answered_top_level,
    count_questions,
    forget,
    next_pending,
    store_answer,
    store_location_ahead,
    top_level_position,
    undo_last,
)
from manamitra.conversation.review import label_key, review_replies
from manamitra.errors import DepartmentUnavailableError, ValidationError
from manamitra.fields import AskContext, get_field_type
from manamitra.fields.base import PageRequest
from manamitra.fields.choice import chosen_title
from manamitra.formatting import money
from manamitra.messaging.i18n import normalise, t, words
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.limits import (
    clip,
)
from manamitra.messaging.paging import choices_message, page_of
from manamitra.messaging.reply import Buttons, Choice, ListMenu, Reply, Text
from manamitra.services import status as status_registry
from manamitra.services.kind import (
    EVENT_HANDLERS,
    UNSOLICITED_HANDLERS,
    AskAgain,
    Continue,
    Done,
    EventContext,
    ServiceContext,
    get_kind,
)
from manamitra.services.status_view import item_replies, status_replies

log = logging.getLogger(__name__)

MAX_WRONG = 3
STALE_SAFE_PREFIXES = ("nav:", "lang:", "cat:", "dept:", "svc:")
SILENT_KINDS = frozenset({"reaction"})


@dataclass
class ConversationState:
    """What the engine reads and updates for one citizen (the store maps it to a row)."""

    citizen: str
    language: str | None = None
    state: dict[str, Any] = field(default_factory=dict)
    profile_name: str | None = None


@dataclass
class _Turn:
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


class Engine:
    def __init__(
        self,
        catalog: Catalog,
        *,
        services: dict[str, Any] | None = None,
        idle: timedelta = timedelta(hours=24),
        draft_keep: timedelta = timedelta(days=7),
    ) -> None:
        self.catalog = catalog
        self.services = services if services is not None else {}
        self.idle = idle
        self.draft_keep = draft_keep

    # ---- entry point -------------------------------------------------------------------
    def handle(self, db: Session, convo: ConversationState, inbound: Inbound) -> list[Reply]:
        turn = _Turn(db=db, convo=convo, inbound=inbound)
        if inbound.profile_name:
            convo.profile_name = inbound.profile_name
        if inbound.kind in SILENT_KINDS:
            return []
        handler = EVENT_HANDLERS.get(inbound.kind)
        if handler is not None:
            context = EventContext(
                db=db, citizen=convo.citizen, lang=turn.lang, services=self.services
            )
            handler(context, inbound)
            return context.replies
        expired = self._expire_if_idle(turn)
        draft.prune(turn.state, clock.now(), self.draft_keep)
        turn.state["last_active"] = clock.now().isoformat()
        if convo.language is None:
            self._choose_language(turn)
        elif expired:
            kept = self._draft_spec(turn)
            if kept is not None:
                turn.say(Text(turn.t("draft.expired_saved", service=kept.name.get(turn.lang))))
            else:
                turn.say(Text(turn.t("session_expired")))
            self._show_menu(turn)
        else:
            self._dispatch(turn)
        self._remember_choices(turn)
        return turn.replies

    # ---- session housekeeping ------------------------------------------------------------
    def _expire_if_idle(self, turn: _Turn) -> bool:
        last = turn.state.get("last_active")
        if not last:
            return False
        if clock.now() - datetime.fromisoformat(last) <= self.idle:
            return False
        flow = turn.state.get("flow")
        if flow is not None and draft.worth_keeping(flow):
            draft.save(turn.state, flow, datetime.fromisoformat(last))
        turn.convo.state = {draft.DRAFTS: turn.state.get(draft.DRAFTS, {})}
        return True

    def _remember_choices(self, turn: _Turn) -> None:
        """The ids a tap may carry next; navigation-only messages keep the question's ids."""
        fresh: list[str] = []
        for reply in turn.replies:
            if isinstance(reply, Buttons):
                fresh.extend(c.id for c in reply.choices)
            elif isinstance(reply, ListMenu):
                fresh.extend(r.id for s in reply.sections for r in s.rows)
        if not fresh:
            return
        if all(choice_id.startswith("nav:") for choice_id in fresh):
            fresh = [*turn.state.get("valid_ids", []), *fresh][-64:]
        turn.state["valid_ids"] = fresh

    def _set_screen(self, turn: _Turn, screen: str, *, push: bool = True, **params: Any) -> None:
        current = turn.state.get("screen")
        if push and current and current not in ("flow", "language"):
            stack = turn.state.setdefault("stack", [])
            stack.append({"screen": current, "params": turn.state.get("params", {})})
            del stack[:-10]
        turn.state["screen"] = screen
        turn.state["params"] = params

    # ---- language ----------------------------------------------------------------------
    def _choose_language(self, turn: _Turn) -> None:
        chosen = self._language_from(turn.inbound)
        if chosen is None:
            turn.state["screen"] = "language"
            turn.say(navigation.language_prompt())
            return
        self._set_language(turn, chosen)

    @staticmethod
    def _language_from(inbound: Inbound) -> str | None:
        if inbound.choice_id in ("lang:te", "lang:en"):
            return inbound.choice_id.split(":")[1]
        if inbound.kind == "text" and inbound.text:
            typed = normalise(inbound.text)
            if typed in {"తెలుగు", "telugu", "1"}:
                return "te"
            if typed in {"english", "ఇంగ్లీషు", "ఇంగ్లీష్", "2"}:
                return "en"
        return None

    def _set_language(self, turn: _Turn, lang: str) -> None:
        turn.convo.language = lang
        turn.say(Text(t(lang, "language_set")))
        if turn.state.get("flow"):
            self._set_screen(turn, "flow", push=False)
            self._ask(turn)
        else:
            self._show_menu(turn)

    # ---- dispatch ----------------------------------------------------------------------
    def _dispatch(self, turn: _Turn) -> None:
        leaving = turn.state.pop("leaving", None)
        if leaving is not None and self._answer_leaving(turn, leaving):
            return
        if self._leaving_a_form(turn):
            return
        inbound = turn.inbound
        if inbound.kind == "choice" and inbound.choice_id:
            choice_id = inbound.choice_id
            if choice_id.startswith(STALE_SAFE_PREFIXES):
                self._global_choice(turn, choice_id)
                return
            if choice_id not in turn.state.get("valid_ids", []):
                turn.say(Text(turn.t("stale_button")))
                self._reprompt(turn)
                return
        if inbound.kind == "text" and inbound.text and self._global_word(turn, inbound.text):
            return
        screen = turn.state.get("screen")
        if screen == "flow" and turn.state.get("flow"):
            self._flow_turn(turn)
        elif screen == "language":
            chosen = self._language_from(inbound)
            if chosen:
                self._set_language(turn, chosen)
            else:
                turn.say(navigation.language_prompt())
        else:
            self._menu_turn(turn)

    # ---- leaving a form: ask first, keep a draft ----------------------------------------
    def _leave_intent(self, turn: _Turn) -> bool:
        inbound = turn.inbound
        choice = inbound.choice_id or ""
        if inbound.kind == "choice":
            flow = turn.state["flow"]
            return (
                choice in ("nav:menu", "nav:status", "flow:cancel")
                or choice.startswith(("cat:", "dept:"))
                or (choice.startswith("svc:") and choice != f"svc:{flow['service']}")
            )
        if inbound.kind != "text" or not inbound.text:
            return False
        word = normalise(inbound.text)
        return any(word in words(key) for key in ("greet", "menu", "cancel", "status"))

    def _leaving_a_form(self, turn: _Turn) -> bool:
        """Ask before a menu, cancel, status or another service takes the citizen away."""
        if turn.state.get("screen") != "flow" or not draft.worth_keeping(turn.state.get("flow")):
            return False
        if not self._leave_intent(turn):
            return False
        inbound = turn.inbound
        turn.state["leaving"] = {
            "kind": inbound.kind,
            "text": inbound.text,
            "choice_id": inbound.choice_id,
        }
        turn.say(
            Buttons(
                body=turn.t("draft.leave_question"),
                choices=(
                    Choice(id="leave:yes", title=turn.t("draft.leave_yes")),
                    Choice(id="leave:no", title=turn.t("draft.leave_no")),
                ),
            )
        )
        return True

    def _answer_leaving(self, turn: _Turn, intent: dict[str, Any]) -> bool:
        """Handle the answer to "Leave this application?"; False when it is something else."""
        inbound = turn.inbound
        typed = normalise(inbound.text or "") if inbound.kind == "text" else ""
        if inbound.choice_id == "leave:no" or typed in words("no"):
            self._reprompt(turn)
            return True
        if inbound.choice_id != "leave:yes" and typed not in words("yes"):
            return False
        spec = self._spec(turn)
        self._leave_flow(turn)
        if spec is not None:
            turn.say(Text(turn.t("draft.saved", service=spec.name.get(turn.lang))))
        choice, text = intent.get("choice_id") or "", intent.get("text") or ""
        if choice.startswith(STALE_SAFE_PREFIXES) and choice != "nav:menu":
            self._global_choice(turn, choice)
        elif text and normalise(text) in words("status"):
            self._status(turn)
        else:
            self._show_menu(turn)
        return True

    def _global_choice(self, turn: _Turn, choice_id: str) -> None:
        prefix, _, rest = choice_id.partition(":")
        if prefix == "lang":
            self._set_language(turn, rest if rest in ("te", "en") else turn.lang)
        elif prefix == "nav":
            {
                "menu": lambda: self._show_menu(turn, cancel=True),
                "back": lambda: self._back(turn),
                "help": lambda: self._help(turn),
                "status": lambda: self._status(turn),
                "lang": lambda: self._language_screen(turn),
                "resume": lambda: self._reprompt(turn),
                "draft": lambda: self._resume_latest_draft(turn),
            }.get(rest, lambda: self._reprompt(turn))()
        elif prefix == "cat":
            self._leave_flow(turn)
            self._set_screen(turn, "category", category=rest, page=0)
            turn.say(navigation.category_menu(self.catalog, rest, turn.lang))
        elif prefix == "dept":
            category, _, department = rest.partition(":")
            if department not in self.catalog.departments:
                self._show_menu(turn)
                return
            self._leave_flow(turn)
            self._set_screen(turn, "department", category=category, department=department, page=0)
            turn.say(navigation.department_menu(self.catalog, category, department, turn.lang))
        elif prefix == "svc":
            spec = self.catalog.service(rest)
            if spec is None:
                self._show_menu(turn)
                return
            self._start_flow(turn, spec)

    def _global_word(self, turn: _Turn, text: str) -> bool:
        word = normalise(text)
        in_flow = turn.state.get("screen") == "flow"
        if word in words("greet") or word in words("menu"):
            self._show_menu(turn, cancel=True)
        elif word in words("back"):
            self._back(turn)
        elif word in words("help"):
            self._help(turn)
        elif word in words("cancel"):
            if in_flow:
                self._leave_flow(turn)
                turn.say(Text(turn.t("cancelled")))
                self._show_menu(turn)
            else:
                turn.say(Text(turn.t("nothing_to_cancel")))
                self._show_menu(turn)
        elif word in words("status"):
            self._status(turn)
        elif word in words("language"):
            self._language_screen(turn)
        else:
            return False
        return True

    # ---- menus -------------------------------------------------------------------------
    def _show_menu(self, turn: _Turn, *, cancel: bool = False) -> None:
        if cancel:
            self._leave_flow(turn)
        turn.state["screen"] = "menu"
        turn.state["params"] = {}
        turn.state["stack"] = []
        kept = self._draft_spec(turn)
        turn.say(navigation.main_menu(turn.lang, draft=kept))

    def _draft_spec(self, turn: _Turn) -> ServiceSpec | None:
        service_id = draft.latest(turn.state)
        return self.catalog.service(service_id) if service_id else None

    def _resume_latest_draft(self, turn: _Turn) -> None:
        spec = self._draft_spec(turn)
        if spec is None:
            self._show_menu(turn)
            return
        self._start_flow(turn, spec)

    def _language_screen(self, turn: _Turn) -> None:
        turn.state["screen"] = "language"
        turn.say(navigation.language_prompt())

    def _help(self, turn: _Turn) -> None:
        turn.say(
            Buttons(
                body=turn.t("help"),
                choices=(
                    Choice(id="nav:menu", title=turn.t("menu")),
                    Choice(id="nav:resume", title=turn.t("try_again")),
                ),
            )
        )

    def _status(self, turn: _Turn) -> None:
        self._leave_flow(turn)
        turn.state["screen"] = "status"
        turn.say(*status_replies(turn.db, turn.convo.citizen, turn.lang, self._draft_spec(turn)))

    def _render_screen(self, turn: _Turn) -> None:
        screen = turn.state.get("screen")
        params = turn.state.get("params", {})
        page = int(params.get("page", 0))
        if screen == "category":
            turn.say(navigation.category_menu(self.catalog, params["category"], turn.lang, page))
        elif screen == "department":
            turn.say(
                navigation.department_menu(
                    self.catalog, params["category"], params["department"], turn.lang, page
                )
            )
        elif screen == "search":
            found = [s for s in (self.catalog.service(i) for i in params.get("ids", [])) if s]
            turn.say(navigation.search_results(found, params.get("query", ""), turn.lang))
        else:
            self._show_menu(turn)

    def _menu_turn(self, turn: _Turn) -> None:
        inbound = turn.inbound
        page = page_of(inbound.choice_id)
        if page is not None and turn.state.get("screen") in ("category", "department"):
            turn.state.setdefault("params", {})["page"] = page
            self._render_screen(turn)
            return
        if inbound.kind == "text" and inbound.text:
            self._search(turn, inbound.text)
            return
        if inbound.kind == "location" and self._location_at_menu(turn):
            return
        if inbound.kind in (
            "image",
            "document",
            "audio",
            "video",
            "location",
            "contacts",
            "sticker",
            "flow",
            "unsupported",
        ) and self._unsolicited(turn):
            return
        if inbound.kind in ("sticker", "unsupported", "contacts", "video", "audio"):
            turn.say(Text(turn.t("unsupported_message")))
        self._reprompt(turn)

    def _location_at_menu(self, turn: _Turn) -> bool:
        """A pin sent at the menu is kept for the next service, and the services that ask
        for a place (complaints, the nearest canteen…) are offered."""
        takers = [
            spec
            for spec in self.catalog.services.values()
            if any(step.type == "location" for step in spec.steps)
        ]
        location_step = (
            next((s for s in takers[0].steps if s.type == "location"), None) if takers else None
        )
        if location_step is None:
            return False
        try:
            pin = get_field_type("location").parse(
                location_step, turn.inbound, AskContext(lang=turn.lang, answers={})
            )
        except ValidationError:
            return False
        query = turn.t("location_query")
        self._set_screen(turn, "search", query=query, ids=[spec.id for spec in takers])
        turn.state["shared_pin"] = pin
        turn.say(
            choices_message(
                turn.t("location_at_menu"),
                [navigation.service_choice(spec, turn.lang) for spec in takers],
                turn.lang,
                prefer_buttons=False,
            )
        )
        return True

    def _unsolicited(self, turn: _Turn) -> bool:
        context = EventContext(
            db=turn.db, citizen=turn.convo.citizen, lang=turn.lang, services=self.services
        )
        for handler in UNSOLICITED_HANDLERS:
            if handler(context, turn.inbound):
                turn.say(*context.replies)
                return True
        return False

    def _search(self, turn: _Turn, text: str) -> None:
        item = status_registry.find_by_number(turn.db, turn.convo.citizen, text.strip())
        if item is not None:
            turn.say(*item_replies(item, turn.lang))
            return
        query = " ".join(text.split())[:200]
        found = search_services(self.catalog, query, limit=10)
        if not found:
            turn.say(Text(turn.t("no_search_results", query=clip(query, 40))))
            self._show_menu(turn)
            return
        self._set_screen(turn, "search", query=query, ids=[s.id for s in found])
        turn.say(navigation.search_results(found, query, turn.lang))

    def _back(self, turn: _Turn) -> None:
        if turn.state.get("screen") == "flow" and turn.state.get("flow"):
            flow = turn.state["flow"]
            if flow.get("phase") in ("confirm", "edit", "failed"):
                flow["phase"] = "steps"
                undo_last(flow["answers"], flow["history"])
                self._ask(turn)
                return
            if undo_last(flow["answers"], flow["history"]):
                flow["page"] = 0
                self._ask(turn)
                return
            self._leave_flow(turn)
        stack = turn.state.get("stack", [])
        if not stack:
            self._show_menu(turn)
            return
        previous = stack.pop()
        turn.state["screen"] = previous["screen"]
        turn.state["params"] = previous["params"]
        self._render_screen(turn)

    def _reprompt(self, turn: _Turn) -> None:
        screen = turn.state.get("screen")
        if screen == "flow" and turn.state.get("flow"):
            self._ask(turn)
        elif screen == "language":
            turn.say(navigation.language_prompt())
        else:
            self._render_screen(turn)

    # ---- flows -------------------------------------------------------------------------
    def _leave_flow(self, turn: _Turn, *, finished: bool = False) -> None:
        """Close the live flow; unless it finished, its answers are kept as a draft."""
        flow = turn.state.pop("flow", None)
        if not finished and draft.worth_keeping(flow):
            draft.save(turn.state, flow, clock.now())
        turn.state.pop("wrong", None)
        if turn.state.get("screen") == "flow":
            turn.state["screen"] = "menu"

    def _spec(self, turn: _Turn) -> ServiceSpec | None:
        flow = turn.state.get("flow")
        return self.catalog.service(flow["service"]) if flow else None

    def _start_flow(self, turn: _Turn, spec: ServiceSpec) -> None:
        self._leave_flow(turn)
        self._set_screen(turn, "flow")
        saved = draft.take(turn.state, spec.id)
        if saved is not None:
            turn.state["flow"] = saved
            turn.say(Text(turn.t("draft.resumed", service=spec.name.get(turn.lang))))
            self._ask(turn)
            return
        turn.state["flow"] = {
            "service": spec.id,
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
        self._advance(turn)

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

    def _service_context(self, turn: _Turn, spec: ServiceSpec) -> ServiceContext:
        flow = turn.state["flow"]
        return ServiceContext(
            db=turn.db,
            citizen=turn.convo.citizen,
            lang=turn.lang,
            spec=spec,
            answers=flow["answers"],
            kind_state=flow["kind_state"],
            services=self.services,
            inbound=turn.inbound,
            profile_name=turn.convo.profile_name,
        )

    def _ask_context(self, turn: _Turn) -> AskContext:
        flow = turn.state["flow"]
        return AskContext(
            lang=turn.lang,
            answers=flow["answers"],
            page=flow.get("page", 0),
            services=self.services,
            db=turn.db,
            citizen=turn.convo.citizen,
        )

    def _ask(self, turn: _Turn) -> None:
        spec = self._spec(turn)
        if spec is None:
            self._show_menu(turn)
            return
        flow = turn.state["flow"]
        phase = flow.get("phase", "steps")
        if phase == "confirm":
            self._confirm(turn, spec)
            return
        if phase == "edit":
            self._edit_menu(turn, spec)
            return
        if phase == "failed":
            self._offer_retry(turn)
            return
        if phase == "kind":
            context = self._service_context(turn, spec)
            self._apply_result(
                turn, spec, get_kind(spec.kind).resume(context, turn.inbound), context
            )
            return
        pending = next_pending(spec, flow["answers"])
        if pending is None:
            self._finish_steps(turn, spec)
            return
        field_type = get_field_type(pending.step.type)
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

    def _advance(self, turn: _Turn) -> None:
        turn.state["flow"]["page"] = 0
        self._ask(turn)

    def _flow_turn(self, turn: _Turn) -> None:
        spec = self._spec(turn)
        if spec is None:
            self._show_menu(turn, cancel=True)
            return
        flow = turn.state["flow"]
        phase = flow.get("phase", "steps")
        inbound = turn.inbound
        if phase == "kind":
            context = self._service_context(turn, spec)
            self._apply_result(turn, spec, get_kind(spec.kind).resume(context, inbound), context)
            return
        if phase in ("confirm", "edit", "failed"):
            self._decision(turn, spec, inbound)
            return
        pending = next_pending(spec, flow["answers"])
        if pending is None:
            self._finish_steps(turn, spec)
            return
        if self._location_ahead(turn, spec, pending):
            return
        field_type = get_field_type(pending.step.type)
        ask = self._ask_context(turn)
        try:
            if (
                pending.step.optional
                and inbound.kind == "text"
                and inbound.text
                and normalise(inbound.text) in words("skip")
            ):
                value: Any = None
            else:
                value = field_type.parse(pending.step, inbound, ask)
        except ValidationError as error:
            self._wrong_answer(turn, error)
            return
        except DepartmentUnavailableError:
            turn.say(Text(turn.t("errors.department_unavailable")))
            self._offer_retry(turn, resume=True)
            return
        if isinstance(value, PageRequest):
            flow["page"] = value.page
            self._ask(turn)
            return
        turn.state["wrong"] = 0
        label = field_type.option_label(pending.step, value, ask) if value is not None else None
        store_answer(flow["answers"], flow["history"], pending, value)
        if label is not None:
            flow.setdefault("labels", {})[label_key(pending.path)] = label
        self._advance(turn)

    def _location_ahead(self, turn: _Turn, spec: ServiceSpec, pending: Pending) -> bool:
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

    def _wrong_answer(self, turn: _Turn, error: ValidationError) -> None:
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
        self._ask(turn)

    def _finish_steps(self, turn: _Turn, spec: ServiceSpec) -> None:
        kind = get_kind(spec.kind)
        if kind.reviews(spec):
            turn.state["flow"]["phase"] = "confirm"
            self._confirm(turn, spec)
        else:
            self._complete(turn, spec)

    def _confirm(self, turn: _Turn, spec: ServiceSpec) -> None:
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
        turn.say(*review_replies(spec, answers, turn.lang, labels, extra))

    def _edit_menu(self, turn: _Turn, spec: ServiceSpec) -> None:
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

    def _decision(self, turn: _Turn, spec: ServiceSpec, inbound: Inbound) -> None:
        flow = turn.state["flow"]
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
            self._leave_flow(turn)
            turn.say(Text(turn.t("cancelled")))
            self._show_menu(turn)
        elif choice.startswith("edit:"):
            forget(flow["answers"], flow["history"], choice.removeprefix("edit:"))
            flow["phase"] = "steps"
            self._advance(turn)
        elif page_of(choice) is not None:
            flow["page"] = page_of(choice)
            self._ask(turn)
        else:
            turn.say(Text(turn.t("errors.choice_invalid")))
            self._ask(turn)

    def _offer_retry(self, turn: _Turn, *, resume: bool = False) -> None:
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

    def _complete(self, turn: _Turn, spec: ServiceSpec) -> None:
        context = self._service_context(turn, spec)
        try:
            result = get_kind(spec.kind).complete(context)
        except DepartmentUnavailableError:
            log.warning("department unavailable", extra={"service": spec.id})
            turn.say(*context.replies)
            turn.say(Text(turn.t("errors.department_unavailable")))
            self._offer_retry(turn)
            return
        self._apply_result(turn, spec, result, context)

    def _apply_result(
        self, turn: _Turn, spec: ServiceSpec, result: Any, context: ServiceContext
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
        self._leave_flow(turn, finished=True)
        if isinstance(result, Done) and result.to_menu:
            turn.say(navigation.after_service(turn.lang))
