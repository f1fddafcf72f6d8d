"""Field types a spec step can ask for; each registers itself under its YAML `type:` name."""

# Importing the modules registers their types.
from manamitra.fields import basic as _basic  # noqa: F401
from manamitra.fields import choice as _choice  # noqa: F401
from manamitra.fields.base import (
    FIELD_TYPES,
    OPTION_PROVIDERS,
    AskContext,
    FieldType,
    Option,
    display_answer,
    field_type,
    get_field_type,
    option_provider,
)

__all__ = [
    "FIELD_TYPES",
    "OPTION_PROVIDERS",
    "AskContext",
    "FieldType",
    "Option",
    "display_answer",
    "field_type",
    "get_field_type",
    "option_provider",
]
