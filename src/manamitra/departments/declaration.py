"""A department's API described in data (`declared/*.yaml`), validated with pydantic on load.

One YAML document per department system::

    declaration_version: 1
    id: civil_supplies
    name: {en: Civil Supplies (ePDS), te: పౌర సరఫరాల శాఖ (ఈ-పీడీఎస్)}
    base_url: https://epds.example.ap.gov.in/api/v2
    auth: {type: api_key, header: X-Api-Key, key: MM_DEPT_CIVIL_SUPPLIES_KEY}
    timeout_seconds: 5
    retries: {attempts: 3, backoff_seconds: 0.2}
    circuit: {failures: 5, open_seconds: 30}
    operations:
      - source: ration_card            # the `source:` a lookup or download spec names
        method: GET
        path: /cards/{identifier}
        query: {mobile: "{answers.mobile}"}
        response:
          root: card
          facts:
            holder: {en: holderName, te: holderNameTe}
            mobile: mobileNumber
            issued_on: {path: issuedOn, type: date}
            status: {path: status, values: {A: {en: Active, te: అమలులో ఉంది}}}
          rows: {path: members, fields: {name: {en: name, te: nameTe}, age: age}}
        errors:
          - {status: 404, means: not_found}
          - {status: 423, means: refused, message: {en: "...", te: "..."}}
        examples: ["2810453712"]

Auth names environment variables, never secrets: `api_key` (a header), `oauth2_client_credentials`
(a token endpoint, client id and secret, optional scope) or `mutual_tls` (client certificate,
key and the department's CA, as file paths). The sandbox answers with fixed credentials of its
own (`sandbox_credentials`).
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from manamitra.yamlio import load_yaml

DECLARATION_VERSION = 1
DECLARED_DIR = Path(__file__).parent / "declared"
ENV_NAME = r"^MM_[A-Z0-9_]+$"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Frozen):
    en: str = Field(min_length=1)
    te: str = Field(min_length=1)


class NoAuth(_Frozen):
    type: Literal["none"]


class ApiKeyAuth(_Frozen):
    type: Literal["api_key"]
    header: str = "X-Api-Key"
    key: str = Field(pattern=ENV_NAME, description="environment variable holding the key")


class OAuth2Auth(_Frozen):
    type: Literal["oauth2_client_credentials"]
    token_path: str = Field(pattern=r"^(/|https://)")
    client_id: str = Field(pattern=ENV_NAME)
    client_secret: str = Field(pattern=ENV_NAME)
    scope: str | None = None


class MutualTlsAuth(_Frozen):
    type: Literal["mutual_tls"]
    cert: str = Field(pattern=ENV_NAME, description="variable naming the client certificate")
    key: str = Field(pattern=ENV_NAME)
    ca: str = Field(pattern=ENV_NAME, description="variable naming the department's CA file")


Auth = Annotated[NoAuth | ApiKeyAuth | OAuth2Auth | MutualTlsAuth, Field(discriminator="type")]


class Retries(_Frozen):
    attempts: int = Field(default=3, ge=1, le=10)
    backoff_seconds: float = Field(default=0.2, ge=0, le=30)


class Circuit(_Frozen):
    failures: int = Field(default=5, ge=1, le=100)
    open_seconds: float = Field(default=30, gt=0, le=3600)


class FactMap(_Frozen):
    """Where one fact is in the answer: a path, or English and Telugu paths; a type; a table of
    coded values."""

    path: str | None = None
    en: str | None = None
    te: str | None = None
    type: Literal["text", "date", "number"] = "text"
    values: dict[str, Text] = {}

    @model_validator(mode="after")
    def _one_source(self) -> FactMap:
        if (self.path is None) == (self.en is None and self.te is None):
            raise ValueError("give either `path` or both `en` and `te` paths")
        if (self.en is None) != (self.te is None):
            raise ValueError("a localised fact needs both `en` and `te` paths")
        return self

    @property
    def paths(self) -> tuple[str, ...]:
        return (self.path,) if self.path else (str(self.en), str(self.te))


def _fact(value: Any) -> Any:
    return {"path": value} if isinstance(value, str) else value


class RowsMap(_Frozen):
    path: str
    fields: dict[str, FactMap]

    @field_validator("fields", mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {k: _fact(v) for k, v in (value or {}).items()}


class ResponseMap(_Frozen):
    """`facts` maps each fact; `facts_at`/`rows_at` instead take every fact and row as sent
    (the platform's own record protocol, `departments/http.py`)."""

    root: str | None = None
    facts: dict[str, FactMap] = {}
    rows: RowsMap | None = None
    facts_at: str | None = None
    rows_at: str | None = None

    @field_validator("facts", mode="before")
    @classmethod
    def _short(cls, value: Any) -> Any:
        return {k: _fact(v) for k, v in (value or {}).items()}

    @model_validator(mode="after")
    def _facts_somewhere(self) -> ResponseMap:
        if not self.facts and self.facts_at is None:
            raise ValueError("map at least one fact (`facts`)")
        return self


class ErrorRule(_Frozen):
    """What an answer other than 200 means: no such record, the department refusing with a
    message for the citizen, or the department being unavailable (retried, counted)."""

    status: int = Field(ge=400, le=599)
    code: str | None = None
    code_path: str | None = None
    means: Literal["not_found", "refused", "unavailable"]
    message: Text | None = None

    @model_validator(mode="after")
    def _refusal_has_message(self) -> ErrorRule:
        if self.means == "refused" and self.message is None:
            raise ValueError("a refusal needs a `message` in Telugu and English")
        if self.code is not None and self.code_path is None:
            raise ValueError("`code` needs `code_path`: where the answer carries its code")
        return self


PLACEHOLDER = re.compile(r"^(identifier|answers\.[a-z][a-z0-9_]*)$")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


class Operation(_Frozen):
    source: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    role: Literal["lookup", "document", "both"] = "both"
    method: Literal["GET", "POST"] = "GET"
    path: str = Field(pattern=r"^/")
    query: dict[str, str] = {}
    body: dict[str, str] = {}
    response: ResponseMap
    errors: tuple[ErrorRule, ...] = (ErrorRule(status=404, means="not_found"),)
    examples: tuple[str, ...] = ()
    timeout_seconds: float | None = Field(default=None, gt=0, le=120)

    @model_validator(mode="after")
    def _templates(self) -> Operation:
        for where, template in (
            ("path", self.path),
            *((f"query.{k}", v) for k, v in self.query.items()),
            *((f"body.{k}", v) for k, v in self.body.items()),
        ):
            for name in placeholders(template):
                if not PLACEHOLDER.match(name):
                    raise ValueError(
                        f"{where}: {{{name}}} is neither {{identifier}} nor {{answers.STEP}}"
                    )
        if self.body and self.method == "GET":
            raise ValueError("a GET operation has no `body`; use `query`")
        return self

    def answers_used(self) -> set[str]:
        names: set[str] = set()
        for template in (self.path, *self.query.values(), *self.body.values()):
            names |= {n.removeprefix("answers.") for n in placeholders(template)}
        names.discard("identifier")
        return names


class Declaration(_Frozen):
    declaration_version: int = DECLARATION_VERSION
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: Text
    base_url: str = Field(pattern=r"^https?://")
    auth: Auth
    timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    retries: Retries = Retries()
    circuit: Circuit = Circuit()
    probe: str | None = Field(default=None, pattern=r"^/")
    operations: tuple[Operation, ...] = Field(min_length=1)

    @field_validator("declaration_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > DECLARATION_VERSION:
            raise ValueError(
                f"declaration_version {value} is newer than this platform's {DECLARATION_VERSION}"
            )
        return value

    @model_validator(mode="after")
    def _registers_once(self) -> Declaration:
        seen: set[str] = set()
        for operation in self.operations:
            if operation.source in seen:
                raise ValueError(f"operations: register {operation.source!r} declared twice")
            seen.add(operation.source)
        return self

    def operation(self, register: str) -> Operation | None:
        return next((op for op in self.operations if op.source == register), None)

    @property
    def env_prefix(self) -> str:
        return f"MM_DEPT_{self.id.upper()}"


class DeclarationError(ValueError):
    """A declaration that does not validate; the message names the file and the field."""


def load_declaration(path: Path) -> Declaration:
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
        declaration = Declaration.model_validate(data)
    except (ValueError, yaml.YAMLError) as exc:  # pydantic's ValidationError is a ValueError
        raise DeclarationError(f"{path.name}: {exc}") from exc
    if declaration.id != path.stem:
        raise DeclarationError(f"{path.name}: id {declaration.id!r} must match the file name")
    return declaration


def load_declarations(directory: Path = DECLARED_DIR) -> dict[str, Declaration]:
    """Every declaration in `directory`, by id; a register answered by two departments is an
    error, since a spec's `source:` must lead to one system."""
    found: dict[str, Declaration] = {}
    owner: dict[str, str] = {}
    for path in sorted(directory.glob("*.yaml")):
        declaration = load_declaration(path)
        for operation in declaration.operations:
            if operation.source in owner:
                raise DeclarationError(
                    f"{path.name}: register {operation.source!r} is already declared by "
                    f"{owner[operation.source]}"
                )
            owner[operation.source] = declaration.id
        found[declaration.id] = declaration
    return found
