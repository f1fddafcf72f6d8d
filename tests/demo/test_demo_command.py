"""`manamitra demo` keeps its data where it says: the data folder (MM_DATA_DIR) and the database
inside it are printed at start-up, and nothing appears in the folder it was started from."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from manamitra.cli import platform
from manamitra.cli.main import app


@pytest.fixture
def quiet_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """uvicorn.run returns at once; the demo's environment defaults and logging are undone."""
    started: list[Any] = []
    monkeypatch.setattr("uvicorn.run", lambda application, **kw: started.append(application))
    for name in ("MM_DATABASE_URL", "MM_GRAPH_API_URL", "MM_PUBLIC_URL", "MM_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    yield started
    root.handlers[:] = handlers
    root.setLevel(level)


def test_demo_says_where_its_data_goes_and_leaves_the_start_folder_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet_server: list[Any]
) -> None:
    start, data = tmp_path / "start", tmp_path / "demo-data"
    start.mkdir()
    monkeypatch.chdir(start)
    monkeypatch.setenv("MM_DATA_DIR", str(data))
    monkeypatch.setattr(platform.console, "width", 200)

    result = CliRunner().invoke(app, ["demo", "--port", "8765"])

    assert result.exit_code == 0, result.output
    assert quiet_server, "the server was started"
    assert f"Data folder        {data}" in result.output
    assert f"Database           {data / 'manamitra.db'}" in result.output
    assert "New: MM_DATA_DIR moves the data folder" in result.output
    assert (data / "manamitra.db").is_file()
    assert list(start.iterdir()) == []
    assert "9999 0000 0016" in result.output
    assert "http://127.0.0.1:8765/sandbox" in result.output


def test_demo_by_default_keeps_its_data_in_var_of_the_start_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quiet_server: list[Any]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(platform.console, "width", 200)

    result = CliRunner().invoke(app, ["demo", "--port", "8766"])

    assert result.exit_code == 0, result.output
    assert f"Data folder        {tmp_path / 'var'}" in result.output
    assert (tmp_path / "var" / "manamitra.db").is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["var"]
