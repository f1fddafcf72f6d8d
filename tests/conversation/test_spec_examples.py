"""Every field type and service kind documents itself with a YAML example that must load."""

from __future__ import annotations

import re

import pytest
import yaml

from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.fields import FIELD_TYPES
from manamitra.services.catalog_check import check_step
from manamitra.services.kind import SERVICE_KINDS

EXAMPLE = re.compile(r"::\n\n((?:[ ]{4,}.*\n?|\n)+)")


def _example(doc: str | None) -> str:
    match = EXAMPLE.search(doc or "")
    assert match, "docstring has no `::` YAML example"
    lines = match.group(1).splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines)


@pytest.mark.parametrize("name", sorted(FIELD_TYPES))
def test_field_type_example_is_a_valid_step(name: str) -> None:
    field = FIELD_TYPES[name]
    loaded = yaml.safe_load(_example(type(field).__doc__))
    steps = loaded if isinstance(loaded, list) else [loaded]
    spec_stub = ServiceSpec.model_validate(
        {
            "id": "example.spec",
            "department": "rtgs",
            "category": "other",
            "kind": "information",
            "name": {"en": "x", "te": "x"},
            "description": {"en": "x", "te": "x"},
            "steps": steps,
            "information": {"body": {"en": "x", "te": "x"}},
        }
    )
    for step in spec_stub.steps:
        assert isinstance(step, StepSpec)
        assert step.type == name
        check_step(spec_stub, step)


@pytest.mark.parametrize("name", sorted(SERVICE_KINDS))
def test_service_kind_example_is_a_valid_kind_block(name: str) -> None:
    kind = SERVICE_KINDS[name]
    block = yaml.safe_load(
        _example(type(kind).__doc__ or __import__(type(kind).__module__, fromlist=["_"]).__doc__)
    )
    assert block["kind"] == name
    document = {
        "id": f"example.{name}",
        "department": "rtgs",
        "category": "other",
        "name": {"en": "x", "te": "x"},
        "description": {"en": "x", "te": "x"},
        **block,
    }
    kind.check(ServiceSpec.model_validate(document))
