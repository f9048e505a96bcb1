"""Base classes of the async file objects, the context manager ``open()`` returns,
and :func:`wrap`, which makes a blocking function awaitable.

Rules of the file base class:

Rule 1. Calls on one file object run one at a time, in the order they were made:
        every operation that does not finish at once takes its place in the
        file's *turn* (a FIFO gate) synchronously, when it is called, before
        its first ``await`` (``_enter``); ``close()`` and the ``async with``
        exit too. The turn is handed straight to the next waiter, so a later
        call can never overtake an earlier one.
Rule 2. A job sent off the loop keeps its turn until it has finished in the worker,
        its result has been applied to the file's state on the loop thread, and
        the task that asked for it has resumed (or is known to be gone). No
        other call on the file, inline or not, runs in between.
Rule 3. A task cancelled while it waits for its turn gives the turn up; the
        operation did not happen.
Rule 4. A read whose task is cancelled, while it runs or after it finished but
        before the task resumed, is undone before the turn moves on (the
        ``orphaned`` hook: the file layer moves the position back), so the next
        read returns the bytes the cancelled one never delivered.
Rule 5. The turn belongs to one event loop at a time: a call from another
        loop while the file is busy, or from a loop other than the one the file
        was opened in, raises ``RuntimeError`` at once (aiofiles 25.1 raises
        too) instead of waiting on a future no loop will ever resolve.
Rule 6. A queued call that can be done at once without a task switch (a
        write that the blocking buffer takes without I/O) is done by whoever
        hands the turn on, when its turn comes, and its task wakes with the
        result: many tasks writing to one file then cost no loop iteration per
        call. Only calls that are complete once done qualify (a write has
        happened; a cancelled task afterwards changes nothing), never reads,
        which must stay undoable until their task resumes (Rule 4).
Rule 7. The task that holds the turn is recorded, atomically with taking it,
        and watched: if it ends while holding it (an exception such as
        ``KeyboardInterrupt`` can arrive at any function start, also between
        taking the turn and the ``try`` that would give it back), the turn is
        passed on. While a job runs off the loop, the job holds the turn, not
        the task (Rule 2).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from typing import Any, Generic, TypeVar

from . import _offload

_T = TypeVar("_T")
GRANTED: Any = object()  # what a waiter's future holds when the turn is its own
NOT_NOW: Any = object()  # what a Rule 6 call answers when it cannot run at once
_Self = TypeVar("_Self", bound="AsyncBase[Any]")
_V_co = TypeVar("_V_co", covariant=True)


class AsyncBase(Generic[_T]):
    """Base of every async file object: holds the blocking file, loop and executor."""

    def __init__(
        self,
        file: Any,
        loop: asyncio.AbstractEventLoop | None = None,
        executor: concurrent.futures.Executor | None = None,
    ) -> None:
        self._file = file
        self._executor = executor
        self._ref_loop = loop
        self._busy = False
        self._waiters: deque[tuple[asyncio.Future[Any], Any, Any]] | None = None
        self._unbounded = False  # jobs may wait for ever (pipes): _executor Rule 7
        self._turn_loop: asyncio.AbstractEventLoop | None = None  # Rule 5
        self._owner: asyncio.Task[Any] | None = None  # the task holding the turn

    @property
    def _loop(self) -> asyncio.AbstractEventLoop:
        return self._ref_loop or asyncio.get_running_loop()

    def __aiter__(self: _Self) -> _Self:
        return self

    async def __anext__(self) -> _T:
        line = await self.readline()  # type: ignore[attr-defined]
        if line:
            return line  # type: ignore[no-any-return]
        raise StopAsyncIteration

    def __repr__(self) -> str:
        return super().__repr__() + " wrapping " + repr(self._file)

    # -- the per-file gate (Rules 1-3) -------------------------------------

    def _enter(
        self, now: Callable[[], Any] | None = None
    ) -> asyncio.Future[Any] | None:
        """Take this call's place in the file's order, now (Rule 1). Returns
        ``None`` if the turn is the caller's at once, else a future to pass to
        ``_wait``. ``now``, if given, is tried when the turn comes (Rule 6): it
        returns ``NOT_NOW`` or a one-item tuple holding the call's result."""
        loop = asyncio.get_running_loop()
        ref = self._ref_loop
        if ref is not None and ref is not loop:
            raise RuntimeError(f"{self!r} is bound to a different event loop")
        if not self._busy and not self._waiters:
            # Rule 7: the owner is recorded and watched before the turn is
            # taken, with no function call in between that an interrupt could
            # land in.
            task = asyncio.current_task(loop)
            if task is not None:
                task.add_done_callback(self._owner_gone)
            self._owner = task
            self._busy = True
            self._turn_loop = loop
            return None
        if self._turn_loop is not loop:
            raise RuntimeError(f"{self!r} is in use by another event loop")
        if self._waiters is None:
            self._waiters = deque()
        turn: asyncio.Future[Any] = loop.create_future()
        self._waiters.append((turn, now, asyncio.current_task(loop)))
        return turn

    async def _wait(self, turn: asyncio.Future[Any] | None) -> Any:
        """Wait for the place ``_enter`` took. Returns ``GRANTED`` (the caller
        owns the turn now) or the one-item tuple of a call done when its turn
        came (Rule 6; the turn has moved on)."""
        if turn is None:
            return GRANTED
        try:
            return await turn
        except BaseException:
            if turn.done() and not turn.cancelled():
                if turn.exception() is None and turn.result() is GRANTED:
                    self._give_turn()  # granted, then cancelled: pass it on
            else:
                turn.cancel()  # (a later _give_turn skips it)
            raise

    async def _take_turn(self) -> None:
        """Take a place in the file's order and wait for it (Rules 1, 3)."""
        await self._wait(self._enter())

    def _give_turn(self) -> None:
        """Hand the turn to the next live waiter, or mark the file idle. A
        waiter whose call can be done at once is served here (Rule 6)."""
        self._disown()
        waiters = self._waiters
        while waiters:
            turn, now, task = waiters.popleft()
            if turn.done():
                continue  # cancelled while it waited
            if now is not None:
                try:
                    done = now()
                except Exception as exc:
                    turn.set_exception(exc)
                    continue
                if done is not NOT_NOW:
                    turn.set_result(done)
                    continue
            if task is not None:  # Rule 7, before the turn is the waiter's
                task.add_done_callback(self._owner_gone)
            self._owner = task
            turn.set_result(GRANTED)
            return  # _busy stays True: the turn moves without a gap
        self._busy = False

    def _hand_to(
        self, turn: asyncio.Future[Any] | None, task: asyncio.Task[Any]
    ) -> None:
        """The place ``turn`` took (the turn held now, if ``None``) belongs to
        ``task`` from now on (Rule 7): a close runs in a task of its own."""
        if turn is None:
            self._disown()
            task.add_done_callback(self._owner_gone)
            self._owner = task
            return
        waiters = self._waiters or ()
        for i, (fut, now, _) in enumerate(waiters):
            if fut is turn:
                waiters[i] = (fut, now, task)  # type: ignore[index]
                return

    def _disown(self) -> None:
        """The turn leaves its task (to a job, a waiter, or nobody)."""
        task = self._owner
        if task is not None:
            self._owner = None
            task.remove_done_callback(self._owner_gone)

    def _owner_gone(self, task: asyncio.Task[Any]) -> None:
        """A task ended while it held the turn (Rule 7): pass the turn on."""
        if self._busy and self._owner is task:
            self._give_turn()

    async def _run(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn()`` off the loop in this file's turn (Rule 2)."""
        await self._take_turn()
        return await self._in_turn(fn)

    async def _in_turn(
        self,
        fn: Callable[[], Any],
        apply: Callable[[bool, Any], Any] | None = None,
        orphaned: Callable[[Any], Callable[[], Any] | None] | None = None,
    ) -> Any:
        """Run ``fn`` off the loop; the caller holds the turn, and this releases it.

        ``apply(ok, value)``, when given, runs on the loop thread as soon as the
        job has finished, whether or not anyone still awaits it; what it returns
        becomes the result. ``orphaned(result)``, when given, is called if the
        task that asked is gone (cancelled) although the job succeeded; it may
        return a job that puts things back (Rule 4), run before the turn moves on.
        """
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()

        def done(ok: bool, value: Any) -> None:
            if apply is not None:
                try:
                    value = apply(ok, value)
                    ok = True
                except BaseException as exc:
                    ok, value = False, exc
            if fut.cancelled():  # the task is gone: release the turn from here
                self._release(loop, orphaned(value) if ok and orphaned else None)
            elif ok:
                fut.set_result(value)  # the task releases the turn when it resumes
            else:
                fut.set_exception(value)

        try:
            _offload.submit(loop, self._executor, fn, done, unbounded=self._unbounded)
            self._disown()  # the job holds the turn now (Rule 2)
        except BaseException:
            self._give_turn()  # the job was never handed over
            raise
        try:
            value = await fut
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled():
                # The job finished, then the task was cancelled before it resumed.
                undo = None
                if orphaned is not None and fut.exception() is None:
                    undo = orphaned(fut.result())
                self._release(loop, undo)
            raise  # (if ``fut`` itself was cancelled, ``done`` releases the turn)
        except BaseException:
            self._give_turn()
            raise
        self._give_turn()
        return value

    def _release(
        self, loop: asyncio.AbstractEventLoop, undo: Callable[[], Any] | None
    ) -> None:
        """Release the turn, after running ``undo`` off the loop if there is one
        (its errors are dropped: the file then stays where the call left it)."""
        if undo is None:
            self._give_turn()
            return
        try:
            _offload.submit(
                loop, self._executor, undo, lambda ok, value: self._give_turn()
            )
        except BaseException:
            self._give_turn()


class AsyncIndirectBase(AsyncBase[_T]):
    """A file object that looks its blocking file up on every call (stdio)."""

    _engine_ok = False  # the blocking object may change between calls

    def __init__(
        self,
        name: str,
        loop: asyncio.AbstractEventLoop | None,
        executor: concurrent.futures.Executor | None,
        indirect: Callable[[], Any],
    ) -> None:
        self._indirect = indirect
        self._name = name
        super().__init__(None, loop, executor)

    @property
    def _file(self) -> Any:
        return self._indirect()

    @_file.setter
    def _file(self, value: Any) -> None:
        pass  # the blocking object is always ``indirect()``


class AiofilesContextManager(Awaitable[_V_co], AbstractAsyncContextManager[_V_co]):
    """What ``open()`` returns: await it for the file, or use ``async with``."""

    __slots__ = ("_coro", "_obj")

    def __init__(self, coro: Coroutine[Any, Any, _V_co]) -> None:
        self._coro = coro
        self._obj: Any = None

    def __await__(self) -> Generator[Any, None, _V_co]:
        if self._obj is None:
            self._obj = yield from self._coro.__await__()
        return self._obj  # type: ignore[no-any-return]

    async def __aenter__(self) -> _V_co:
        return await self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        obj = self._obj
        exit_file = getattr(obj, "_exit_file", None)
        if exit_file is not None:
            await exit_file(exc_type, exc_val, exc_tb)
        else:
            await _offload.run(
                obj._file.__exit__,
                exc_type,
                exc_val,
                exc_tb,
                executor=getattr(obj, "_executor", None),
            )
        self._obj = None


def wrap(func: Callable[..., _T]) -> Callable[..., Coroutine[Any, Any, _T]]:
    """Make ``func`` a coroutine function that runs it off the loop.

    The result takes ``func``'s arguments plus keyword-only ``loop=None`` and
    ``executor=None``, and shows them in its signature.
    """

    @functools.wraps(func)
    async def run(
        *args: Any,
        loop: asyncio.AbstractEventLoop | None = None,
        executor: concurrent.futures.Executor | None = None,
        **kwargs: Any,
    ) -> _T:
        return await _offload.run(func, *args, executor=executor, **kwargs)

    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        del run.__wrapped__
        return run
    params = list(sig.parameters.values())
    tail = [p for p in params if p.kind is inspect.Parameter.VAR_KEYWORD]
    head = [p for p in params if p.kind is not inspect.Parameter.VAR_KEYWORD]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=None)
        for name in ("loop", "executor")
        if name not in sig.parameters
    ]
    run.__signature__ = sig.replace(parameters=head + extra + tail)  # type: ignore[attr-defined]
    return run
