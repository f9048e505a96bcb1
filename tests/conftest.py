"""Test plumbing: every ``async def`` test runs once per event loop kind.

A tiny runner of our own (no pytest-asyncio needed for our tests): each coroutine
test is parametrized with ``loop_kind`` in ``("asyncio", "uvloop")`` and run in a
fresh loop with asyncio debug mode on. Debug mode is the first half of our
blocked-loop detector: it times every callback and task step and logs those that
take longer than ``SLOW_CALLBACK`` by the wall clock. The second half decides
which of those reports are real (see ``_LoopHold``), and a real one fails the test.

What "held the loop" means on a busy machine
--------------------------------------------
A step's wall time is what it cost only on an idle machine. On a loaded one (two
cores shared with other jobs, a CI runner) the loop thread also waits for a CPU,
and a step of 0.2 s can take well over a second. Raising the threshold to hide
that would also hide real blocking; timing CPU only (``time.thread_time()``)
would miss the blocking we look for most, a step asleep in a system call (a
blocking ``read``, ``open`` of a FIFO, a lock, ``time.sleep``), which uses no CPU.

So a report is checked against the kernel's accounting of the loop thread
(Linux: ``/proc/thread-self/schedstat``, whose second field is the time the
thread spent runnable but waiting for a CPU). What a step held the loop for is
its wall time minus that wait: its own CPU time plus every moment it slept in
the kernel. Blocking is counted in full, whatever the load; only the time other
processes had the CPU is left out. A sampler thread reads the counter every 20
milliseconds, so a report can find the value at the start of its step (between
the samples around it: the error is a share of one sampling period). Where
schedstat is missing (not Linux), the wall time is used, as asyncio reports it.

``SLOW_CALLBACK`` is 1.0 s of that held time. The library's own steps take
microseconds (an inline read of cached pages) to a few milliseconds; a step that
holds the loop for a second is a bug. What else runs on the loop thread in these
tests must stay well below it: debug mode's bookkeeping, GIL hand-offs with busy
workers, ``gc.collect()`` in the leak tests (which examines only the test's own
objects: see ``young_gc``). Test data is made before the loop starts, in
fixtures, never in a step. Measured on two cores with a load average of 10, the
steps of test_compat_behaviour, test_leaks_shutdown, test_shutil and test_walk
held the loop 0.35 s at most (wall times up to 0.5 s); a step that starts 2,000
tasks at once in debug mode holds it for 1 to 1.6 s there, which is why no test
should start that many in one step. ``tests/test_detector.py`` checks all this:
a blocking step is reported on an idle and on a busy CPU, a short one that a
busy CPU made slow is not.
"""

from __future__ import annotations

import asyncio
import collections
import gc
import inspect
import logging
import os
import re
import threading
import time
from typing import Any

import pytest

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop is a test dependency
    uvloop = None

LOOP_KINDS = ["asyncio", "uvloop"]
SLOW_CALLBACK = 1.0  # seconds the loop was held (see the module docstring)


def new_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        if uvloop is None:
            pytest.skip("uvloop is not installed")
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


