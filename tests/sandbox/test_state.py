"""The emulator's memory: the change feed resumes from any position, even after it wrapped."""

from __future__ import annotations

from manamitra import clock
from manamitra.sandbox.state import Record, SandboxState


def _record(n: int) -> Record:
    return Record(
        wamid=f"wamid.{n}",
        phone="919876543210",
        direction="out",
        at=clock.now(),
        kind="text",
        body={"text": {"body": str(n)}},
    )


def test_feed_resumes_after_any_seq_even_when_old_events_fell_off() -> None:
    state = SandboxState(max_events=5)
    for n in range(8):
        state.add(_record(n))
    assert state.last_seq == 8
    assert [e["seq"] for e in state.events_after(0)] == [4, 5, 6, 7, 8]
    assert [e["seq"] for e in state.events_after(6)] == [7, 8]
    assert state.events_after(8) == []
    assert state.events_after(6)[0]["message"]["wamid"] == "wamid.6"


def test_feed_after_reset_starts_again_for_stale_readers() -> None:
    state = SandboxState()
    state.add(_record(1))
    state.reset()
    events = state.events_after(99)
    assert [e["type"] for e in events] == ["reset"]
    assert state.get("wamid.1") is None


def test_status_never_moves_back() -> None:
    state = SandboxState()
    state.add(_record(1))
    assert state.set_status("wamid.1", "read")
    assert not state.set_status("wamid.1", "delivered")
    assert state.get("wamid.1").status == "read"  # type: ignore[union-attr]
