"""`manamitra understand "TEXT"`: what the chat makes of a message — intent, service, topic,
slots (as the flow stores them), alternatives and the catalogue's answer — with the same
function the chat uses. With MM_LLM_URL set, the configured model is asked as in the chat."""

from __future__ import annotations

import json

import typer
from rich.console import Console

from manamitra.catalog.parse_cache import parse_cache_for
from manamitra.services.catalog_check import load_checked_catalog
from manamitra.services.registry import register_all
from manamitra.settings import Settings
from manamitra.understanding import understand
from manamitra.understanding.model import ChatModel

console = Console()


def register(app: typer.Typer) -> None:
    app.command("understand")(understand_command)


def understand_command(
    text: str = typer.Argument(..., help="The message, as a citizen would type it."),
    lang: str = typer.Option("te", "--lang", help="The citizen's language: te or en."),
    as_json: bool = typer.Option(False, "--json", help="Print the contract's JSON only."),
) -> None:
    """Classify one message: service, question, status, navigation or unknown."""
    if lang not in ("te", "en"):
        raise typer.BadParameter("te or en", param_hint="--lang")
    register_all()
    settings = Settings()
    catalog = load_checked_catalog(cache=parse_cache_for(settings))
    model = ChatModel.from_settings(settings)
    try:
        found = understand(catalog, text, lang, resolver=model)
    finally:
        if model is not None:
            model.close()
    shown = found.contract()
    if as_json:
        typer.echo(json.dumps(shown, ensure_ascii=False))
        return
    console.print(f"[bold]{found.intent}[/bold]", highlight=False)
    for key in ("service", "topic", "slots", "alternatives"):
        if shown[key]:
            console.print(f"  {key}: {shown[key]}", highlight=False)
    if found.answer:
        console.print(found.answer, highlight=False, markup=False)
