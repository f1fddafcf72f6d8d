"""What a reader sees, for every document type the templates declare × holders named in Telugu
only, in English only, at great length and in mixed scripts: rendered to text (pdftotext) and
to a picture (pdftoppm), each fact is in each half in that half's script, no glyph is missing,
nothing runs off the page or into the signature block, no raw id shows, money is grouped the
Indian way, and three renders match reference pictures (tolerantly: a hinting change passes,
a missing name does not). Set MM_UPDATE_REFERENCES=1 to rewrite the reference pictures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, ImageChops

from manamitra.documents.demo import demo_facts, demo_office
from manamitra.documents.issue import printed
from manamitra.documents.render import Page, render
from manamitra.documents.template import (
    DocumentType,
    FieldSpec,
    document_type,
    document_types,
)
from manamitra.names import has_latin, has_telugu
from tests.documents.glyphs import missing_glyphs

REFERENCE = Path(__file__).parent / "reference"
MM = 72 / 25.4  # points per millimetre
SIGNATURE_TOP_PT = 190 * MM
BORDER_PT = 7 * MM


@dataclass(frozen=True)
class Holder:
    """How the application gave the names, and how each half must print them."""

    given: tuple[str, str]  # holder's name (English, Telugu) as typed
    printed: tuple[str, str]  # … as each half must show it
    parent: tuple[str, str]
    parent_printed: tuple[str, str]
    relation: str
    typed_in_telugu: bool = False  # free text (a caste) typed in Telugu for both halves


HOLDERS = {
    "telugu_only": Holder(
        ("", "లక్ష్మి దేవి"),
        ("Lakshmi Devi", "లక్ష్మి దేవి"),
        ("", "వెంకట రావు"),
        ("Venkata Rao", "వెంకట రావు"),
        "daughter",
        typed_in_telugu=True,
    ),
    "english_only": Holder(
        ("Ravi Kumar", ""),
        ("Ravi Kumar", "రవి కుమార్"),
        ("Srinivas Reddy", ""),
        ("Srinivas Reddy", "శ్రీనివాస్ రెడ్డి"),
        "son",
    ),
    "very_long": Holder(
        (
            "Venkata Satya Srinivasa Lakshmi Narasimha Subrahmanyeswara Prasad Rao Kommineni",
            "వెంకట సత్య శ్రీనివాస లక్ష్మీ నరసింహ సుబ్రహ్మణ్యేశ్వర ప్రసాద రావు కొమ్మినేని",
        ),
        (
            "Venkata Satya Srinivasa Lakshmi Narasimha Subrahmanyeswara Prasad Rao Kommineni",
            "వెంకట సత్య శ్రీనివాస లక్ష్మీ నరసింహ సుబ్రహ్మణ్యేశ్వర ప్రసాద రావు కొమ్మినేని",
        ),
        (
            "Sri Venkata Ramana Murthy Chowdary Kommineni Nageswara Rao",
            "శ్రీ వెంకట రమణ మూర్తి చౌదరి కొమ్మినేని నాగేశ్వర రావు",
        ),
        (
            "Sri Venkata Ramana Murthy Chowdary Kommineni Nageswara Rao",
            "శ్రీ వెంకట రమణ మూర్తి చౌదరి కొమ్మినేని నాగేశ్వర రావు",
        ),
        "wife",
    ),
    "mixed_scripts": Holder(
        ("Suresh రెడ్డి", ""),
        ("Suresh Reddy", "సురేష్ రెడ్డి"),
        ("కె. Venkata Rao", ""),
        ("K. Venkata Rao", "కె. వెంకట రావు"),
        "son",
    ),
}
ISSUED = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
# (type, holder) → a defect still shown, marked xfail until fixed (receipts and tickets are
# the docs-tickets branch's; none fails these checks today)
KNOWN_DEFECTS: dict[tuple[str, str], str] = {}


def _people(kind: DocumentType) -> list[FieldSpec]:
    """A ticket's fields naming who travels or is admitted (passengers, pilgrims)."""
    return [spec for spec in kind.spec.fields if kind.layout == "ticket" and spec.format == "name"]


def _with_holder_first(listed: str, name: str) -> str:
    """ "Ravi Kumar (34), Lakshmi (31)" with `name` for the first person, age kept; empty
    when the holder's name was not given in this script (the document spells it out)."""
    if not name:
        return ""
    first, _, others = listed.partition(", ")
    age = re.search(r" \(\d+\)$", first)
    return ", ".join(p for p in (name + (age[0] if age else ""), others) if p)


def _facts(kind: DocumentType, holder: Holder) -> dict[str, Any]:
    facts = dict(demo_facts(kind.name, holder.relation))
    people = _people(kind)
    for spec in kind.all_fields:
        if spec.format == "name" and spec.key in ("parent", "parents"):
            facts[f"{spec.key}_en"], facts[f"{spec.key}_te"] = holder.parent
        elif spec in people:  # the booker travels first, as services/booking/ records it
            for lang, name in zip(("en", "te"), holder.given, strict=True):
                facts[f"{spec.key}_{lang}"] = _with_holder_first(facts[f"{spec.key}_{lang}"], name)
        elif holder.typed_in_telugu and spec.key == "caste":
            facts["caste_en"] = facts["caste_te"]  # as a chat answer typed in Telugu comes
    return facts


