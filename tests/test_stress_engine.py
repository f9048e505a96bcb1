"""Stress of the engine: the file's turn, inline and off-loop calls mixed, and
the per-loop queue of tasks waiting for the loop's budget (``_budget``).

What must hold whatever the timing, so every test checks outcomes, not speed
(the only clocks below are generous "it did not hang" bounds):

* every call on a file gets its own result, in call order, even with many
  tasks on one file and the budget tiny (so calls pause and go off the loop);
* a task cancelled at any await loses no bytes (reads are undone) and leaks
  neither a descriptor nor the file's turn;
* every task waiting for the budget wakes, in the order it came, with random
  cancellations, also with two loops in two threads, each with its budget;
* a job's exception (``BaseException`` included) reaches its caller once and
  leaves the file usable.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import random
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

import aiofiles
import aiofiles.os
import aiofiles.ospath
import aiofiles.tempfile
from aiofiles import _budget, _fastpath
from aiofiles._executor import get_pool
from aiofiles.threadpool.binary import AsyncBufferedReader
from conftest import new_loop, warm_pool

HANG = 20.0  # seconds: only a lost wake-up or completion takes this long


class _Errors(logging.Handler):
    """Collects what asyncio's default exception handler logs: an exception in
    a callback (a completion delivered twice, a wake-up of a settled future)
    would show up only here."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def _no_errors_in_callbacks() -> Iterator[None]:
    catcher = _Errors()
    logger = logging.getLogger("asyncio")
    logger.addHandler(catcher)
    try:
        yield
    finally:
        logger.removeHandler(catcher)
    assert not catcher.messages, catcher.messages[:3]


def _bounded(
    test: Callable[..., Coroutine[Any, Any, None]],
) -> Callable[..., Coroutine[Any, Any, None]]:
    """Fail, instead of hanging the run, if the test does not finish in HANG
    seconds (a lost completion or wake-up would leave it waiting for ever)."""

    @functools.wraps(test)
    async def run(*args: Any, **kwargs: Any) -> None:
        task = asyncio.ensure_future(test(*args, **kwargs))
        done, _ = await asyncio.wait({task}, timeout=HANG)
        if not done:
            task.cancel()  # (not awaited: its clean-up may hang as well)
            pytest.fail(f"hung for {HANG} s: a completion or a wake-up was lost")
        task.result()

    return run


@functools.cache
def _data(n: int, seed: int) -> bytes:
    """``n`` bytes of short lines where every line names its own offset."""
    rng = random.Random(seed)
    out = bytearray()
    while len(out) < n:
        out += b"%x:" % len(out) + b"." * rng.randrange(0, 90) + b"\n"
    return bytes(out[:n])


@functools.cache
def _text(n: int, seed: int) -> str:
    """``n`` characters of lines mixing 1-, 2-, 3- and 4-byte UTF-8 characters."""
    rng = random.Random(seed)
    alphabet = "ab\u00e9\u20ac\U0001f600"
    out: list[str] = []
    size = 0
    while size < n:
        line = f"{size}:" + "".join(
            rng.choice(alphabet) for _ in range(rng.randrange(90))
        )
        out.append(line + "\n")
        size += len(line) + 1
    return "".join(out)[:n]


def _tiny_credit(monkeypatch: pytest.MonkeyPatch, credit: int) -> None:
    """The running loop's budget: ``credit`` per refill, and spent now (the
    first calls pause)."""
    monkeypatch.setattr(_budget, "CREDIT", credit)
    monkeypatch.setattr(_budget.current(), "credit", 0)


async def _settle() -> None:
    """Let every job in flight finish and its completion reach the loop."""
    deadline = time.monotonic() + HANG
    while time.monotonic() < deadline:
        await asyncio.sleep(0.002)
        st = get_pool().statistics()
        if st.idle == st.workers and st.backlog == 0:
            break
    for _ in range(5):
        await asyncio.sleep(0)


async def _nothing_lost(joined: Any, rest: Any, content: Any, fds: set[str]) -> None:
    """What the calls returned, then the rest of the file, is the file: in
    order, nothing lost or doubled; and no descriptor was left open."""
    assert joined == content[: len(joined)], "a call returned bytes out of order"
    assert joined + rest == content, "a cancelled read lost or doubled bytes"
    await _settle()
    assert _open_fds() <= fds


