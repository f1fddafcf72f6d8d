"""A place the citizen shares with WhatsApp's location pin (or a district name they type).

The answer is ``{"latitude", "longitude", "name", "address"}``; a typed district name gives
that district headquarters' coordinates, so "Guntur" works where a pin cannot be sent::

    - {id: where, type: location, prompt: {en: "Share your location.", te: "మీ ప్రదేశం పంపండి."}}
"""

from __future__ import annotations

from typing import Any

from manamitra.catalog.places import gazetteer
from manamitra.catalog.schema import StepSpec
from manamitra.errors import ValidationError
from manamitra.fields.base import AskContext, FieldType
from manamitra.messaging.i18n import normalise, t
from manamitra.messaging.inbound import Inbound
from manamitra.messaging.reply import LocationRequest, Reply


def _typed_place(text: str) -> dict[str, Any] | None:
    typed = normalise(text)
    for district in gazetteer().districts:
        names = {normalise(district.en), normalise(district.te), district.id}
        if typed in names and district.latitude is not None:
            return {
                "latitude": district.latitude,
                "longitude": district.longitude,
                "name": district.en,
                "address": None,
            }
    return None


class LocationField(FieldType):
    """A shared location pin, or a district name typed::

    - {id: where, type: location, prompt: {en: "Share your location.", te: "మీ ప్రదేశం పంపండి."}}
    """

    name = "location"

    def prompt(self, step: StepSpec, ctx: AskContext, header: str = "") -> list[Reply]:
        assert step.prompt is not None
        return [LocationRequest(body=f"{header}{step.prompt.get(ctx.lang)}")]

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        if inbound.kind == "location" and inbound.location is not None:
            where = inbound.location
            if not (-90 <= where.latitude <= 90 and -180 <= where.longitude <= 180):
                raise ValidationError("errors.location_expected")
            return {
                "latitude": where.latitude,
                "longitude": where.longitude,
                "name": where.name,
                "address": where.address,
            }
        if inbound.kind == "text" and inbound.text:
            found = _typed_place(inbound.text)
            if found is not None:
                return found
        raise ValidationError("errors.location_expected")

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        if isinstance(value, dict):
            if value.get("name"):
                return str(value["name"])
            return t(
                lang,
                "location.shared",
                latitude=f"{value['latitude']:.4f}",
                longitude=f"{value['longitude']:.4f}",
            )
        return str(value)
