"""Latency and memory of the local understanding engine (no model), per message, on one core:
every utterance of tests/understanding/utterances.yaml, several rounds, cold and warm.

    taskset -c 0 .venv/bin/python bench/understand.py [rounds]

Prints p50/p95/p99/max per message, CPU and wall time (warm: after the first round, as a
running process is; the first round with cold caches), the machine's load, and the memory the catalogue and engine hold
(tracemalloc, and the process's peak RSS).
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import yaml

from manamitra.services.catalog_check import load_checked_catalog
from manamitra.services.registry import register_all
from manamitra.understanding import understand

SET = Path(__file__).parent.parent / "tests" / "understanding" / "utterances.yaml"


def _quantiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    cut = statistics.quantiles(ordered, n=100)
    return (
        f"p50 {cut[49] * 1000:.2f} ms, p95 {cut[94] * 1000:.2f} ms, "
        f"p99 {cut[98] * 1000:.2f} ms, max {ordered[-1] * 1000:.2f} ms"
    )


def main(rounds: int) -> None:
    texts = [
        (u["text"], "te" if u["form"] == "te" else "en")
        for u in yaml.safe_load(SET.read_text("utf-8"))["utterances"]
    ]
    register_all()
    catalog = load_checked_catalog()
    first: list[float] = []
    warm: list[float] = []
    first_cpu: list[float] = []
    warm_cpu: list[float] = []
    for round_number in range(rounds):
        for text, lang in texts:
            started, cpu = time.perf_counter(), time.thread_time()
            understand(catalog, text, lang)
            (first_cpu if round_number == 0 else warm_cpu).append(time.thread_time() - cpu)
            (first if round_number == 0 else warm).append(time.perf_counter() - started)
    # memory, measured apart (tracing slows every allocation): a fresh catalogue and one round
    tracemalloc.start()
    fresh = load_checked_catalog()
    loaded, _ = tracemalloc.get_traced_memory()
    for text, lang in texts:
        understand(fresh, text, lang)
    engine, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(texts)} utterances x {rounds} rounds, local engine, one process")
    # CPU time is what one core spends per message; wall time also holds the waits of a
    # shared machine (`uptime`'s load above the core count inflates it)
    print(f"first round (cold caches), CPU: {_quantiles(first_cpu)}")
    print(f"first round (cold caches), wall: {_quantiles(first)}")
    if warm:
        print(f"warm ({len(warm)} messages), CPU: {_quantiles(warm_cpu)}")
        print(f"warm ({len(warm)} messages), wall: {_quantiles(warm)}")
    print(
        f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores"
    )
    print(
        f"memory: catalogue loaded {loaded / 1e6:.1f} MB; with the engine's caches after one "
        f"round {engine / 1e6:.1f} MB "
        f"(peak {peak / 1e6:.1f} MB, traced); process peak RSS {rss:.0f} MB"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
