"""The screens around the flows: language, main menu, category, department, search results,
status, help and drafts, with the global words and buttons that work on every screen.

A screen is a declared state: `state["screen"]` names it and `render` holds how each one is
drawn again (after "back", a stale tap or a page turn).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manamitra.catalog.schema import ServiceSpec
from manamitra.conversation import draft, navigation
from manamitra.conversation.free_text import FreeText
from manamitra.conversation.profile_screen import ProfileScreen
from manamitra.conversation.rating_screen import RatingScreen
from manamitra.conversation.runner import FlowRunner
from manamitra.conversation.turn import Turn, draft_spec, leave_flow, set_screen, show_menu
from manamitra.errors import ValidationError
from manamitra.fields import AskContext, get_field_type
from manamitra.messaging.i18n import normalise, t, words
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.paging import choices_message, page_of
from manamitra.messaging.reply import Buttons, Choice, Text
from manamitra.parts import Parts
from manamitra.profile.show import t as profile_text
from manamitra.services import status as status_registry
from manamitra.services.kind import UNSOLICITED_HANDLERS, EventContext
from manamitra.services.status_view import item_replies, status_replies

# Taps understood on any screen: navigation, and rows of messages sent outside a turn (the
# rating list with a certificate or receipt) or kept for later (My details).
STALE_SAFE_PREFIXES = ("nav:", "lang:", "cat:", "dept:", "svc:", "prof:", "rate:", "ratings:")
UNSOLICITED_KINDS = (
    "image",
    "document",
    "audio",
    "video",
    "location",
    "contacts",
    "sticker",
    "flow",
    "unsupported",
)
UNSUPPORTED_KINDS = ("sticker", "unsupported", "contacts", "video", "audio")

ScreenHandler = Callable[[Turn, dict[str, Any]], None]
# The understanding engine's navigation moves → this screen's navigation table.
_MOVES = {"greet": "menu", "language": "lang", "cancel": "menu"}


class Screens:
    def __init__(self, parts: Parts, runner: FlowRunner) -> None:
        self.parts = parts
        self.catalog = parts.catalog
        self.runner = runner
        self.profile = ProfileScreen(parts)
        self.rating = RatingScreen(parts.catalog)
        self._render: dict[str, ScreenHandler] = {
            "category": self._render_category,
            "department": self._render_department,
            "search": self._render_search,
        }
        self._navigate: dict[str, Callable[[Turn], None]] = {
            "menu": lambda turn: self.show_menu(turn, cancel=True),
            "back": self._back,
            "help": self._help,
            "status": self._status,
            "lang": self._language_screen,
            "resume": self.reprompt,
            "draft": self._resume_latest_draft,
        }
        self.free_text = FreeText(parts, runner, self._navigate_to, self.draft_spec)

    def show_menu(self, turn: Turn, *, cancel: bool = False) -> None:
        show_menu(turn, self.catalog, cancel=cancel)

    def draft_spec(self, turn: Turn) -> ServiceSpec | None:
        return draft_spec(turn, self.catalog)

    # ---- language ----------------------------------------------------------------------
    def choose_language(self, turn: Turn) -> None:
        chosen = self.language_from(turn.inbound)
        if chosen is None:
            turn.state["screen"] = "language"
            turn.say(navigation.language_prompt())
            return
        self._set_language(turn, chosen)

    def language_turn(self, turn: Turn) -> None:
        chosen = self.language_from(turn.inbound)
        if chosen:
            self._set_language(turn, chosen)
        else:
            turn.say(navigation.language_prompt())

    @staticmethod
    def language_from(inbound: Inbound) -> str | None:
        if inbound.choice_id in ("lang:te", "lang:en"):
            return inbound.choice_id.split(":")[1]
        if inbound.kind == "text" and inbound.text:
            typed = normalise(inbound.text)
            if typed in {"తెలుగు", "telugu", "1"}:
                return "te"
            if typed in {"english", "ఇంగ్లీషు", "ఇంగ్లీష్", "2"}:
                return "en"
        return None

    def _set_language(self, turn: Turn, lang: str) -> None:
        turn.convo.language = lang
        turn.say(Text(t(lang, "language_set")))
        if turn.state.get("flow"):
            set_screen(turn, "flow", push=False)
            self.runner.ask(turn)
        else:
            self.show_menu(turn)

    def _language_screen(self, turn: Turn) -> None:
        turn.state["screen"] = "language"
        turn.say(navigation.language_prompt())

    # ---- leaving a form: ask first, keep a draft ----------------------------------------
    def _leave_intent(self, turn: Turn) -> bool:
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

    def leaving_a_form(self, turn: Turn) -> bool:
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

    def answer_leaving(self, turn: Turn, intent: dict[str, Any]) -> bool:
        """Handle the answer to "Leave this application?"; False when it is something else."""
        inbound = turn.inbound
        typed = normalise(inbound.text or "") if inbound.kind == "text" else ""
        if inbound.choice_id == "leave:no" or typed in words("no"):
            self.reprompt(turn)
            return True
        if inbound.choice_id != "leave:yes" and typed not in words("yes"):
            return False
        spec = self.runner.spec(turn)
        leave_flow(turn)
        if spec is not None:
            turn.say(Text(turn.t("draft.saved", service=spec.name.get(turn.lang))))
        choice, text = intent.get("choice_id") or "", intent.get("text") or ""
        if choice.startswith(STALE_SAFE_PREFIXES) and choice != "nav:menu":
            self.global_choice(turn, choice)
        elif text and normalise(text) in words("status"):
            self._status(turn)
        else:
            self.show_menu(turn)
        return True

    def _resume_latest_draft(self, turn: Turn) -> None:
        spec = self.draft_spec(turn)
        if spec is None:
            self.show_menu(turn)
            return
        self.runner.start_flow(turn, spec)

    # ---- global buttons and words ---------------------------------------------------------
    def global_choice(self, turn: Turn, choice_id: str) -> None:
        prefix, _, rest = choice_id.partition(":")
        if prefix == "lang":
            self._set_language(turn, rest if rest in ("te", "en") else turn.lang)
        elif prefix == "nav":
            self._navigate.get(rest, self.reprompt)(turn)
        elif prefix == "cat":
            leave_flow(turn)
            set_screen(turn, "category", category=rest, page=0)
            turn.say(navigation.category_menu(self.catalog, rest, turn.lang))
        elif prefix == "dept":
            category, _, department = rest.partition(":")
            if department not in self.catalog.departments:
                self.show_menu(turn)
                return
            leave_flow(turn)
            set_screen(turn, "department", category=category, department=department, page=0)
            turn.say(navigation.department_menu(self.catalog, category, department, turn.lang))
        elif prefix == "prof":
            leave_flow(turn)
            self.profile.choice(turn, rest)
        elif prefix == "rate":
            in_flow = turn.state.get("screen") == "flow" and bool(turn.state.get("flow"))
            self.rating.tap(turn, choice_id, in_flow=in_flow)
            if in_flow:
                self.reprompt(turn)
        elif prefix == "ratings":
            self.rating.skip(turn)
        elif prefix == "svc":
            spec = self.catalog.service(rest)
            if spec is None:
                self.show_menu(turn)
                return
            self.runner.start_flow(turn, spec)

    def global_word(self, turn: Turn, text: str) -> bool:
        word = normalise(text)
        in_flow = turn.state.get("screen") == "flow"
        if word in words("greet") or word in words("menu"):
            self.show_menu(turn, cancel=True)
        elif word in words("back"):
            self._back(turn)
        elif word in words("help"):
            self._help(turn)
        elif word in words("cancel"):
            if in_flow:
                leave_flow(turn)
                turn.say(Text(turn.t("cancelled")))
                self.show_menu(turn)
            else:
                turn.say(Text(turn.t("nothing_to_cancel")))
                self.show_menu(turn)
        elif word in words("status"):
            self._status(turn)
        elif word in words("language"):
            self._language_screen(turn)
        elif word in _profile_words("menu_row") or word in _profile_words("my_documents"):
            leave_flow(turn)
            self.profile.choice(turn, "details" if word in _profile_words("menu_row") else "docs")
        else:
            return False
        return True

    def _help(self, turn: Turn) -> None:
        turn.say(
            Buttons(
                body=turn.t("help"),
                choices=(
                    Choice(id="nav:menu", title=turn.t("menu")),
                    Choice(id="nav:resume", title=turn.t("try_again")),
                ),
            )
        )

    def _status(self, turn: Turn) -> None:
        leave_flow(turn)
        turn.state["screen"] = "status"
        turn.say(*status_replies(turn.db, turn.convo.citizen, turn.lang, self.draft_spec(turn)))

    def _back(self, turn: Turn) -> None:
        in_flow = turn.state.get("screen") == "flow" and turn.state.get("flow")
        if in_flow and self.runner.back(turn):
            return
        stack = turn.state.get("stack", [])
        if not stack:
            self.show_menu(turn)
            return
        previous = stack.pop()
        turn.state["screen"] = previous["screen"]
        turn.state["params"] = previous["params"]
        self._render_screen(turn)

    def reprompt(self, turn: Turn) -> None:
        screen = turn.state.get("screen")
        if screen == "flow" and turn.state.get("flow"):
            self.runner.ask(turn)
        elif screen == "language":
            turn.say(navigation.language_prompt())
        else:
            self._render_screen(turn)

    # ---- drawing a screen again -----------------------------------------------------------
    def _render_screen(self, turn: Turn) -> None:
        screen = turn.state.get("screen")
        params = turn.state.get("params", {})
        render = self._render.get(screen or "")
        if render is None:
            self.show_menu(turn)
            return
        render(turn, params)

    def _render_category(self, turn: Turn, params: dict[str, Any]) -> None:
        page = int(params.get("page", 0))
        turn.say(navigation.category_menu(self.catalog, params["category"], turn.lang, page))

    def _render_department(self, turn: Turn, params: dict[str, Any]) -> None:
        page = int(params.get("page", 0))
        turn.say(
            navigation.department_menu(
                self.catalog, params["category"], params["department"], turn.lang, page
            )
        )

    def _render_search(self, turn: Turn, params: dict[str, Any]) -> None:
        found = [s for s in (self.catalog.service(i) for i in params.get("ids", [])) if s]
        turn.say(navigation.search_results(found, params.get("query", ""), turn.lang))

    # ---- a message on a menu screen -------------------------------------------------------
    def menu_turn(self, turn: Turn) -> None:
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
        if inbound.kind in UNSOLICITED_KINDS and self._unsolicited(turn):
            return
        if inbound.kind in UNSUPPORTED_KINDS:
            turn.say(Text(turn.t("unsupported_message")))
        self.reprompt(turn)

    def _location_at_menu(self, turn: Turn) -> bool:
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
        set_screen(turn, "search", query=query, ids=[spec.id for spec in takers])
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

    def _unsolicited(self, turn: Turn) -> bool:
        context = EventContext(
            db=turn.db, citizen=turn.convo.citizen, lang=turn.lang, parts=self.parts
        )
        for handler in UNSOLICITED_HANDLERS:
            if handler(context, turn.inbound):
                turn.say(*context.replies)
                return True
        return False

    def _search(self, turn: Turn, text: str) -> None:
        item = status_registry.find_by_number(turn.db, turn.convo.citizen, text.strip())
        if item is not None:
            turn.say(*item_replies(item, turn.lang))
            return
        self.free_text.at_menu(turn, text)

    def _navigate_to(self, turn: Turn, move: str) -> None:
        """A navigation word said in a sentence ("main menu chupinchu", "english lo")."""
        self._navigate[_MOVES.get(move, move)](turn)


def _profile_words(key: str) -> set[str]:
    """ "my details", "నా వివరాలు": the menu row's words, typed, in either language."""
    return {normalise(profile_text(lang, key)) for lang in ("te", "en")}
