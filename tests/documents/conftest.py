"""The document tests run with the renderer the settings name (MM_DOCUMENTS_RENDERER), so CI
runs them once with each; a test about the fast renderer's own machinery is marked
`fast_renderer` and skipped under the plain one."""

from __future__ import annotations

import pytest

from manamitra.documents import issue, render
from manamitra.settings import load_settings


@pytest.fixture(autouse=True)
def _renderer_from_settings(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    renderer = load_settings().documents_renderer
    if renderer == "fast":
        return
    if request.node.get_closest_marker("fast_renderer"):
        pytest.skip("about the fast renderer's machinery (MM_DOCUMENTS_RENDERER=plain)")
    monkeypatch.setattr(render.render, "__defaults__", (renderer,))
    monkeypatch.setitem(issue.issue_document.__kwdefaults__, "renderer", renderer)
    monkeypatch.setattr(issue.DocumentService.__init__, "__defaults__", (renderer,))
