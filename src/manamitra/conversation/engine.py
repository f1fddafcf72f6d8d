"""The conversation engine: one inbound message in, replies out, the session updated.

Screens are declared states (language, menu, category, department, search, flow, status):
`screens.py` holds the screens around the flows, `runner.py` the flow itself. Global words and
buttons (menu, back, help, cancel, status, language) work on every screen.
The engine touches the database only through the kinds and registries it calls, inside the
caller's transaction, so a turn's state, effects and replies commit together or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from manamitra import clock
from manamitra.conversation import draft
from manamitra.conversation.runner import FlowRunner
from manamitra.conversation.screens import STALE_SAFE_PREFIXES, Screens
from manamitra.conversation.subscribe import alert_command_turn
from manamitra.conversation.turn import ConversationState, Turn, flow_abandoned
from manamitra.conversation.voice import Voice
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Buttons, ListMenu, Reply, Text
from manamitra.parts import Parts
from manamitra.services.kind import EVENT_HANDLERS, EventContext

__all__ = ["ConversationState", "Engine"]

SILENT_KINDS = frozenset({"reaction"})
# Rows of a message sent outside any conversation (the rating list that came with a
# certificate days after the citizen last wrote) mean the same after an idle restart.
STANDALONE_PREFIXES = ("rate:",)


def _answers_a_sent_message(inbound: Inbound) -> bool:
    return inbound.kind == "choice" and (inbound.choice_id or "").startswith(STANDALONE_PREFIXES)


class Engine:
    def __init__(
        self,
        parts: Parts,
        *,
        idle: timedelta = timedelta(hours=24),
        draft_keep: timedelta = timedelta(days=7),
    ) -> None:
        self.parts = parts
        self.catalog = parts.catalog
        self.idle = idle
        self.draft_keep = draft_keep
        self.runner = FlowRunner(parts)
        self.screens = Screens(parts, self.runner)
        self.voice = Voice(parts.catalog, self.screens.reprompt)
        # the screen a message arrives on → what handles it; anything else is a menu screen
        self._on_screen: dict[str, Callable[[Turn], None]] = {
            "flow": self._flow_or_menu,
            "language": self.screens.language_turn,
            "profile_fix": self.screens.profile.fix_turn,
            "rating_comment": self._rating_comment,
        }

    # ---- entry point -------------------------------------------------------------------
    def handle(self, db: Session, convo: ConversationState, inbound: Inbound) -> list[Reply]:
        turn = Turn(db=db, convo=convo, inbound=inbound)
        if inbound.profile_name:
            convo.profile_name = inbound.profile_name
        if inbound.kind in SILENT_KINDS:
            return []
        handler = EVENT_HANDLERS.get(inbound.kind)
        if handler is not None:
            context = EventContext(db=db, citizen=convo.citizen, lang=turn.lang, parts=self.parts)
            handler(context, inbound)
            return context.replies
        command = alert_command_turn(turn)
        if command is not None:
            # alerts on or off, confirmed; a first-time citizen is then asked their language,
            # and START (also a greeting) shows the menu
            if convo.language is None:
                self.screens.choose_language(turn)
            elif command.subscribe and not turn.state.get("flow"):
                self.screens.show_menu(turn)
            self._remember_choices(turn)
            return turn.replies
        expired = self._expire_if_idle(turn)
        draft.prune(turn.state, clock.now(), self.draft_keep)
        turn.state["last_active"] = clock.now().isoformat()
        if convo.language is None and self.voice.speaks_first(turn, self._dispatch):
            pass  # a voice note, or its transcript, before any language was chosen
        elif convo.language is None:
            self.screens.choose_language(turn)
        elif expired and not _answers_a_sent_message(inbound):
            kept = self.screens.draft_spec(turn)
            if kept is not None:
                turn.say(Text(turn.t("draft.expired_saved", service=kept.name.get(turn.lang))))
            else:
                turn.say(Text(turn.t("session_expired")))
            self.screens.show_menu(turn)
        else:
            self.voice.dispatch(turn, self._dispatch)
        self._remember_choices(turn)
        return turn.replies

    # ---- session housekeeping ------------------------------------------------------------
    def _expire_if_idle(self, turn: Turn) -> bool:
        last = turn.state.get("last_active")
        if not last:
            return False
        if clock.now() - datetime.fromisoformat(last) <= self.idle:
            return False
        flow = turn.state.get("flow")
        flow_abandoned(turn, flow, "idle")
        if flow is not None and draft.worth_keeping(flow):
            draft.save(turn.state, flow, datetime.fromisoformat(last))
        turn.convo.state = {draft.DRAFTS: turn.state.get(draft.DRAFTS, {})}
        return True

    def _remember_choices(self, turn: Turn) -> None:
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

    # ---- dispatch ----------------------------------------------------------------------
    def _dispatch(self, turn: Turn) -> None:
        screens = self.screens
        leaving = turn.state.pop("leaving", None)
        if leaving is not None and screens.answer_leaving(turn, leaving):
            return
        if screens.leaving_a_form(turn):
            return
        inbound = turn.inbound
        if inbound.kind == "choice" and inbound.choice_id:
            choice_id = inbound.choice_id
            if choice_id.startswith(STALE_SAFE_PREFIXES):
                screens.global_choice(turn, choice_id)
                return
            if choice_id not in turn.state.get("valid_ids", []):
                turn.say(Text(turn.t("stale_button")))
                screens.reprompt(turn)
                return
        if inbound.kind == "text" and inbound.text and screens.global_word(turn, inbound.text):
            return
        self._on_screen.get(turn.state.get("screen") or "", screens.menu_turn)(turn)

    def _rating_comment(self, turn: Turn) -> None:
        if not self.screens.rating.comment_turn(turn):
            self.screens.menu_turn(turn)

    def _flow_or_menu(self, turn: Turn) -> None:
        if turn.state.get("flow"):
            self.runner.flow_turn(turn)
        else:
            self.screens.menu_turn(turn)
