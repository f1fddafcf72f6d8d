"""The HTTP contract: keys, status list, /api/verify, the /verify page and printed links, and
the log's checkpoint, entries and proofs, checked against the verifier's own algorithms."""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path

import base45
import pytest
from fastapi import FastAPI

from manamitra.store import Database
from manamitra.trust import PREFIX, KeyRing, Verdict, merkle
from manamitra.trust import checkpoint as cp
from manamitra.trust import status as status_list
from manamitra.trust.payload import unseal
from manamitra.web import build_transparency_router, build_verification_router
from tests.trust.builders import HOLDER_TE, AsgiClient, issue_income, setup_keys, trust_service


@pytest.fixture
def trust(tmp_path: Path, database: Database):
    service = trust_service(tmp_path)
    setup_keys(database, service)
    return service


@pytest.fixture
def client(trust, database: Database):
    app = FastAPI()
    app.include_router(build_verification_router(trust, database))
    app.include_router(build_transparency_router(trust, database))
    return AsgiClient(app)


def test_keys_json_is_a_jwk_set_naming_the_qr_kid(client, database, trust) -> None:
    issued = issue_income(database, trust)
    jwks = client.get("/.well-known/manamitra/keys.json").json()
    kids = {k["kid"] for k in jwks["keys"]}
    assert unseal(issued.qr_text).message.kid in kids
    assert all(k["kty"] == "OKP" and k["crv"] == "Ed25519" and k["x"] for k in jwks["keys"])
    assert all("d" not in k for k in jwks["keys"])  # no private part is ever published


def test_api_verify_gives_the_cli_json(client, database, trust) -> None:
    issued = issue_income(database, trust)
    body = client.post("/api/verify", json={"qr": issued.qr_text}).json()
    assert set(body) == {"verdict", "claims", "reasons"}
    assert body["verdict"] == "genuine"
    assert body["claims"]["holder_name_te"] == HOLDER_TE
    bad = issued.qr_text[:-3] + ("A" if issued.qr_text[-3] != "A" else "B") + issued.qr_text[-2:]
    assert client.post("/api/verify", json={"qr": bad}).json()["verdict"] == "forged"
    assert client.post("/api/verify", json={}).status_code == 422


def test_revocation_shows_online_and_in_the_status_list(client, database, trust) -> None:
    issued = issue_income(database, trust)
    with database.unit_of_work() as session:
        trust.revoke(session, issued.number, reason="court_order", actor="officer:1")
    assert client.post("/api/verify", json={"qr": issued.qr_text}).json()["verdict"] == "revoked"
    ring = KeyRing.from_jwks(client.get("/.well-known/manamitra/keys.json").json())
    offline = status_list.load(client.get("/.well-known/manamitra/status.json").text, ring)
    assert offline.revocation(issued.number) is not None


def test_verify_page_is_bilingual_and_checks_an_uploaded_pdf(client, database, trust) -> None:
    issued = issue_income(database, trust)
    page = client.get("/verify?lang=te")
    assert page.status_code == 200 and "పత్రం తనిఖీ" in page.text
    assert "Check a document" in client.get("/verify?lang=en").text
    result = client.post(
        "/verify?lang=te",
        data={"qr": ""},
        files={"file": ("cert.pdf", issued.pdf, "application/pdf")},
    )
    assert result.status_code == 200
    assert 'data-verdict="genuine"' in result.text
    assert "అసలైన పత్రం" in result.text and HOLDER_TE in result.text
    pasted = client.post("/verify?lang=en", data={"qr": issued.qr_text})
    assert 'data-verdict="genuine"' in pasted.text
    nothing = client.post(
        "/verify?lang=en", files={"file": ("x.png", b"not an image", "image/png")}
    )
    assert nothing.status_code == 422


def test_printed_link_shows_the_verdict(client, database, trust) -> None:
    issued = issue_income(database, trust)
    path = issued.verify_url.removeprefix(trust.public_url)
    page = client.get(path + "?lang=en")
    assert page.status_code == 200 and 'data-verdict="genuine"' in page.text
    assert client.get(f"/v/{issued.number}-000000").status_code == 404


def test_log_checkpoint_entries_and_proofs_verify(client, database, trust) -> None:
    first = issue_income(database, trust, "AP-INC-2026-LOG001")
    note1 = client.get("/log/checkpoint").text
    log_keys = KeyRing.from_jwks(client.get("/.well-known/manamitra/keys.json").json()).log_keys()
    cp1 = cp.verify(note1, log_keys)
    issue_income(database, trust, "AP-INC-2026-LOG002")
    note2 = client.get("/log/checkpoint").text
    cp2 = cp.verify(note2, log_keys)
    assert cp2.size > cp1.size
    assert (
        Path(trust.log.checkpoint_file).read_text() if trust.log.checkpoint_file else ""
    ) == note2

    entries = client.get(f"/log/entries?start=0&end={cp2.size}").json()["entries"]
    assert [e["index"] for e in entries] == list(range(cp2.size))
    leaves = [merkle.leaf_hash(base64.b64decode(e["data"])) for e in entries]
    assert [h.hex() for h in leaves] == [e["leaf_hash"] for e in entries]
    assert merkle.root_of(leaves) == cp2.root
    assert b"Ravi" not in b"".join(base64.b64decode(e["data"]) for e in entries)

    leaf = leaves[first.log_index]
    proof = client.get(f"/log/proof/inclusion?leaf_hash={leaf.hex()}&tree_size={cp2.size}").json()
    assert proof["leaf_index"] == first.log_index and proof["tree_size"] == cp2.size
    path = [bytes.fromhex(h) for h in proof["audit_path"]]
    assert merkle.verify_inclusion(first.log_index, cp2.size, leaf, path, cp2.root)

    consistency = client.get(f"/log/proof/consistency?first={cp1.size}&second={cp2.size}").json()
    assert consistency["first"] == cp1.size and consistency["second"] == cp2.size
    assert merkle.verify_consistency(
        cp1.size, cp2.size, cp1.root, cp2.root, [bytes.fromhex(h) for h in consistency["proof"]]
    )


