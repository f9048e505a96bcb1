"""``aiofiles._offload``: the one way off the loop, and its meets (Rule 6).

A meet lets the loop wait a bounded time for a quick job instead of going
round the loop. What must hold whatever the timing: ``on_done`` runs exactly
once, on the loop thread, with the job's own result or exception; the loop is
never held longer than about ``MEET_WAIT`` by one call; and only loops whose
ready queue can be read (asyncio's) ever meet.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from aiofiles import _offload
from conftest import warm_pool


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


@pytest.mark.parametrize("delay", [0.0, 0.0001, 0.0002, 0.0003, 0.002])
async def test_every_meet_settles_once_with_its_own_result(delay: float) -> None:
    # Jobs around MEET_WAIT, so that both sides of the race (worker done in
    # time, loop gave up) and the moment in between all happen.
    await warm_pool()
    loop = asyncio.get_running_loop()
    me = threading.get_ident()
    results: list[list[tuple[bool, Any, int]]] = []
    for i in range(60):
        calls, on_done = _collector()
        results.append(calls)

        def job(i: int = i) -> int:
            if delay:
                time.sleep(delay)
            if i % 7 == 3:
                raise ValueError(i)
            return i

        _offload.submit(loop, None, job, on_done, meet=True)
        if i % 5 == 0:
            await asyncio.sleep(0)  # let the usual deliveries through, too
    await _until(lambda: all(results))
    await asyncio.sleep(0.05)  # a second delivery would come by now
    for i, calls in enumerate(results):
        assert len(calls) == 1, (i, calls)
        ok, value, thread = calls[0]
        assert thread == me
        if i % 7 == 3:
            assert not ok and isinstance(value, ValueError) and value.args == (i,)
        else:
            assert ok and value == i


async def test_a_slow_job_holds_the_loop_for_at_most_the_meet_wait() -> None:
    await warm_pool()
    loop = asyncio.get_running_loop()
    calls, on_done = _collector()
    release = threading.Event()
    start = time.perf_counter()
    _offload.submit(loop, None, release.wait, on_done, meet=True)
    held = time.perf_counter() - start
    assert calls == []  # not done: it will come the usual way
    assert held < 0.05, held  # MEET_WAIT is 0.2 ms; generous for a loaded machine
    release.set()
    await _until(lambda: calls)
    assert calls[0][:2] == (True, True)


async def test_a_quick_job_on_an_idle_asyncio_loop_can_be_met(
    loop_kind: str,
) -> None:
    # Whether a given meet makes it in time depends on the machine; over many
    # tries at least one does on asyncio, and none ever does on uvloop, whose
    # ready queue is not readable.
    await warm_pool()
    loop = asyncio.get_running_loop()
    met = 0
    for _ in range(200):
        calls, on_done = _collector()
        _offload.submit(loop, None, lambda: 1, on_done, meet=True)
        met += len(calls)
        await _until(lambda calls=calls: calls)
        await asyncio.sleep(0)  # a fresh run of meets (Rule 6: MEET_RUN)
    if loop_kind == "uvloop":
        assert met == 0
    else:
        assert met > 0


async def test_no_meets_while_other_callbacks_are_ready() -> None:
    await warm_pool()
    loop = asyncio.get_running_loop()
    for _ in range(50):
        loop.call_soon(lambda: None)  # somebody else is ready to run
        calls, on_done = _collector()
        _offload.submit(loop, None, lambda: 1, on_done, meet=True)
        assert calls == []
        await _until(lambda calls=calls: calls)


async def test_meets_in_a_row_are_capped() -> None:
    await warm_pool()
    loop = asyncio.get_running_loop()
    port = _offload._port_for(loop)
    if port._loop_ready is None:  # uvloop: its ready queue is not readable
        assert not any(port.may_meet() for _ in range(_offload.MEET_RUN + 5))
        return
    allowed = [port.may_meet() for _ in range(_offload.MEET_RUN + 5)]
    assert allowed.count(True) <= _offload.MEET_RUN
    assert allowed[-5:] == [False] * 5
    await asyncio.sleep(0)  # the loop ran: a new run may start
    assert port._meets == 0


async def test_explicit_executors_and_unbounded_jobs_never_meet() -> None:
    import concurrent.futures

    await warm_pool()
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        calls, on_done = _collector()
        _offload.submit(loop, ex, lambda: 1, on_done, meet=True)
        assert calls == []
        await _until(lambda calls=calls: calls)
    calls, on_done = _collector()
    _offload.submit(loop, None, lambda: 1, on_done, meet=True, unbounded=True)
    assert calls == []
    await _until(lambda: calls)


# -- found by review: a signal in a meet, loops kept alive, a failing delivery --


class _Boom(Exception):
    pass


def test_a_signal_in_a_meets_wait_keeps_the_files_turn(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A signal handler's exception ends the wait while the job still runs: the
    # next call on the file must not start before that job has finished.
    import signal

    import aiofiles

    p = tmp_path / "f"
    p.write_bytes(b"x" * 100)
    monkeypatch.setattr(_offload, "MEET_WAIT", 3.0)  # the signal comes first

    def handler(signum: int, frame: Any) -> None:
        raise _Boom

    old = signal.signal(signal.SIGALRM, handler)
    overlap: list[bool] = []

    async def main() -> None:
        await warm_pool()
        f = await aiofiles.open(p, "rb")
        assert f._meet
        release, running = threading.Event(), threading.Event()

        def slow() -> int:
            running.set()
            release.wait(5)
            running.clear()
            return 1

        def second() -> int:
            overlap.append(running.is_set())
            return 2

        signal.setitimer(signal.ITIMER_REAL, 0.05)
        with pytest.raises(_Boom):
            await f._run(slow)
        later = asyncio.ensure_future(f._run(second))
        await asyncio.sleep(0.1)
        release.set()
        assert await later == 2
        await f.close()

    try:
        asyncio.run(main())
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert overlap == [False]


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


def test_a_loop_that_paused_for_the_credit_is_not_kept_alive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aiofiles import _fileio

    async def job() -> None:
        monkeypatch.setattr(_fileio, "_credit", 0)
        await _fileio.pause()

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
