"""The one way off the event loop.

Every call that may block, in every module of this package, leaves the loop
through :func:`submit` (callback style) or :func:`run` (await style). Nothing else
in the package calls ``run_in_executor``, starts a thread or touches the pool.

Rules:

Rule 1. ``executor=None`` means this package's own pool (``_executor``); an
        explicit ``concurrent.futures.Executor`` is honoured for every call.
Rule 2. Results come back to the loop through a *port*, one per loop: workers
        append ``(on_done, ok, value)`` to the port and only the first job of a
        batch pays for ``call_soon_threadsafe``; one loop wake-up then delivers
        every job that finished meanwhile (batched completions).
Rule 3. ``on_done`` always runs on the loop thread, exactly once, even if the task
        that asked for the job was cancelled: the file layer relies on this to
        keep the bytes of a cancelled read and to release its per-file gate.
Rule 4. A loop that is already closed when a job finishes gets nothing; its
        port is dropped with it (ports are kept in a weak mapping).
Rule 5. A worker holds no reference to what the loop side owns once its job
        has run: the job is dropped before the completion is posted, and
        ``on_done`` and the result travel in lists that the loop side empties. So
        ``del f; gc.collect()`` right after an awaited call collects ``f``.
Rule 6. A *meet* (``submit(..., meet=True)``, for jobs on regular files, which
        normally take microseconds): when the loop has nothing else ready to
        run and an idle worker takes the job at once, the loop thread waits
        for the result for at most MEET_WAIT seconds, then calls ``on_done``
        itself, before ``submit`` returns: no self-pipe wake-up, no loop
        iteration. The caller must allow ``on_done`` to run that early. A job
        not done in time completes the usual way (Rule 2); which side is late
        is settled under a lock, so ``on_done`` still runs exactly once. The
        wait is bounded, so the loop is never stalled longer than MEET_WAIT by
        one call, and after MEET_RUN meets in a row the next job goes the usual
        way, so that the loop polls its sockets and timers at least that often.
        After a meet that timed out, the next MEET_COOLDOWN jobs do not wait
        (the disk is slow: waiting would only stall). Only asyncio loops whose
        ready queue can be read take part; elsewhere every job goes the usual
        way.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import threading
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from ._executor import get_pool

T = TypeVar("T")
OnDone = Callable[[bool, Any], None]

MEET_WAIT = 0.0002  #: seconds the loop may wait for one job's result (Rule 6)
MEET_RUN = 8  #: meets in a row before a job goes the usual way
MEET_COOLDOWN = 64  #: jobs that go the usual way after a meet timed out


class _Port:
    """Delivers finished jobs to one event loop, many per wake-up (Rule 2)."""

    __slots__ = (
        "__weakref__",
        "_cooldown",
        "_lock",
        "_loop",
        "_loop_ready",
        "_meets",
        "_ready",
        "_scheduled",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # Weak: the port is the value of a weak mapping keyed by the loop, and
        # a strong reference back would keep every loop alive (Rule 4).
        self._loop = weakref.ref(loop)
        self._ready: deque[tuple[list[OnDone], list[Any]]] = deque()
        self._lock = threading.Lock()
        self._scheduled = False
        # Rule 6: asyncio's queue of ready callbacks (None: no meets here), the
        # meets since the loop last ran the reset, and jobs left to cool down.
        ready = getattr(loop, "_ready", None)
        self._loop_ready: deque[Any] | None = ready if type(ready) is deque else None
        self._meets = 0
        self._cooldown = 0

    def may_meet(self) -> bool:
        """May the next job be a meet (Rule 6)? Counts it if so."""
        ready = self._loop_ready
        if ready is None:
            return False
        if self._cooldown:
            self._cooldown -= 1
            return False
        meets = self._meets
        if meets >= MEET_RUN:
            return False
        if len(ready) > (1 if meets else 0):  # others wait (beyond our reset)
            return False
        if not meets:
            loop = self._loop()
            if loop is None:
                return False
            loop.call_soon(self._reset_meets)
        self._meets = meets + 1
        return True

    def _reset_meets(self) -> None:
        self._meets = 0

    def missed(self) -> None:
        """A meet timed out: the next jobs go the usual way (Rule 6)."""
        self._cooldown = MEET_COOLDOWN

    def post(self, cell: list[OnDone], result: list[Any]) -> None:
        """Called from any thread. ``cell`` holds the ``on_done`` callback and
        ``result`` is ``[ok, value]``; the loop side empties both, so the worker
        that posted keeps nothing alive (Rule 5)."""
        with self._lock:
            self._ready.append((cell, result))
            if self._scheduled:
                return
            self._scheduled = True
        loop = self._loop()
        try:
            if loop is None:
                raise RuntimeError("the loop is gone")
            loop.call_soon_threadsafe(self._drain)
        except RuntimeError:  # Rule 4: the loop is closed
            with self._lock:
                self._ready.clear()
                self._scheduled = False

    def _drain(self) -> None:
        with self._lock:
            ready = self._ready
            self._ready = deque()
            self._scheduled = False
        while ready:
            cell, result = ready.popleft()
            ok, value = result
            result.clear()
            try:
                cell.pop()(ok, value)
            except BaseException:
                # Rule 3 for the others: what is left is delivered by another
                # drain; this exception goes on to the loop's handler.
                if ready:
                    self._requeue(ready)
                raise

    def _requeue(self, ready: deque[tuple[list[OnDone], list[Any]]]) -> None:
        with self._lock:
            ready.extend(self._ready)
            self._ready = ready
            if self._scheduled:
                return
            self._scheduled = True
        loop = self._loop()
        if loop is not None:
            loop.call_soon(self._drain)


_ports: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Port] = (
    weakref.WeakKeyDictionary()
)
_last: _Port | None = None  # the last port used (its loop is held weakly)


def _port_for(loop: asyncio.AbstractEventLoop) -> _Port:
    global _last
    port = _last
    if port is not None and port._loop() is loop:
        return port
    port = _ports.get(loop)
    if port is None:
        port = _ports.setdefault(loop, _Port(loop))
    _last = port
    return port


def submit(
    loop: asyncio.AbstractEventLoop,
    executor: concurrent.futures.Executor | None,
    fn: Callable[[], Any],
    on_done: OnDone,
    *,
    unbounded: bool = False,
    meet: bool = False,
    handed: list[bool] | None = None,
) -> None:
    """Run ``fn()`` off the loop; call ``on_done(ok, value)`` on ``loop`` after.

    ``unbounded=True``: ``fn`` may wait for ever (a FIFO); see ``_executor``
    Rule 7. ``meet=True``: ``on_done`` may run before this returns (Rule 6).
    ``handed``: a list that gets ``True`` once a worker has the job, so that a
    caller seeing an exception (a signal's, in a meet's wait) knows the job
    still runs and ``on_done`` will still come.
    """
    port = _port_for(loop)
    cell = [on_done]  # emptied on the loop: a worker never keeps on_done alive
    if executor is None:
        post = port.post
        if meet and not unbounded and port.may_meet():
            _meet(port, fn, cell, handed)
            return
        get_pool().submit(fn, lambda result: post(cell, result), unbounded=unbounded)
        if handed is not None:
            handed.append(True)
        return

    def relay(cf: concurrent.futures.Future[Any]) -> None:
        if cf.cancelled():
            port.post(cell, [False, asyncio.CancelledError()])
            return
        exc = cf.exception()
        if exc is None:
            port.post(cell, [True, cf.result()])
        else:
            port.post(cell, [False, exc])

    executor.submit(fn).add_done_callback(relay)
    if handed is not None:
        handed.append(True)


class _Meeting:
    """One meet's shared state (Rule 6): ``waiting`` until one side settles it."""

    __slots__ = ("arrived", "guard", "result", "waiting")

    def __init__(self) -> None:
        self.arrived = threading.Lock()
        self.arrived.acquire()  # released by the worker when the result is in
        self.guard = threading.Lock()
        self.waiting = True  # the loop still waits; False: settled, by either side
        self.result: list[Any] | None = None


