"""STOP / ఆపు / "alerts vaddu" and START / ALERTS, on any screen: the citizen's alert
subscriptions change (recorded with source "chat") and the change is confirmed in their
language. The screen and any form in progress stay where they were; replies to the citizen's
own requests are never affected by an opt-out of alerts.

"stop", "ఆపు" and "start" are also the cancel and greeting words: inside a form they keep that
meaning (leaving the form asks first), and "alerts vaddu" / "STOP ALERTS" work there too."""

from __future__ import annotations

from manamitra.alerts import AlertCommand, parse_command, subscriptions
from manamitra.alerts.topics import ALL, topics
from manamitra.conversation.turn import Turn
from manamitra.messaging.i18n import normalise, words
from manamitra.messaging.reply import Text


def alert_command_turn(turn: Turn) -> AlertCommand | None:
    """Handle the message if it is an alert command; the command when it was."""
    inbound = turn.inbound
    if inbound.kind != "text" or not inbound.text:
        return None
    command = parse_command(inbound.text)
    if command is None:
        return None
    if turn.state.get("flow") and normalise(inbound.text) in words("cancel") | words("greet"):
        return None
    subscriptions.record(
        turn.db, turn.convo.citizen, command.topic, command.subscribe, source="chat"
    )
    if command.subscribe:
        turn.say(Text(turn.t("alerts.subscribed_all")))
    elif command.topic == ALL:
        turn.say(Text(turn.t("alerts.unsubscribed_all")))
    else:
        name = topics()[command.topic].name[turn.lang]
        turn.say(Text(turn.t("alerts.unsubscribed_topic", topic=name)))
    return command
