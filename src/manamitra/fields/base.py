"""The contract of a field type, and the registries of field types and option providers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from manamitra.catalog.schema import StepSpec
from manamitra.errors import SpecError, ValidationError
from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import Reply, Text
from manamitra.parts import Parts
from manamitra.privacy import Cipher


@dataclass(frozen=True)
class Option:
    """One choosable answer; `label`/`description` by language code."""

    id: str
    label: dict[str, str]
    description: dict[str, str] | None = None
    value: Any = None

    def title(self, lang: str) -> str:
        return self.label.get(lang) or self.label.get("en") or self.id

    def detail(self, lang: str) -> str | None:
        if not self.description:
            return None
        return self.description.get(lang) or self.description.get("en")

    @property
    def answer(self) -> Any:
        return self.id if self.value is None else self.value


@dataclass
class AskContext:
    """What a field may look at while asking or parsing: language, answers, options, and the
    platform's parts (the data key, for a field that reads sealed text)."""

    lang: str
    answers: dict[str, Any]
    page: int = 0
    parts: Parts | None = None
    db: Any = None
    citizen: str = ""

    def t(self, key: str, **params: object) -> str:
        return t(self.lang, key, **params)

    def cipher(self) -> Cipher:
        """The data key (the `privacy` part). A context built without the parts has none, and
        a field that needs one says so rather than build one from the environment."""
        if self.parts is None:
            raise RuntimeError("this field reads sealed text: its AskContext needs the parts")
        return self.parts.privacy

    def options_from(self, provider: str, step: StepSpec) -> list[Option]:
        try:
            fetch = OPTION_PROVIDERS[provider]
        except KeyError as exc:
            raise SpecError(f"unknown options_from provider {provider!r}") from exc
        return fetch(self, step)


class PageRequest:
    """A parse result meaning "show another page of options", not an answer."""

    def __init__(self, page: int) -> None:
        self.page = page


class FieldType:
    """Base of every field type. Subclasses set `name` and override what they need."""

    name: ClassVar[str] = ""

    def check(self, step: StepSpec) -> None:
        """Reject a misconfigured step at load time (raise SpecError naming the field)."""

    def prompt(self, step: StepSpec, ctx: AskContext, header: str = "") -> list[Reply]:
        assert step.prompt is not None
        body = step.prompt.get(ctx.lang)
        if step.hint is not None:
            body = f"{body}\n_{step.hint.get(ctx.lang)}_"
        if step.optional:
            body = f"{body}\n{ctx.t('flow.optional_skip')}"
        return [Text(f"{header}{body}")]

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        raise NotImplementedError

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        return str(value)

    def option_label(self, step: StepSpec, value: Any, ctx: AskContext) -> dict[str, str] | None:
        """The label of the option answered, for types answered by picking one."""
        return None


FIELD_TYPES: dict[str, FieldType] = {}
OPTION_PROVIDERS: dict[str, Callable[[AskContext, StepSpec], list[Option]]] = {}


def register_field_type(cls: type[FieldType]) -> None:
    """Register a field type under its `name`."""
    if not cls.name or cls.name in FIELD_TYPES:
        raise ValueError(f"field type name {cls.name!r} missing or taken")
    FIELD_TYPES[cls.name] = cls()


def register_option_provider(
    name: str, provider: Callable[[AskContext, StepSpec], list[Option]]
) -> None:
    """Register a function that lists options for `options_from: NAME`."""
    if name in OPTION_PROVIDERS:
        raise ValueError(f"option provider {name!r} registered twice")
    OPTION_PROVIDERS[name] = provider


def get_field_type(name: str) -> FieldType:
    try:
        return FIELD_TYPES[name]
    except KeyError as exc:
        raise SpecError(f"type: unknown field type {name!r}") from exc


def number_as_typed(inbound: Inbound, ctx: AskContext) -> str:
    """The typed answer of a step that asks for a mobile or reference number.

    The inbox masks any twelve digits that pass the Aadhaar check, and about one mobile number
    with its 91 prefix (or twelve-digit service number) in ten passes it by chance; such a
    step reads the sealed text as typed, in memory only, and keeps the number it asked for.
    """
    if inbound.kind == "text" and inbound.sealed:
        return ctx.cipher().open_message(inbound.sealed).strip()
    return require_text(inbound)


def display_answer(step: StepSpec, value: Any, lang: str) -> str:
    """A stored answer as a person reads it, by its step's type: a choice's label, a place's
    name, ₹1,20,000, 14-03-2026, a masked Aadhaar; a group's items joined. "" for None."""
    if value is None:
        return ""
    if step.type == "group":
        items = []
        for item in value:
            parts = [display_answer(sub, item.get(sub.id), lang) for sub in step.steps]
            items.append(" – ".join(p for p in parts if p))
        return "; ".join(items)
    return get_field_type(step.type).display(step, value, lang)


def require_text(inbound: Inbound) -> str:
    """The typed text of an answer, or the title of a tapped option; else a clear error."""
    text = inbound.text if inbound.kind == "text" else inbound.choice_title
    if text is None or not text.strip():
        raise ValidationError("errors.text_required")
    return text.strip()