def _page(doc_type: str, holder: Holder) -> Page:
    kind = document_type(doc_type)
    office, officer = demo_office(doc_type, kind.spec.department)
    english, telugu, facts = printed(kind, *holder.given, _facts(kind, holder))
    kind.check_facts(facts)
    until = None if kind.spec.validity_days is None else datetime(2027, 12, 1, tzinfo=UTC)
    return Page(
        doc_type=kind,
        number=f"AP-{kind.spec.number_prefix}-2026-7K2Q4F",
        holder_en=english,
        holder_te=telugu,
        facts=facts,
        office=office,
        officer=officer,
        issued_at=ISSUED,
        valid_until=until,
        qr_text="MM1:AUDIT-" + doc_type.upper(),
        verify_url=f"http://127.0.0.1:8000/v/AP-{kind.spec.number_prefix}-2026-7K2Q4F-0a1b2c",
        verify_page="http://127.0.0.1:8000/verify",
    )


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian: poppler-utils)")
    return path


def _run(*command: str) -> str:
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def _render(doc_type: str, holder_name: str, folder: Path) -> tuple[Path, Page, list[str]]:
    page = _page(doc_type, HOLDERS[holder_name])
    with missing_glyphs() as missing:
        pdf = render(page)
    path = folder / f"{doc_type}-{holder_name}.pdf"
    path.write_bytes(pdf)
    return path, page, missing


def _squash(text: str) -> str:
    # pdftotext puts spaces where HarfBuzz moved a vowel sign; the characters are what count
    return re.sub(r"\s+", "", text)


def _halves(layout: str, page: Page) -> tuple[str, str]:
    """The Telugu and the English statement, as pdftotext lays them out: the English one is
    the block that opens with its statement's first words (as printed, so a statement may
    open with a fact), the Telugu one the block before."""
    blocks = [b for b in re.split(r"\n\s*\n", layout) if b.strip()]
    english = page.doc_type.statement("en", page.facts, page.holder_en, page.number)
    opening = _squash(english)[:24]
    for index, block in enumerate(blocks):
        if index > 0 and _squash(block).startswith(opening):
            return blocks[index - 1], block
    raise AssertionError(f"no English statement opening {opening!r} in:\n{layout}")


def _cases() -> list[Any]:
    cases = []
    for doc_type in sorted(document_types()):
        for holder_name in HOLDERS:
            defect = KNOWN_DEFECTS.get((doc_type, holder_name))
            marks = [pytest.mark.xfail(strict=False, reason=defect)] if defect else []
            cases.append(pytest.param(doc_type, holder_name, marks=marks))
    return cases


@pytest.mark.parametrize(("doc_type", "holder_name"), _cases())
def test_every_fact_reads_right_in_both_halves(
    doc_type: str, holder_name: str, tmp_path: Path
) -> None:
    pdftotext = _tool("pdftotext")
    path, page, missing = _render(doc_type, holder_name, tmp_path)
    assert missing == [], f"glyphs no font has: {missing}"
    layout = _run(pdftotext, "-layout", str(path), "-")
    telugu_half, english_half = _halves(layout, page)
    holder = HOLDERS[holder_name]
    kind = page.doc_type

    english_name, telugu_name = holder.printed
    if "{holder}" in kind.spec.statement.en:
        assert _squash(english_name) in _squash(english_half)
        assert _squash(telugu_name) in _squash(telugu_half)
    if holder_name != "very_long":  # (a very long name line wraps)
        assert _squash(f"{telugu_name}/{english_name}") in _squash(layout), "each script once"
    assert not has_telugu(english_half), f"Telugu left in the English half: {english_half}"

    # a ticket names everyone who travels or is admitted, each in both scripts, in its row
    raw = _squash(_run(pdftotext, "-raw", str(path), "-"))
    people = _people(kind)
    assert people or "{holder}" in kind.spec.statement.en, "the ticket names nobody"
    for spec in people:
        shown_en, shown_te = spec.show(page.facts, "en"), spec.show(page.facts, "te")
        assert _squash(english_name) in _squash(shown_en)
        assert _squash(telugu_name) in _squash(shown_te)
        assert has_latin(shown_en) and not has_telugu(shown_en), shown_en
        assert has_telugu(shown_te) and not has_latin(shown_te), shown_te
        # "label  te / en" on one line, or the Telugu lines then the English ones
        label, te, en = (
            _squash(x) for x in (f"{spec.label.te}/{spec.label.en}", shown_te, shown_en)
        )
        row = re.escape(label + te) + "/?" + re.escape(en)
        assert re.search(row, raw), f"{spec.key} row not as printed: {shown_te} / {shown_en}"

    for spec in kind.all_fields:
        used = {f"{{{spec.key}}}" in kind.spec.statement.get(lang) for lang in ("te", "en")}
        present = all(page.facts.get(k) not in (None, "") for k in spec.fact_keys())
        if not (True in used and present):
            continue
        shown_en, shown_te = spec.show(page.facts, "en"), spec.show(page.facts, "te")
        assert _squash(shown_en) in _squash(english_half), f"{spec.key} missing in English"
        assert _squash(shown_te) in _squash(telugu_half), f"{spec.key} missing in Telugu"
        if spec.format == "name":
            assert has_latin(shown_en) and not has_telugu(shown_en)
            assert has_telugu(shown_te) and not has_latin(shown_te)
    if holder.parent_printed and "{parent}" in kind.spec.statement.en:
        assert _squash(holder.parent_printed[0]) in _squash(english_half)
        assert _squash(holder.parent_printed[1]) in _squash(telugu_half)
        relation = {"son": "S/o", "daughter": "D/o", "wife": "W/o"}[holder.relation]
        assert f"{relation} " in english_half and "—" not in english_half

    text = _run(pdftotext, str(path), "-")
    without_links = re.sub(r"https?://\S+", "", text)
    raw_ids = re.findall(r"\b[a-z]+(?:[._][a-z0-9]+)+\b", without_links)
    assert raw_ids == [], f"raw ids on the page: {raw_ids}"
    for amount in re.findall(r"₹\s?([\d,]+)", text):
        assert re.fullmatch(r"\d{1,3}|\d{1,2}(,\d{2})*,\d{3}", amount), f"₹{amount}"


