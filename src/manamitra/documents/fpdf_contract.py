"""What the fast renderer (`pdf.py`, `pdf_fonts.py`, `pdf_output.py`, `lines.py`, `shaping.py`,
`subset.py`) needs of fpdf2's private internals, and a check that the installed fpdf2 still has
it: each private function and method with the parameters we call or override it with, each
private attribute we read or set. fpdf2 is pinned to the release this was checked against; the check
names the installed version and the first name that moved, so an upgrade fails in the tests
(and at start-up) rather than while a citizen's certificate is being issued."""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path

from fpdf import FPDF, output, syntax
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.line_break import Fragment

CHECKED_VERSION = "2.8.9"  # the release pyproject.toml pins


class FpdfInternalsChangedError(RuntimeError):
    """The installed fpdf2 lacks a private name the fast renderer uses, or its parameters moved;
    set MM_DOCUMENTS_RENDERER=plain until documents/ is brought up to date."""


@dataclass(frozen=True)
class Function:
    owner: object
    name: str
    parameters: tuple[str, ...]  # as inspect.signature lists them, `self` included


@dataclass(frozen=True)
class Attribute:
    owner: str  # what it is an attribute of, for the message
    name: str


# the private callables reached (called, overridden or replaced), and public ones overridden
CALLABLES = (
    Function(FPDF, "_preload_bidirectional_text", ("self", "text", "markdown")),
    Function(FPDF, "_preload_font_styles", ("self", "text", "markdown", "_initial_emphasis")),
    Function(FPDF, "_get_current_graphics_state", ("self",)),
    Function(
        FPDF,
        "_raster_image",
        (
            "self",
            "name",
            "img",
            "info",
            "x",
            "y",
            "w",
            "h",
            "link",
            "title",
            "alt_text",
            "dims",
            "keep_aspect_ratio",
            "resource_access_policy",
        ),
    ),
    Function(FPDF, "_out", ("self", "s")),
    Function(FPDF, "_set_font_for_page", ("self", "font", "font_size_pt", "wrap_in_text_object")),
    Function(
        FPDF,
        "cell",
        (
            "self",
            "w",
            "h",
            "text",
            "border",
            "ln",
            "align",
            "fill",
            "link",
            "center",
            "markdown",
            "new_x",
            "new_y",
        ),
    ),
    Function(output.OutputProducer, "__init__", ("self", "fpdf")),
    Function(output.OutputProducer, "_add_pdf_obj", ("self", "pdf_obj", "trace_label")),
    Function(
        output.OutputProducer,
        "_add_fonts",
        ("self", "image_objects_per_index", "gfxstate_objs_per_name", "pattern_objs_per_name"),
    ),
    Function(output.OutputProducer, "_add_pages", ("self", "_slice")),
    Function(output.OutputProducer, "_add_image", ("self", "info")),
    Function(output, "_build_cmap_blocks", ("entries", "operator")),
    Function(output, "_cid_font_widths", ("cid_widths",)),
    Function(syntax, "camel_case", ("snake_case",)),
    Function(syntax, "build_obj_dict", ("key_values", "_security_handler", "_obj_id")),
    Function(syntax.PDFObject, "_build_obj_dict", ("self", "security_handler")),
    Function(TTFFont, "shaped_text_width", ("self", "text", "font_size_pt", "text_shaping_params")),
    Function(TTFFont, "shape_text", ("self", "text", "font_size_pt", "text_shaping_params")),
    Function(
        TTFFont,
        "perform_harfbuzz_shaping",
        ("self", "text", "font_size_pt", "text_shaping_params"),
    ),
    Function(TTFFont, "get_text_width", ("self", "text", "font_size_pt", "text_shaping_params")),
    Function(SubsetMap, "__init__", ("self", "font")),
    Function(SubsetMap, "pick_glyph", ("self", "glyph")),
    Function(SubsetMap, "pick", ("self", "unicode")),
    Function(SubsetMap, "get_glyph", ("self", "glyph", "unicode", "glyph_name", "glyph_width")),
    Function(SubsetMap, "items", ("self",)),
    Function(Fragment, "__init__", ("self", "characters", "graphics_state", "k", "link")),
    Function(Fragment, "render_with_text_shaping", ("self", "pos_x", "pos_y", "h", "word_spacing")),
)

