"""The documents a service lists under `documents_required`, asked for as uploads.

An application whose spec lists documents and has no upload step of its own gets one upload
step per document (a photo or a PDF, up to 5 MB), placed before the closing consent step, so
the officer sees each document with the application. A spec that writes its own upload steps
has chosen how to ask and is left as written.
"""

from __future__ import annotations

from manamitra.catalog.schema import Localized, ServiceSpec, StepSpec

DOCUMENT_STEP_PREFIX = "document_"
MAX_DOCUMENT_MB = 5


def _uploads(steps: tuple[StepSpec, ...]) -> bool:
    return any(step.type == "upload" or _uploads(step.steps) for step in steps)


def document_step(index: int, document: Localized) -> StepSpec:
    return StepSpec.model_validate(
        {
            "id": f"{DOCUMENT_STEP_PREFIX}{index}",
            "type": "upload",
            "accept": ["photo", "pdf"],
            "max_mb": MAX_DOCUMENT_MB,
            "prompt": {
                "en": f"Please send a photo or PDF of your *{document.en}*.",
                "te": f"మీ *{document.te}* ఫోటో గానీ PDF గానీ పంపండి.",
            },
            "summary_label": {"en": document.en, "te": document.te},
        }
    )


def with_document_steps(spec: ServiceSpec) -> ServiceSpec:
    if spec.kind != "application" or not spec.documents_required or _uploads(spec.steps):
        return spec
    asked = [document_step(i, d) for i, d in enumerate(spec.documents_required, start=1)]
    steps = list(spec.steps)
    at = len(steps) - 1 if steps and steps[-1].type == "consent" else len(steps)
    return spec.model_copy(update={"steps": (*steps[:at], *asked, *steps[at:])})
