"""The catalogue's parse cache: a start-up with it builds the same catalogue as one without, a
changed, added or removed spec file is read afresh, and a cache that is stale, foreign, corrupt
or cannot be written costs time, never correctness."""

from __future__ import annotations

import logging
import marshal
import shutil
from pathlib import Path

import pytest

from manamitra.catalog import parse_cache
from manamitra.catalog.loader import SERVICES_DIR, Catalog, load_catalog
from manamitra.catalog.parse_cache import ParseCache, parse_cache_for
from manamitra.catalog.schema import ServiceSpec
from manamitra.errors import SpecError
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.settings import load_settings


@pytest.fixture(scope="module")
def uncached() -> Catalog:
    return load_checked_catalog()


@pytest.fixture
def services(tmp_path: Path) -> Path:
    folder = tmp_path / "services"
    shutil.copytree(SERVICES_DIR, folder)
    return folder


def _files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.yaml"))


def _load(folder: Path, cache_file: Path) -> tuple[Catalog, ParseCache]:
    cache = ParseCache(cache_file)
    return load_checked_catalog(folder, cache=cache), cache


def test_a_warm_start_builds_the_catalogue_a_cold_one_does(
    services: Path, tmp_path: Path, uncached: Catalog
) -> None:
    cache_file = tmp_path / "cache" / "catalog.marshal"
    first, cold = _load(services, cache_file)
    assert cache_file.exists()
    assert (cold.hits, cold.misses) == (0, len(_files(services)))
    second, warm = _load(services, cache_file)
    assert (warm.hits, warm.misses) == (len(_files(services)), 0)
    assert second.services == first.services == uncached.services
    assert second.departments == uncached.departments


def test_a_changed_spec_file_is_read_again(services: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "catalog.marshal"
    before, _ = _load(services, cache_file)
    changed = services / "catalogue" / "revenue.yaml"
    text = changed.read_text(encoding="utf-8")
    name = "name:\n    en: Caste certificate\n"
    assert text.count(name) == 1
    changed.write_text(text.replace(name, name.replace("Caste", "Community")), "utf-8")
    after, cache = _load(services, cache_file)
    assert (cache.hits, cache.misses) == (len(_files(services)) - 1, 1)
    assert before.services["revenue.caste_certificate"].name.en == "Caste certificate"
    assert after.services["revenue.caste_certificate"].name.en == "Community certificate"
    # ... and the cache now holds the new text: a third start-up parses nothing.
    _, third = _load(services, cache_file)
    assert third.misses == 0


def test_a_removed_or_added_file_changes_the_catalogue(services: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "catalog.marshal"
    _load(services, cache_file)
    removed = services / "catalogue" / "revenue.yaml"
    added = services / "catalogue" / "revenue_moved.yaml"
    text = removed.read_text(encoding="utf-8")
    removed.unlink()
    catalog, _ = _load(services, cache_file)
    assert "revenue.caste_certificate" not in catalog.services
    _header, entries = marshal.loads(cache_file.read_bytes())
    assert str(removed.resolve()) not in entries
    added.write_text(text, encoding="utf-8")
    catalog, cache = _load(services, cache_file)
    assert "revenue.caste_certificate" in catalog.services
    assert cache.misses == 1


def test_every_check_runs_on_a_warm_start(services: Path, tmp_path: Path) -> None:
    """The cache holds parsed YAML, not verdicts: a check that now refuses a cached spec
    refuses it."""
    cache_file = tmp_path / "catalog.marshal"
    _load(services, cache_file)

    def refuse_caste(spec: ServiceSpec) -> None:
        if spec.id == "revenue.caste_certificate":
            raise SpecError("refused by a newer check")

    cache = ParseCache(cache_file)
    with pytest.raises(SpecError, match=r"revenue\.yaml: services\[0\]: refused by a newer"):
        load_catalog(services, check_kind=refuse_caste, cache=cache)
    assert cache.misses == 0


@pytest.mark.parametrize(
    "content",
    [
        b"not marshal at all",
        b"",
        marshal.dumps("a string, not a header and entries"),
        marshal.dumps((("manamitra-catalog-parse", 1, "0.0.0-other"), {})),
    ],
    ids=["garbage", "empty", "wrong-shape", "other-version"],
)
def test_a_foreign_or_stale_cache_is_ignored_and_replaced(
    services: Path, tmp_path: Path, uncached: Catalog, content: bytes
) -> None:
    cache_file = tmp_path / "catalog.marshal"
    cache_file.write_bytes(content)
    catalog, cache = _load(services, cache_file)
    assert cache.hits == 0
    assert catalog.services == uncached.services
    _, again = _load(services, cache_file)
    assert again.misses == 0


def test_a_cache_that_cannot_be_written_only_costs_time(
    services: Path, tmp_path: Path, uncached: Catalog, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would be")
    with caplog.at_level(logging.WARNING, logger=parse_cache.__name__):
        catalog, _ = _load(services, blocker / "catalog.marshal")
    assert catalog.services == uncached.services
    assert "not written" in caplog.text


def test_the_header_names_what_the_parse_depends_on() -> None:
    header = parse_cache.cache_header()
    assert parse_cache.LOADER_NAME in header
    assert parse_cache.yaml.__version__ in header


def test_the_platform_keeps_it_under_the_data_folder_unless_turned_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MM_CACHE_DIR", raising=False)  # the suite shares one; not the default
    cache = parse_cache_for(load_settings(data_dir=tmp_path))
    assert cache is not None
    assert cache.path == tmp_path / "cache" / "catalog-parsed.marshal"
    assert parse_cache_for(load_settings(data_dir=tmp_path, catalog_cache=False)) is None


def test_mm_cache_dir_moves_it(tmp_path: Path) -> None:
    cache = parse_cache_for(load_settings(data_dir=tmp_path, cache_dir=tmp_path / "elsewhere"))
    assert cache is not None
    assert cache.path == tmp_path / "elsewhere" / "catalog-parsed.marshal"
