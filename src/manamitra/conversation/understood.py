"""The understanding engine inside a form: a typed answer read as a person would, a question
about a service answered without losing the place, and the answers taken from the sentence
that opened the service shown back for one tap."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from manamitra import clock
from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.conversation.flow import Pending, store_answer
from manamitra.conversation.review import label_key
from manamitra.conversation.turn import Turn
from manamitra.errors import DepartmentUnavailableError, ValidationError
from manamitra.fields import AskContext, get_field_type
from manamitra.fields.base import FieldType, Option
from manamitra.messaging.i18n import normalise, t, words
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Buttons, Choice, Reply, Text
from manamitra.parts import Parts
from manamitra.understanding import understand
from manamitra.understanding.step_answer import answer_step

SAID_YES, SAID_NO = "flow:said_yes", "flow:said_no"
# The flow phase (and its key) while the answers taken from the opening sentence are shown.
SAID_PHASE = "from_sentence"
_KEEP = frozenset(
    {
        "yes",
        "y",
        "ok",
        "okay",
        "correct",
        "right",
        "continue",
        "avunu",
        "sare",
        "అవును",
        "ఔను",
        "సరే",
        "కొనసాగించు",
    }
)
_CHANGE = frozenset({"no", "n", "change", "wrong", "kaadu", "kadu", "కాదు", "మార్చాలి", "మార్చు"})


def _options(step: StepSpec, field_type: FieldType, ask: AskContext) -> list[Option] | None:
    lister = getattr(field_type, "options", None)
    if lister is None:
        return None
    try:
        found: list[Option] = lister(step, ask)
    except (ValidationError, DepartmentUnavailableError):
        return None
    return found


def typed_answer(
    turn: Turn, step: StepSpec, field_type: FieldType, ask: AskContext
) -> Inbound | None:
    """The tap or date the citizen's words stand for, for the field to parse again."""
    inbound = turn.inbound
    if inbound.kind != "text" or not inbound.text:
        return None
    today = clock.to_ist(clock.now()).date()
    found = answer_step(step, _options(step, field_type, ask), inbound.text, today)
    if found is None:
        return None
    if found.option_id is not None:
        return replace(inbound, kind="choice", choice_id=f"opt:{found.option_id}", text=None)
    return replace(inbound, text=found.text)


def parse_answer(turn: Turn, pending: Pending, field_type: FieldType, ask: AskContext) -> Any:
    """The step's answer: as the field reads it, else as a person would read the text
    ("tirupathi", "repu", "rendu"); an optional step's *skip* is None."""
    inbound = turn.inbound
    typed = inbound.text if inbound.kind == "text" else None
    if pending.step.optional and typed and normalise(typed) in words("skip"):
        return None
    try:
        return field_type.parse(pending.step, inbound, ask)
    except ValidationError:
        understood = typed_answer(turn, pending.step, field_type, ask)
        if understood is None:
            raise
    return field_type.parse(pending.step, understood, ask)


def keep_answer(
    turn: Turn, pending: Pending, field_type: FieldType, ask: AskContext, value: Any
) -> None:
    """Store a step's answer, with the label of the option it names for the review."""
    flow = turn.state["flow"]
    turn.state["wrong"] = 0
    label = field_type.option_label(pending.step, value, ask) if value is not None else None
    store_answer(flow["answers"], flow["history"], pending, value)
    if label is not None:
        flow.setdefault("labels", {})[label_key(pending.path)] = label


def said_answers(
    spec: ServiceSpec, said: dict[str, Any], answers: dict[str, Any]
) -> list[tuple[Pending, Any]]:
    """The answers kept from the opening sentence, in the form's order, not yet answered."""
    return [
        (Pending(path=(step.id,), step=step), said[step.id])
        for step in spec.steps
        if step.id in said and step.id not in answers
    ]


def answered_question(turn: Turn, parts: Parts) -> bool:
    """A question about a service typed at a step ("fee entha?") gets its answer (the
    operator's understanding model, where one is configured, helps place it)."""
    inbound = turn.inbound
    if inbound.kind != "text" or not inbound.text or len(inbound.text.split()) < 2:
        return False
    understood = understand(
        parts.catalog, inbound.text, turn.lang, resolver=parts.understanding_model
    )
    if understood.intent != "question" or understood.answer is None:
        return False
    turn.say(Text(understood.answer))
    return True


def said_question(spec: ServiceSpec, said: dict[str, Any], ask: AskContext) -> Reply:
    """ "From your message: From Vijayawada, To Tirupati, Date 08-12-2026. Is this right?" """
    lines = []
    for step in spec.steps:
        if step.id not in said:
            continue
        field_type = get_field_type(step.type)
        label = field_type.option_label(step, said[step.id], ask)
        shown = label.get(ask.lang) if label else field_type.display(step, said[step.id], ask.lang)
        title = step.summary_label or step.prompt
        lines.append(f"• {title.get(ask.lang) if title else step.id}: {shown}")
    return Buttons(
        body=t(ask.lang, "understanding.said", lines="\n".join(lines)),
        choices=(
            Choice(id=SAID_YES, title=t(ask.lang, "understanding.said_yes")),
            Choice(id=SAID_NO, title=t(ask.lang, "understanding.said_no")),
        ),
    )


def said_decision(inbound: Inbound) -> bool | None:
    """True to keep the answers, False to give them afresh, None when it is neither."""
    if inbound.choice_id == SAID_YES:
        return True
    if inbound.choice_id == SAID_NO:
        return False
    typed = normalise(inbound.text or "") if inbound.kind == "text" else ""
    if typed in _KEEP:
        return True
    if typed in _CHANGE:
        return False
    return None
