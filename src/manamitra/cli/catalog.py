"""`manamitra catalog`: check every spec, list the catalogue, search it as a citizen would."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import typer
from rich.console import Console

from manamitra.catalog.loader import DEPARTMENTS_FILE, SERVICES_DIR, Catalog
from manamitra.catalog.parse_cache import parse_cache_for
from manamitra.errors import SpecError
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.services.registry import register_all
from manamitra.settings import load_settings

console = Console()
err_console = Console(stderr=True)
catalog_app = typer.Typer(no_args_is_help=True, help="The service catalogue: check, list, search.")


def _load(services_dir: Path, departments_file: Path) -> Catalog:
    register_all()
    cache = parse_cache_for(load_settings())
    return load_checked_catalog(services_dir, departments_file, cache=cache)


@catalog_app.command("check")
def check(
    services_dir: Path = typer.Option(SERVICES_DIR, help="Folder of service specs."),
    departments_file: Path = typer.Option(DEPARTMENTS_FILE, help="Departments file."),
) -> None:
    """Validate every spec; exit 1 naming the file and field of the first error."""
    try:
        catalog = _load(services_dir, departments_file)
    except SpecError as exc:
        err_console.print(f"[red]spec error:[/red] {exc}", markup=True, highlight=False)
        raise typer.Exit(1) from exc
    kinds = Counter(s.kind for s in catalog.services.values())
    used = {s.department for s in catalog.services.values()}
    console.print(
        f"[green]ok[/green]: {len(catalog.services)} services from {len(used)} departments "
        f"({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})"
    )


@catalog_app.command("list")
def list_services(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
) -> None:
    """Every service: id, department, category, kind and names."""
    catalog = _load(SERVICES_DIR, DEPARTMENTS_FILE)
    rows = [
        {
            "id": s.id,
            "department": s.department,
            "category": s.category,
            "kind": s.kind,
            "name": {"en": s.name.en, "te": s.name.te},
        }
        for s in sorted(catalog.services.values(), key=lambda s: s.id)
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for spec in sorted(catalog.services.values(), key=lambda s: s.id):
        console.print(f"{spec.id:<48} {spec.kind:<12} {spec.name.en}", highlight=False)


@catalog_app.command("search")
def search(
    text: str = typer.Argument(..., help="What a citizen would type."),
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array."),
    limit: int = typer.Option(10, help="How many matches."),
) -> None:
    """Ranked matches, best first, as the WhatsApp search would show them."""
    from manamitra.catalog.search import ranked_services

    catalog = _load(SERVICES_DIR, DEPARTMENTS_FILE)
    found = ranked_services(catalog, text, limit)
    rows = [
        {
            "id": spec.id,
            "name": {"en": spec.name.en, "te": spec.name.te},
            "kind": spec.kind,
            "department": spec.department,
            "score": round(score, 3),
        }
        for spec, score in found
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for spec, score in found:
        console.print(f"{score:.2f}  {spec.id:<48} {spec.name.en}", highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(catalog_app, name="catalog")
