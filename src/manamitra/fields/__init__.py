"""Field types a spec step can ask for, each under its YAML `type:` name;
`register_field_types()` enters the built-in ones in the registry."""

from manamitra.fields.aadhaar import AadhaarField
from manamitra.fields.base import (
    FIELD_TYPES,
    OPTION_PROVIDERS,
    AskContext,
    FieldType,
    Option,
    display_answer,
    get_field_type,
    register_field_type,
    register_option_provider,
)
from manamitra.fields.basic import (
    AmountField,
    DateField,
    EmailField,
    MobileField,
    NameField,
    NumberField,
    PincodeField,
    TextField,
)
from manamitra.fields.choice import ChoiceField, ConsentField, YesNoField
from manamitra.fields.identifier import IdentifierField
from manamitra.fields.location import LocationField
from manamitra.fields.place import DistrictField, MandalField, VillageField
from manamitra.fields.upload import UploadField

BUILT_IN_FIELD_TYPES: tuple[type[FieldType], ...] = (
    TextField,
    NameField,
    NumberField,
    AmountField,
    DateField,
    MobileField,
    PincodeField,
    EmailField,
    ChoiceField,
    YesNoField,
    ConsentField,
    DistrictField,
    MandalField,
    VillageField,
    AadhaarField,
    IdentifierField,
    LocationField,
    UploadField,
)


def register_field_types() -> None:
    for field_type in BUILT_IN_FIELD_TYPES:
        register_field_type(field_type)


__all__ = [
    "BUILT_IN_FIELD_TYPES",
    "FIELD_TYPES",
    "OPTION_PROVIDERS",
    "AskContext",
    "FieldType",
    "Option",
    "display_answer",
    "get_field_type",
    "register_field_type",
    "register_field_types",
    "register_option_provider",
]
