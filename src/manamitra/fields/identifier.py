"""A reference number the citizen types (ration card, hall ticket, survey number), checked
against a pattern; stored upper-cased without spaces::

    - id: card_number
      type: identifier
      pattern: '28\\d{8}'          # full match after removing spaces and dashes
      example: "2810453712"        # shown when the answer does not fit
      prompt: {en: "Rice card number?", te: "రైస్ కార్డు నంబర్?"}
"""

from __future__ import annotations

import re
from typing import Any

from manamitra.catalog.schema import StepSpec
from manamitra.errors import SpecError, ValidationError
from manamitra.fields.base import AskContext, FieldType, number_as_typed
from manamitra.fields.basic import _digits
from manamitra.messaging.inbound import Inbound


class IdentifierField(FieldType):
    """A reference number matching `pattern`; `example` is shown when it does not::

    - {id: card_number, type: identifier, pattern: '28\\d{8}', example: "2810453712",
       prompt: {en: "Rice card number?", te: "బియ్యం కార్డు నంబర్?"}}
    """

    name = "identifier"

    def check(self, step: StepSpec) -> None:
        pattern = step.params.get("pattern")
        example = step.params.get("example")
        if not pattern or example is None:
            raise SpecError(f"steps.{step.id}: an identifier needs `pattern` and `example`")
        try:
            compiled = re.compile(str(pattern))
        except re.error as exc:
            raise SpecError(f"steps.{step.id}.pattern: {exc}") from exc
        if not compiled.fullmatch(self.clean(str(example), step)):
            raise SpecError(f"steps.{step.id}.example: does not match its pattern")

    @staticmethod
    def clean(text: str, step: StepSpec) -> str:
        keep = str(step.params.get("keep", ""))
        removed = re.sub(r"\s" if "-" in keep else r"[\s-]", "", _digits(text))
        return removed.upper()

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        text = self.clean(number_as_typed(inbound, ctx), step)
        if not re.fullmatch(str(step.params["pattern"]), text):
            raise ValidationError("errors.identifier_invalid", example=step.params["example"])
        return text
