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
Rule 6. Worker threads are daemons, so a call blocked for ever (a FIFO with no
        writer) never holds up interpreter exit; but no *bounded* job is cut
        short by it. Every bounded job submitted, running or in the backlog, is
        counted (``_bounded``) until its completion ran, and at exit the
        interpreter waits until that count is zero: a hook registered with
        ``threading._register_atexit`` (as ``concurrent.futures`` does) runs
        before the interpreter joins its threads; if other non-daemon threads
        still run (they may submit more), it leaves a non-daemon guard thread
        that waits for them, then for the jobs again (not on Python 3.12, which
        starts no thread at shutdown).
        ``asyncio.run`` returning with a write, a copy or a ``write_bytes``
        still in flight therefore loses nothing. Unbounded jobs (Rule 7) are
        not waited for.

Rule 7. A job that may wait for ever (pipes, FIFOs, ttys) is submitted
        ``unbounded``: it starts a thread even beyond ``max_workers`` rather
        than wait in the backlog, and while it runs its thread does not count
        against ``max_workers`` (``_waiting_forever``), so such jobs can
        neither exhaust the pool for ordinary files nor wait behind it. A
        thread that finds more threads than that capacity when it would go
        idle retires at once, so the idle pool never exceeds ``max_workers``.
        A running job that finds it may wait for ever (a copy whose source
        turns out to be a character device) calls :func:`unbounded_from_here`
        (or :func:`unbounded_if_special` with the path it is about to use),
        which moves it from the bounded count to the unbounded one.
Rule 8. Every count a submission takes is given back if its thread cannot
        start (``Thread.start`` raising): a failed start changes no capacity.

Shared state is touched only under ``_lock``; the GIL is not relied upon here.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable
from stat import S_ISCHR, S_ISFIFO
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
    __slots__ = ("job", "unbounded", "wake")

    def __init__(self) -> None:
        self.job: tuple[Callable[[], Any], Completion] | None = None
        self.unbounded = False  # the job in hand counts as unbounded (Rule 7)
        self.wake = threading.Lock()
        self.wake.acquire()


_here = threading.local()  # .worker and .pool in the pool's own threads


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
        self._settled = threading.Condition(self._lock)  # _bounded fell to 0
        self._idle: list[_Worker] = []
        self._backlog: deque[tuple[Callable[[], Any], Completion]] = deque()
        self._workers = 0
        self._waiting_forever = 0  # unbounded jobs submitted and not finished (Rule 7)
        self._bounded = 0  # bounded jobs submitted and not finished (Rule 6)
        self._jobs_done = 0

    def submit(
        self, fn: Callable[[], Any], completion: Completion, *, unbounded: bool = False
    ) -> bool:
        """Run ``fn()`` in a worker; call ``completion([ok, value])`` there after.

        ``unbounded=True`` is for jobs that may wait for ever (a read from a FIFO
        with no writer): they never wait in the backlog (Rule 7). Returns True if
        an idle worker took the job at once (no thread start, no backlog).
        """
        with self._lock:
            if unbounded:
                self._waiting_forever += 1
            else:
                self._bounded += 1
            if self._idle:
                worker = self._idle.pop()
                worker.job = (fn, completion)
                worker.unbounded = unbounded
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
        worker.unbounded = unbounded
        try:
            self._start(worker)
        except BaseException:
            with self._lock:  # Rule 8: give back every count taken above
                self._workers -= 1
                self._uncount(unbounded)
            raise
        return False

    def _start(self, worker: _Worker) -> None:
        threading.Thread(
            target=self._run, args=(worker,), name="aiofiles-worker", daemon=True
        ).start()

    def _uncount(self, unbounded: bool) -> None:
        """A job ended (or never started): drop it from its count. Under ``_lock``."""
        if unbounded:
            self._waiting_forever -= 1
        else:
            self._bounded -= 1
            if not self._bounded:
                self._settled.notify_all()

    def unbounded_here(self, worker: _Worker) -> None:
        """The job ``worker`` runs may wait for ever: count it so (Rule 7)."""
        start = None
        with self._lock:
            if worker.unbounded:
                return
            worker.unbounded = True
            self._uncount(False)
            self._waiting_forever += 1
            # Its place among max_workers is free: a backlog job may take it.
            if (
                self._backlog
                and self._workers - self._waiting_forever < self.max_workers
            ):
                start = _Worker()
                start.job = self._backlog.popleft()
                self._workers += 1
        if start is not None:
            try:
                self._start(start)
            except BaseException:
                with self._lock:  # Rule 8; the job goes back to the head of the line
                    self._workers -= 1
                    self._backlog.appendleft(start.job)  # type: ignore[arg-type]

    def wait_bounded(self, timeout: float | None = None) -> bool:
        """Wait until no bounded job is pending (Rule 6). False on timeout."""
        with self._lock:
            return self._settled.wait_for(lambda: not self._bounded, timeout)

    def _at_exit(self) -> None:
        """Rule 6: the interpreter exits once every bounded job has finished."""
        self.wait_bounded()
        if _other_threads():
            # They may still submit jobs: a non-daemon guard keeps the
            # interpreter up until they ended and their jobs did.
            guard = threading.Thread(target=self._guard, name="aiofiles-exit-guard")
            try:
                guard.start()
            except RuntimeError:
                # Python 3.12 starts no thread at shutdown. Waiting here instead
                # would keep the main thread alive for threads that may wait for
                # its end, so jobs submitted from now on are not waited for.
                pass

    def _guard(self) -> None:
        while True:
            others = _other_threads()
            if not others:
                return
            for thread in others:
                thread.join()
            self.wait_bounded()

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
        _here.worker = worker
        _here.pool = self
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
                    self._uncount(worker.unbounded)
                    job = self._backlog.popleft() if self._backlog else None
                    worker.unbounded = False  # backlog jobs are bounded (Rule 7)
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


def _other_threads() -> list[threading.Thread]:
    """Live non-daemon threads other than the main one and this one."""
    skip = (threading.main_thread(), threading.current_thread())
    return [t for t in threading.enumerate() if not t.daemon and t not in skip]


def unbounded_from_here() -> None:
    """Called by a running job of this pool that may now wait for ever (Rule 7).

    Elsewhere (another executor, the loop thread) it does nothing.
    """
    pool = getattr(_here, "pool", None)
    if pool is not None:
        pool.unbounded_here(_here.worker)


def unbounded_if_special(path: Any, follow_symlinks: Any = True) -> None:
    """In a job: call :func:`unbounded_from_here` if ``path`` is a FIFO or a
    character device (a terminal, say), which a job may wait on for ever.

    Integers (descriptors) are not looked at. Errors are left to the job's own
    call, which raises what the blocking call raises.
    """
    if isinstance(path, int) or getattr(_here, "pool", None) is None:
        return
    try:
        if isinstance(path, os.DirEntry):
            st = path.stat(follow_symlinks=bool(follow_symlinks))  # cached
        else:
            st = os.stat(path) if follow_symlinks else os.lstat(path)
    except Exception:
        return
    if S_ISCHR(st.st_mode) or S_ISFIFO(st.st_mode):
        unbounded_from_here()


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


def _at_exit() -> None:  # Rule 6
    pool = _pool
    if pool is not None:
        pool._at_exit()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)

try:
    threading._register_atexit(_at_exit)  # type: ignore[attr-defined]
except (AttributeError, RuntimeError):  # imported during interpreter shutdown
    pass
