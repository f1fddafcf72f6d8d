"""Ask once: before a new application's first question, offer the details verified earlier.

One step of the flow runner, run once when a service starts (`Prefill.begin`), before the
steps are asked. Without a consent decision it shows the notice (what is kept, the purpose,
how to withdraw) and asks; with consent it shows the details it can fill, each under the
application or certificate that verified it, "Use these details? Yes / Change"; refused or
withdrawn, it stays silent and every question is asked. It only stores answers the flow does
not have yet, so another start-of-service step that fills answers (from the citizen's first
free-text message, say) combines with it by running before or after it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from manamitra import profile
from manamitra.catalog.loader import Catalog
from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.conversation.flow import Pending, store_answer
from manamitra.conversation.turn import Turn
from manamitra.messaging.i18n import normalise, words
from manamitra.messaging.limits import MAX_BUTTON_TITLE, clip
from manamitra.messaging.reply import Buttons, Choice, Text
from manamitra.parts import RecordLookup
from manamitra.profile.show import fact_lines, source_text, t

APPLIES_TO = frozenset({"application"})
CONSENT_PHASE = "consent"
OFFER_PHASE = "prefill"
MAX_BODY = 1024

PhaseHandler = Callable[[Turn, ServiceSpec], None]


class Prefill:
    """The pre-fill step; `advance` asks the next question, `edit` shows the change list."""

    def __init__(
        self,
        catalog: Catalog,
        advance: Callable[[Turn], None],
        edit: PhaseHandler,
        records: RecordLookup | None = None,
    ):
        self.catalog = catalog
        self.records = records  # department registers: facts "from <department> records"
        self.advance = advance
        self.edit = edit

    # ---- the hook ----------------------------------------------------------------------
    def begin(self, turn: Turn, spec: ServiceSpec) -> bool:
        """True when it asked the citizen something; the steps then wait for the answer."""
        if spec.kind not in APPLIES_TO or not self._offered(turn, spec):
            return False
        decision = profile.current(turn.db, turn.convo.citizen, profile.PREFILL)
        flow = turn.state["flow"]
        if decision is None or decision.notice_version != profile.PREFILL.notice_version:
            flow["phase"] = CONSENT_PHASE
            self.ask_consent(turn, spec)
            return True
        if not decision.granted:
            return False
        flow["phase"] = OFFER_PHASE
        self.ask_offer(turn, spec)
        return True

    def _offered(self, turn: Turn, spec: ServiceSpec) -> list[tuple[StepSpec, profile.Fact]]:
        facts = profile.profile_facts(
            turn.db, turn.convo.citizen, self.catalog, self.records, turn.lang
        )
        answers: dict[str, Any] = turn.state["flow"]["answers"]
        return [
            (step, facts[step.id])
            for step in spec.steps
            if step.when is None
            and step.id not in answers
            and step.id in facts
            and profile.fits(facts[step.id], step)
        ]

    # ---- consent -----------------------------------------------------------------------
    def ask_consent(self, turn: Turn, spec: ServiceSpec) -> None:
        lang = turn.lang
        sources = {fact.source.application: fact.source for _, fact in self._offered(turn, spec)}
        listed = "; ".join(source_text(source, lang) for source in sources.values())
        turn.say(
            Buttons(
                body=clip(t(lang, "notice", sources=listed), MAX_BODY),
                choices=(
                    Choice(id="prefill:allow", title=clip(t(lang, "allow"), MAX_BUTTON_TITLE)),
                    Choice(id="prefill:refuse", title=clip(t(lang, "refuse"), MAX_BUTTON_TITLE)),
                ),
            )
        )

    def answer_consent(self, turn: Turn, spec: ServiceSpec) -> None:
        said = self._yes_or_no(turn, yes="prefill:allow", no="prefill:refuse")
        if said is None:
            self.ask_consent(turn, spec)
            return
        source = f"whatsapp:{turn.inbound.message_id}"
        action = "given" if said else "refused"
        profile.decide(
            turn.db, turn.convo.citizen, profile.PREFILL, action, source=source, lang=turn.lang
        )
        turn.say(Text(t(turn.lang, action)))
        if said:
            turn.state["flow"]["phase"] = OFFER_PHASE
            self.ask_offer(turn, spec)
            return
        turn.state["flow"]["phase"] = "steps"
        self.advance(turn)

    # ---- the offer ---------------------------------------------------------------------
    def ask_offer(self, turn: Turn, spec: ServiceSpec) -> None:
        offered = self._offered(turn, spec)
        if not offered:
            turn.state["flow"]["phase"] = "steps"
            self.advance(turn)
            return
        lang = turn.lang
        facts = fact_lines([fact for _, fact in offered], lang)
        turn.say(
            Buttons(
                body=clip(t(lang, "offer", facts=facts), MAX_BODY),
                choices=(
                    Choice(id="prefill:use", title=clip(t(lang, "use"), MAX_BUTTON_TITLE)),
                    Choice(id="prefill:change", title=clip(t(lang, "change"), MAX_BUTTON_TITLE)),
                ),
            )
        )

    def answer_offer(self, turn: Turn, spec: ServiceSpec) -> None:
        said = self._yes_or_no(turn, yes="prefill:use", no="prefill:change")
        if said is None:
            self.ask_offer(turn, spec)
            return
        # consent can have been withdrawn on another screen since the offer was made
        if not profile.granted(turn.db, turn.convo.citizen, profile.PREFILL):
            turn.state["flow"]["phase"] = "steps"
            self.advance(turn)
            return
        count = self._fill(turn, spec)
        turn.say(Text(t(turn.lang, "filled", count=count)))
        flow = turn.state["flow"]
        if said:
            flow["phase"] = "steps"
            self.advance(turn)
        else:
            flow["phase"] = "edit"
            flow["page"] = 0
            self.edit(turn, spec)

    def _fill(self, turn: Turn, spec: ServiceSpec) -> int:
        flow = turn.state["flow"]
        offered = self._offered(turn, spec)
        for step, fact in offered:
            store_answer(
                flow["answers"], flow["history"], Pending(path=(step.id,), step=step), fact.value
            )
            flow.setdefault("prefilled", {})[step.id] = fact.source.application
        return len(offered)

    @staticmethod
    def _yes_or_no(turn: Turn, *, yes: str, no: str) -> bool | None:
        inbound = turn.inbound
        if inbound.choice_id in (yes, no):
            return inbound.choice_id == yes
        typed = normalise(inbound.text or "") if inbound.kind == "text" else ""
        if typed in words("yes"):
            return True
        if typed in words("no"):
            return False
        return None
