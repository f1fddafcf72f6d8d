"""A street-light complaint in Tenali (Guntur), registered as the grievance kind would."""

from __future__ import annotations

from sqlalchemy.orm import Session

from manamitra.grievances import cases
from manamitra.store.models import Grievance


def street_light_complaint(
    db: Session, citizen: str, *, lang: str = "en", description: str = "Street light off"
) -> Grievance:
    return cases.register_grievance(
        db,
        cases.NewGrievance(
            citizen=citizen,
            lang=lang,
            service_id="grievances.street_lights",
            department="municipal",
            category="street_lights",
            description=description,
            attachments=[],
            district="guntur",
            mandal="guntur.tenali",
        ),
    )
