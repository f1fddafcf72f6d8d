"""Sign-in, throttling, CSRF and jurisdiction: who may see and change which case."""

from __future__ import annotations

from sqlalchemy import select, update

from manamitra.console import audit
from manamitra.store.models import AuditEntry, OutboundMessage
from tests.console.conftest import Console
from tests.support.grievances import street_light_complaint


def test_wrong_password_is_refused(console: Console) -> None:
    assert console.login("officer.guntur", "wrong-password") == 401
    page = console.client.get("/console/inbox", follow_redirects=False)
    assert page.status_code == 303


def test_a_stranger_guessing_never_locks_the_officer_out(console: Console) -> None:
    stranger = console.from_elsewhere("203.0.113.9")
    codes = [stranger.login("officer.guntur", "guess-number-x") for _ in range(8)]
    assert codes[:3] == [401, 401, 401]
    assert 429 in codes  # the stranger is slowed down…
    assert console.login("officer.guntur") == 303  # …the officer at their own desk is not
    assert console.client.get("/console/inbox").status_code == 200


def test_guessing_from_one_address_waits_longer_each_time_with_a_clear_message(
    console: Console,
) -> None:
    from datetime import timedelta

    from manamitra import clock

    for _ in range(3):
        assert console.login("officer.guntur", "wrong-password") == 401
    assert console.login("officer.guntur", "wrong-password") == 401  # 4th: counted, then a wait
    page = console.client.get("/console/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    refused = console.client.post(
        "/console/login",
        data={"username": "officer.guntur", "password": "correct-horse-9", "csrf_token": token},
        follow_redirects=False,
    )
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "2"
    assert "Please wait 2 seconds" in refused.text
    assert "not locked" in refused.text
    clock.advance(timedelta(seconds=3))
    try:
        assert console.login("officer.guntur") == 303  # the right password, after the wait
    finally:
        clock.reset()


def test_password_spraying_across_usernames_is_throttled_per_address(console: Console) -> None:
    sprayer = console.from_elsewhere("198.51.100.7")
    codes = [sprayer.login(f"user{i}", "Summer2026!") for i in range(40)]
    assert codes[:10] == [401] * 10
    assert codes.count(429) >= 25
    assert console.login("officer.guntur") == 303  # other addresses are untouched


def test_every_failed_sign_in_is_audited_with_its_address(console: Console) -> None:
    stranger = console.from_elsewhere("203.0.113.10")
    for _ in range(5):
        stranger.login("officer.guntur", "guess-number-y")
    with console.database.unit_of_work() as db:
        rows = db.scalars(
            select(AuditEntry).where(AuditEntry.action.like("login_%")).order_by(AuditEntry.id)
        ).all()
        actions = [row.action for row in rows]
        assert len(rows) == 5
        assert set(actions) <= {"login_bad_credentials", "login_throttled"}
        assert "login_throttled" in actions
        assert all(row.detail["address"] == "203.0.113.10" for row in rows)