def test_log_api_rejects_bad_ranges(client, database, trust) -> None:
    issue_income(database, trust)
    assert client.get("/log/proof/consistency?first=5&second=999").status_code == 400
    assert (
        client.get("/log/proof/inclusion?leaf_hash=" + "00" * 32 + "&tree_size=1").status_code
        == 404
    )
    assert client.get("/log/entries?start=3&end=1").status_code == 400


def test_verdicts_are_the_documented_strings() -> None:
    assert {v.value for v in Verdict} == {
        "genuine",
        "revoked",
        "expired",
        "forged",
        "unknown_issuer",
    }


def test_an_outside_verifier_proves_the_issuance_is_logged(client, database, trust) -> None:
    from manamitra.trust.published import check_published

    issued = issue_income(database, trust)

    def fetch(path: str) -> tuple[int, str]:
        response = client.get(path)
        return response.status_code, response.text

    ring = KeyRing.from_jwks(client.get("/.well-known/manamitra/keys.json").json())
    ok, how = check_published(issued.qr_text, ring, fetch)
    assert ok, how
    assert f"index {issued.log_index}" in how
    # holding only the number is not enough to get the entry
    assert (
        client.get(f"/log/document?number={issued.number}&cose_sha256={'0' * 64}").status_code
        == 404
    )


def test_verify_page_names_a_record_copy_and_its_facts(client, database, trust) -> None:
    from manamitra import clock
    from manamitra.store.models.trust import TrustRepository
    from manamitra.trust.payload import Claims

    claims = Claims(
        doc_type="record_copy",
        number="RC-ADANGAL-GUNTUR-230-1A-20261129",
        holder_en="Kurapati Srinivasa Rao",
        holder_te="కురపాటి శ్రీనివాసరావు",
        office="Revenue Department",
        issued_at=clock.now().replace(microsecond=0),
        facts={"src": "adangal", "id": "guntur.tenali.tenali.230/1A"},
    )
    with database.unit_of_work() as session:
        repo = TrustRepository(session)
        sealing = trust.seal(repo, claims, "revenue", url_token="abc123")
        trust.register(repo, claims, sealing, pdf_sha256="0" * 64, media_key="record/x.pdf")
    english = client.post("/verify?lang=en", data={"qr": sealing.qr_text}).text
    assert 'data-verdict="genuine"' in english
    assert "Copy of a department record" in english and "Record" in english
    assert "guntur.tenali.tenali.230/1A" in english
    telugu = client.post("/verify?lang=te", data={"qr": sealing.qr_text}).text
    assert "రికార్డు ప్రతి" in telugu and "కురపాటి శ్రీనివాసరావు" in telugu


def _reasons_line(page: str) -> str:
    found = re.search(r'<p class="muted">([^<]*)</p>\s*</section>', page)
    assert found is not None, page
    return found.group(1)


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
TELUGU = re.compile("[\u0c00-\u0c7f]")


def test_verify_page_gives_every_reason_in_the_readers_language(client, database, trust) -> None:
    issued = issue_income(database, trust)
    with database.unit_of_work() as session:
        trust.revoke(session, issued.number, reason="court_order", actor="officer:1")
    kid = unseal(issued.qr_text).message.kid
    envelope = zlib.decompress(base45.b45decode(issued.qr_text[len(PREFIX) :]))
    flipped = bytearray(envelope)
    flipped[-5] ^= 0x01  # inside the signature
    forged_signature = PREFIX + base45.b45encode(zlib.compress(bytes(flipped))).decode()
    texts = {
        "not zlib": PREFIX + base45.b45encode(b"not a zlib stream").decode(),
        "not base45": "MM1:%%%%",
        "not ours": "hello",
        "not COSE": PREFIX + base45.b45encode(zlib.compress(b"\x01\x02")).decode(),
        "bad signature": forged_signature,
        "revoked": issued.qr_text,
    }
    for what, qr in texts.items():
        telugu = client.post("/verify?lang=te", data={"qr": qr}).text
        english = client.post("/verify?lang=en", data={"qr": qr}).text
        te_line, en_line = _reasons_line(telugu), _reasons_line(english)
        # the key id and owner are identifiers; "QR" and "EdDSA" are the words Telugu uses too
        for identifier in (kid, "revenue", "EdDSA", "QR"):
            te_line = te_line.replace(identifier, "")
        assert te_line.startswith("కారణాలు:") and not LATIN_WORD.search(te_line), (what, te_line)
        assert en_line.startswith("Reasons:") and not TELUGU.search(en_line), (what, en_line)
    revoked = client.post("/verify?lang=te", data={"qr": issued.qr_text}).text
    assert "కోర్టు ఉత్తర్వు ద్వారా రద్దు చేయబడింది" in _reasons_line(revoked)
