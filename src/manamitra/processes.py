"""Who this process is, and whether a process on the same machine is still running.

Work a process claims (replies the outbox sender is sending) must go back to the pool the
moment that process dies, not when a lease runs out. On one machine death is certain: the
PID is gone, is a zombie, or now belongs to a process that started later. PIDs only compare
within one kernel boot and one PID namespace, so `host` names exactly that; elsewhere only a
stale heartbeat can tell (`store/processes.py`).
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class ProcessIdentity:
    id: str  # new at every start: a restarted process is a different claimant
    hostname: str
    host: str  # hostname, kernel boot and PID namespace: where `pid` means this process
    pid: int
    started: int | None  # start time in clock ticks since boot (Linux): tells a reused PID apart

    @classmethod
    def new(cls) -> ProcessIdentity:
        pid = os.getpid()
        hostname = socket.gethostname()
        return cls(uuid.uuid4().hex, hostname, host_key(hostname), pid, start_ticks(pid))


_current: ProcessIdentity | None = None


def current() -> ProcessIdentity:
    """This process's identity; a forked child gets its own."""
    global _current
    if _current is None or _current.pid != os.getpid():
        _current = ProcessIdentity.new()
    return _current


def host_key(hostname: str) -> str:
    boot = _read(PROC / "sys" / "kernel" / "random" / "boot_id") or ""
    try:
        namespace = os.readlink(PROC / "self" / "ns" / "pid")
    except OSError:
        namespace = ""
    return hashlib.sha256(f"{hostname}\0{boot.strip()}\0{namespace}".encode()).hexdigest()[:32]


def _read(path: Path) -> str | None:
    try:
        return path.read_text()
    except OSError:
        return None


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces and parentheses)."""
    stat = _read(PROC / str(pid) / "stat")
    if stat is None:
        return None
    return stat[stat.rfind(")") + 2 :].split()


def start_ticks(pid: int) -> int | None:
    fields = _stat_fields(pid)
    return int(fields[19]) if fields is not None and len(fields) > 19 else None


def running(pid: int, started: int | None) -> bool:
    """Whether the process `pid` that started at `started` still runs on this machine."""
    if PROC.joinpath("self").exists():
        fields = _stat_fields(pid)
        if fields is None:
            return False
        if fields[0] in ("Z", "X"):  # killed, not yet reaped by its parent
            return False
        return started is None or len(fields) <= 19 or int(fields[19]) == started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
