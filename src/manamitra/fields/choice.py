"""Fields answered by picking: choice (fixed or provided options), yes/no, consent."""

from __future__ import annotations

from typing import Any

from manamitra.catalog.schema import StepSpec
from manamitra.errors import DepartmentUnavailableError, SpecError, ValidationError
from manamitra.fields.base import (
    AskContext,
    FieldType,
    Option,
    PageRequest,
)
from manamitra.messaging.i18n import normalise, t
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.paging import choices_message, page_of
from manamitra.messaging.reply import Choice, Reply

OPTION_PREFIX = "opt:"
AGREE_WORDS = frozenset({"agree", "i agree", "yes", "అవును", "అంగీకరిస్తున్నాను", "సరే"})


def match_option(options: list[Option], inbound: Inbound, error_key: str) -> Option:
    """The option a citizen tapped or typed (its number, its label in either language)."""
    if inbound.kind == "choice" and inbound.choice_id:
        wanted = inbound.choice_id.removeprefix(OPTION_PREFIX)
        for option in options:
            if option.id == wanted:
                return option
        raise ValidationError(error_key)
    if inbound.kind != "text" or not inbound.text:
        raise ValidationError(error_key)
    typed = normalise(inbound.text)
    if typed.isdigit() and 1 <= int(typed) <= len(options):
        return options[int(typed) - 1]
    exact = [
        o
        for o in options
        if typed in {normalise(label) for label in o.label.values()} or typed == o.id
    ]
    if len(exact) == 1:
        return exact[0]
    partial = [
        o for o in options if any(normalise(label).startswith(typed) for label in o.label.values())
    ]
    if len(typed) >= 3 and len(partial) == 1:
        return partial[0]
    raise ValidationError(error_key)


def chosen_title(step: StepSpec, value: Any, ctx: AskContext) -> str | None:
    """The title of the provided option a stored answer names ("Tirupati" for TPTY), or None
    when the step has no provider or the option is no longer offered."""
    if not step.options_from:
        return None
    try:
        options = ctx.options_from(step.options_from, step)
    except DepartmentUnavailableError:
        return None
    return next((o.title(ctx.lang) for o in options if o.answer == value), None)


class _OptionsField(FieldType):
    error_key = "errors.choice_invalid"

    def options(self, step: StepSpec, ctx: AskContext) -> list[Option]:
        raise NotImplementedError

    def prompt(self, step: StepSpec, ctx: AskContext, header: str = "") -> list[Reply]:
        assert step.prompt is not None
        body = header + step.prompt.get(ctx.lang)
        if step.hint is not None:
            body = f"{body}\n_{step.hint.get(ctx.lang)}_"
        choices = [
            Choice(
                id=f"{OPTION_PREFIX}{o.id}", title=o.title(ctx.lang), description=o.detail(ctx.lang)
            )
            for o in self.options(step, ctx)
        ]
        return [
            choices_message(
                body,
                choices,
                ctx.lang,
                page=ctx.page,
                button=step.params.get("button_label", {}).get(ctx.lang)
                if isinstance(step.params.get("button_label"), dict)
                else None,
            )
        ]

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        page = page_of(inbound.choice_id)
        if page is not None:
            return PageRequest(page)
        return match_option(self.options(step, ctx), inbound, self.error_key).answer

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        for option in self._static_options(step):
            if option.answer == value:
                return option.title(lang)
        return str(value)

    def _static_options(self, step: StepSpec) -> list[Option]:
        return []

    def option_label(self, step: StepSpec, value: Any, ctx: AskContext) -> dict[str, str] | None:
        for option in self.options(step, ctx):
            if option.answer == value:
                return dict(option.label)
        return None


class ChoiceField(_OptionsField):
    """Pick one of `options`, or of the options an `options_from` provider lists::

    - id: caste_category
      type: choice
      prompt: {en: "Your social category?", te: "మీ సామాజిక వర్గం?"}
      options:
        - {id: bc, label: {en: BC, te: బీసీ}}
        - {id: sc, label: {en: SC, te: ఎస్సీ}}
    """

    name = "choice"

    def check(self, step: StepSpec) -> None:
        if not step.options and not step.options_from:
            raise SpecError(f"steps.{step.id}: a choice needs `options` or `options_from`")

    def options(self, step: StepSpec, ctx: AskContext) -> list[Option]:
        if step.options_from:
            return ctx.options_from(step.options_from, step)
        return self._static_options(step)

    def _static_options(self, step: StepSpec) -> list[Option]:
        return [
            Option(
                id=o.id,
                label={"en": o.label.en, "te": o.label.te},
                description={"en": o.description.en, "te": o.description.te}
                if o.description
                else None,
            )
            for o in step.options
        ]


class YesNoField(_OptionsField):
    """Two buttons, stored as true/false::

    - {id: has_land, type: yes_no, prompt: {en: "Do you own land?", te: "మీకు భూమి ఉందా?"}}
    """

    name = "yes_no"
    error_key = "errors.yes_no_invalid"

    def _static_options(self, step: StepSpec) -> list[Option]:
        return [
            Option(id="yes", label={"en": t("en", "yes"), "te": t("te", "yes")}, value=True),
            Option(id="no", label={"en": t("en", "no"), "te": t("te", "no")}, value=False),
        ]

    def options(self, step: StepSpec, ctx: AskContext) -> list[Option]:
        return self._static_options(step)

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        if inbound.kind == "text" and inbound.text:
            typed = normalise(inbound.text)
            if typed in {"y", "yes", "ha", "haa", "avunu", "అవును", "ఔను", "సరే"}:
                return True
            if typed in {"n", "no", "kaadu", "ledu", "కాదు", "లేదు", "వద్దు"}:
                return False
        return super().parse(step, inbound, ctx)


class ConsentField(_OptionsField):
    """An explicit "I agree" before personal data is used; anything else is asked again::

    - id: consent
      type: consent
      prompt: {en: "We will use your details only for this application. Agree?",
               te: "మీ వివరాలను ఈ దరఖాస్తుకు మాత్రమే వాడతాం. అంగీకరిస్తారా?"}
      agree: {en: "I agree", te: "అంగీకరిస్తున్నాను"}
    """

    name = "consent"
    error_key = "errors.consent_required"

    def _static_options(self, step: StepSpec) -> list[Option]:
        agree = step.params.get("agree") or {"en": "I agree", "te": "అంగీకరిస్తున్నాను"}
        return [Option(id="agree", label=dict(agree), value=True)]

    def options(self, step: StepSpec, ctx: AskContext) -> list[Option]:
        return self._static_options(step)

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        if inbound.kind == "text" and inbound.text and normalise(inbound.text) in AGREE_WORDS:
            return True
        return super().parse(step, inbound, ctx)