def _open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


async def _run_with_cancels(
    makers: list[Callable[[], Awaitable[Any]]],
    cancel_at: list[int | None],
) -> list[tuple[str, Any]]:
    """Start one task per maker, in order; cancel task ``i`` after
    ``cancel_at[i]`` loop iterations (``None``: never). Say how each ended."""
    tasks = [asyncio.ensure_future(make()) for make in makers]
    pending = {i for i, k in enumerate(cancel_at) if k is not None}
    it = 0
    deadline = time.monotonic() + HANG
    while pending:
        for i in sorted(pending):
            if cancel_at[i] == it:
                tasks[i].cancel()
                pending.discard(i)
        it += 1
        await asyncio.sleep(0)
    _, not_done = await asyncio.wait(
        tasks, timeout=max(0.0, deadline - time.monotonic())
    )
    assert not not_done, f"{len(not_done)} of {len(tasks)} tasks never finished"
    out: list[tuple[str, Any]] = []
    for t in tasks:
        if t.cancelled():
            out.append(("cancelled", None))
        elif t.exception() is not None:
            out.append(("error", t.exception()))
        else:
            out.append(("done", t.result()))
    return out


def _cancel_plan(n: int, seed: int, share: float = 0.3) -> list[int | None]:
    rng = random.Random(seed)
    return [rng.randrange(0, 12) if rng.random() < share else None for _ in range(n)]


# -- many tasks on one file: order kept, cancelled reads undone ---------------------


READ_PLANS = ["small", "mixed", "lines"]


def _sizes(plan: str, n: int, seed: int) -> list[int | None]:
    """The argument of each call: a size for ``read``, ``None`` for ``readline``."""
    rng = random.Random(seed)
    out: list[int | None] = []
    for _ in range(n):
        if plan == "small":
            out.append(rng.randrange(0, 200))
        elif plan == "lines":
            out.append(None if rng.random() < 0.8 else rng.randrange(1, 50))
        else:
            r = rng.random()
            if r < 0.05:
                out.append(rng.randrange(256 * 1024, 300 * 1024))  # never inline
            elif r < 0.3:
                out.append(None)
            else:
                out.append(rng.randrange(0, 5000))
    return out


@pytest.mark.parametrize("plan", READ_PLANS)
@pytest.mark.parametrize("text", [False, True], ids=["binary", "text"])
@pytest.mark.parametrize("seed", [1, 2])
@_bounded
async def test_many_tasks_on_one_file_keep_order_and_lose_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    plan: str,
    text: bool,
    seed: int,
) -> None:
    _tiny_credit(monkeypatch, 8192)
    p = tmp_path / "f"
    if text:
        content: Any = _text(600_000, seed)
        p.write_text(content, encoding="utf-8")
    else:
        content = _data(1_500_000, seed)
        p.write_bytes(content)
    n = 400
    sizes = _sizes(plan, n, seed)
    cancel_at = _cancel_plan(n, seed + 100)
    await warm_pool(4)
    fds = _open_fds()
    f: Any = await aiofiles.open(
        p, "r" if text else "rb", encoding="utf-8" if text else None
    )
    try:

        def maker(size: int | None) -> Callable[[], Awaitable[Any]]:
            if size is None:
                return lambda: f.readline()
            return lambda: f.read(size)

        outcomes = await _run_with_cancels([maker(s) for s in sizes], cancel_at)
        got = [value for how, value in outcomes if how == "done"]
        errors = [value for how, value in outcomes if how == "error"]
        assert not errors, errors[:3]
        await _settle()
        assert not f._busy, "the file's turn was never given back"
        rest = await f.read()
    finally:
        await f.close()
    joined = ("" if text else b"").join(got)
    await _nothing_lost(joined, rest, content, fds)


