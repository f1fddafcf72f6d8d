"""The command line: issue-demo writes a real certificate; verify exits 0 only when genuine,
offline from a saved key set and status list; revoke and `log audit` do what they say."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from manamitra.cli.main import app


@pytest.fixture
def env(tmp_path: Path, sqlite_database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MM_DATABASE_URL", sqlite_database_url)
    monkeypatch.setenv("MM_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MM_PUBLIC_URL", "https://verify.example.in")
    return tmp_path


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def test_issue_demo_then_verify_online_and_offline(env: Path) -> None:
    pdf = env / "income.pdf"
    code, out = _run(
        "issue-demo", "--type", "income", "--name", "Ravi Kumar Reddy", "--out", str(pdf)
    )
    assert code == 0, out
    assert pdf.read_bytes()[:5] == b"%PDF-"
    code, out = _run("verify", str(pdf), "--json")
    assert code == 0, out
    body = json.loads(out)
    assert body["verdict"] == "genuine" and body["claims"]["type"] == "income"
    qr_text = next(
        line
        for line in _run("issue-demo", "--out", str(env / "b.pdf"))[1].splitlines()
        if line.startswith("MM1:")
    )

    code, out = _run("keys", "export", "--out", str(env / "offline"))
    assert code == 0, out
    keys, status = env / "offline" / "keys.json", env / "offline" / "status.json"
    code, out = _run("verify", qr_text, "--keys", str(keys), "--status", str(status), "--json")
    assert code == 0 and json.loads(out)["verdict"] == "genuine"

    number = json.loads(_run("verify", qr_text, "--json")[1])["claims"]["number"]
    code, out = _run("revoke", number, "--reason", "issued_in_error", "--actor", "officer:7")
    assert code == 0, out
    # offline verifiers see it only after refreshing the status list
    code, out = _run("verify", qr_text, "--keys", str(keys), "--status", str(status), "--json")
    assert code == 0
    _run("keys", "export", "--out", str(env / "offline"))
    code, out = _run("verify", qr_text, "--keys", str(keys), "--status", str(status), "--json")
    assert code == 1 and json.loads(out)["verdict"] == "revoked"
    code, out = _run("verify", qr_text, "--json")
    assert code == 1 and json.loads(out)["verdict"] == "revoked"


def test_verify_rejects_text_without_a_qr_and_tampered_text(env: Path) -> None:
    code, out = _run("verify", "not a certificate", "--json")
    assert code == 1 and json.loads(out)["verdict"] == "forged"
    _, issued = _run("issue-demo", "--type", "caste", "--out", str(env / "c.pdf"))
    qr_text = next(line for line in issued.splitlines() if line.startswith("MM1:"))
    tampered = qr_text[:40] + ("0" if qr_text[40] != "0" else "1") + qr_text[41:]
    code, out = _run("verify", tampered, "--json")
    assert code == 1 and json.loads(out)["verdict"] in {"forged", "unknown_issuer"}


def test_log_audit_passes_then_catches_a_rewritten_entry(
    env: Path, sqlite_database_url: str
) -> None:
    for doc_type in ("income", "birth"):
        assert _run("issue-demo", "--type", doc_type, "--out", str(env / f"{doc_type}.pdf"))[0] == 0
    code, out = _run("log", "audit")
    assert code == 0, out
    from sqlalchemy import create_engine, text

    engine = create_engine(sqlite_database_url)
    with engine.begin() as conn:
        conn.execute(
            text('UPDATE trust_log_entry SET data = :d WHERE "index" = 1'),
            {"d": b'{"kind":"issue","v":1}'},
        )
    engine.dispose()
    code, out = _run("log", "audit")
    assert code == 1
    assert "does not match" in out


def _pdf_text(path: Path) -> str:
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        pytest.skip("pdftotext is not installed (Debian: poppler-utils)")
    out = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True)
    return " ".join(out.stdout.split())


def test_issue_demo_for_a_woman_named_in_telugu_only(env: Path) -> None:
    pdf = env / "c.pdf"
    code, out = _run(
        "issue-demo", "--type", "caste", "--name", "", "--name-te", "లక్ష్మి దేవి", "--out", str(pdf)
    )
    assert code == 0, out
    text = _pdf_text(pdf)
    assert "This is to certify that Lakshmi Devi, D/o Venkata Rao, resident of" in text
    assert "పేరు / Name: లక్ష్మి దేవి / Lakshmi Devi" in text
    code, out = _run(
        "issue-demo", "--type", "income", "--name", "Padma", "--relation", "wife", "--out", str(pdf)
    )
    assert code == 0, out
    assert "Padma, W/o Venkata Rao" in _pdf_text(pdf)


def test_issue_demo_birth_certificate_of_a_son_says_male(env: Path) -> None:
    pdf = env / "b.pdf"
    assert _run("issue-demo", "--type", "birth", "--out", str(pdf))[0] == 0
    text = _pdf_text(pdf)
    assert "Ravi Kumar Reddy (male)" in text and "female" not in text