def _meet(
    port: _Port, fn: Callable[[], Any], cell: list[OnDone], handed: list[bool] | None
) -> None:
    """Rule 6: run ``fn`` in a worker and wait a little for it on the loop."""
    meeting = _Meeting()

    def completion(result: list[Any]) -> None:  # in the worker
        with meeting.guard:
            if meeting.waiting:  # the loop is still there: hand the result over
                meeting.waiting = False
                meeting.result = result
                meeting.arrived.release()
                return
        port.post(cell, result)  # the loop gave up: deliver the usual way

    dispatched = get_pool().submit(fn, completion)
    if handed is not None:
        handed.append(True)
    interrupted = True  # a signal's exception (KeyboardInterrupt) in the wait
    try:
        if dispatched:  # an idle worker has it (else a thread starts: no waiting)
            meeting.arrived.acquire(timeout=MEET_WAIT)
        interrupted = False
    finally:
        with meeting.guard:
            result = meeting.result
            meeting.result = None
            meeting.waiting = False  # from now on the worker posts (Rule 2)
        if interrupted and result is not None:
            port.post(cell, result)  # still delivered once; the exception goes on
    if result is None:  # not done yet: the worker will post it
        if dispatched:
            port.missed()
        return
    ok, value = result
    result.clear()
    cell.pop()(ok, value)


def _settle(fut: asyncio.Future[Any], ok: bool, value: Any) -> None:
    if fut.cancelled():
        return
    if ok:
        fut.set_result(value)
    else:
        fut.set_exception(value)


def start(
    loop: asyncio.AbstractEventLoop,
    executor: concurrent.futures.Executor | None,
    fn: Callable[[], T],
) -> asyncio.Future[T]:
    """Run ``fn()`` off the loop and return a future for its result."""
    fut: asyncio.Future[T] = loop.create_future()
    submit(loop, executor, fn, functools.partial(_settle, fut))
    return fut


async def run(
    fn: Callable[..., T],
    /,
    *args: Any,
    loop: asyncio.AbstractEventLoop | None = None,
    executor: concurrent.futures.Executor | None = None,
    **kwargs: Any,
) -> T:
    """Await ``fn(*args, **kwargs)`` run off the loop.

    ``loop`` is accepted for compatibility; results are always delivered to the
    running loop, which is the only one that can await them.
    """
    running = asyncio.get_running_loop()
    call = functools.partial(fn, *args, **kwargs) if (args or kwargs) else fn
    return await start(running, executor, call)
