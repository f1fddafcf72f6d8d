"""Understanding free text: intents, services, slots and catalogue answers from what a citizen
types in Telugu, English or romanised Telugu, and typed answers matched to a step's options.

The public surface: `understand` (a message → `Understanding`), `answer_step` (a typed answer
→ the value a choice or date step stores), `answer` (a question's catalogue answer) and the
optional model adapter `ChatModel`.
"""

from manamitra.understanding.answers import answer
from manamitra.understanding.engine import understand
from manamitra.understanding.result import Understanding

__all__ = ["Understanding", "answer", "understand"]
