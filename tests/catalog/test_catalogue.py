"""The catalogue as a whole: counts, departments, categories, Telugu, list limits, places."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest

from manamitra.catalog.places import gazetteer
from manamitra.catalog.schema import HEADLINE_CATEGORIES, Localized
from manamitra.services.catalog_check import load_checked_catalog

MY_KINDS = ("application", "lookup", "download", "information")
TELUGU = re.compile(r"[\u0C00-\u0C7F]")
# Latin letters allowed inside Telugu text: acronyms and codes a Telugu reader meets as such.
LATIN_OK = re.compile(
    r"\b(PDF|MB|kW|HP|MW|LMV|GPA|BNS|OTPR|MPC|BiPC|IIA|IIB|II|RTE|SMS|OK|ID|[A-Z]{2,}\d*|"
    r"psc\.ap\.gov\.in|[A-Z0-9/-]*\d[A-Z0-9/-]*)\b"
)


@pytest.fixture(scope="module")
def catalog():
    return load_checked_catalog()


def test_counts_hold(catalog) -> None:
    mine = [s for s in catalog.services.values() if s.kind in MY_KINDS]
    assert len(mine) >= 150
    assert len({s.department for s in mine}) >= 36
    assert len(catalog.departments) >= 36


def test_the_whole_catalogue_is_161_services_in_all_six_headline_categories(catalog) -> None:
    # Includes the payment, booking and grievance specs of the other areas.
    assert len(catalog.services) >= 161
    populated = Counter(s.category for s in catalog.services.values())
    assert all(populated[c] > 0 for c in HEADLINE_CATEGORIES), populated


REQUIRED = [
    "revenue.caste_certificate",
    "revenue.income_certificate",
    "revenue.residence_certificate",
    "revenue.ews_certificate",
    "revenue.obc_certificate",
    "revenue.family_member_certificate",
    "revenue.no_earning_member_certificate",
    "revenue.adangal_copy",
    "revenue.ror_1b_copy",
    "revenue.mutation",
    "municipal.birth_certificate",
    "municipal.death_certificate",
    "municipal.marriage_registration",
    "municipal.trade_licence_new",
    "municipal.trade_licence_renewal",
    "municipal.water_connection_new",
    "apspdcl.new_connection",
    "apepdcl.new_connection",
    "apcpdcl.new_connection",
    "sachivalayam.application_status",
    "civil_supplies.rice_card_status",
    "civil_supplies.rice_card_download",
    "serp.pension_status",
    "bie.inter_hall_ticket",
    "bie.inter_result",
    "bse.ssc_hall_ticket",
    "bse.ssc_result",
]


@pytest.mark.parametrize("service_id", REQUIRED)
def test_required_service_exists(catalog, service_id: str) -> None:
    assert service_id in catalog.services


def _texts(spec) -> list[Localized]:
    found = [spec.name, spec.description, *spec.documents_required]
    if spec.short_name:
        found.append(spec.short_name)
    for step in spec.steps:
        found.extend(x for x in (step.prompt, step.summary_label, step.hint) if x)
        found.extend(o.label for o in step.options)
        for sub in step.steps:
            found.extend(x for x in (sub.prompt, sub.summary_label) if x)
            found.extend(o.label for o in sub.options)
    return found


def test_every_telugu_text_is_telugu_and_whole(catalog) -> None:
    problems = []
    for spec in catalog.services.values():
        if spec.kind not in MY_KINDS:
            continue
        for text in _texts(spec):
            te = unicodedata.normalize("NFC", text.te)
            if "\ufffd" in te or not TELUGU.search(te):
                problems.append((spec.id, te))
            stray = [w for w in re.findall(r"[A-Za-z][A-Za-z.]*", LATIN_OK.sub("", te))]
            if stray:
                problems.append((spec.id, te, stray))
    assert not problems, problems[:10]


def test_list_titles_fit_whatsapp_rows(catalog) -> None:
    long = [
        (s.id, lang, s.title(lang))
        for s in catalog.services.values()
        if s.kind in MY_KINDS
        for lang in ("en", "te")
        if len(s.title(lang)) > 24
    ]
    assert not long
    assert all(
        len(d.title(lang)) <= 24 for d in catalog.departments.values() for lang in ("en", "te")
    )


def test_every_spec_has_keywords_in_three_forms_and_a_documents_line(catalog) -> None:
    for spec in catalog.services.values():
        if spec.kind not in MY_KINDS:
            continue
        assert spec.keywords.en and spec.keywords.te and spec.keywords.roman, spec.id
        assert all(TELUGU.search(k) for k in spec.keywords.te), spec.id
        if spec.kind == "application":
            assert spec.sla_days, spec.id


def test_all_26_districts_with_mandals_and_villages() -> None:
    places = gazetteer()
    assert len(places.districts) == 26
    names = {d.en for d in places.districts}
    assert {
        "Parvathipuram Manyam",
        "Alluri Sitharama Raju",
        "Dr. B.R. Ambedkar Konaseema",
        "NTR",
        "Palnadu",
        "Bapatla",
        "Sri Sathya Sai",
        "Annamayya",
        "Tirupati",
    } <= names
    for district in places.districts:
        assert TELUGU.search(district.te)
        assert len(district.children) >= 5, district.en
        for mandal in district.children:
            assert TELUGU.search(mandal.te)
            assert len(mandal.children) >= 3, mandal.id
    assert places.label("guntur.tenali.tenali", "te") == "తెనాలి, తెనాలి, గుంటూరు"


# Telugu forms a short name may use where the full name has the longer word (a compound's
# first part, a common shortening); anything else that is only the start of a word is a cut.
SHORTENED_WORDS = frozenset(
    {"ఇంటర్", "నష్ట", "పెంపక", "నిర్మాణ", "దుకాణాల", "వేతన", "భూ", "కొత్త", "విద్య", "మహిళా"}
)
WORD = re.compile(r"[\w\u0C00-\u0C7F\u200c]+")


def test_telugu_short_names_are_whole_words_not_cut_names(catalog) -> None:
    cut = []
    for spec in [*catalog.services.values(), *catalog.departments.values()]:
        if spec.short_name is None:
            continue
        full = set(WORD.findall(spec.name.te))
        for word in WORD.findall(spec.short_name.te):
            prefix_of = [w for w in full if w.startswith(word) and w != word]
            if word not in full and prefix_of and word not in SHORTENED_WORDS:
                cut.append((spec.id, spec.short_name.te))
    assert cut == []