class _RunQueueClock:
    """How long each registered loop thread has waited for a CPU, sampled.

    ``register()`` (in the loop thread) opens that thread's schedstat file once,
    so that the sampler neither opens nor closes descriptors while a test runs
    (several tests count the process's descriptors).
    """

    # Seconds between samples. Each sample takes the GIL, which a step that runs
    # Python code must then wait for: rarely enough that this costs it little.
    PERIOD = 0.02
    KEEP = 24_000  # samples kept per thread: two minutes at PERIOD

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._threads: dict[int, tuple[int, collections.deque[tuple[float, int]]]] = {}
        self._wake = threading.Event()
        self._sampler: threading.Thread | None = None

    @staticmethod
    def _read(fd: int) -> int | None:
        try:
            return int(os.pread(fd, 128, 0).split()[1])
        except (OSError, ValueError, IndexError):
            return None

    def register(self) -> bool:
        """Start sampling the calling thread; False where schedstat is missing."""
        try:
            fd = os.open("/proc/thread-self/schedstat", os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            return False
        if self._read(fd) is None:
            os.close(fd)
            return False
        samples: collections.deque[tuple[float, int]] = collections.deque(
            maxlen=self.KEEP
        )
        with self._lock:
            self._threads[threading.get_ident()] = (fd, samples)
            if self._sampler is None:
                self._sampler = threading.Thread(
                    target=self._sample, name="conftest-runqueue-sampler", daemon=True
                )
                self._sampler.start()
        self._wake.set()
        return True

    def unregister(self) -> None:
        with self._lock:
            entry = self._threads.pop(threading.get_ident(), None)
        if entry is not None:
            os.close(entry[0])

    def waited(self) -> float:
        """Seconds the calling (registered) thread has waited for a CPU so far;
        0.0 where that is not known."""
        with self._lock:
            entry = self._threads.get(threading.get_ident())
            wait = None if entry is None else self._read(entry[0])
        return 0.0 if wait is None else wait / 1e9

    def _sample(self) -> None:
        while True:
            with self._lock:
                entries = list(self._threads.values())
                for fd, samples in entries:
                    now = time.monotonic()  # before the read: errs towards blame
                    wait = self._read(fd)
                    if wait is not None:
                        samples.append((now, wait))
            if entries:
                time.sleep(self.PERIOD)
            else:
                self._wake.wait()
                self._wake.clear()

    def waited_since(self, start: float) -> float | None:
        """Seconds the calling (registered) thread waited for a CPU since
        ``start`` (a ``time.monotonic()``); None if it is not sampled.

        The counter's value at ``start`` is interpolated between the samples
        just before and just after it (or now, if none came after: a step that
        holds the GIL starves the sampler). Before a step the loop is idle and
        the sampler runs every 20 ms, so the interval is short.
        """
        with self._lock:
            entry = self._threads.get(threading.get_ident())
            if entry is None:
                return None
            fd, samples = entry
            now, now_wait = time.monotonic(), self._read(fd)
            before = after = None
            for sample in reversed(samples):
                if sample[0] <= start:
                    before = sample
                    break
                after = sample
        if now_wait is None:
            return None
        if after is None:
            after = (now, now_wait)
        if before is None or after[0] <= before[0]:
            at_start = after[1]  # blames the step for what it cannot place
        else:
            share = (start - before[0]) / (after[0] - before[0])
            at_start = before[1] + share * (after[1] - before[1])
        return max(0.0, now_wait - at_start) / 1e9


_RUN_QUEUE = _RunQueueClock()


def cpu_wait() -> float:
    """How long the running test's loop thread has waited for a CPU so far, in
    seconds (0.0 where the kernel does not say). A test timing the loop itself
    subtracts it, as the blocked-loop detector does."""
    return _RUN_QUEUE.waited()


_TOOK = re.compile(r" took (\d+(?:\.\d+)?) seconds")


class _LoopHold(logging.Handler):
    """Keeps asyncio's slow-step reports whose held time is ``SLOW_CALLBACK``
    or more (the module docstring says what "held" means)."""

    def __init__(self, threshold: float, sampled: bool) -> None:
        super().__init__(logging.WARNING)
        self.threshold = threshold
        self.sampled = sampled
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        m = _TOOK.search(msg)
        if not msg.startswith("Executing") or m is None:
            return
        wall = float(m.group(1))
        waited = None
        if self.sampled:  # None if the report comes from a loop in another thread
            waited = _RUN_QUEUE.waited_since(time.monotonic() - wall)
        if waited is None:
            self.reports.append(msg)
            return
        held = wall - waited
        if held >= self.threshold:
            self.reports.append(
                f"{msg} (held the loop {held:.3f} s; waited {waited:.3f} s for a CPU)"
            )


def run_in_loop(kind: str, coro_fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Run ``coro_fn(*args, **kwargs)`` to completion in a fresh loop of ``kind``.

    Returns ``(result, reports)``: the steps that held the loop ``SLOW_CALLBACK``
    seconds or more.
    """
    loop = new_loop(kind)
    loop.set_debug(True)
    loop.slow_callback_duration = SLOW_CALLBACK  # wall >= held: no report is missed
    catcher = _LoopHold(SLOW_CALLBACK, _RUN_QUEUE.register())
    logger = logging.getLogger("asyncio")
    logger.addHandler(catcher)
    try:
        asyncio.set_event_loop(loop)
        result = loop.run_until_complete(coro_fn(*args, **kwargs))
        loop.run_until_complete(loop.shutdown_asyncgens())
        return result, catcher.reports
    finally:
        logger.removeHandler(catcher)
        _RUN_QUEUE.unregister()
        asyncio.set_event_loop(None)
        loop.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_slow_callbacks: do not fail on asyncio slow-callback reports"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if inspect.iscoroutinefunction(metafunc.function):
        if "loop_kind" not in metafunc.fixturenames:
            metafunc.fixturenames.append("loop_kind")
        metafunc.parametrize("loop_kind", LOOP_KINDS)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    fn = pyfuncitem.obj
    if not inspect.iscoroutinefunction(fn):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {
        name: pyfuncitem.funcargs[name] for name in names if name in pyfuncitem.funcargs
    }
    kind = pyfuncitem.callspec.params["loop_kind"]  # declared or not
    _, reports = run_in_loop(kind, fn, **kwargs)
    if reports and not pyfuncitem.get_closest_marker("allow_slow_callbacks"):
        pytest.fail("the event loop was blocked:\n" + "\n".join(reports))
    return True


@pytest.fixture
def young_gc() -> Any:
    """``gc.collect()`` inside the test examines only objects made during it.

    A full collection of the test process's heap takes up to a second of the
    loop thread's CPU on a loaded machine; the leak tests collect to find the
    garbage they made themselves, which is never older than the test. The heap
    is frozen before the loop starts (``gc.freeze()``) and thawed afterwards.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


async def warm_pool(workers: int = 1) -> None:
    """Leave ``workers`` idle threads in the pool, so that the first jobs of a
    test do not pay for starting threads."""
    from aiofiles import _offload
    from aiofiles._executor import get_pool

    await asyncio.gather(*(_offload.run(time.sleep, 0.001) for _ in range(workers)))
    await asyncio.sleep(0.01)
    assert get_pool().statistics().idle >= 1
