"""``aiofiles._offload``: the one way off the loop. What must hold whatever the
timing: ``on_done`` runs exactly once, on the loop thread, with the job's own
result or exception; the loop thread never waits for a worker (Rule 6); and
no loop is kept alive by the package's per-loop state.
"""

from __future__ import annotations

import asyncio
import sys
import threading
import time
from typing import Any

import pytest

from aiofiles import _offload


def _collector() -> tuple[list[tuple[bool, Any, int]], Any]:
    calls: list[tuple[bool, Any, int]] = []

    def on_done(ok: bool, value: Any) -> None:
        calls.append((ok, value, threading.get_ident()))

    return calls, on_done


async def _until(cond: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "on_done never ran"
        await asyncio.sleep(0.001)


def _stop_in_post_at(at: int) -> tuple[Any, threading.Event, threading.Event]:
    """A job whose worker, once the job has run, stops at the ``at``-th line of
    its delivery (``_Port.post``) until ``go`` is set; ``stopped`` says it is
    there."""
    go, stopped = threading.Event(), threading.Event()
    seen = [0]

    def local(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            seen[0] += 1
            if seen[0] == at:
                stopped.set()
                go.wait(5)
        return local

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code is _offload._Port.post.__code__ else None

    def job() -> int:
        sys.settrace(tracer)  # traces what this worker runs next: post
        return 1

    return job, go, stopped


async def test_a_worker_stopped_anywhere_in_a_delivery_never_holds_the_loop() -> None:
    # Rule 6: the loop thread takes no lock a worker may hold. A worker is
    # stopped at each line of its delivery in turn, for a while; meanwhile
    # the loop keeps ticking and sends more jobs off.
    loop = asyncio.get_running_loop()
    post_lines = 0
    for at in range(1, 40):
        job, go, stopped = _stop_in_post_at(at)
        calls, on_done = _collector()
        _offload.submit(loop, None, job, on_done)
        deadline = time.monotonic() + 0.3
        while not stopped.is_set() and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        if not stopped.is_set():  # post has fewer lines than ``at``
            await _until(lambda calls=calls: len(calls) == 1)
            post_lines = at - 1
            break
        # The worker is stopped inside post: the loop still runs and still
        # sends jobs off (their results may wait for that worker's wake-up).
        longest = 0.0
        more = [_offload.start(loop, None, lambda: 2) for _ in range(3)]
        for _ in range(20):
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            longest = max(longest, time.perf_counter() - before)
        go.set()
        assert longest < 0.5, f"the loop was held {longest:.3f} s (line {at})"
        assert await asyncio.wait_for(asyncio.gather(*more), 5) == [2, 2, 2]
        await _until(lambda calls=calls: len(calls) == 1)
        assert calls[0][:2] == (True, 1)
    assert post_lines >= 3


# -- found by review: loops kept alive, a failing delivery ---------------------------


def _collected_after(body: Any) -> bool:
    import gc
    import weakref

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(body())
    finally:
        loop.close()
    ref = weakref.ref(loop)
    del loop
    gc.collect()
    return ref() is None


def test_a_loop_that_used_the_pool_is_not_kept_alive() -> None:
    async def job() -> None:
        await _offload.run(lambda: 1)

    assert _collected_after(job)


def test_a_loop_that_paused_for_the_budget_is_not_kept_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiofiles import _budget

    async def job() -> None:
        monkeypatch.setattr(_budget.current(), "credit", 0)
        await _budget.pause()

    assert _collected_after(job)


def test_a_loop_that_used_pathlib_is_not_kept_alive(tmp_path: Any) -> None:
    from aiofiles.pathlib import Path

    async def job() -> None:
        assert await Path(tmp_path).exists()

    assert _collected_after(job)


async def test_a_failing_delivery_does_not_lose_the_others() -> None:
    loop = asyncio.get_running_loop()
    errors: list[Any] = []
    loop.set_exception_handler(lambda loop, context: errors.append(context))
    gate = threading.Event()
    calls, on_done = _collector()

    def bad(ok: bool, value: Any) -> None:
        raise RuntimeError("a broken callback")

    # Three jobs that finish together, so that one drain delivers them all.
    _offload.submit(loop, None, gate.wait, on_done)
    _offload.submit(loop, None, gate.wait, bad)
    _offload.submit(loop, None, gate.wait, on_done)
    await asyncio.sleep(0.01)
    gate.set()
    await _until(lambda: len(calls) == 2)
    assert [c[:2] for c in calls] == [(True, True), (True, True)]
    assert any("broken" in str(e.get("exception")) for e in errors), errors


async def test_an_orphan_is_closed_even_if_its_executor_was_shut_down(
    tmp_path: Any,
) -> None:
    import concurrent.futures

    from aiofiles.threadpool import _close_orphan

    p = tmp_path / "f"
    p.write_bytes(b"x")
    f = open(p, "rb")  # closed by the code under test
    ex = concurrent.futures.ThreadPoolExecutor(1)
    ex.shutdown()
    _close_orphan(asyncio.get_running_loop(), ex, f)
    await _until(lambda: f.closed)
