"""The review before anything is submitted: every answer in words, then Confirm / Change / Cancel.

A coded answer (an option, a place, a temple) shows its label in the reader's language: the
label recorded when the citizen picked it (options from a provider are not in the spec),
else the field type's own display. Amounts show as ₹1,20,000 and dates as 14-03-2026.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.conversation.flow import answered_top_level
from manamitra.fields import get_field_type
from manamitra.formatting import money
from manamitra.messaging.i18n import t
from manamitra.messaging.limits import (
    MAX_BUTTON_TITLE,
    MAX_INTERACTIVE_BODY,
    MAX_TEXT_BODY,
    clip,
)
from manamitra.messaging.reply import Buttons, Choice, Reply, Text

Labels = dict[str, dict[str, str]]


def label_key(path: tuple[str | int, ...] | list[Any]) -> str:
    """Where the label of the answer at `path` is kept: "district", "photos.0.photo"."""
    return ".".join(str(part) for part in path)


def shown(step: StepSpec, value: Any, lang: str, label: dict[str, str] | None = None) -> str:
    if value is None:
        return t(lang, "flow.skipped")
    if label:
        return label.get(lang) or label.get("en") or str(value)
    return get_field_type(step.type).display(step, value, lang)


def summary_lines(
    spec: ServiceSpec, answers: dict[str, Any], lang: str, labels: Labels | None = None
) -> list[str]:
    labels = labels or {}
    lines: list[str] = []
    for step in answered_top_level(spec, answers):
        heading = step.summary_label or step.prompt
        name = heading.get(lang) if heading else step.id
        value = answers[step.id]
        if step.type == "group":
            for index, item in enumerate(value):
                parts = [
                    shown(sub, item[sub.id], lang, labels.get(label_key((step.id, index, sub.id))))
                    for sub in step.steps
                    if sub.id in item
                ]
                lines.append(f"• {name} {index + 1}: {', '.join(parts)}")
            continue
        lines.append(f"• {name}: {shown(step, value, lang, labels.get(step.id))}")
    return lines


def submit_title(spec: ServiceSpec, lang: str) -> str:
    """ "Submit", or "Pay ₹45 & submit" where the fee is taken before submission."""
    if spec.kind == "application" and spec.fee_paise:
        return clip(t(lang, "flow.pay_and_submit", amount=money(spec.fee_paise)), MAX_BUTTON_TITLE)
    return t(lang, "flow.submit")


def review_replies(
    spec: ServiceSpec,
    answers: dict[str, Any],
    lang: str,
    labels: Labels | None = None,
    extra: Sequence[str] = (),
) -> list[Reply]:
    """The review; `extra` lines follow the answers (a booking's fare worked out)."""
    lines = [
        t(lang, "flow.summary_title"),
        "",
        *summary_lines(spec, answers, lang, labels),
        *extra,
        "",
        t(lang, "flow.summary_confirm"),
    ]
    replies: list[Reply] = []
    body = "\n".join(lines)
    if len(body) > MAX_INTERACTIVE_BODY:
        replies.append(Text(clip("\n".join(lines[:-1]), MAX_TEXT_BODY)))
        body = t(lang, "flow.summary_confirm")
    replies.append(
        Buttons(
            body=body,
            choices=(
                Choice(id="flow:submit", title=submit_title(spec, lang)),
                Choice(id="flow:edit", title=t(lang, "flow.edit")),
                Choice(id="flow:cancel", title=t(lang, "flow.cancel")),
            ),
        )
    )
    return replies