def test_session_cookie_is_secure_when_served_over_https(console: Console) -> None:
    over_https = console.from_elsewhere("192.0.2.4", base_url="https://console.example")
    page = over_https.client.get("/console/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert "secure" in page.headers["set-cookie"].lower()
    response = over_https.client.post(
        "/console/login",
        data={"username": "officer.guntur", "password": "correct-horse-9", "csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303
    session_cookie = next(
        c for c in response.headers.get_list("set-cookie") if c.startswith("mm_console=")
    )
    assert "secure" in session_cookie.lower()
    plain = console.client.get("/console/login")
    assert "secure" not in plain.headers["set-cookie"].lower()


def test_login_without_the_form_token_is_refused(console: Console) -> None:
    console.client.get("/console/login")
    response = console.client.post(
        "/console/login", data={"username": "officer.guntur", "password": "correct-horse-9"}
    )
    assert response.status_code == 403


def test_officer_sees_own_district_and_gets_403_elsewhere(console: Console) -> None:
    assert console.login("officer.guntur") == 303
    assert console.number in console.client.get("/console/inbox").text
    console.client.cookies.clear()
    assert console.login("officer.ntr") == 303
    assert console.number not in console.client.get("/console/inbox").text
    response = console.client.get(f"/console/cases/grievance/{console.number}")
    assert response.status_code == 403
    assert console.client.get("/console/media/media/photo-1").status_code == 403


def test_forged_form_without_csrf_token_is_refused(console: Console) -> None:
    console.login("officer.guntur")
    response = console.client.post(
        f"/console/cases/grievance/{console.number}/action",
        data={"action": "resolve", "note": "forged"},
    )
    assert response.status_code == 403
    assert console.grievance().state == "submitted"


def test_officer_resolves_and_the_citizen_is_told(console: Console) -> None:
    console.login("officer.guntur")
    path = f"/console/cases/grievance/{console.number}"
    page = console.client.get(path)
    assert page.status_code == 200 and "Street light off" in page.text
    assert console.client.get("/console/media/media/photo-1").content == b"png"
    token = console.csrf(path)
    for action, note in (("assign_me", ""), ("start", ""), ("resolve", "Bulb replaced")):
        response = console.client.post(
            f"{path}/action",
            data={"action": action, "note": note, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
    row = console.grievance()
    assert row.state == "resolved" and row.resolution_note == "Bulb replaced"
    assert row.assigned_to == "officer.guntur"
    with console.database.unit_of_work() as db:
        sent = db.scalars(select(OutboundMessage).where(OutboundMessage.citizen == row.citizen))
        kinds = [m.kind for m in sent]
        actions = [e.action for e in db.scalars(select(AuditEntry).order_by(AuditEntry.id))]
        assert audit.verify_chain(db) is None
    # No message from the citizen in 24 hours: every update went as an approved template.
    assert kinds == ["template", "template", "template"]
    assert actions[-3:] == ["assign_me", "start", "resolve"]


def test_resolving_needs_a_note(console: Console) -> None:
    console.login("officer.guntur")
    path = f"/console/cases/grievance/{console.number}"
    token = console.csrf(path)
    console.client.post(f"{path}/action", data={"action": "start", "csrf_token": token})
    response = console.client.post(
        f"{path}/action", data={"action": "resolve", "note": "", "csrf_token": token}
    )
    assert response.status_code == 409


def test_audit_chain_reveals_an_edit_made_behind_the_console(console: Console) -> None:
    console.login("admin.state")
    console.client.get("/console/export.csv")
    with console.database.unit_of_work() as db:
        assert audit.verify_chain(db) is None
        first = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id))
        db.execute(update(AuditEntry).where(AuditEntry.id == first).values(actor="someone"))
    with console.database.unit_of_work() as db:
        assert audit.verify_chain(db) == first
    assert "broken" in console.client.get("/console/audit").text


def test_supervisor_reassigns_and_escalates_in_bulk(console: Console) -> None:
    console.login("supervisor.guntur")
    token = console.csrf("/console/inbox")
    response = console.client.post(
        "/console/bulk",
        data={
            "action": "reassign",
            "assignee": "officer.guntur",
            "csrf_token": token,
            "refs": [f"grievance:{console.number}"],
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert console.grievance().assigned_to == "officer.guntur"
    console.client.post(
        "/console/bulk",
        data={"action": "escalate", "csrf_token": token, "refs": [f"grievance:{console.number}"]},
    )
    row = console.grievance()
    assert row.office_id == "municipal.guntur" and row.level == 1
    assert console.number in console.client.get("/console/escalations").text


def test_plain_officer_cannot_use_bulk_actions(console: Console) -> None:
    console.login("officer.guntur")
    token = console.csrf("/console/inbox")
    response = console.client.post(
        "/console/bulk",
        data={"action": "escalate", "csrf_token": token, "refs": [f"grievance:{console.number}"]},
    )
    assert response.status_code == 403


def test_dashboard_export_and_telugu_inbox(console: Console) -> None:
    console.login("officer.guntur")
    board = console.client.get("/console/dashboard")
    assert board.status_code == 200 and "<svg" in board.text
    csv_text = console.client.get("/console/export.csv").text
    assert console.number in csv_text.splitlines()[1]
    telugu = console.client.get("/console/inbox?lang=te").text
    assert "ఇన్‌బాక్స్" in telugu and "వీధి దీపాలు" in telugu
    filtered = console.client.get("/console/inbox?sla=breached", headers={"X-Partial": "1"})
    assert console.number not in filtered.text and "<html" not in filtered.text


def test_dashboard_narrows_to_one_office(console: Console) -> None:
    console.login("supervisor.guntur")
    tenali = console.client.get("/console/dashboard?office=municipal.guntur.tenali").text
    assert "Open cases<b>1</b>" in tenali
    other = console.client.get("/console/dashboard?office=municipal.guntur.mangalagiri").text
    assert "Open cases<b>0</b>" in other
    outside = console.client.get("/console/dashboard?office=municipal.ntr").text
    assert "Open cases<b>1</b>" in outside  # not in scope: the whole jurisdiction instead


def test_session_expires_after_eight_hours(console: Console) -> None:
    from datetime import timedelta

    from manamitra import clock

    console.login("officer.guntur")
    assert console.client.get("/console/inbox", follow_redirects=False).status_code == 200
    clock.advance(timedelta(hours=8, minutes=1))
    response = console.client.get("/console/inbox", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/login"


def test_console_words_exist_in_both_languages() -> None:
    from manamitra.console.page import labels

    def keys(node: object, prefix: str = "") -> set[str]:
        if isinstance(node, dict):
            return {k for key, value in node.items() for k in keys(value, f"{prefix}{key}.")}
        return {prefix}

    words = labels()
    assert keys(words["en"]) == keys(words["te"])
    assert words["te"]["event"]["escalated"] != words["en"]["event"]["escalated"]


def test_sla_filter_finds_cases_beyond_the_first_pages(console: Console) -> None:
    """The filter runs in the query: a queue of many overdue cases still shows the one case
    on time (it used to be looked for only among the first 200 rows)."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from manamitra import clock
    from manamitra.console.display import Names
    from manamitra.console.page import labels
    from manamitra.console.queries import Filters, inbox
    from manamitra.store.models.console import Officer
    from manamitra.store.models.grievances import Grievance

    with console.database.unit_of_work() as db:
        late = [street_light_complaint(db, f"9198765{i:05d}").number for i in range(210)]
    with console.database.unit_of_work() as db:
        db.execute(
            update(Grievance)
            .where(Grievance.number.in_(late))
            .values(step_due_at=clock.now() - timedelta(days=3))
        )
    with console.database.unit_of_work() as db:
        officer = db.scalars(select(Officer).where(Officer.username == "officer.guntur")).one()
        statuses = {
            sla: [
                row.reference
                for row in inbox(
                    db, officer, Filters(sla=sla), Names(db, None, "en", labels()["en"])
                )
            ]
            for sla in ("on_time", "breached", "due_soon", "done")
        }
    assert statuses["on_time"] == [console.number]
    assert len(statuses["breached"]) == 50 and console.number not in statuses["breached"]
    assert statuses["due_soon"] == [] and statuses["done"] == []
