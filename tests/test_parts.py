"""The platform's parts: built once, every part present and playing its role, or no start."""

from __future__ import annotations

import dataclasses

import pytest

from manamitra.app import create_app
from manamitra.departments.base import RoutedSystems
from manamitra.departments.reference import embedded_systems
from manamitra.errors import ErrorCode
from manamitra.parts import MissingPartError, Parts
from tests.channels.whatsapp.support import settings
from tests.support.parts import build_parts

# outside the demo no department has a sandbox stand-in; without MM_LLM_URL, no model
OPTIONAL = {"department_stand_ins", "understanding_model"}


@pytest.mark.parametrize(
    "name", [f.name for f in dataclasses.fields(Parts) if f.name not in OPTIONAL]
)
def test_a_missing_part_is_refused_by_name(name: str) -> None:
    with pytest.raises(MissingPartError, match=rf"the platform part '{name}' .* is missing") as e:
        build_parts(**{name: None})
    assert e.value.code is ErrorCode.PART_MISSING


def test_only_the_sandbox_stand_ins_and_the_model_may_be_absent() -> None:
    parts = build_parts(department_stand_ins=None, understanding_model=None)
    assert parts.department_stand_ins is None and parts.understanding_model is None


def test_a_speech_provider_that_cannot_speak_is_refused() -> None:
    class Recogniser:  # transcribes, but has no voice for the replies
        name = "half"

        async def transcribe(self, wav: bytes, lang: str) -> str:
            return ""

    with pytest.raises(MissingPartError, match="'speech' is a Recogniser, which does not"):
        build_parts(speech=Recogniser())


def test_a_part_that_does_not_play_its_role_is_refused() -> None:
    class Registers:  # answers lookups but cannot give a document
        def lookup(self, source: str, identifier: str) -> None:
            return None

    with pytest.raises(MissingPartError, match="'departments' is a Registers, which does not"):
        build_parts(departments=Registers())


def test_the_parts_cannot_be_swapped_once_built() -> None:
    parts = build_parts()
    with pytest.raises(dataclasses.FrozenInstanceError):
        parts.departments = embedded_systems()  # type: ignore[misc]


def test_the_platform_does_not_start_without_a_part(
    sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As if a deployment's wiring left the speech provider out: create_app stops there,
    # naming the part, before any route or job exists.
    monkeypatch.setattr("manamitra.app.build_provider", lambda *_args: None)
    with pytest.raises(MissingPartError, match=r"'speech' .*speech provider"):
        create_app(settings(sqlite_database_url), background=False)


def test_the_app_builds_its_parts_once_and_shares_them(sqlite_database_url: str) -> None:
    app = create_app(settings(sqlite_database_url), background=False)
    runtime = app.state.runtime
    assert isinstance(runtime.parts, Parts)
    # no department live and no demo: every register on the embedded reference systems,
    # a health board of the declared departments, no sandbox stand-in
    assert isinstance(runtime.parts.departments, RoutedSystems)
    assert runtime.parts.departments.routes == {}
    assert runtime.parts.departments.default is embedded_systems()
    assert runtime.parts.department_health.systems is runtime.parts.departments
    assert runtime.parts.department_stand_ins is None
    with pytest.raises(RuntimeError, match="built once"):
        runtime.put_parts(runtime.parts)
