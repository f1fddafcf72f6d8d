"""A photo or PDF the citizen sends (a ration card scan, a photograph), type and size checked.

The answer keeps a reference, never the bytes: ``{"media_key", "media_id", "mime_type",
"filename", "size"}``. The bytes are fetched from the Graph API by the pipeline
(manamitra.pipeline.media.fetch_media, keyed the same way) outside the conversation turn::

    - id: ration_card_copy
      type: upload
      accept: [photo, pdf]        # default both
      max_mb: 5                   # default 5
      prompt: {en: "Send a photo of your ration card.", te: "మీ రేషన్ కార్డు ఫోటో పంపండి."}
"""

from __future__ import annotations

from typing import Any

from manamitra.catalog.schema import StepSpec
from manamitra.errors import SpecError, ValidationError
from manamitra.fields.base import AskContext, FieldType
from manamitra.messaging.i18n import t
from manamitra.messaging.inbound import Inbound, Media, blob_key
from manamitra.messaging.reply import Reply, Text

MB = 1024 * 1024
ACCEPTED = {
    "photo": ("image/jpeg", "image/png", "image/webp"),
    "pdf": ("application/pdf",),
}
DEFAULT_MAX_MB = 5


def media_key(media_id: str) -> str:
    """The media store key the pipeline's fetch uses for a channel media id."""
    return blob_key(Media(id=media_id, mime_type=""))


class UploadField(FieldType):
    """A photo or a PDF, type and size checked::

    - {id: photo, type: upload, accept: [photo], max_mb: 2, prompt: {en: "Send your photo.", te: "మీ ఫోటో పంపండి."}}
    """

    name = "upload"

    def check(self, step: StepSpec) -> None:
        accept = step.params.get("accept", list(ACCEPTED))
        if not accept or any(a not in ACCEPTED for a in accept):
            raise SpecError(f"steps.{step.id}.accept: use photo and/or pdf")

    @staticmethod
    def _accept(step: StepSpec) -> tuple[str, ...]:
        return tuple(step.params.get("accept", list(ACCEPTED)))

    @staticmethod
    def _limit_mb(step: StepSpec) -> int:
        return int(step.params.get("max_mb", DEFAULT_MAX_MB))

    def _accepted_words(self, step: StepSpec, lang: str) -> str:
        accept = self._accept(step)
        if len(accept) == 2:
            return t(lang, "upload.photo_or_pdf")
        return t(lang, f"upload.{accept[0]}")

    def prompt(self, step: StepSpec, ctx: AskContext, header: str = "") -> list[Reply]:
        replies = super().prompt(step, ctx, header)
        hint = ctx.t("upload.prompt_hint", limit_mb=self._limit_mb(step))
        first = replies[0]
        assert isinstance(first, Text)
        return [Text(f"{first.body}\n_{hint}_"), *replies[1:]]

    def parse(self, step: StepSpec, inbound: Inbound, ctx: AskContext) -> Any:
        media = inbound.media
        if inbound.kind not in ("image", "document") or media is None:
            raise ValidationError("errors.upload_expected")
        mime = media.mime_type.split(";")[0].strip().lower()
        allowed = {m for a in self._accept(step) for m in ACCEPTED[a]}
        if mime not in allowed:
            raise ValidationError(
                "errors.upload_wrong_type", accepted=self._accepted_words(step, ctx.lang)
            )
        limit = self._limit_mb(step)
        if media.file_size is not None and media.file_size > limit * MB:
            raise ValidationError("errors.upload_too_large", limit_mb=limit)
        extension = "pdf" if mime == "application/pdf" else mime.split("/")[1]
        return {
            "media_key": media_key(media.id),
            "media_id": media.id,
            "mime_type": mime,
            "filename": media.filename or f"{step.id}.{extension}",
            "size": media.file_size,
        }

    def display(self, step: StepSpec, value: Any, lang: str) -> str:
        if isinstance(value, dict):
            filename = str(value.get("filename") or "")
            if filename and not filename.startswith(f"{step.id}."):
                return t(lang, "upload.received", filename=filename)
            # A photo arrives without a name; the one we gave it means nothing to the citizen.
            kind = "pdf" if value.get("mime_type") == "application/pdf" else "photo"
            return t(lang, "upload.received_kind", kind=t(lang, f"upload.{kind}"))
        return str(value)
