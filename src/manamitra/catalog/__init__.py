"""Service specs as data: the schema, the loader, the catalogue and its search."""

from manamitra.catalog.loader import Catalog, load_catalog
from manamitra.catalog.schema import ServiceSpec, StepSpec

__all__ = ["Catalog", "ServiceSpec", "StepSpec", "load_catalog"]
