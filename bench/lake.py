"""Lake bench: synthetic domain events exported to Parquet (events a second, on one core), and
each dashboard's query answered over them (p50/p95, state-wide and for one district), with the
peak memory of each phase.

    .venv/bin/python bench/lake.py [--events 10000000] [--days 30] [--citizens 500000]
        [--repeat 20] [--database-url postgresql://postgres@127.0.0.1:5432/test]
        [--keep DIR]   # default: a SQLite file in a temporary folder, removed afterwards
        [--filled]     # the store (of --keep DIR or --database-url) holds the events already

With --keep, a later run with --filled exports the same store again into a fresh lake.

Phases, each in its own process so its peak memory (ru_maxrss) is its own:
  fill     synthetic events into domain_event (not measured against a target: setup)
  export   `lake export` of every event: events/s by the wall clock and by CPU time (the export
           runs on one core: one thread of Python, pyarrow's writes in the same thread)
  compact  one file per partition, as the platform's daily job leaves it
  query    every dashboard, `--repeat` times, on the process's shared DuckDB connection (as
           the console's pages), wall time and CPU time (DuckDB may use both cores)
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import shutil
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from manamitra.lake.dashboards import DASHBOARDS, Scope, answer, funnel_services
from manamitra.lake.engine import shared
from manamitra.lake.export import export
from manamitra.lake.layout import Lake
from manamitra.lake.maintenance import compact
from manamitra.lake.synthetic import fill
from manamitra.store import Database, migrate


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fill(url: str, events: int, days: int, citizens: int) -> dict[str, Any]:
    database = Database(url)
    started = time.perf_counter()
    fill(database, events, days=days, citizens=citizens)
    database.dispose()
    return {"seconds": time.perf_counter() - started, "peak_mb": _peak_mb()}


def _export(url: str, root: str) -> dict[str, Any]:
    database = Database(url)
    lake = Lake(Path(root))
    cpu = time.process_time()
    started = time.perf_counter()
    result = export(database, lake, lag=timedelta(0))
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    database.dispose()
    size = sum(p.stat().st_size for p in lake.events.rglob("*.parquet"))
    return {
        "events": result.events,
        "files": result.files,
        "wall": wall,
        "cpu": cpu,
        "bytes": size,
        "peak_mb": _peak_mb(),
    }


def _compact(root: str) -> dict[str, Any]:
    started = time.perf_counter()
    result = compact(Lake(Path(root)))
    return {
        "seconds": time.perf_counter() - started,
        "files_in": result.files_in,
        "files_out": result.files_out,
        "peak_mb": _peak_mb(),
    }


def _queries(root: str, repeat: int) -> dict[str, Any]:
    lake = Lake(Path(root))
    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    started = time.perf_counter()
    shared(lake).close()  # the views made once per process, as the console does
    first = (time.perf_counter() - started) * 1000
    for scope_name, scope in (
        ("state", Scope()),
        ("district", Scope(department="municipal", district="guntur")),
    ):
        for name in DASHBOARDS:
            key = f"{name} ({scope_name})"
            for _ in range(repeat):
                started, cpu_started = time.perf_counter(), time.process_time()
                connection = shared(lake)
                # the funnel draws one form: the most reached, found first (as the page does)
                found = funnel_services(connection, scope, 30) if name == "funnel" else []
                result = answer(connection, name, scope, 30, found[0] if found else None)
                connection.close()
                if result is None:
                    break
                timings.setdefault(key, []).append((time.perf_counter() - started) * 1000)
                cpu.setdefault(key, []).append((time.process_time() - cpu_started) * 1000)
    return {"timings": timings, "cpu": cpu, "first": first, "peak_mb": _peak_mb()}


def _p(values: list[float], quantile: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * quantile))]


def _in_child(function: Any, *args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        found: dict[str, Any] = pool.apply(function, args)
        return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--citizens", type=int, default=500_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--keep", default=None, help="work in this folder and keep it")
    parser.add_argument(
        "--filled", action="store_true", help="skip the fill: the store holds the events"
    )
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="lake-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    url = args.database_url or f"sqlite:///{folder / 'bench.db'}"
    root = str(folder / "lake")
    migrate.upgrade(url)
    print(
        f"store: {url.split('://')[0]}; {args.events:,} events over {args.days} days, "
        f"{args.citizens:,} citizens"
    )

    if args.filled:
        shutil.rmtree(root, ignore_errors=True)  # a fresh lake over the same store
    else:
        filled = _in_child(_fill, url, args.events, args.days, args.citizens)
        print(
            f"fill     {filled['seconds']:.1f} s "
            f"({args.events / filled['seconds']:,.0f} events/s), peak {filled['peak_mb']:.0f} MB"
        )

    done = _in_child(_export, url, root)
    print(
        f"export   {done['events']:,} events in {done['wall']:.1f} s wall, {done['cpu']:.1f} s CPU: "
        f"{done['events'] / done['wall']:,.0f} events/s (wall), "
        f"{done['events'] / done['cpu']:,.0f} events/s (CPU, one core); {done['files']} files, "
        f"{done['bytes'] / 1e6:,.1f} MB ({done['bytes'] / max(done['events'], 1):.1f} B/event), "
        f"peak {done['peak_mb']:.0f} MB"
    )
    merged = _in_child(_compact, root)
    print(
        f"compact  {merged['files_in']} files → {merged['files_out']} in "
        f"{merged['seconds']:.1f} s, peak {merged['peak_mb']:.0f} MB"
    )

    answered = _in_child(_queries, root, args.repeat)
    print(
        f"queries  ({args.repeat} runs each on the process's shared connection, as the console; "
        f"its views made in {answered['first']:.0f} ms), peak {answered['peak_mb']:.0f} MB"
    )
    for key, values in answered["timings"].items():
        spent = answered["cpu"][key]
        print(
            f"  {key:34} wall p50 {_p(values, 0.5):6.1f} p95 {_p(values, 0.95):6.1f} ms"
            f"   CPU p50 {_p(spent, 0.5):6.1f} p95 {_p(spent, 0.95):6.1f} ms"
        )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
