from __future__ import annotations

import pytest

from manamitra.catalog.loader import Catalog
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.services.registry import register_all


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    register_all()
    return load_checked_catalog()
