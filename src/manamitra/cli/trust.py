"""Trust commands: verify (offline with a saved key set and status list), issue-demo, revoke,
`log audit`/`log checkpoint`, and `keys init|list|rotate|export`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import httpx
import typer
from rich.console import Console

from manamitra.errors import ManamitraError, PayloadError
from manamitra.settings import Settings, load_settings
from manamitra.store import Database, migrate
from manamitra.store.models.trust import TrustRepository
from manamitra.trust import KeyRing, Result, TrustService, Verdict, verify
from manamitra.trust import status as status_list
from manamitra.trust.audit import audit
from manamitra.trust.keys import LOG_OWNER, Role

console = Console()
log_app = typer.Typer(no_args_is_help=True, help="The public transparency log.")
keys_app = typer.Typer(no_args_is_help=True, help="Issuer and log keys.")


def _platform() -> tuple[Settings, Database, TrustService]:
    settings = load_settings()
    migrate.upgrade(settings.database_url, settings=settings)
    return settings, Database(settings.database_url), TrustService.from_settings(settings)


def _owners() -> list[str]:
    from manamitra.documents.template import document_types

    return sorted({t.spec.department for t in document_types().values()})


def _read_input(source: str) -> str | None:
    from manamitra.documents.scan import find_qr_text
    from manamitra.trust.payload import extract

    path = Path(source)
    if len(source) < 4096 and path.is_file():
        data = path.read_bytes()
        if data[:5] == b"%PDF-" or data[:4] in (
            b"\x89PNG",
            b"\xff\xd8\xff\xe0",
            b"\xff\xd8\xff\xe1",
        ):
            return find_qr_text(data)
        text = extract(data.decode("utf-8", "replace"))
        return text if text else find_qr_text(data)
    return extract(source)


def _print(result: Result, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n")
        return
    colour = (
        "green" if result.genuine else ("yellow" if result.verdict is Verdict.EXPIRED else "red")
    )
    console.print(f"[bold {colour}]{result.verdict.value.upper()}[/bold {colour}]")
    for key, value in result.claims.items():
        console.print(f"  {key}: {value}")
    for reason in result.reasons:
        console.print(f"  - {reason}")


def verify_command(
    source: str = typer.Argument(..., help="A PDF, an image with the QR, or the QR text."),
    keys: Path | None = typer.Option(None, "--keys", help="Saved JWK Set (offline)."),
    status: Path | None = typer.Option(None, "--status", help="Saved signed status list."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict as JSON."),
    log_url: str | None = typer.Option(
        None, "--log", help="Also prove the issuance is in the public log at this server."
    ),
) -> None:
    """Verify a document; exit 0 when genuine, 1 otherwise. Offline with --keys/--status."""
    text = _read_input(source)
    if text is None:
        result = Result(Verdict.FORGED, reasons=["no Mana Mitra QR (MM1:) found in the input"])
    elif keys is not None:
        ring = KeyRing.load(keys)
        revocations = None
        if status is not None:
            try:
                revocations = status_list.load(status.read_text("utf-8"), ring)
            except PayloadError as exc:
                Console(stderr=True).print(f"[red]status list rejected: {exc}[/red]")
                raise typer.Exit(2) from exc
        result = verify(text, ring, revocations)
        if status is None:
            result.reasons.append("revocation not checked: no --status list given")
    else:
        _, database, trust = _platform()
        with database.unit_of_work() as session:
            result = trust.verify_online(session, text)
    if log_url and text is not None and result.genuine:
        _check_log(text, result, log_url, keys)
    _print(result, as_json)
    raise typer.Exit(0 if result.genuine else 1)


def _check_log(text: str, result: Result, log_url: str, keys: Path | None) -> None:
    from manamitra.trust.published import check_published

    base = log_url.rstrip("/")
    with httpx.Client(timeout=30) as client:

        def fetch(path: str) -> tuple[int, str]:
            response = client.get(base + path)
            return response.status_code, response.text

        ring = (
            KeyRing.load(keys)
            if keys is not None
            else KeyRing.from_jwks(json.loads(fetch("/.well-known/manamitra/keys.json")[1]))
        )
        ok, how = check_published(text, ring, fetch)
    if ok:
        result.reasons.append(how)
    else:
        result.verdict = Verdict.FORGED
        result.reasons.append(f"not proven in the public log: {how}")


def issue_demo(
    doc_type: str = typer.Option("income", "--type", help="Document type (see templates)."),
    name: str = typer.Option(
        "Ravi Kumar Reddy", "--name", help="Holder's name in English (empty: from --name-te)."
    ),
    name_te: str | None = typer.Option(
        None, "--name-te", help="Holder's name in Telugu (default: from --name)."
    ),
    relation: str | None = typer.Option(
        None,
        "--relation",
        help="The holder is the parent's son, daughter or wife (S/o, D/o, W/o); "
        "default: guessed from the demo name.",
    ),
    out: Path = typer.Option(Path("certificate.pdf"), "--out", help="Where to write the PDF."),
) -> None:
    """Issue a real signed demo document through the path an approved application takes.
    A name given in one script is printed in both."""
    from manamitra.documents import issue_document, new_number
    from manamitra.documents.demo import RELATIONS, demo_facts, demo_office, demo_relation
    from manamitra.documents.template import document_type

    if relation is not None and relation not in RELATIONS:
        raise typer.BadParameter(f"one of {', '.join(RELATIONS)}", param_hint="--relation")
    if not (name.strip() or (name_te or "").strip()):
        raise typer.BadParameter("give --name or --name-te", param_hint="--name")
    kind = document_type(doc_type)
    default_te = "రవి కుమార్ రెడ్డి" if name == "Ravi Kumar Reddy" else ""
    holder_te = default_te if name_te is None else name_te
    settings, database, trust = _platform()
    office, officer = demo_office(doc_type, kind.spec.department)
    with database.unit_of_work() as session:
        trust.ensure_keys(TrustRepository(session), _owners())
    with database.unit_of_work() as session:
        issued = issue_document(
            session,
            trust,
            doc_type=doc_type,
            number=new_number(doc_type),
            holder_name_en=name,
            holder_name_te=holder_te,
            facts=demo_facts(doc_type, relation or demo_relation(name, holder_te)),
            office=office,
            officer=officer,
            renderer=settings.documents_renderer,
        )
    trust.publish_checkpoint(database)
    out.write_bytes(issued.pdf)
    console.print(f"[green]issued {issued.number}[/green] → {out}")
    console.print(f"log index {issued.log_index}; verify at {issued.verify_url}")
    console.print(issued.qr_text, soft_wrap=True)


def revoke_command(
    number: str = typer.Argument(..., help="Document number."),
    reason: str = typer.Option(..., "--reason", help=", ".join(status_list.REASONS)),
    actor: str = typer.Option(..., "--actor", help="Who revokes (officer id)."),
    note: str = typer.Option("", "--note", help="Internal note (not published)."),
) -> None:
    """Revoke an issued document (logged; in the next status list)."""
    _, database, trust = _platform()
    try:
        with database.unit_of_work() as session:
            trust.revoke(session, number, reason, actor, note)
    except ManamitraError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    trust.publish_checkpoint(database)
    console.print(f"[yellow]revoked {number}[/yellow] ({status_list.reason_label(reason)})")


@log_app.command("audit")
def log_audit(
    witness: list[Path] = typer.Option([], "--witness", help="Checkpoint(s) saved earlier."),
) -> None:
    """Replay the whole log against its signed checkpoints; exit 1 on any problem."""
    settings, database, trust = _platform()
    trust.publish_checkpoint(database)
    notes = [p.read_text("utf-8") for p in witness]
    published = settings.data_dir / "log" / "checkpoint"
    if published.exists():
        notes.append(published.read_text("utf-8"))
    with database.unit_of_work() as session:
        report = audit(TrustRepository(session), trust.log, trust.keyring(), notes)
    console.print(
        f"log size {report.size}: {report.entries_checked} entries, "
        f"{report.nodes_checked} subtree hashes, {report.checkpoints_checked} "
        f"checkpoints, {report.consistency_proofs} consistency proofs checked"
    )
    for problem in report.problems:
        console.print(f"[red]✗ {problem}[/red]")
    if report.ok:
        console.print("[green]✓ append-only: every checkpoint is consistent with the log[/green]")
    raise typer.Exit(0 if report.ok else 1)


@log_app.command("checkpoint")
def log_checkpoint() -> None:
    """Sign (if the log grew) and publish a checkpoint; print it."""
    _, database, trust = _platform()
    sys.stdout.write(trust.publish_checkpoint(database))


@keys_app.command("init")
def keys_init() -> None:
    """Create the log key and one issuer key per department that has none."""
    _, database, trust = _platform()
    with database.unit_of_work() as session:
        trust.ensure_keys(TrustRepository(session), _owners())
    keys_list()


@keys_app.command("list")
def keys_list() -> None:
    """Show the key set (public parts only)."""
    trust = TrustService.from_settings(load_settings())
    for key in trust.keyring().to_jwks()["keys"]:
        console.print(
            f"{key['kid']:<28} {key['mm_owner']:<10} {key['mm_role']:<7} {key['mm_status']}"
        )


@keys_app.command("rotate")
def keys_rotate(owner: str = typer.Argument(..., help="Department (or 'log').")) -> None:
    """A new active key for OWNER; the old one is retired but stays published."""
    _, database, trust = _platform()
    role: Role = "log" if owner == LOG_OWNER else "issuer"
    with database.unit_of_work() as session:
        info = trust.create_key(TrustRepository(session), owner, role)
    console.print(f"[green]{info.kid}[/green] is now {owner}'s active key")


@keys_app.command("export")
def keys_export(
    out: Path = typer.Option(Path("verifier"), "--out", help="Directory to write into."),
    url: str | None = typer.Option(None, "--url", help="Fetch from this public server."),
) -> None:
    """Save keys.json, status.json and the checkpoint for offline verification."""
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Any]
    if url:
        base = url.rstrip("/")
        with httpx.Client(timeout=30) as client:
            files = {
                "keys.json": client.get(f"{base}/.well-known/manamitra/keys.json").text,
                "status.json": client.get(f"{base}/.well-known/manamitra/status.json").text,
                "checkpoint": client.get(f"{base}/log/checkpoint").text,
            }
        status_list.load(files["status.json"], KeyRing.from_jwks(json.loads(files["keys.json"])))
    else:
        _, database, trust = _platform()
        with database.unit_of_work() as session:
            status_text = trust.status_list(session)
        files = {
            "keys.json": json.dumps(trust.keyring().to_jwks(), indent=2),
            "status.json": status_text,
            "checkpoint": trust.publish_checkpoint(database),
        }
    for name, text in files.items():
        (out / name).write_text(text, "utf-8")
    console.print(f"saved {', '.join(files)} in {out}")


def register(app: typer.Typer) -> None:
    app.command("verify")(verify_command)
    app.command("issue-demo")(issue_demo)
    app.command("revoke")(revoke_command)
    app.add_typer(log_app, name="log")
    app.add_typer(keys_app, name="keys")
