"""The worker pool: the threads that run every blocking call.

Rules (read these before changing anything below):

Rule 1. A job is a plain callable plus a *completion*: a function called in the
        worker thread with the list ``[ok, value]`` once the job ran. The
        receiver may empty the list: then the worker keeps no reference to the
        value (the loop may already be collecting it, as the worker can lose
        the GIL inside the completion). The pool knows nothing
        about event loops; ``_offload`` turns completions into loop wake-ups.
Rule 2. Idle workers wait on their own lock and sit on the ``_idle`` stack. A job
        goes to the most recently idled worker (LIFO: its stack and caches are
        warm); a new thread starts only when none is idle and fewer than
        ``max_workers`` run; otherwise the job waits in ``_backlog`` (FIFO) and a
        worker that finishes takes it before it goes idle.
Rule 3. A worker marks itself idle *before* it blocks, under ``_lock``. An idle
        worker whose wait times out retires only if it is still on the stack,
        checked under ``_lock``; if a submitter popped it in the meantime, a job
        is on its way, so it waits for it (the race trio tests as
        ``test_race_between_idle_exit_and_job_assignment``).
Rule 4. Every exception a job raises, BaseException included, is delivered to the
        completion, never swallowed and never allowed to kill the worker.
Rule 5. After ``fork()`` the child has none of the parent's threads: the
        module-level pool is dropped in the child (``os.register_at_fork``) and a
        fresh one is made on first use.
Rule 6. Worker threads are daemons, so a stuck call (a FIFO with no writer) never
        blocks interpreter exit; data safety at shutdown is the file layer's job
        (it flushes its own buffers before the loop closes).

Rule 7. A job that may wait for ever (pipes, FIFOs, ttys) is submitted
        ``unbounded``: it starts a thread even beyond ``max_workers`` rather
        than wait in the backlog, and while it runs its thread does not count
        against ``max_workers`` (``_waiting_forever``), so such jobs can
        neither exhaust the pool for ordinary files nor wait behind it. A
        thread that finds more threads than that capacity when it would go
        idle retires at once, so the idle pool never exceeds ``max_workers``.

Shared state is touched only under ``_lock``; the GIL is not relied upon here.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, NamedTuple

Completion = Callable[[list[Any]], None]

DEFAULT_MAX_WORKERS = 64
DEFAULT_IDLE_TIMEOUT = 10.0


class PoolStatistics(NamedTuple):
    """A snapshot of the pool, for tests and for curious users."""

    workers: int  #: threads alive
    idle: int  #: threads waiting for a job
    backlog: int  #: jobs waiting for a thread
    max_workers: int
    jobs_done: int  #: jobs finished since the pool was made


class _Worker:
    __slots__ = ("job", "wake")

    def __init__(self) -> None:
        self.job: tuple[Callable[[], Any], Completion] | None = None
        self.wake = threading.Lock()
        self.wake.acquire()


class WorkerPool:
    """A LIFO pool of daemon threads with an idle timeout (see the module rules)."""

    def __init__(
        self,
        max_workers: int = DEFAULT_MAX_WORKERS,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
    ) -> None:
        if max_workers < 1:
            raise ValueError("max_workers must be at least 1")
        self.max_workers = max_workers
        self.idle_timeout = idle_timeout
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._backlog: deque[tuple[Callable[[], Any], Completion]] = deque()
        self._workers = 0
        self._waiting_forever = 0  # unbounded jobs submitted and not finished (Rule 7)
        self._jobs_done = 0

    def submit(
        self, fn: Callable[[], Any], completion: Completion, *, unbounded: bool = False
    ) -> bool:
        """Run ``fn()`` in a worker; call ``completion([ok, value])`` there after.

        ``unbounded=True`` is for jobs that may wait for ever (a read from a FIFO
        with no writer): they never wait in the backlog (Rule 7). Returns True if
        an idle worker took the job at once (no thread start, no backlog).
        """
        if unbounded:
            fn = self._counted(fn)
        with self._lock:
            if unbounded:
                self._waiting_forever += 1
            if self._idle:
                worker = self._idle.pop()
                worker.job = (fn, completion)
                worker.wake.release()
                return True
            if (
                self._workers - self._waiting_forever >= self.max_workers
                and not unbounded
            ):
                self._backlog.append((fn, completion))
                return False
            self._workers += 1
        worker = _Worker()
        worker.job = (fn, completion)
        try:
            thread = threading.Thread(
                target=self._run, args=(worker,), name="aiofiles-worker", daemon=True
            )
            thread.start()
        except BaseException:
            with self._lock:
                self._workers -= 1
            raise
        return False

    def _counted(self, fn: Callable[[], Any]) -> Callable[[], Any]:
        """``fn``, uncounting itself from ``_waiting_forever`` when it returns."""

        def run() -> Any:
            try:
                return fn()
            finally:
                with self._lock:
                    self._waiting_forever -= 1

        return run

    def statistics(self) -> PoolStatistics:
        with self._lock:
            return PoolStatistics(
                self._workers,
                len(self._idle),
                len(self._backlog),
                self.max_workers,
                self._jobs_done,
            )

    def _run(self, worker: _Worker) -> None:
        lock = self._lock
        while True:
            job = worker.job
            worker.job = None
            while job is not None:
                fn, completion = job
                job = None
                try:
                    result = [True, fn()]
                except BaseException as exc:  # Rule 4
                    result = [False, exc]
                del fn  # the job's references go before the completion runs
                try:
                    completion(result)
                except BaseException:  # a completion must not kill its worker
                    pass
                del completion, result
                with lock:
                    self._jobs_done += 1
                    job = self._backlog.popleft() if self._backlog else None
                    if job is None:
                        if self._workers - self._waiting_forever > self.max_workers:
                            self._workers -= 1  # started beyond the limit (Rule 7)
                            return
                        self._idle.append(worker)  # Rule 3: idle before blocking
            if worker.wake.acquire(timeout=self.idle_timeout):
                continue
            with lock:
                if worker in self._idle:
                    self._idle.remove(worker)
                    self._workers -= 1
                    return
            # A submitter popped us between the timeout and the lock: take its job.
            worker.wake.acquire()


_pool: WorkerPool | None = None
_pool_lock = threading.Lock()


def get_pool() -> WorkerPool:
    """The process-wide pool, made on first use (and again after ``fork``)."""
    global _pool
    pool = _pool
    if pool is None:
        with _pool_lock:
            if _pool is None:
                _pool = WorkerPool()
            pool = _pool
    return pool


def _after_fork_in_child() -> None:  # Rule 5
    global _pool, _pool_lock
    _pool = None
    _pool_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
