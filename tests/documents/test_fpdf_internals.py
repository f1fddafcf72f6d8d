"""The fast renderer reaches into fpdf2's private API: every name it uses must still be there,
with the parameters it is called with, in the installed fpdf2; when one moves, the failure
names the installed version and the name."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fpdf import FPDF, output
from fpdf.fonts import SubsetMap

from manamitra.documents import DocumentService, fpdf_contract
from tests.trust.builders import trust_service


def test_installed_fpdf2_has_every_private_name_the_fast_renderer_uses() -> None:
    problems = fpdf_contract.moved()
    assert problems == [], (
        f"fpdf2 {fpdf_contract.installed_version()} moved what documents/ relies on: {problems}"
    )


def test_installed_fpdf2_is_the_release_the_contract_was_checked_against() -> None:
    assert fpdf_contract.installed_version() == fpdf_contract.CHECKED_VERSION


def test_a_private_method_gone_is_named_with_the_installed_version(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(output.OutputProducer, "_add_fonts")
    with pytest.raises(fpdf_contract.FpdfInternalsChangedError) as raised:
        fpdf_contract.check()
    message = str(raised.value)
    assert f"fpdf2 {fpdf_contract.installed_version()}" in message
    assert "OutputProducer._add_fonts is gone" in message


def test_a_changed_signature_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    def _set_font_for_page(self: FPDF, font: object, size: float) -> str:
        return ""

    monkeypatch.setattr(FPDF, "_set_font_for_page", _set_font_for_page)
    with pytest.raises(fpdf_contract.FpdfInternalsChangedError) as raised:
        fpdf_contract.check()
    assert re.search(
        r"FPDF\._set_font_for_page takes \('self', 'font', 'size'\)", str(raised.value)
    )


def test_a_private_attribute_gone_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    original = SubsetMap.__init__

    def without_reserved(self: SubsetMap, font: object) -> None:
        original(self, font)  # type: ignore[arg-type]
        del self._char_id_per_glyph

    monkeypatch.setattr(SubsetMap, "__init__", without_reserved)
    with pytest.raises(fpdf_contract.FpdfInternalsChangedError, match="_char_id_per_glyph"):
        fpdf_contract.check()


def test_fonts_no_longer_subset_through_ftsubset_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(output, "ftsubset")
    with pytest.raises(fpdf_contract.FpdfInternalsChangedError, match="ftsubset"):
        fpdf_contract.check()


def test_the_document_service_refuses_to_start_fast_on_a_moved_fpdf2(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    trust = trust_service(tmp_path)
    monkeypatch.delattr(output, "_cid_font_widths")
    fpdf_contract.check_once.cache_clear()
    try:
        with pytest.raises(fpdf_contract.FpdfInternalsChangedError, match="_cid_font_widths"):
            DocumentService(trust, renderer="fast")
        assert DocumentService(trust, renderer="plain").renderer == "plain"
    finally:
        fpdf_contract.check_once.cache_clear()
