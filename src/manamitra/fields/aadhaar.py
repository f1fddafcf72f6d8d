"""The Aadhaar number field: 12 digits, first not 0 or 1, Verhoeff checksum; kept encrypted.

The answer is stored only as ``{"enc": …, "last4": …}`` (manamitra.privacy), so neither the
conversation state nor the application row ever holds the number in clear; it is shown masked::

    - {id: aadhaar, type: aadhaar, prompt: {en: "Aadhaar number?", te: "ఆధార్ నంబర్?"}}
"""

from __future__ import annotations

import re
from typing import Any

from manamitra.catalog.schema import StepSpec
from manamitra.errors import ValidationError
from manamitra.fields.base import AskContext, FieldType, require_text
from manamitra.fields.basic import _digits
from manamitra.messaging.inbound import Inbound
from manamitra.privacy import is_valid_aadhaar, mask_aadhaar


class AadhaarField(FieldType):
    """12 digits with a valid Verhoeff check digit; kept only sealed::

    - {id: aadhaar, type: aadhaar, prompt: {en: "Aadhaar number?", te: "ఆధార్ నంబర్?"}}
    """

    name = "aadhaar"

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        cipher = ctx.cipher()
        # The inbox keeps a typed Aadhaar number masked; the text as typed comes sealed.
        sealed = inbound.sealed if inbound.kind == "text" else None
        typed = cipher.open_message(sealed) if sealed else require_text(inbound)
        text = re.sub(r"[\s-]", "", _digits(typed.strip()))
        if not is_valid_aadhaar(text):
            raise ValidationError("errors.aadhaar_invalid")
        return cipher.seal_aadhaar(text)

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        return mask_aadhaar(value)
