"""The `manamitra` command: demo, serve, db, chat, and each area's own sub-commands."""

from __future__ import annotations

import typer

from manamitra.cli import alerts as _alerts
from manamitra.cli import catalog as _catalog
from manamitra.cli import chat as _chat
from manamitra.cli import departments as _departments
from manamitra.cli import lake as _lake
from manamitra.cli import officers as _officers
from manamitra.cli import payments as _payments
from manamitra.cli import platform as _platform
from manamitra.cli import sla as _sla
from manamitra.cli import trust as _trust
from manamitra.cli import understand as _understand

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="Mana Mitra: a state's citizen services over WhatsApp.",
)

_platform.register(app)
_catalog.register(app)
_chat.register(app)
_trust.register(app)
_officers.register(app)
_sla.register(app)
_lake.register(app)
_payments.register(app)
_understand.register(app)
_departments.register(app)
_alerts.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
