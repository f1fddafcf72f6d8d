"""Every object of our documents builds its dictionary from its own attributes (`_Attributes`),
not from fpdf2's `dir()` walk: the dictionary must be exactly what fpdf2's walk gives for the
same object (same keys in the same order, same values), so an attribute a future fpdf2 adds
can't silently go missing."""

from __future__ import annotations

from typing import Any

import pytest
from fpdf.enums import PageLayout
from fpdf.output import PDFCatalog, PDFPage
from fpdf.syntax import PDFArray, PDFContentStream, PDFObject

from manamitra.documents import pdf_output
from manamitra.documents.demo import DEMO_FACTS
from manamitra.documents.render import render
from tests.documents.test_shaping import _page

pytestmark = pytest.mark.fast_renderer  # our PDF writer's objects


def _as_fpdf2(obj: PDFObject, security_handler: Any = None) -> list[tuple[str, object]]:
    return list(PDFObject._build_obj_dict(obj, security_handler).items())


def test_every_object_builds_what_fpdf2s_dir_walk_builds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: dict[type, int] = {}
    serialized: list[type] = []
    ours = pdf_output._Attributes._build_obj_dict
    serialize = PDFObject.serialize

    def checked(self: Any, security_handler: Any = None) -> dict[str, object]:
        obj_dict = ours(self, security_handler)
        assert list(obj_dict.items()) == _as_fpdf2(self, security_handler), type(self)
        built[type(self)] = built.get(type(self), 0) + 1
        return obj_dict

    def recorded(self: PDFObject, *args: Any, **kwargs: Any) -> str:
        serialized.append(type(self))
        return serialize(self, *args, **kwargs)

    monkeypatch.setattr(pdf_output._Attributes, "_build_obj_dict", checked)
    monkeypatch.setattr(PDFObject, "serialize", recorded)
    for serial, doc_type in enumerate(sorted(DEMO_FACTS)):
        render(_page(doc_type, serial))

    # nothing left to fpdf2's walk, and every kind of object was checked
    assert [kind for kind in serialized if not issubclass(kind, pdf_output._Attributes)] == []
    expected = set(pdf_output.OWN_CLASSES.values()) | {
        pdf_output._Font,
        pdf_output._SystemInfo,
        pdf_output._Descriptor,
        pdf_output._DeflatedStream,
        pdf_output._FontStream,
    }
    assert set(built) == expected


def test_slots_instance_attributes_and_special_values_as_fpdf2() -> None:
    page = PDFPage(duration=2.5, transition=None, contents=bytearray(b"q Q"), index=1)
    page.__class__ = pdf_output.OWN_CLASSES[PDFPage]
    page.id = 7
    page.struct_parents = 0
    page.annots = PDFArray()
    page.resources = None
    stream = pdf_output._Stream(b"q Q")
    stream.id = 8
    page.contents = stream
    page.extra_flag = True  # type: ignore[attr-defined]  # in the instance dictionary
    catalog = PDFCatalog(lang="te", page_layout=PageLayout.ONE_COLUMN)
    catalog.__class__ = pdf_output.OWN_CLASSES[PDFCatalog]
    catalog.id = 9
    catalog.pages = page  # type: ignore[assignment]
    for obj in (page, stream, catalog):
        assert list(obj._build_obj_dict().items()) == _as_fpdf2(obj)
    assert ("/ExtraFlag", "true") in page._build_obj_dict().items()
    assert "/Dur" in page._build_obj_dict()


def test_fpdf2_classes_add_no_public_data_class_attributes() -> None:
    """`_Attributes` reads an object's instance dictionary and slots: a public class attribute
    other than a method or the id/ref properties would be listed by `dir()` only."""
    for fpdf2_class, our_class in pdf_output.OWN_CLASSES.items():
        assert issubclass(our_class, fpdf2_class)
        for name in dir(our_class):
            if name.startswith("_") or name in ("id", "ref"):
                continue
            attribute = getattr(our_class, name)
            assert callable(attribute) or name in pdf_output._slots(our_class), (our_class, name)
    assert issubclass(pdf_output._Stream, PDFContentStream)


def test_a_documents_id_comes_from_its_signed_qr() -> None:
    import io

    from pypdf import PdfReader

    def file_id(page: object) -> list[str]:
        trailer = PdfReader(io.BytesIO(render(page))).trailer  # type: ignore[arg-type]
        return [repr(part) for part in trailer["/ID"]]

    first, again, other = _page("income", 1), _page("income", 1), _page("income", 2)

    assert file_id(first) == file_id(again)
    assert len(file_id(first)) == 2 and file_id(first)[0] == file_id(first)[1]
    assert file_id(first) != file_id(other)