@pytest.mark.parametrize(("doc_type", "holder_name"), _cases())
def test_nothing_leaves_the_page_or_runs_into_the_signature(
    doc_type: str, holder_name: str, tmp_path: Path
) -> None:
    pdftotext, pdftoppm = _tool("pdftotext"), _tool("pdftoppm")
    path, page, _ = _render(doc_type, holder_name, tmp_path)
    html = _run(pdftotext, "-bbox", str(path), "-")
    box = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    assert box is not None
    width, height = float(box[1]), float(box[2])
    words = [
        (float(x0), float(y0), float(x1), float(y1), word)
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<',
            html,
        )
    ]
    assert words
    outside = [
        w
        for w in words
        if w[0] < BORDER_PT or w[2] > width - BORDER_PT or w[3] > height - BORDER_PT
    ]
    assert outside == [], f"outside the border: {outside}"
    crossing = [w for w in words if w[1] < SIGNATURE_TOP_PT < w[3]]
    assert crossing == [], f"across the signature's top: {crossing}"
    last = _last_row_label(page).split()[-1]
    last_row = [w for w in words if w[4] == last and w[1] < SIGNATURE_TOP_PT]
    assert last_row, f"the facts table's last row ({last!r}) is not above the signature"
    _run(pdftoppm, "-r", "40", "-gray", "-png", "-singlefile", str(path), str(tmp_path / "p"))
    assert Image.open(tmp_path / "p.png").size == (331, 468)


def _last_row_label(page: Page) -> str:
    """The English label of the facts table's last row: the issuing office on a certificate
    or receipt; a ticket's last fact given (its office heads it, and it has no validity)."""
    kind = page.doc_type
    if kind.layout != "ticket":
        return "Issuing office"
    given = [
        spec
        for spec in kind.spec.fields
        if all(page.facts.get(k) not in (None, "") for k in spec.fact_keys())
    ]
    return given[-1].label.en


REFERENCE_CASES = [
    ("caste", "telugu_only"),
    ("income", "english_only"),
    ("family_member", "very_long"),
]


def _block_difference(one: Image.Image, other: Image.Image, block: int = 8) -> int:
    """The largest difference, over the page's 8×8-pixel blocks, of their mean grey: a glyph's
    edges moving by a pixel barely shift a block's mean, a word gone shifts it a lot."""
    difference = ImageChops.difference(one.convert("L"), other.convert("L"))
    small = difference.reduce(block)  # each pixel the mean of a block
    low_high = small.getextrema()
    assert isinstance(low_high, tuple) and isinstance(low_high[1], int)
    return low_high[1]


@pytest.mark.parametrize(("doc_type", "holder_name"), REFERENCE_CASES)
def test_renders_match_their_reference_pictures(
    doc_type: str, holder_name: str, tmp_path: Path
) -> None:
    pdftoppm = _tool("pdftoppm")
    path, _, _ = _render(doc_type, holder_name, tmp_path)
    out = tmp_path / "page"
    _run(pdftoppm, "-r", "40", "-gray", "-png", "-singlefile", str(path), str(out))
    reference = REFERENCE / f"{doc_type}-{holder_name}.png"
    if os.environ.get("MM_UPDATE_REFERENCES"):
        reference.parent.mkdir(exist_ok=True)
        # 16 greys, 4 bits a pixel: a few kilobytes, and a block's mean moves by < 8
        picture = Image.open(out.with_suffix(".png")).convert("L").quantize(16)
        picture.save(reference, optimize=True, bits=4)
    picture = Image.open(out.with_suffix(".png"))
    expected = Image.open(reference)
    assert picture.size == expected.size
    assert _block_difference(picture, expected) <= 40