@_bounded
async def test_many_files_many_tasks_deliver_once_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Several files read at once by several tasks each: every file's reads come
    # back once each, in order, whether paused, posted or run inline.
    _tiny_credit(monkeypatch, 16384)
    contents = [_data(400_000, s) for s in range(6)]
    paths = []
    for i, c in enumerate(contents):
        paths.append(tmp_path / f"f{i}")
        paths[-1].write_bytes(c)
    await warm_pool(4)
    files: list[Any] = [await aiofiles.open(q, "rb") for q in paths]
    rng = random.Random(7)
    calls: list[tuple[int, int]] = [
        (rng.randrange(6), rng.randrange(1, 3000)) for _ in range(1200)
    ]
    results = await asyncio.wait_for(
        asyncio.gather(*(files[i].read(size) for i, size in calls)), HANG
    )
    per_file: list[list[bytes]] = [[] for _ in files]
    for (i, _), data in zip(calls, results, strict=True):
        per_file[i].append(data)
    for i, c in enumerate(contents):
        joined = b"".join(per_file[i])
        assert joined == c[: len(joined)], i
        assert joined + await files[i].read() == c, i
        await files[i].close()


async def _sequential_readers(
    f: Any, readers: int, calls: int, seed: int, big: int
) -> tuple[list[tuple[int, str, Any]], int]:
    """``readers`` tasks, each calling in a loop (so the loop is often idle and
    jobs are met), cancelled and restarted at random moments. Returns every
    delivered ``(call number, op, result)``, sorted by call order, and the
    number of cancellations. Ops: ``readline()``, a read too big to run inline,
    a small read, and ``seek(0, 1)`` (always off the loop; returns where the
    file is)."""
    rng = random.Random(seed)
    counter = iter(range(10**9))
    results: list[tuple[int, str, Any]] = []
    issued = 0

    async def reader() -> None:
        nonlocal issued
        while issued < calls:
            issued += 1
            r = rng.random()
            seq = next(counter)  # the call below is made before any await
            if r < 0.2:
                op, value = "line", await f.readline()
            elif r < 0.4:
                op, value = "read", await f.read(rng.randrange(big, big + 30_000))
            elif r < 0.7:
                op, value = "read", await f.read(rng.randrange(0, 3000))
            else:
                op, value = "seek", await f.seek(0, 1)
            results.append((seq, op, value))

    tasks = [asyncio.ensure_future(reader()) for _ in range(readers)]
    cancels = 0
    deadline = time.monotonic() + HANG
    while any(not t.done() for t in tasks):
        assert time.monotonic() < deadline, "a reader never finished"
        for _ in range(rng.randrange(0, 4)):
            await asyncio.sleep(0)
        if rng.random() < 0.3:
            await asyncio.sleep(0.0005)  # let posted completions in, too
        i = rng.randrange(readers)
        if not tasks[i].done() and rng.random() < 0.5:
            tasks[i].cancel()
            cancels += 1
            try:
                await tasks[i]
            except asyncio.CancelledError:
                pass
            tasks[i] = asyncio.ensure_future(reader())
    for t in tasks:
        await t
    results.sort(key=lambda item: item[0])
    return results, cancels


@pytest.mark.parametrize("readers", [1, 3])
@pytest.mark.parametrize("text", [False, True], ids=["binary", "text"])
@pytest.mark.parametrize("budget", ["default", "tiny"])
@_bounded
async def test_calls_cancelled_anywhere_keep_order_and_lose_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    readers: int,
    text: bool,
    budget: str,
) -> None:
    # Seeks and reads too big to run inline go off the loop, small reads run
    # inline or (tiny budget) pause first. Cancelling a caller anywhere must
    # neither lose nor double bytes, nor let a later call overtake.
    if budget == "tiny":
        _tiny_credit(monkeypatch, 8192)
    p = tmp_path / "f"
    make = _text if text else _data
    # (made off the loop: generating it takes seconds on a loaded machine)
    content: Any = await asyncio.get_running_loop().run_in_executor(
        None, make, 1_500_000 if text else 4_000_000, readers
    )
    if text:
        p.write_text(content, encoding="utf-8")
    else:
        p.write_bytes(content)
    big = 256 * 1024 + 1  # bytes or characters: never inline
    await warm_pool(4)
    fds = _open_fds()
    mode = "r" if text else "rb"
    async with aiofiles.open(p, mode, encoding="utf-8" if text else None) as f:
        results, cancels = await _sequential_readers(f, readers, 150, readers, big)
        await _settle()
        assert not f._busy
        rest = await f.read()
    assert cancels > 0
    joined = "" if text else b""
    for _, op, value in results:
        if op == "seek":
            if not text:  # where the file is: after every byte delivered so far
                assert value == len(joined)
            continue
        joined += value
    await _nothing_lost(joined, rest, content, fds)


