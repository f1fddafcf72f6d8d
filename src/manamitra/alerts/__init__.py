"""Alerts and broadcasts: templates as managed objects, citizens' subscriptions, audiences
resolved in the database, campaigns with the two-person rule and a canary, and alerts raised
by department events. The Graph side (template sync, the campaign sender) lives in
`channels/whatsapp`; the console and CLI drive these functions."""

from manamitra.alerts.account import (
    AccountEvent,
    NumberQuality,
    TemplateQuality,
    TemplateStatus,
    apply_account_events,
)
from manamitra.alerts.campaigns import (
    NewCampaign,
    approve,
    cancel,
    create,
    pause,
    resolve,
    resume,
    start,
)
from manamitra.alerts.commands import AlertCommand, parse_command
from manamitra.alerts.events import event_specs, raise_event
from manamitra.alerts.progress import Progress, campaign_list, progress
from manamitra.alerts.templates import TemplateInfo, all_templates

__all__ = [
    "AccountEvent",
    "AlertCommand",
    "NewCampaign",
    "NumberQuality",
    "Progress",
    "TemplateInfo",
    "TemplateQuality",
    "TemplateStatus",
    "all_templates",
    "apply_account_events",
    "approve",
    "campaign_list",
    "cancel",
    "create",
    "event_specs",
    "parse_command",
    "pause",
    "progress",
    "raise_event",
    "resolve",
    "resume",
    "start",
]
