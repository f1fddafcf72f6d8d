"""District → mandal → village pickers for all 26 districts of Andhra Pradesh.

Three steps, each a paged list (or the name typed in Telugu or English); a mandal step lists
the mandals of the district answered earlier, a village step the villages of the mandal::

    - {id: district, type: district, prompt: {en: "Your district?", te: "మీ జిల్లా?"}}
    - {id: mandal, type: mandal, prompt: {en: "Your mandal?", te: "మీ మండలం?"}}
    - {id: village, type: village, prompt: {en: "Your village?", te: "మీ గ్రామం?"}}

`district_step` / `mandal_step` name the earlier steps when their ids differ.
"""

from __future__ import annotations

from typing import Any

from manamitra.catalog.places import Place, gazetteer
from manamitra.catalog.schema import StepSpec
from manamitra.errors import ValidationError
from manamitra.fields.base import AskContext, Option
from manamitra.fields.choice import _OptionsField


def _options(places: tuple[Place, ...]) -> list[Option]:
    return [Option(id=p.id, label={"en": p.en, "te": p.te}) for p in places]


class _PlaceField(_OptionsField):
    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        found = gazetteer().get(str(value))
        return found.name(lang) if found else str(value)


class DistrictField(_PlaceField):
    """One of the 26 districts (a paged list, or the name typed)::

    - {id: district, type: district, prompt: {en: "Your district?", te: "మీ జిల్లా?"}}
    """

    name = "district"

    def options(self, step: StepSpec, ctx: AskContext) -> list[Option]:
        return _options(gazetteer().districts)


class MandalField(_PlaceField):
    """A mandal of the district chosen in `district_step` (default `district`)::

    - {id: mandal, type: mandal, district_step: district, prompt: {en: "Mandal?", te: "మండలం?"}}
    """

    name = "mandal"

    def options(self, step: StepSpec, ctx: AskContext) -> list[Option]:
        district = ctx.answers.get(str(step.params.get("district_step", "district")))
        if not isinstance(district, str):
            raise ValidationError("place.district_first")
        return _options(gazetteer().mandals(district))


class VillageField(_PlaceField):
    """A village of the mandal chosen in `mandal_step` (default `mandal`)::

    - {id: village, type: village, mandal_step: mandal, prompt: {en: "Village?", te: "గ్రామం?"}}
    """

    name = "village"

    def options(self, step: StepSpec, ctx: AskContext) -> list[Option]:
        mandal = ctx.answers.get(str(step.params.get("mandal_step", "mandal")))
        if not isinstance(mandal, str):
            raise ValidationError("place.mandal_first")
        return _options(gazetteer().villages(mandal))
