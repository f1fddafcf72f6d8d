"""The demo's preparation and the terminal chat in a fresh interpreter, as a newcomer runs them:
nothing the test session set up beforehand (the registries filled by conftest) may hide a
missing step."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

PREPARE = """
import sys
from pathlib import Path
from manamitra.demo import demo_database_url, prepare_demo
from manamitra.settings import load_settings
data = Path(sys.argv[1])
prepare_demo(load_settings(data_dir=data, database_url=demo_database_url(data)))
print("prepared")
"""


def test_the_demo_prepares_its_data_in_a_fresh_process(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PREPARE, str(tmp_path / "var")],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("prepared")
    assert (tmp_path / "var" / "manamitra.db").exists()
