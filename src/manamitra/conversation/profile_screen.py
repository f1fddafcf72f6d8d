""" "My details" and "My documents" in the chat: the verified facts with where each came from
(sensitive ones masked), the consent to pre-fill (withdrawn or given again with one tap), the
certificates issued, and a correction of a fact sent to the department that verified it."""

from __future__ import annotations

from sqlalchemy import select

from manamitra import profile
from manamitra.conversation.turn import Turn, set_screen, show_menu
from manamitra.formatting import date_numeric
from manamitra.messaging.limits import MAX_BUTTON_TITLE, MAX_ROW_DESCRIPTION, MAX_ROW_TITLE, clip
from manamitra.messaging.paging import choices_message
from manamitra.messaging.reply import Buttons, Choice, Document, Text
from manamitra.parts import Parts
from manamitra.profile.show import fact_lines, label, source_text, t
from manamitra.store.models.applications import Application

FIX_SCREEN = "profile_fix"
MAX_DOCUMENTS = 10
MAX_BODY = 4096


class ProfileScreen:
    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        self.catalog = parts.catalog

    def choice(self, turn: Turn, rest: str) -> None:
        """A "prof:…" tap, from the menu or the buttons under My details."""
        action, _, key = rest.partition(":")
        handlers = {
            "details": self.details,
            "docs": self.documents,
            "fix": self.correct,
            "withdraw": self.withdraw,
            "allow": self.allow,
        }
        if action == "fix" and key:
            self.correct_fact(turn, key)
            return
        handlers.get(action, self.details)(turn)

    # ---- my details --------------------------------------------------------------------
    def _facts(self, turn: Turn) -> dict[str, profile.Fact]:
        return profile.profile_facts(
            turn.db, turn.convo.citizen, self.catalog, self.parts.departments, turn.lang
        )

    def details(self, turn: Turn) -> None:
        lang, citizen = turn.lang, turn.convo.citizen
        set_screen(turn, "menu")
        facts = self._facts(turn)
        parts = [t(lang, "details_title")]
        parts.append(fact_lines(list(facts.values()), lang) if facts else t(lang, "details_none"))
        decision = profile.current(turn.db, citizen, profile.PREFILL)
        if decision is not None and decision.granted:
            parts.append(t(lang, "consent_on", date=date_numeric(decision.at)))
            toggle = Choice(id="prof:withdraw", title=clip(t(lang, "withdraw"), MAX_BUTTON_TITLE))
        else:
            parts.append(t(lang, "consent_off"))
            toggle = Choice(id="prof:allow", title=clip(t(lang, "allow_again"), MAX_BUTTON_TITLE))
        pending = profile.open_corrections(turn.db, citizen)
        if pending:
            parts.append(t(lang, "corrections_open", numbers=", ".join(c.number for c in pending)))
        choices = [Choice(id="prof:docs", title=clip(t(lang, "my_documents"), MAX_BUTTON_TITLE))]
        if facts:
            choices.append(Choice(id="prof:fix", title=clip(t(lang, "correct"), MAX_BUTTON_TITLE)))
        choices.append(toggle)
        turn.say(Buttons(body=clip("\n\n".join(parts), 1024), choices=tuple(choices)))

    def withdraw(self, turn: Turn) -> None:
        self._decide(turn, "withdrawn")
        turn.say(Text(t(turn.lang, "withdrawn")))
        show_menu(turn, self.catalog)

    def allow(self, turn: Turn) -> None:
        self._decide(turn, "given")
        turn.say(Text(t(turn.lang, "given")))
        show_menu(turn, self.catalog)

    def _decide(self, turn: Turn, action: str) -> None:
        profile.decide(
            turn.db,
            turn.convo.citizen,
            profile.PREFILL,
            action,
            source=f"whatsapp:{turn.inbound.message_id}",
            lang=turn.lang,
        )

    # ---- my documents ------------------------------------------------------------------
    def documents(self, turn: Turn) -> None:
        lang = turn.lang
        rows = turn.db.scalars(
            select(Application)
            .where(
                Application.citizen == turn.convo.citizen,
                Application.certificate_media_key.is_not(None),
            )
            .order_by(Application.decided_at.desc())
            .limit(MAX_DOCUMENTS)
        ).all()
        if not rows:
            turn.say(Text(t(lang, "documents_none")))
            show_menu(turn, self.catalog)
            return
        turn.say(Text(t(lang, "documents_sent", count=len(rows))))
        for row in rows:
            title = (row.title or {}).get(lang) or (row.title or {}).get("en", "")
            number = row.certificate_number or row.number
            turn.say(
                Document(
                    media_key=str(row.certificate_media_key),
                    filename=f"{number}.pdf",
                    caption=t(lang, "document_caption", title=title, number=number),
                )
            )
        show_menu(turn, self.catalog)

    # ---- correcting a fact -------------------------------------------------------------
    def correct(self, turn: Turn) -> None:
        lang = turn.lang
        facts = self._facts(turn)
        if not facts:
            turn.say(Text(t(lang, "nothing_to_correct")))
            show_menu(turn, self.catalog)
            return
        choices = [
            Choice(
                id=f"prof:fix:{fact.key}",
                title=clip(label(fact, lang), MAX_ROW_TITLE),
                description=clip(source_text(fact.source, lang), MAX_ROW_DESCRIPTION),
            )
            for fact in facts.values()
        ]
        turn.say(choices_message(t(lang, "choose_fact"), choices, lang, prefer_buttons=False))

    def _office(self, department: str | None, lang: str) -> str:
        spec = self.catalog.departments.get(department or "")
        return spec.name.get(lang) if spec is not None else (department or "-")

    def correct_fact(self, turn: Turn, key: str) -> None:
        fact = self._facts(turn).get(key)
        if fact is None:
            self.details(turn)
            return
        set_screen(turn, FIX_SCREEN, fact=key)
        office = self._office(fact.source.department, turn.lang)
        turn.say(Text(t(turn.lang, "type_value", label=label(fact, turn.lang), office=office)))

    def fix_turn(self, turn: Turn) -> None:
        """The corrected value typed after choosing the fact."""
        key = str(turn.state.get("params", {}).get("fact", ""))
        fact = self._facts(turn).get(key)
        inbound = turn.inbound
        if fact is None:
            show_menu(turn, self.catalog)
            return
        if inbound.kind != "text" or not (inbound.text or "").strip():
            turn.say(Text(t(turn.lang, "value_expected")))
            return
        cipher = self.parts.privacy
        # an Aadhaar number reaches us masked; the number as typed travels sealed beside it
        typed = cipher.open_message(inbound.sealed) if inbound.sealed else inbound.text or ""
        row = profile.request_correction(turn.db, cipher, turn.convo.citizen, fact, typed)
        office = self._office(row.department, turn.lang)
        turn.say(Text(t(turn.lang, "correction_sent", number=row.number, office=office)))
        show_menu(turn, self.catalog)
