"""Ratings of every service from 1 to 10: the one list message that asks, the parsing of what a
citizen types instead, and the one function that stores a rating (never twice per case)."""

from manamitra.ratings.answer import ask_rating
from manamitra.ratings.prompt import parse_choice, prompt_unless_rated, rating_prompt
from manamitra.ratings.record import add_comment, already_rated, record_rating
from manamitra.ratings.scale import SCALE, average_on_ten, on_ten, parse_score, shown

__all__ = [
    "SCALE",
    "add_comment",
    "already_rated",
    "ask_rating",
    "average_on_ten",
    "on_ten",
    "parse_choice",
    "parse_score",
    "prompt_unless_rated",
    "rating_prompt",
    "record_rating",
    "shown",
]