# private (or undocumented) attributes read or set on a document, its fonts and their subsets
DOCUMENT_ATTRIBUTES = (
    "_resource_catalog",
    "_fallback_font_ids",
    "_record_text_quad_points",
    "_lasth",
    "_compliance",
    "image_cache",
    "text_shaping",
    "current_font_is_set_on_page",
    "str_alias_nb_pages",
)
FONT_ATTRIBUTES = (
    "i",
    "name",
    "desc",
    "scale",
    "subset",
    "cmap",
    "ttfont",
    "ttffile",
    "fontkey",
    "missing_glyphs",
    "biggest_size_pt",
    "hbfont",
)
SUBSET_ATTRIBUTES = ("font", "_char_id_per_glyph")
FONT_FILE = Path(__file__).parent / "fonts" / "NotoSans-Regular.ttf"


def installed_version() -> str:
    return version("fpdf2")


def moved() -> list[str]:
    """Each name the fast renderer uses that the installed fpdf2 lacks or has changed, with what
    was expected; empty when all is where it was."""
    problems: list[str] = []
    for entry in CALLABLES:
        owner_name = getattr(entry.owner, "__name__", repr(entry.owner))
        where = f"{owner_name}.{entry.name}"
        found = getattr(entry.owner, entry.name, None)
        if found is None or not callable(found):
            problems.append(f"{where} is gone")
            continue
        parameters = tuple(inspect.signature(found).parameters)
        if parameters != entry.parameters:
            problems.append(f"{where} takes {parameters}, not {entry.parameters}")
    subsetting = getattr(output, "ftsubset", None)
    if not hasattr(subsetting, "Subsetter"):
        problems.append("fpdf.output.ftsubset.Subsetter is gone (fonts are subset elsewhere)")
    problems += _missing_attributes()
    return problems


def _missing_attributes() -> list[str]:
    document = FPDF()
    document.add_font("probe", "", str(FONT_FILE))
    font = document.fonts["probe"]
    expected = [
        Attribute("FPDF", name) for name in DOCUMENT_ATTRIBUTES if not hasattr(document, name)
    ]
    expected += [Attribute("TTFFont", name) for name in FONT_ATTRIBUTES if not hasattr(font, name)]
    subset = getattr(font, "subset", None)
    expected += [
        Attribute("SubsetMap", name) for name in SUBSET_ATTRIBUTES if not hasattr(subset, name)
    ]
    if not hasattr(getattr(document, "image_cache", None), "images"):
        expected.append(Attribute("FPDF.image_cache", "images"))
    for cached in ("pick", "get_glyph"):  # an lru_cache: cleared after each document
        if not hasattr(getattr(SubsetMap, cached, None), "cache_clear"):
            expected.append(Attribute(f"SubsetMap.{cached}", "cache_clear"))
    stream = syntax.PDFContentStream(contents=b"")
    if not hasattr(stream, "_contents"):
        expected.append(Attribute("PDFContentStream", "_contents"))
    return [f"{item.owner}.{item.name} is gone" for item in expected]


def check() -> None:
    """Raise `FpdfInternalsChangedError` naming the installed fpdf2 and what moved."""
    problems = moved()
    if problems:
        raise FpdfInternalsChangedError(
            f"fpdf2 {installed_version()} (the fast renderer was checked against "
            f"{CHECKED_VERSION}): " + "; ".join(problems)
        )


@cache
def check_once() -> None:
    """`check`, once a process when it passes (a failure is raised again on every call)."""
    check()
