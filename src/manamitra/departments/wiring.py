"""The department systems a process uses, built once by the composition root: the declared
departments (live over their API, or their sandbox stand-ins), the rest of the registers on the
embedded reference systems, and the health board every declared department reports to.

    wired = wire_departments(live={"civil_supplies"}, env=os.environ, stand_ins=demo)
    services["departments"] = wired.systems
    services["department_health"] = wired.health      # read through `department_health()`
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from manamitra.departments.auth import Credentials, credentials_from_env, sandbox_credentials
from manamitra.departments.base import DepartmentSystems, RoutedSystems
from manamitra.departments.declaration import Declaration, MutualTlsAuth, load_declarations
from manamitra.departments.declared import DeclaredDepartment
from manamitra.departments.fixtures import FixtureServer
from manamitra.departments.health import DepartmentHealth, HealthBoard
from manamitra.departments.reference import embedded_systems

HEALTH_KEY = "department_health"
# serves a fixture server behind mutual TLS: (its URL, our client credentials, how to stop it)
TlsStandIn = Callable[[FixtureServer, MutualTlsAuth], tuple[str, Credentials, Callable[[], None]]]
STAND_INS_KEY = "department_stand_ins"


@dataclass
class WiredDepartments:
    systems: DepartmentSystems
    health: HealthBoard
    declarations: dict[str, Declaration]
    engines: dict[str, DeclaredDepartment] = field(default_factory=dict)
    stand_ins: dict[str, FixtureServer] = field(default_factory=dict)
    closers: list[Callable[[], None]] = field(default_factory=list)

    def install(self, services: dict[str, Any]) -> None:
        services["departments"] = self.systems
        services[HEALTH_KEY] = self
        services[STAND_INS_KEY] = self.stand_ins

    def close(self) -> None:
        for engine in self.engines.values():
            engine.close()
        for close in self.closers:
            close()


def wire_departments(
    *,
    live: set[str],
    env: Mapping[str, str],
    stand_ins: bool,
    declarations: dict[str, Declaration] | None = None,
    tls_stand_in: TlsStandIn | None = None,
) -> WiredDepartments:
    """`live` departments call their declared base URL (`MM_DEPT_<ID>_URL` overrides it) with
    credentials from `env`; with `stand_ins` (the demo) every other declared department is
    answered by its fixture server in process; otherwise the others stay on the embedded
    reference systems, as before any declaration. `tls_stand_in` serves a mutual-TLS
    department's stand-in behind a real TLS listener (sandbox/mtls.py), called over the wire."""
    declarations = declarations if declarations is not None else load_declarations()
    unknown = live - set(declarations)
    if unknown:
        raise ValueError(f"MM_DEPARTMENTS_LIVE: no declaration for {', '.join(sorted(unknown))}")
    board = HealthBoard()
    wired = WiredDepartments(RoutedSystems({}, embedded_systems()), board, declarations)
    routes: dict[str, DepartmentSystems] = {}
    for name, declaration in declarations.items():
        health = board.add(DepartmentHealth(name, declaration.circuit))
        if name in live:
            engine = DeclaredDepartment(
                declaration,
                credentials_from_env(declaration, env),
                base_url=env.get(f"{declaration.env_prefix}_URL") or None,
                health=health,
            )
        elif stand_ins and tls_stand_in is not None and isinstance(declaration.auth, MutualTlsAuth):
            server = FixtureServer(declaration, embedded_systems())
            wired.stand_ins[name] = server
            url, credentials, stop = tls_stand_in(server, declaration.auth)
            wired.closers.append(stop)
            engine = DeclaredDepartment(declaration, credentials, base_url=url, health=health)
        elif stand_ins:
            server = FixtureServer(declaration, embedded_systems())
            wired.stand_ins[name] = server
            engine = DeclaredDepartment(
                declaration,
                sandbox_credentials(declaration),
                transport=httpx.MockTransport(server.handle),
                health=health,
            )
        else:
            continue
        wired.engines[name] = engine
        for operation in declaration.operations:
            routes[operation.source] = engine
    wired.systems = RoutedSystems(routes, embedded_systems())
    return wired


def department_health(services: dict[str, Any] | None) -> WiredDepartments | None:
    """The one place that reads the wired departments out of the runtime's services."""
    found = (services or {}).get(HEALTH_KEY)
    return found if isinstance(found, WiredDepartments) else None
