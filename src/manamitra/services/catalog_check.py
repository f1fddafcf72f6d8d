"""Load-time checks that tie specs to the registered field types and kinds (`services.registry`
fills the registries first)."""

from __future__ import annotations

from pathlib import Path

from manamitra.catalog.loader import DEPARTMENTS_FILE, SERVICES_DIR, Catalog, load_catalog
from manamitra.catalog.parse_cache import ParseCache
from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.errors import SpecError
from manamitra.fields import OPTION_PROVIDERS, get_field_type
from manamitra.messaging.limits import MAX_ROW_TITLE
from manamitra.services.kind import get_kind


def check_step(spec: ServiceSpec, step: StepSpec) -> None:
    if step.type == "group":
        if step.repeat is None:
            raise SpecError(f"steps.{step.id}.repeat: a group needs `repeat`")
        return
    field = get_field_type(step.type)
    field.check(step)
    if step.options_from and step.options_from not in OPTION_PROVIDERS:
        raise SpecError(f"steps.{step.id}.options_from: unknown provider {step.options_from!r}")


def check_list_title(spec: ServiceSpec) -> None:
    """A service is a row in WhatsApp lists: its title there must fit without being cut."""
    for lang in ("te", "en"):
        if spec.short_name is not None:
            short = spec.short_name.get(lang)
            if len(short) > MAX_ROW_TITLE:
                raise SpecError(
                    f"short_name.{lang}: {len(short)} characters; a list row holds {MAX_ROW_TITLE}"
                )
        elif len(spec.name.get(lang)) > MAX_ROW_TITLE:
            raise SpecError(
                f"name.{lang}: {len(spec.name.get(lang))} characters do not fit a list row "
                f"({MAX_ROW_TITLE}); add a short_name"
            )


# What a citizen asks before applying, answered from the spec itself (docs/spec-format.md).
APPLICATION_FACTS = ("documents_required", "sla_days", "eligibility", "office")


def check_facts(spec: ServiceSpec) -> None:
    """An application service states its documents, time limit, eligibility and office, so a
    question about them is answered from the catalogue rather than guessed."""
    if spec.kind != "application":
        return
    for name in APPLICATION_FACTS:
        if getattr(spec, name) in (None, ()):
            raise SpecError(f"{name}: an application service must state it (asked by citizens)")


def check_kind(spec: ServiceSpec) -> None:
    check_list_title(spec)
    check_facts(spec)
    get_kind(spec.kind).check(spec)


def load_checked_catalog(
    services_dir: Path = SERVICES_DIR,
    departments_file: Path = DEPARTMENTS_FILE,
    *,
    cache: ParseCache | None = None,
) -> Catalog:
    """The catalogue with every step type, provider and kind block validated."""
    return load_catalog(
        services_dir, departments_file, check_step=check_step, check_kind=check_kind, cache=cache
    )
