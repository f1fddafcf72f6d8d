"""What a voice reply says: the turn's texts as shown, the last message's choices read as
"say one for …", numbers digit by digit, no markup; nothing the chat does not show."""

from __future__ import annotations

from manamitra.conversation.voice import spoken_text
from manamitra.messaging.reply import Buttons, Choice, Document, ListMenu, Section, Text


def test_a_list_is_read_as_say_one_for_in_telugu() -> None:
    replies = [
        Text("మీరు చెప్పింది: “కరెంటు బిల్లు”"),
        ListMenu(
            body="సరిపోయే సేవలు:",
            button="ఎంచుకోండి",
            sections=(
                Section(
                    title="సేవలు",
                    rows=(Choice("svc:a", "కరెంటు బిల్లు"), Choice("svc:b", "పేరు మార్పు")),
                ),
            ),
        ),
    ]
    assert spoken_text(replies, "te") == (
        "మీరు చెప్పింది: “కరెంటు బిల్లు” సరిపోయే సేవలు: "
        "కరెంటు బిల్లు కోసం ఒకటి అని చెప్పండి. పేరు మార్పు కోసం రెండు అని చెప్పండి."
    )


def test_only_the_last_messages_choices_are_numbered_and_markup_and_numbers_are_spoken() -> None:
    replies = [
        Buttons(body="Leave?", choices=(Choice("leave:yes", "Yes"), Choice("leave:no", "No"))),
        Text("Type the *service number*:\n_for example 3341608002234_"),
        Document(media_key="k", filename="receipt.pdf", caption="Receipt REV-2026-000123"),
        Buttons(body="Submit?", choices=(Choice("flow:submit", "Submit"), Choice("x", "Edit"))),
    ]
    assert spoken_text(replies, "en") == (
        "Leave? Type the service number: for example 3 3 4 1 6 0 8 0 0 2 2 3 4 "
        "Receipt REV-2026-0 0 0 1 2 3 Submit? Say one for Submit. Say two for Edit."
    )