# -- exceptions raised by jobs ----------------------------------------------------------


@_bounded
async def test_job_errors_reach_their_caller_once_and_free_the_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"abc\n" * 1000)
    await warm_pool(4)
    with open(p, "rb") as blocking:
        try:
            blocking.write(b"x")
        except Exception as exc:
            expected: BaseException = exc
    async with aiofiles.open(p, "rb") as f:
        for round_ in range(50):
            with pytest.raises(type(expected)) as info:
                await f.write(b"x")  # off the loop
            assert str(info.value) == str(expected)
            with pytest.raises(ZeroDivisionError):
                await f._run(lambda: 1 // 0)
            assert await f.read(4) == b"abc\n", round_  # the turn is free again
            if round_ % 3 == 0:
                await asyncio.sleep(0)  # a new loop iteration: a fresh budget


@_bounded
async def test_a_job_raising_base_exception_leaves_the_file_usable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rule 4 of the pool: BaseException is delivered like any other. The task
    # that awaited gets it; the file's turn is not lost with it.
    p = tmp_path / "f"
    p.write_bytes(b"0123456789")
    await warm_pool(4)

    class Stop(BaseException):
        pass

    def job() -> None:
        raise Stop

    async with aiofiles.open(p, "rb") as f:
        for _ in range(20):
            with pytest.raises(Stop):
                await f._run(job)
            assert not f._busy
        waiters = [asyncio.ensure_future(f._run(job)) for _ in range(10)]
        outcomes = await asyncio.gather(*waiters, return_exceptions=True)
        assert all(isinstance(o, Stop) for o in outcomes)
        assert await f.read() == b"0123456789"


def test_keyboard_interrupt_from_a_job_escapes_the_loop_and_frees_the_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"data")
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(warm_pool(4))
        f: Any = loop.run_until_complete(aiofiles.open(p, "rb"))

        def job() -> None:
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            loop.run_until_complete(f._run(job))
        assert not f._busy
        assert loop.run_until_complete(asyncio.wait_for(f.read(), HANG)) == b"data"
        loop.run_until_complete(f.close())
    finally:
        loop.close()


@_bounded
async def test_mocked_file_keeps_call_order_and_errors() -> None:
    # The mocking recipe: an async file over a MagicMock never runs inline,
    # but its calls still reach the mock in call order.
    blocking = mock.MagicMock()
    seen: list[int] = []

    def read(n: int) -> bytes:
        seen.append(n)
        if n % 7 == 0:
            raise OSError(n, "boom")
        return b"x" * n

    blocking.read.side_effect = read
    f = AsyncBufferedReader(blocking, loop=asyncio.get_running_loop())
    outcomes = await asyncio.gather(
        *(f.read(n) for n in range(1, 200)), return_exceptions=True
    )
    assert seen == list(range(1, 200))
    for n, o in zip(range(1, 200), outcomes, strict=True):
        if n % 7 == 0:
            assert isinstance(o, OSError) and o.errno == n
        else:
            assert o == b"x" * n


