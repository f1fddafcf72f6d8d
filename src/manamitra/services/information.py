"""The `information` kind: answers that need no lookup (addresses, documents needed, fees).

Example::

    kind: information
    information:
      body:
        en: "Offices are open 10:00 to 17:00, Monday to Saturday."
        te: "కార్యాలయాలు సోమవారం నుంచి శనివారం వరకు ఉదయం 10 నుంచి సాయంత్రం 5 వరకు పనిచేస్తాయి."
"""

from __future__ import annotations

from manamitra.catalog.schema import Localized, ServiceSpec
from manamitra.conversation.reply import Text
from manamitra.errors import SpecError
from manamitra.services.kind import Done, KindResult, ServiceContext, ServiceKind, service_kind


@service_kind
class Information(ServiceKind):
    name = "information"

    def check(self, spec: ServiceSpec) -> None:
        config = spec.information or {}
        if "body" not in config and "answers" not in config:
            raise SpecError("information: needs `body` (or `answers` keyed by a choice step)")
        try:
            if "body" in config:
                Localized.model_validate(config["body"])
            for key, text in (config.get("answers") or {}).items():
                Localized.model_validate(text)
                if not isinstance(key, str):
                    raise SpecError("information.answers: keys must be option ids")
        except ValueError as exc:
            raise SpecError(f"information.body: {exc}") from exc

    def complete(self, ctx: ServiceContext) -> KindResult:
        config = ctx.spec.information or {}
        answers = config.get("answers") or {}
        chosen = next(
            (answers[v] for v in ctx.answers.values() if isinstance(v, str) and v in answers), None
        )
        text = chosen or config["body"]
        ctx.say(Text(ctx.text(text)))
        return Done()
