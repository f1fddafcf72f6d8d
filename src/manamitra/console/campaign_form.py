"""The console's "new campaign" form: what an administrator typed, read into a campaign, and
the audience resolved beside the request (a crore of citizens takes minutes, a page must not).

The resolution runs in a thread of the web process once the request's transaction has
committed the campaign (until then the campaign is not there to be found: it waits). If the
process dies mid-way the campaign stays `resolving`, and `manamitra alerts campaign resolve
ID` goes on where it stopped, writing no one twice."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from manamitra.alerts import campaigns
from manamitra.errors import NotFoundError, SpecError
from manamitra.store import Database

log = logging.getLogger(__name__)
COMMIT_WAIT_SECONDS = 30.0


@dataclass(frozen=True)
class CampaignForm:
    """The form's fields as typed, kept to show them again beside an error."""

    template: str = ""
    language: str = "te"
    audience: str = "all"
    topic: str = "general"
    params: str = ""

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> CampaignForm:
        return cls(
            **{
                name: str(form.get(name) or "").strip()
                for name in ("template", "language", "audience", "topic", "params")
            }
        )

    def campaign(self, by: str) -> campaigns.NewCampaign:
        if not self.template:
            raise SpecError("choose a template")
        if self.audience.lower().startswith("csv:"):
            raise SpecError("a CSV audience names a file on the server: use the command line")
        return campaigns.NewCampaign(
            template=self.template,
            language=self.language,
            audience=self.audience or "all",
            params=parse_params(self.params),
            topic=self.topic or "general",
            by=by,
        )


def parse_params(text: str) -> Any:
    """One parameter a line, or JSON (a list, or an object of named parameters)."""
    text = text.strip()
    if not text:
        return None
    if text[0] in "[{":
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            raise SpecError(f"the parameters are not valid JSON: {error.msg}") from None
        if not isinstance(value, list | dict):
            raise SpecError("the parameters are a JSON list or object")
        return value
    return [line.strip() for line in text.splitlines() if line.strip()]


def resolve_in_background(database: Database, campaign_id: int) -> threading.Thread:
    thread = threading.Thread(
        target=_resolve_when_committed,
        args=(database, campaign_id),
        name=f"campaign-{campaign_id}-resolve",
        daemon=True,
    )
    thread.start()
    return thread


def _resolve_when_committed(database: Database, campaign_id: int) -> None:
    deadline = time.monotonic() + COMMIT_WAIT_SECONDS
    while True:
        try:
            recipients = campaigns.resolve(database, campaign_id)
        except NotFoundError:
            if time.monotonic() > deadline:  # the request rolled back: nothing to resolve
                return
            time.sleep(0.05)
            continue
        except Exception:  # a thread has no caller to raise to: log it, the CLI can resume
            log.exception("campaign %s: resolving its audience failed", campaign_id)
            return
        log.info("campaign %s: %s recipients", campaign_id, recipients)
        return
