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
Rule 6. The loop thread never waits on a lock another thread may hold: the
        port is a deque that workers append to and the loop drains (deque
        operations are atomic under the GIL), with a ``scheduled`` flag that
        the drain clears *before* it empties the deque, so an append that saw
        the flag set is still drained by the drain in progress. At worst two
        wake-ups are scheduled for one batch; the second finds nothing.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import weakref
from collections import deque
from collections.abc import Callable
from typing import Any, TypeVar

from ._executor import get_pool

T = TypeVar("T")
OnDone = Callable[[bool, Any], None]


class _Port:
    """Delivers finished jobs to one event loop, many per wake-up (Rules 2, 6)."""

    __slots__ = ("__weakref__", "_loop", "_ready", "_scheduled")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        # Weak: the port is the value of a weak mapping keyed by the loop, and
        # a strong reference back would keep every loop alive (Rule 4).
        self._loop = weakref.ref(loop)
        self._ready: deque[tuple[list[OnDone], list[Any]]] = deque()
        self._scheduled = False

    def post(self, cell: list[OnDone], result: list[Any]) -> None:
        """Called from any thread. ``cell`` holds the ``on_done`` callback and
        ``result`` is ``[ok, value]``; the loop side empties both, so the worker
        that posted keeps nothing alive (Rule 5)."""
        self._ready.append((cell, result))
        if self._scheduled:
            return  # the drain to come (or in progress) takes it (Rule 6)
        self._scheduled = True
        loop = self._loop()
        try:
            if loop is None:
                raise RuntimeError("the loop is gone")
            loop.call_soon_threadsafe(self._drain)
        except RuntimeError:  # Rule 4: the loop is closed
            self._ready.clear()
            self._scheduled = False

    def _drain(self) -> None:
        self._scheduled = False  # first: a later post schedules another drain
        ready = self._ready
        while ready:
            cell, result = ready.popleft()
            ok, value = result
            result.clear()
            try:
                cell.pop()(ok, value)
            except BaseException:
                # Rule 3 for the others: what is left is delivered by another
                # drain; this exception goes on to the loop's handler.
                if ready and not self._scheduled:
                    self._scheduled = True
                    loop = self._loop()
                    if loop is not None:
                        loop.call_soon(self._drain)
                raise


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
) -> None:
    """Run ``fn()`` off the loop; call ``on_done(ok, value)`` on ``loop`` after.

    ``unbounded=True``: ``fn`` may wait for ever (a FIFO); see ``_executor``
    Rule 7. ``on_done`` never runs before this returns.
    """
    port = _port_for(loop)
    cell = [on_done]  # emptied on the loop: a worker never keeps on_done alive
    if executor is None:
        post = port.post
        get_pool().submit(fn, lambda result: post(cell, result), unbounded=unbounded)
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
