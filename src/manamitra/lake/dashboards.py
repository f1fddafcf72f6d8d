"""The dashboards' questions to the lake, each a SQL query scoped to the reader's jurisdiction
(department and district; None sees all) over the last `days` days.

District-scoped readers get only rows that carry their district: a row without one (a bill
payment, a form's step) cannot be placed, so it is not theirs to see. The funnel and the
payments are therefore department- and state-wide views only (`needs_no_district`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import duckdb

from manamitra import clock


@dataclass(frozen=True)
class Scope:
    department: str | None = None
    district: str | None = None


@dataclass(frozen=True)
class Result:
    columns: list[str]
    rows: list[tuple[Any, ...]]


def _where(scope: Scope, *, district: bool = True) -> str:
    parts = ["event_date >= $since"]
    if scope.department:
        parts.append("department = $department")
    if scope.district and district:
        parts.append("district = $district")
    return " AND ".join(parts)


def _params(scope: Scope, days: int) -> dict[str, Any]:
    params: dict[str, Any] = {"since": clock.now().date() - timedelta(days=days - 1)}
    if scope.department:
        params["department"] = scope.department
    if scope.district:
        params["district"] = scope.district
    return params


def _run(connection: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> Result:
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    cursor = connection.execute(sql, used)
    return Result([d[0] for d in cursor.description or []], cursor.fetchall())


def services_per_day(connection: duckdb.DuckDBPyConnection, scope: Scope, days: int) -> Result:
    where = _where(scope)
    sql = f"""
        WITH used AS (
            SELECT event_date, district, department FROM application_submitted
            UNION ALL SELECT event_date, district, department FROM grievance_opened
            UNION ALL SELECT event_date, district, department FROM booking_made
            UNION ALL SELECT event_date, NULL AS district, department FROM payment_confirmed
        )
        SELECT event_date AS day, coalesce(district, '') AS district, department,
               count(*) AS uses
        FROM used WHERE {where}
        GROUP BY ALL ORDER BY day, district, department"""
    return _run(connection, sql, _params(scope, days))


def funnel(
    connection: duckdb.DuckDBPyConnection, scope: Scope, days: int, service: str | None = None
) -> Result:
    """Per question of each form (of `service` only, when given): the citizens who reached it
    and who left there. approx_count_distinct (HyperLogLog, exact at small counts, within a
    few percent at large ones) keeps this the cheapest chart over the largest table."""
    where = _where(scope, district=False) + (" AND service = $service" if service else "")
    sql = f"""
        WITH reached AS (
            SELECT service, position, any_value(step) AS step,
                   approx_count_distinct(citizen) AS citizens
            FROM step_reached WHERE {where} GROUP BY service, position
        ), left_at AS (
            SELECT service, position, approx_count_distinct(citizen) AS abandoned
            FROM step_abandoned WHERE {where} GROUP BY service, position
        )
        SELECT reached.service, reached.position, reached.step, reached.citizens,
               coalesce(left_at.abandoned, 0) AS abandoned
        FROM reached LEFT JOIN left_at USING (service, position)
        ORDER BY reached.service, reached.position"""
    return _run(connection, sql, _params(scope, days) | ({"service": service} if service else {}))


def funnel_services(connection: duckdb.DuckDBPyConnection, scope: Scope, days: int) -> list[str]:
    """The forms the funnel can show, most reached first."""
    sql = f"""SELECT service FROM step_reached WHERE {_where(scope, district=False)}
              GROUP BY service ORDER BY count(*) DESC, service"""
    return [row[0] for row in _run(connection, sql, _params(scope, days)).rows]


def sla_by_office(connection: duckdb.DuckDBPyConnection, scope: Scope, days: int) -> Result:
    where = _where(scope)
    sql = f"""
        WITH decided AS (
            SELECT office, count(*) AS decided,
                   count(*) FILTER (WHERE within_sla) AS on_time
            FROM (
                SELECT office, within_sla, district, department, event_date
                FROM application_decided
                UNION ALL SELECT office, within_sla, district, department, event_date
                FROM grievance_resolved
            ) WHERE {where} GROUP BY office
        ), escalated AS (
            SELECT office, count(*) AS escalations
            FROM (
                SELECT office, district, department, event_date FROM application_escalated
                UNION ALL SELECT office, district, department, event_date
                FROM grievance_escalated
            ) WHERE {where} GROUP BY office
        )
        SELECT coalesce(decided.office, escalated.office, '') AS office,
               coalesce(decided.decided, 0) AS decided,
               coalesce(decided.on_time, 0) AS on_time,
               coalesce(escalated.escalations, 0) AS escalations
        FROM decided FULL OUTER JOIN escalated ON decided.office = escalated.office
        ORDER BY decided DESC, escalations DESC, office LIMIT 25"""
    return _run(connection, sql, _params(scope, days))


def satisfaction(connection: duckdb.DuckDBPyConnection, scope: Scope, days: int) -> Result:
    sql = f"""
        SELECT service, round(avg(score), 1) AS average_score, count(*) AS ratings
        FROM rating_given WHERE {_where(scope)}
        GROUP BY service ORDER BY ratings DESC, service LIMIT 20"""
    return _run(connection, sql, _params(scope, days))


def payments(connection: duckdb.DuckDBPyConnection, scope: Scope, days: int) -> Result:
    where = _where(scope, district=False)
    sql = f"""
        WITH money AS (
            SELECT event_date, amount_paise AS collected, 0 AS refunded
            FROM payment_confirmed WHERE {where}
            UNION ALL SELECT event_date, 0, amount_paise FROM payment_refunded WHERE {where}
        )
        SELECT event_date AS day, sum(collected)::BIGINT AS collected_paise,
               sum(refunded)::BIGINT AS refunded_paise
        FROM money GROUP BY day ORDER BY day"""
    return _run(connection, sql, _params(scope, days))


def grievance_categories(connection: duckdb.DuckDBPyConnection, scope: Scope, days: int) -> Result:
    sql = f"""
        SELECT coalesce(mandal, '') AS mandal, category, count(*) AS grievances
        FROM grievance_opened WHERE {_where(scope)}
        GROUP BY ALL ORDER BY grievances DESC, mandal, category LIMIT 20"""
    return _run(connection, sql, _params(scope, days))


@dataclass(frozen=True)
class Dashboard:
    name: str
    query: Any
    needs_no_district: bool = False


DASHBOARDS = {
    d.name: d
    for d in (
        Dashboard("services_per_day", services_per_day),
        Dashboard("funnel", funnel, needs_no_district=True),
        Dashboard("sla_by_office", sla_by_office),
        Dashboard("satisfaction", satisfaction),
        Dashboard("payments", payments, needs_no_district=True),
        Dashboard("grievance_categories", grievance_categories),
    )
}


def visible(name: str, scope: Scope) -> bool:
    return not (DASHBOARDS[name].needs_no_district and scope.district)


def answer(
    connection: duckdb.DuckDBPyConnection,
    name: str,
    scope: Scope,
    days: int = 30,
    service: str | None = None,
) -> Result | None:
    """The dashboard's rows for this scope; None when the scope may not see it. `service`
    narrows the funnel to one form."""
    if not visible(name, scope):
        return None
    if name == "funnel":
        return funnel(connection, scope, days, service)
    result: Result = DASHBOARDS[name].query(connection, scope, days)
    return result
