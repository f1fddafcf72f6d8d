"""What `manamitra demo` prints when it starts: where to go, where its data lives, and the test
identities to type, laid out with rich so that no entry breaks at any terminal width."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from sqlalchemy.engine import make_url

from manamitra.demo_identities import HOW_TO_PAY, PAY_API_CALL, Identity, Section

# Below this many columns the note goes under the value instead of beside it.
SIDE_BY_SIDE_WIDTH = 100


@dataclass(frozen=True)
class DataLocation:
    directory: Path
    database: str  # a file path for SQLite, else the URL without its password
    created: bool  # the directory did not exist before this start


def data_location(data_dir: Path, database_url: str, *, created: bool) -> DataLocation:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        database = str(Path(url.database).resolve())
    else:
        database = url.render_as_string(hide_password=True)
    return DataLocation(data_dir.resolve(), database, created)


class IdentityTable:
    """One section's identities: label, value and note in three columns on a wide terminal,
    the note under the value on a narrow one; values never wrap."""

    def __init__(self, section: Section) -> None:
        self.section = section

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        wide = options.max_width >= SIDE_BY_SIDE_WIDTH
        yield Text.assemble((self.section.title, "bold"), f"  ({self.section.where})")
        table = Table(
            show_header=False,
            show_edge=False,
            box=None,
            padding=(0, 1),
            expand=False,
        )
        table.add_column("what", style="dim" if wide else "")
        table.add_column("type", style="bold cyan", no_wrap=wide)
        if wide:
            table.add_column("note")
        for identity in self.section.identities:
            if wide:
                table.add_row(identity.label, identity.value, identity.note)
            else:
                table.add_row(identity.label, _stacked(identity))
        yield table


def _stacked(identity: Identity) -> RenderableType:
    value = Text(identity.value, style="bold cyan", no_wrap=True)
    return Group(value, Text(identity.note)) if identity.note else value


class Links:
    """Label and value side by side, or the value under its label when they would not fit."""

    def __init__(self, rows: list[tuple[str, Text]]) -> None:
        self.rows = rows

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        widest = self._label_width() + max(value.cell_len for _, value in self.rows)
        return Measurement(20, min(widest, options.max_width))

    def _label_width(self) -> int:
        return max(len(label) for label, _ in self.rows) + 2

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        label_width = self._label_width()
        longest = max(value.cell_len for label, value in self.rows if label)
        grid = Table.grid(padding=(0, 2))
        if label_width + longest <= options.max_width:
            grid.add_column(style="bold", no_wrap=True)
            grid.add_column()
            for label, value in self.rows:
                grid.add_row(label, value)
        else:
            grid.add_column()
            for label, value in self.rows:
                grid.add_row(Group(Text(label, style="bold"), value) if label else value)
        yield grid


def _whole(text: str, style: str = "") -> Text:
    """A URL or path: on a line of its own when the labels leave it no room, and folded only
    when wider than the whole screen, so all of it is still there to copy."""
    return Text(text, style=style, overflow="fold")


def welcome(
    base_url: str,
    location: DataLocation,
    sections: tuple[Section, ...],
    seeded: list[Identity],
    extra_notes: list[str],
) -> RenderableType:
    links = Links(
        [
            ("Phone simulator", _whole(f"{base_url}/sandbox", "bold green")),
            ("Officers' console", _whole(f"{base_url}/console/login")),
            ("Check a document", _whole(f"{base_url}/verify")),
            ("Data folder", _whole(str(location.directory))),
            ("Database", _whole(location.database)),
            (
                "",
                Text(
                    ("New: " if location.created else "")
                    + "MM_DATA_DIR moves the data folder (default ./var, in the folder you "
                    "start in); delete it to start afresh.",
                    style="dim",
                ),
            ),
        ]
    )
    pay = Table.grid(padding=(0, 1))
    pay.add_column(no_wrap=True)
    pay.add_column(overflow="fold")
    for number, step in enumerate(HOW_TO_PAY, start=1):
        pay.add_row(f"{number}.", step)
    for line in PAY_API_CALL:
        pay.add_row("", Text(line, style="bold", no_wrap=True))
    parts: list[RenderableType] = [
        Panel(
            links,
            title="[bold green]Mana Mitra demo[/bold green]",
            title_align="left",
            expand=False,
        ),
        Text("Try it: type Hi on a phone, then these.", style="bold"),
    ]
    for section in sections:
        parts.extend((Text(""), IdentityTable(section)))
    if seeded:
        parts.extend(
            (Text(""), IdentityTable(Section("Seeded cases", "console search", tuple(seeded))))
        )
    parts.extend((Text(""), Text("Paying in the sandbox gateway", style="bold"), pay))
    if extra_notes:
        parts.append(Text(""))
        parts.extend(Text.from_markup(line) for line in extra_notes)
    parts.extend((Text(""), Text("Ctrl-C stops the demo.", style="dim")))
    return Group(*parts)
