"""Instructions a certificate costs, counted by valgrind's callgrind: the same count for the
same code whatever else the machine is doing, so two versions compare on a noisy machine.

    .venv/bin/python bench/documents_instructions.py [--issue 40] [--warmup 10]

Issues `--warmup` certificates (fonts parsed, memos filled), zeroes the counters, issues
`--issue` more to holders not reused (as bench/documents.py does) and prints the
instructions per certificate. Needs valgrind (callgrind_control included); takes a minute or
two, as Python runs some fifty times slower under it.
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(ready: Path, issue: int, warmup: int) -> None:
    sys.path.insert(0, str(HERE))
    import documents as bench  # bench/documents.py

    database, trust = bench._platform(Path(tempfile.mkdtemp()))
    for i in range(warmup):
        bench.issue_one(database, trust, f"AP-INC-2026-W{i:06d}", bench.holder(issue + i))
    gc.freeze()
    ready.write_text("ready")
    time.sleep(3)  # the parent zeroes the counters now
    for i in range(issue):
        bench.issue_one(database, trust, f"AP-INC-2026-B{i:06d}", bench.holder(i))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issue", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.issue, args.warmup)
        return
    with tempfile.TemporaryDirectory() as tmp:
        ready, out = Path(tmp) / "ready", Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            f"--issue={args.issue}",
            f"--warmup={args.warmup}",
            f"--child={ready}",
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        while not ready.exists():
            if process.poll() is not None:
                raise SystemExit(process.stderr.read().decode() if process.stderr else "failed")
            time.sleep(0.5)
        subprocess.run(
            ["callgrind_control", "-z", str(process.pid)], check=True, capture_output=True
        )
        process.wait()
        total = 0
        for dump in Path(tmp).glob("callgrind.out*"):
            found = re.search(r"^summary:\s*(\d+)", dump.read_text(), re.MULTILINE)
            total += int(found.group(1)) if found else 0
    print(f"instructions_per_certificate  {total / args.issue / 1e6:,.2f} M")
    print(f"certificates                  {args.issue} (after {args.warmup} untimed)")
    print(
        f"python                        {sys.version.split()[0]} ({os.path.basename(sys.executable)})"
    )


if __name__ == "__main__":
    main()