# -- tempfile objects -------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["TemporaryFile", "NamedTemporaryFile"])
@_bounded
async def test_tempfile_reads_under_tiny_credit_and_cancellation(
    monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    content = _data(300_000, 5)
    make = getattr(aiofiles.tempfile, kind)
    async with make("w+b") as f:
        await f.write(content)
        await f.seek(0)
        _tiny_credit(monkeypatch, 8192)
        sizes = _sizes("mixed", 300, 11)
        cancel_at = _cancel_plan(300, 12)

        def maker(size: int | None) -> Callable[[], Awaitable[Any]]:
            if size is None:
                return lambda: f.readline()
            return lambda: f.read(size)

        outcomes = await _run_with_cancels([maker(s) for s in sizes], cancel_at)
        got = [v for how, v in outcomes if how == "done"]
        assert all(how != "error" for how, _ in outcomes)
        await _settle()
        joined = b"".join(got)
        assert joined == content[: len(joined)]
        assert joined + await f.read() == content


# -- the per-loop queue of paused tasks -------------------------------------------------


async def _paused_in_order(n: int, seed: int, spend: int) -> None:
    """``n`` tasks pause, some are cancelled anywhere; the rest resume in order."""
    order: list[int] = []

    def waiter(i: int) -> Callable[[], Awaitable[None]]:
        async def run() -> None:
            await _budget.pause()
            order.append(i)
            _budget.charge(spend)  # a few per refill: the rest re-queue in front

        return run

    _budget.charge(_budget.current().credit + 1)  # spent: everyone queues
    cancel_at = _cancel_plan(n, seed, share=0.25)
    outcomes = await _run_with_cancels([waiter(i) for i in range(n)], cancel_at)
    finished = [i for i, (how, _) in enumerate(outcomes) if how == "done"]
    assert all(how in ("done", "cancelled") for how, _ in outcomes)
    assert order == finished, "paused tasks resumed out of order"


@pytest.mark.parametrize("last_cost", [1, 4096, 60_000, 10**9])
@pytest.mark.parametrize("spend", [0, 5000, 100_000, 10**9])
@_bounded
async def test_every_paused_task_wakes_in_order_despite_cancellations(
    monkeypatch: pytest.MonkeyPatch, last_cost: int, spend: int
) -> None:
    # last_cost decides how many a refill wakes; spend how many of those find
    # the credit already gone (and must go back to the front of the queue).
    monkeypatch.setattr(_budget.current(), "last_cost", last_cost)
    monkeypatch.setattr(_budget.current(), "credit", 0)
    await _paused_in_order(300, last_cost ^ spend, spend)


def test_two_loops_in_two_threads_each_wake_their_own_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # One budget and one queue per loop: a refill on one loop must not lose
    # the other loop's waiters (nor wake them from its thread), and each
    # loop's waiters resume in the order they came.
    monkeypatch.setattr(_budget, "CREDIT", 20_000)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def thread(seed: int, kind: str) -> None:
        async def main() -> None:
            barrier.wait(HANG)
            for round_ in range(4):
                await _paused_in_order(250, seed * 10 + round_, 3000)

        try:
            loop = new_loop(kind)
            try:
                loop.run_until_complete(asyncio.wait_for(main(), HANG))
            finally:
                loop.close()
        except BaseException as exc:  # reported below, from the main thread
            errors.append(exc)

    threads = [
        threading.Thread(target=thread, args=(1, "asyncio")),
        threading.Thread(target=thread, args=(2, _second_kind())),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG * 2)
    assert not any(t.is_alive() for t in threads), "a loop hung"
    assert not errors, errors


def _second_kind() -> str:
    try:
        import uvloop  # noqa: F401
    except ImportError:  # pragma: no cover
        return "asyncio"
    return "uvloop"


def test_two_loops_in_two_threads_read_their_files_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The whole engine, three loops at once: tiny budgets, reads paused,
    # offloaded and inline all mixed.
    monkeypatch.setattr(_budget, "CREDIT", 8192)
    errors: list[BaseException] = []

    def thread(seed: int, kind: str) -> None:
        content = _data(700_000, seed)
        p = tmp_path / f"f{seed}"
        p.write_bytes(content)

        async def main() -> None:
            _budget.charge(_budget.current().credit)  # spent: the first pause
            async with aiofiles.open(p, "rb") as f:
                sizes = _sizes("mixed", 500, seed)
                cancel_at = _cancel_plan(500, seed)

                def maker(size: int | None) -> Callable[[], Awaitable[Any]]:
                    if size is None:
                        return lambda: f.readline()
                    return lambda: f.read(size)

                outcomes = await _run_with_cancels([maker(s) for s in sizes], cancel_at)
                await _settle()
                got = b"".join(v for how, v in outcomes if how == "done")
                assert got == content[: len(got)], "out of order"
                assert got + await f.read() == content, "lost or doubled"

        try:
            loop = new_loop(kind)
            try:
                loop.run_until_complete(asyncio.wait_for(main(), HANG))
            finally:
                loop.close()
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=thread, args=(1, "asyncio")),
        threading.Thread(target=thread, args=(2, "asyncio")),
        threading.Thread(target=thread, args=(3, _second_kind())),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(HANG * 2)
    assert not any(t.is_alive() for t in threads), "a loop hung"
    assert not errors, errors


