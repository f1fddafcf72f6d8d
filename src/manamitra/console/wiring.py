"""The runtime the console's routers share: its database and catalog, and the two request
dependencies every page uses (a unit of work, and the signed-in officer's `Context`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from manamitra.console import auth
from manamitra.console.page import SESSION_COOKIE, Context, Redirect
from manamitra.runtime import Runtime


@dataclass(frozen=True)
class Wiring:
    runtime: Runtime
    db_session: Callable[[], Iterator[Session]]
    signed_in: Callable[..., Context]


def wire(runtime: Runtime) -> Wiring:
    database = runtime.database

    def db_session() -> Iterator[Session]:
        with database.unit_of_work() as db:
            yield db

    def signed_in(request: Request, db: Session = Depends(db_session)) -> Context:
        found = auth.load_session(db, request.cookies.get(SESSION_COOKIE))
        if found is None:
            raise Redirect("/console/login")
        return Context(request, db, *found, catalog=runtime.parts.catalog)

    return Wiring(runtime, db_session, signed_in)
