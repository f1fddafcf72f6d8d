"""A whole conversation in Telugu and one in English, through the simulator API: signed
webhooks into the platform, Graph API calls out to the emulator."""

from __future__ import annotations

from pathlib import Path

from manamitra.catalog.schema import CATEGORIES
from manamitra.messaging.i18n import t
from tests.support.live import live_server
from tests.support.phone import Phone, body_text, choice_ids


def test_a_telugu_conversation_from_hi_to_an_answer_with_every_global_word(
    tmp_path: Path,
) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        phone = Phone(client, "919700000201", "లక్ష్మి")
        first = phone.say("నమస్కారం")
        assert choice_ids(first[-1]) == ["lang:te", "lang:en"]

        replies = phone.tap("lang:te")
        assert body_text(replies[0]) == t("te", "language_set")
        menu = replies[-1]
        assert choice_ids(menu)[: len(CATEGORIES)] == [f"cat:{c}" for c in CATEGORIES]
        assert body_text(menu) == t("te", "main_menu.body")

        departments = phone.tap("cat:other")
        assert "dept:other:rtgs" in choice_ids(departments[-1]) or any(
            "dept:other:" in i for i in choice_ids(departments[-1])
        )
        back = phone.say("వెనుకకు")
        assert choice_ids(back[-1])[: len(CATEGORIES)] == [f"cat:{c}" for c in CATEGORIES]

        # "సచివాలయం పని వేళలు" would open the form with the Sachivalayam already chosen
        found = phone.say("కార్యాలయ పని వేళలు")
        assert "svc:rtgs.office_hours" in choice_ids(found[-1])
        service = phone.tap("svc:rtgs.office_hours", found)
        assert body_text(service[-1]).endswith("ఏ కార్యాలయం?")
        wrong = phone.say("అరటిపండు")
        assert body_text(wrong[0]) == t("te", "errors.choice_invalid")
        assert body_text(wrong[-1]).endswith("ఏ కార్యాలయం?")
        helped = phone.say("సహాయం")
        assert body_text(helped[0]) == t("te", "help")
        answer = phone.tap("opt:mro", wrong)
        assert any("తహసీల్దార్" in body_text(b) for b in answer)
        assert choice_ids(answer[-1]) == ["nav:menu", "nav:status"]

        status = phone.say("స్థితి")
        assert body_text(status[0]) == t("te", "status.none")
        cancelled = phone.say("రద్దు")
        assert body_text(cancelled[0]) == t("te", "nothing_to_cancel")


def test_an_english_conversation_finds_a_service_by_typing(tmp_path: Path) -> None:
    with live_server(tmp_path) as server, server.client() as client:
        phone = Phone(client, "919700000202", "Ravi")
        phone.say("Hi")
        phone.tap("lang:en")
        found = phone.say("income certificate")
        assert choice_ids(found[-1])[0] == "svc:revenue.income_certificate"
        started = phone.tap("svc:revenue.income_certificate", found)
        assert "Income certificate" in body_text(started[0])
        menu = phone.say("menu")
        assert body_text(menu[-1]) == t("en", "main_menu.body")
