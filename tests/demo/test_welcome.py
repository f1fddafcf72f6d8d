"""The demo's start-up text at 60, 80 and 200 columns: nothing wider than the terminal, and no
entry (a value to type, a URL, a path, a word of a label or note) broken across lines."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console

from manamitra.cli.demo_welcome import data_location, welcome
from manamitra.demo_identities import PAY_API_CALL, Identity, all_identities, identity_sections

BASE = "http://127.0.0.1:8000"
SEEDED = [
    Identity("Application", "REV-2026-000002", "tahsildar.guntur decides", "number"),
    Identity("Grievance", "GRV-2026-000004", "officer.guntur's inbox", "number"),
]
# A path as long as a newcomer's home folder gives (the README suggests ~/manamitra-demo).
DATA_DIR = Path("/home/lakshmi.devi/manamitra-demo")


def _render(width: int) -> list[str]:
    location = data_location(DATA_DIR, f"sqlite:///{DATA_DIR}/manamitra.db", created=True)
    out = io.StringIO()
    console = Console(file=out, width=width, color_system=None, force_terminal=False)
    console.print(welcome(BASE, location, identity_sections(), SEEDED, []))
    return out.getvalue().splitlines()


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


@pytest.mark.parametrize("width", [60, 80, 200])
def test_no_line_is_wider_than_the_terminal(width: int) -> None:
    lines = _render(width)
    assert max(len(line.rstrip()) for line in lines) <= width


@pytest.mark.parametrize("width", [60, 80, 200])
def test_every_value_url_and_path_is_whole_on_one_line(width: int) -> None:
    lines = _render(width)
    whole = [
        *(identity.value for identity in [*all_identities(), *SEEDED]),
        f"{BASE}/sandbox",
        f"{BASE}/console/login",
        f"{BASE}/verify",
        str(DATA_DIR),
        f"{DATA_DIR}/manamitra.db",
        *PAY_API_CALL,
    ]
    broken = [entry for entry in whole if not any(entry in line for line in lines)]
    assert broken == []


@pytest.mark.parametrize("width", [60, 80, 200])
def test_no_word_of_a_label_or_note_is_cut(width: int) -> None:
    words = {word for line in _render(width) for word in _words(line)}
    for identity in all_identities():
        for word in _words(f"{identity.label} {identity.note}"):
            assert word in words, f"{word!r} of {identity.label!r} cut at {width} columns"


@pytest.mark.parametrize("width", [60, 80, 200])
def test_each_value_is_on_the_first_line_of_its_label(width: int) -> None:
    lines = _render(width)
    for identity in all_identities():
        first_word = _words(identity.label)[0]
        assert any(identity.value in line and first_word in line for line in lines), identity


def test_the_data_folder_and_how_to_move_it_are_said() -> None:
    text = "\n".join(_render(80))
    assert f"Data folder        {DATA_DIR}" in text
    assert f"Database           {DATA_DIR}/manamitra.db" in text
    assert "MM_DATA_DIR moves the data folder (default ./var" in text


def test_a_path_wider_than_the_terminal_is_folded_not_cut() -> None:
    deep = Path("/home/lakshmi/projects/state-platforms/andhra-pradesh/mana-mitra-demo/var")
    location = data_location(deep, f"sqlite:///{deep}/manamitra.db", created=False)
    out = io.StringIO()
    Console(file=out, width=60, color_system=None).print(
        welcome(BASE, location, identity_sections(), [], [])
    )
    panel = out.getvalue().split("╰")[0]
    assert "…" not in panel
    assert f"{deep}/manamitra.db" in "".join(line.strip("│ ") for line in panel.splitlines())
