"""Start-up cost of the catalogue: load and validate every spec, and the memory it holds.

    .venv/bin/python bench/catalog.py [--runs 5]

Each run loads the whole catalogue in a fresh interpreter, as the app does at start-up
(`register_all()`, then `load_checked_catalog()`: YAML parsing, families and shared steps,
pydantic validation, every field type and kind check), twice over:

- cold: no parse cache, every spec file parsed by PyYAML (a first start-up, or
  MM_CATALOG_CACHE=0);
- warm: with the parse cache a previous start-up wrote (catalog/parse_cache.py); every
  validation and check still runs.

Reports the median and worst wall time of the load itself and its CPU time (the honest figure
on a shared, loaded machine), the imports separately, and the Python memory the loaded
catalogue holds (a second load under tracemalloc, which slows it), per service.
Target: load and validate ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Run in a child interpreter so every run pays the cold cost (no cached YAML or classes).
CHILD = """
import json, sys, time, tracemalloc
sys.path.insert(0, {src!r})
cache_file = {cache_file!r}
started = time.perf_counter()
from manamitra.services.registry import register_all
from manamitra.services.catalog_check import load_checked_catalog
register_all()
if cache_file:
    from pathlib import Path
    from manamitra.catalog.parse_cache import ParseCache
    def load():
        return load_checked_catalog(cache=ParseCache(Path(cache_file)))
else:
    load = load_checked_catalog
imported = time.perf_counter()
cpu = time.process_time()
catalog = load()
loaded = time.perf_counter()
cpu_s = time.process_time() - cpu
del catalog
tracemalloc.start()
catalog = load()
held, peak = tracemalloc.get_traced_memory()
print(json.dumps({{
    "imports_s": imported - started,
    "load_s": loaded - imported,
    "load_cpu_s": cpu_s,
    "services": len(catalog.services),
    "departments": len({{s.department for s in catalog.services.values()}}),
    "held_bytes": held,
    "peak_bytes": peak,
}}))
"""


def run_once(cache_file: str = "") -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD.format(src=str(SRC), cache_file=cache_file)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    loads = [r["load_s"] for r in runs]
    return {
        "load_and_validate_median_s": round(statistics.median(loads), 3),
        "load_and_validate_worst_s": round(max(loads), 3),
        "load_and_validate_cpu_median_s": round(
            statistics.median(r["load_cpu_s"] for r in runs), 3
        ),
        "load_and_validate_cpu_worst_s": round(max(r["load_cpu_s"] for r in runs), 3),
        "imports_median_s": round(statistics.median(r["imports_s"] for r in runs), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cache_file = str(Path(folder) / "catalog-parsed.marshal")
        run_once(cache_file)  # the first start-up writes the cache
        if not os.path.exists(cache_file):
            sys.exit("the parse cache was not written")
        cold: list[dict[str, float]] = []
        warm: list[dict[str, float]] = []
        for _ in range(args.runs):  # alternately, so both meet the same machine load
            cold.append(run_once())
            warm.append(run_once(cache_file))
    last = cold[-1]
    services = int(last["services"])
    report = {
        "services": services,
        "departments": int(last["departments"]),
        "runs": args.runs,
        "cold": summary(cold),
        "warm": summary(warm),
        "load_avg_1min": round(os.getloadavg()[0], 2),
        "held_kib": round(last["held_bytes"] / 1024),
        "held_per_service_kib": round(last["held_bytes"] / services / 1024, 1),
        "peak_kib": round(last["peak_bytes"] / 1024),
        "target_s": 1.5,
    }
    report["meets_target"] = all(
        r["load_and_validate_worst_s"] <= 1.5 for r in (report["cold"], report["warm"])
    )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
