"""A rating tapped in the chat, on whatever screen it arrives, and the optional comment after it.

The rating list comes with the certificate, the receipt, the ticket or the grievance's
closing, outside any screen, so its rows are understood everywhere. Inside a form the rating
is thanked and the form's question asked again; elsewhere the next text is taken as the
comment, and anything else (a tap, a menu word) goes on as usual.
"""

from __future__ import annotations

from manamitra.catalog.loader import Catalog
from manamitra.conversation.turn import Turn, set_screen, show_menu
from manamitra.messaging.reply import Buttons, Text
from manamitra.ratings import add_comment
from manamitra.ratings.answer import take_tap
from manamitra.ratings.prompt import t

COMMENT_SCREEN = "rating_comment"


class RatingScreen:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def tap(self, turn: Turn, choice_id: str, *, in_flow: bool) -> None:
        taken = take_tap(turn.db, turn.convo.citizen, turn.lang, choice_id)
        if in_flow or taken.comment_for is None:
            turn.say(*(r for r in taken.replies if not isinstance(r, Buttons)))
            return
        turn.say(*taken.replies)
        set_screen(turn, COMMENT_SCREEN, kind=taken.comment_for[0], ref=taken.comment_for[1])

    def skip(self, turn: Turn) -> None:
        show_menu(turn, self.catalog)

    def comment_turn(self, turn: Turn) -> bool:
        """Take the comment; False when the message is something else to handle as usual."""
        params = turn.state.get("params", {})
        turn.state["screen"] = "menu"
        inbound = turn.inbound
        text = (inbound.text or "").strip() if inbound.kind == "text" else ""
        if not text:
            return False
        add_comment(
            turn.db, str(params.get("kind")), str(params.get("ref")), turn.convo.citizen, text
        )
        turn.say(Text(t(turn.lang, "comment_thanks")))
        show_menu(turn, self.catalog)
        return True
