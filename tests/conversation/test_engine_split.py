"""The conversation engine stays split along its seams: screens around the flows, the flow
runner, and the turn they share; no module grows back into a two-job file."""

from __future__ import annotations

import ast
from pathlib import Path

import manamitra.conversation

PACKAGE = Path(manamitra.conversation.__file__).parent
MAX_LINES = 500


def _imported(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    return {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }


def test_no_conversation_module_is_over_500_lines() -> None:
    sizes = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in PACKAGE.glob("*.py")
    }
    assert {name: size for name, size in sizes.items() if size > MAX_LINES} == {}


def test_the_flow_runner_does_not_reach_up_into_the_screens_or_the_engine() -> None:
    upward = {"manamitra.conversation.screens", "manamitra.conversation.engine"}
    assert _imported("runner") & upward == set()
    assert _imported("turn") & {*upward, "manamitra.conversation.runner"} == set()
