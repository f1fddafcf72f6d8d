"""Free text at the menu, understood: a service opened (with what the sentence already said,
shown back for one tap), a question answered from the catalogue with a button to start, the
citizen's applications by words, a navigation word inside a sentence; and never a dead end —
best guesses first, then help and the grievance option when the same failure comes twice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manamitra.catalog.schema import ServiceSpec
from manamitra.catalog.search import search_services
from manamitra.conversation import navigation
from manamitra.conversation.runner import FlowRunner
from manamitra.conversation.turn import Turn, leave_flow, set_screen
from manamitra.errors import ValidationError
from manamitra.fields import AskContext, get_field_type
from manamitra.messaging.limits import MAX_BUTTON_TITLE, clip
from manamitra.messaging.paging import choices_message
from manamitra.messaging.reply import Buttons, Choice, Reply, Text
from manamitra.parts import Parts
from manamitra.services.status import items_for
from manamitra.services.status_view import item_replies, status_replies
from manamitra.understanding import Understanding, answer, understand

NOT_UNDERSTOOD = "not_understood"
# A grievance opened by a message this long keeps the message as its description.
DESCRIPTION_WORDS = 6
MAX_ITEMS = 5
GRIEVANCES = "cat:grievances"

Navigate = Callable[[Turn, str], None]


class FreeText:
    def __init__(
        self,
        parts: Parts,
        runner: FlowRunner,
        navigate: Navigate,
        draft_spec: Callable[[Turn], ServiceSpec | None],
    ) -> None:
        self.catalog = parts.catalog
        self.model = parts.understanding_model
        self.runner = runner
        self.navigate = navigate
        self.draft_spec = draft_spec
        self._by_intent: dict[str, Callable[[Turn, Understanding, str], None]] = {
            "navigation": lambda turn, found, text: self.navigate(turn, found.navigation or "menu"),
            "status": self._status,
            "question": self._question,
            "service": self._service,
            "unknown": self._unknown,
        }

    def at_menu(self, turn: Turn, text: str) -> None:
        found = understand(self.catalog, text, turn.lang, resolver=self.model)
        if found.intent != "unknown":
            turn.state.pop(NOT_UNDERSTOOD, None)
        self._by_intent[found.intent](turn, found, text)

    # ---- each intent -------------------------------------------------------------------
    def _service(self, turn: Turn, found: Understanding, text: str) -> None:
        spec = self.catalog.service(found.service or "")
        if spec is None:
            self._unknown(turn, found, text)
            return
        said = dict(found.slots)
        said.update(self._description(turn, spec, text))
        if said and not found.tied:
            self.runner.start_flow(turn, spec, said)
            return
        query = " ".join(text.split())[:200]
        listed = [
            spec,
            *(s for s in search_services(self.catalog, query, limit=10) if s.id != spec.id),
        ]
        set_screen(turn, "search", query=query, ids=[s.id for s in listed[:10]])
        turn.say(navigation.search_results(listed[:10], query, turn.lang))

    def _description(self, turn: Turn, spec: ServiceSpec, text: str) -> dict[str, Any]:
        """A long message that opens a grievance is the problem described, not lost."""
        if spec.kind != "grievance" or len(text.split()) < DESCRIPTION_WORDS:
            return {}
        step = next((s for s in spec.steps if s.type == "complaint"), None)
        if step is None:
            return {}
        try:
            value = get_field_type(step.type).parse(
                step, turn.inbound, AskContext(lang=turn.lang, answers={})
            )
        except ValidationError:
            return {}
        return {step.id: value}

    def _question(self, turn: Turn, found: Understanding, text: str) -> None:
        spec = self.catalog.service(found.service or "")
        if spec is None:
            self._unknown(turn, found, text)
            return
        said, known = answer(spec, found.topic, turn.lang)
        start = Choice(
            id=f"svc:{spec.id}", title=clip(turn.t("understanding.start"), MAX_BUTTON_TITLE)
        )
        choices = [start]
        if not known:
            choices.append(Choice(id=GRIEVANCES, title=turn.t("understanding.grievance")))
        choices.append(Choice(id="nav:menu", title=turn.t("menu")))
        turn.say(Buttons(body=said, choices=tuple(choices)))

    def _status(self, turn: Turn, found: Understanding, text: str) -> None:
        leave_flow(turn)
        turn.state["screen"] = "status"
        spec = self.catalog.service(found.service or "")
        everything = status_replies(turn.db, turn.convo.citizen, turn.lang, self.draft_spec(turn))
        if spec is None:
            turn.say(*everything)
            return
        mine = [
            i for i in items_for(turn.db, turn.convo.citizen) if i.title.get("en") == spec.name.en
        ]
        if not mine:
            turn.say(Text(turn.t("understanding.status_none", service=spec.name.get(turn.lang))))
            turn.say(*everything)
            return
        replies: list[Reply] = []
        for item in mine[:MAX_ITEMS]:
            replies.extend(item_replies(item, turn.lang))
        turn.say(*replies, navigation.after_service(turn.lang))

    def _unknown(self, turn: Turn, found: Understanding, text: str) -> None:
        menu = Choice(id="nav:menu", title=turn.t("menu"))
        if found.feeling is not None:
            key = "understanding.thanks" if found.feeling == "thanks" else "understanding.emoji"
            turn.say(Buttons(body=turn.t(key), choices=(menu,)))
            return
        failures = int(turn.state.get(NOT_UNDERSTOOD, 0)) + 1
        turn.state[NOT_UNDERSTOOD] = failures
        if failures >= 2:
            turn.state.pop(NOT_UNDERSTOOD)
            grievance = Choice(id=GRIEVANCES, title=turn.t("understanding.grievance"))
            turn.say(
                Buttons(
                    body=turn.t("understanding.still_not_understood"), choices=(grievance, menu)
                )
            )
            return
        query = clip(" ".join(text.split()), 40)
        guesses = [s for s in (self.catalog.service(i) for i in found.alternatives) if s]
        if not guesses:
            turn.say(
                Buttons(body=turn.t("understanding.guesses_none", query=query), choices=(menu,))
            )
            return
        set_screen(turn, "search", query=query, ids=[s.id for s in guesses])
        rows = [navigation.service_choice(s, turn.lang) for s in guesses]
        turn.say(
            choices_message(
                turn.t("understanding.guesses", query=query),
                [*rows, menu],
                turn.lang,
                prefer_buttons=False,
            )
        )