# -- opens and stats that pay the credit ------------------------------------------------


@_bounded
async def test_cancelled_opens_while_paused_leak_no_descriptor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tiny_credit(monkeypatch, 8192)
    p = tmp_path / "f"
    p.write_bytes(b"hello")
    os.stat(p)  # in the kernel's caches: opens may run inline
    await warm_pool(4)
    fds = _open_fds()

    async def open_read_close() -> bytes:
        async with aiofiles.open(p, "rb") as f:
            return await f.read()

    n = 300
    outcomes = await _run_with_cancels([open_read_close] * n, _cancel_plan(n, 3, 0.4))
    assert all(how in ("done", "cancelled") for how, _ in outcomes), outcomes
    assert all(v == b"hello" for how, v in outcomes if how == "done")
    assert any(how == "cancelled" for how, _ in outcomes)
    await _settle()
    assert _open_fds() <= fds, "a cancelled open leaked its descriptor"


@pytest.mark.skipif(not _fastpath.enabled, reason="no openat2(RESOLVE_CACHED) here")
@_bounded
async def test_cached_stats_under_pauses_answer_like_os_stat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tiny_credit(monkeypatch, 8192)
    paths = []
    for i in range(20):
        q = tmp_path / f"f{i}"
        q.write_bytes(b"x" * i)
        paths.append(q)
    missing = tmp_path / "missing"
    expected = {str(q): os.stat(q) for q in paths}

    def stat_of(q: Path) -> Callable[[], Awaitable[Any]]:
        return lambda: aiofiles.os.stat(q)

    rng = random.Random(9)
    chosen = [rng.choice([*paths, missing]) for _ in range(600)]
    outcomes = await _run_with_cancels(
        [stat_of(q) for q in chosen], _cancel_plan(600, 10, 0.2)
    )
    for q, (how, value) in zip(chosen, outcomes, strict=True):
        if q == missing:
            assert how in ("error", "cancelled")
            if how == "error":
                assert isinstance(value, FileNotFoundError)
            continue
        assert how in ("done", "cancelled"), value
        if how == "done":
            want = expected[str(q)]
            assert (value.st_ino, value.st_size) == (want.st_ino, want.st_size)
    sizes = await asyncio.gather(*(aiofiles.ospath.getsize(q) for q in paths * 20))
    assert sizes == [i for _ in range(20) for i in range(20)]


# -- a stuck job ----------------------------------------------------------------------------


@_bounded
async def test_a_stuck_job_on_a_regular_file_does_not_hold_the_loop(
    tmp_path: Path,
) -> None:
    # A job that waits for long: the loop goes on (a timer fires while the
    # job is stuck), the result comes later.
    p = tmp_path / "f"
    p.write_bytes(b"x")
    await warm_pool(4)
    release = threading.Event()
    async with aiofiles.open(p, "rb") as f:
        task = asyncio.ensure_future(f._run(release.wait))
        fired = asyncio.get_running_loop().create_future()
        asyncio.get_running_loop().call_later(0.01, fired.set_result, None)
        await asyncio.wait_for(fired, HANG)
        assert not task.done()
        release.set()
        assert await asyncio.wait_for(task, HANG) is True
        assert await f.read() == b"x"


@_bounded
async def test_file_io_reads_stay_exact_under_a_tiny_budget(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # buffering=0 (FileIO): reads run inline, are met or are posted; the
    # result is the blocking file's, byte for byte, in order.
    _tiny_credit(monkeypatch, 8192)
    content = _data(200_000, 4)
    p = tmp_path / "f"
    p.write_bytes(content)
    await warm_pool(4)
    async with aiofiles.open(p, "rb", buffering=0) as f:
        parts = await asyncio.gather(*(f.read(997) for _ in range(210)))
    assert b"".join(parts) == content
