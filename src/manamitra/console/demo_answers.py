"""The answers a seeded demo application carries: exactly the steps its own service asks
(conditions honoured), each in the form the chat would have stored it — amounts in paise,
dates as ISO text, choices by option id, places by gazetteer id, Aadhaar sealed."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from manamitra.catalog.schema import ServiceSpec, StepSpec
from manamitra.privacy import verhoeff_digit

FATHERS = ("Venkateswara Rao", "Subba Rao", "Narasimha Murthy", "Ramesh Babu", "Mohammed Yusuf")
MOTHERS = ("Lakshmi", "Padmavathi", "Sarojini", "Mary", "Fatima")
CHILDREN = {
    "Sai Charan": "male",
    "Harika": "female",
    "Vamsi Krishna": "male",
    "Deepika": "female",
    "Arjun": "male",
}
CASTES = ("Kapu", "Gouda", "Mala", "Yadava", "Reddy", "Kamma", "Madiga")


@dataclass(frozen=True)
class Applicant:
    name: str
    citizen: str
    district: str
    mandal: str
    village: str | None


def demo_aadhaar(rng: random.Random) -> str:
    """A made-up number that passes the Verhoeff check, as the chat would insist."""
    body = str(rng.randrange(2, 10)) + "".join(str(rng.randrange(10)) for _ in range(10))
    return body + verhoeff_digit(body)


def _date_of_birth(step: StepSpec, rng: random.Random, today: date) -> str:
    asked = step.prompt.en.lower() if step.prompt is not None else ""
    if "child" in asked:
        return (today - timedelta(days=rng.randrange(20, 360))).isoformat()
    return (today - timedelta(days=rng.randrange(18 * 365, 60 * 365))).isoformat()


def answers_for(
    spec: ServiceSpec,
    rng: random.Random,
    applicant: Applicant,
    *,
    today: date,
    seal_aadhaar: Callable[[str], dict[str, str]],
    upload: Callable[[StepSpec], dict[str, Any]],
    seal_text: Callable[[str], dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Answers to every step `spec` asks; a step marked `sealed` (a caste) sealed as the chat
    seals it, when `seal_text` is given."""
    answers: dict[str, Any] = {}
    for step in spec.steps:
        if step.when is not None and not step.when.holds(answers):
            continue
        value = _answer(step, rng, applicant, today, seal_aadhaar, upload)
        if step.id == "gender" and answers.get("child_name") in CHILDREN:
            value = CHILDREN[answers["child_name"]]
        if value is not None and seal_text is not None and step.params.get("sealed"):
            value = seal_text(str(value))
        if value is not None:
            answers[step.id] = value
    return answers


def _answer(
    step: StepSpec,
    rng: random.Random,
    applicant: Applicant,
    today: date,
    seal_aadhaar: Callable[[str], dict[str, str]],
    upload: Callable[[StepSpec], dict[str, Any]],
) -> Any:
    kind = step.type
    if kind == "name":
        names = {"father_name": FATHERS, "mother_name": MOTHERS, "child_name": tuple(CHILDREN)}
        return rng.choice(names[step.id]) if step.id in names else applicant.name
    if kind == "text":
        return rng.choice(CASTES) if step.id == "caste" else "—"
    if kind == "mobile":
        return applicant.citizen[-10:]
    if kind == "aadhaar":
        return seal_aadhaar(demo_aadhaar(rng))
    if kind == "amount":
        return rng.randrange(40, 250) * 1000 * 100  # whole thousands of rupees, in paise
    if kind == "number":
        low, high = int(step.params.get("min", 1)), int(step.params.get("max", 100))
        return rng.randint(low, min(high, max(low, 500)))
    if kind == "yes_no":
        return rng.random() < 0.4
    if kind == "consent":
        return True
    if kind == "date":
        return _date_of_birth(step, rng, today)
    if kind == "choice" and step.options:
        return rng.choice(step.options).id
    places = {"district": applicant.district, "mandal": applicant.mandal}
    if kind in places:
        return places[kind]
    if kind == "village":
        return applicant.village
    if kind == "upload":
        return upload(step)
    return None
