"""No module in src/ over 500 lines: one concept a module (STYLE.md §3), split along its seams."""

from __future__ import annotations

from pathlib import Path

import manamitra

LIMIT = 500
SRC = Path(manamitra.__file__).parent


def test_no_module_in_src_is_over_500_lines() -> None:
    over = sorted(
        f"{path.relative_to(SRC.parent)}: {lines} lines"
        for path in SRC.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > LIMIT
    )
    assert not over, f"modules over {LIMIT} lines (split them along their seams): " + "; ".join(
        over
    )
