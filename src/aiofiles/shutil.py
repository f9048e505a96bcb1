"""An async ``shutil``: copy, move and remove files and trees off the event loop.

Every function takes the arguments of its ``shutil`` namesake, returns what it
returns and raises what it raises, plus keyword-only ``executor=None`` (a
``concurrent.futures.Executor`` to run in instead of this library's pool; there
is no ``loop=``). ``copytree``, ``rmtree`` and ``move`` also take ``progress=``,
and ``copytree`` takes ``concurrency=``.

- ``copyfile``, ``copy``, ``copy2``, ``copymode``, ``copystat``, ``disk_usage``:
  one worker call each. ``shutil.copyfile`` itself copies in the kernel where it
  can (``sendfile``/``copy_file_range`` on Linux, ``fcopyfile`` on macOS).
- ``copytree``: directories are listed and files copied by several workers at
  once (at most ``concurrency`` jobs in flight); the result, the errors
  collected in ``shutil.Error`` and their order are those of ``shutil.copytree``.
- ``rmtree``: the same file-descriptor based walk as ``shutil.rmtree`` (it never
  follows a symlink out of the tree, even one swapped in while it runs), in
  batches of about 10 ms of work each, so it can report progress and stop
  between two batches when cancelled.
- ``move``: ``shutil.move``; a directory moved across file systems is copied
  with ``copytree`` and removed with ``rmtree``.

Progress. ``copytree``, ``rmtree`` and ``move`` take ``progress=``, a callable
called on the event loop's thread as ``progress(path, done)`` for every entry
handled, in batches: ``path`` is the entry's source path (``copytree``,
``move``) or removed path (``rmtree``), ``done`` the number of entries handled
so far, from 1. ``copytree`` reports each directory created (the top one
included), symlink and file copied (successfully or not: errors are raised at
the end, as ``shutil`` does); ``rmtree`` each file and directory removed; ``move``
the entries it copies, or its source once if a rename or a single copy did it.
If ``progress`` raises, the operation stops (work in flight finishes first) and
the exception propagates.

Callbacks and threads. ``ignore``, ``copy_function`` (``copytree``, ``move``) and
``onerror``/``onexc`` (``rmtree``) are called in worker threads, as the blocking
``shutil`` would call them, in the same order for one directory; ``copytree``
may call ``ignore`` and ``copy_function`` from several threads at once. Pass
blocking callables (this module's ``copy``, ``copy2`` and ``copyfile`` are
accepted and mean ``shutil``'s).

Cancellation. Cancelling the task that awaits ``copyfile``, ``copy``, ``copy2``,
``copymode``, ``copystat`` or ``disk_usage`` does not stop the call: the task
gets ``CancelledError`` at once, and the worker runs the blocking call to its
end. A copy begun is finished even if the event loop closes and the
interpreter exits meanwhile; the exception is a copy from or to a character
device such as a terminal, which may wait for ever, so exit does not wait for
it. A cancelled ``copytree``, ``rmtree`` or ``move`` starts nothing new,
waits for the jobs already running (each is short, but one file is copied by
one job, however big), closes what it holds open and raises ``CancelledError``;
what was copied or removed stays so.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import os
import shutil
import stat
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from shutil import Error, SameFileError, SpecialFileError, ignore_patterns
from typing import TYPE_CHECKING, Any, TypeVar

from . import _executor, _offload

if TYPE_CHECKING:
    from types import TracebackType

__all__ = [
    "copyfile",
    "copymode",
    "copystat",
    "copy",
    "copy2",
    "copytree",
    "rmtree",
    "move",
    "disk_usage",
    "ignore_patterns",
    "Error",
    "SameFileError",
    "SpecialFileError",
    "ProgressCallback",
]

_StrPath = str | os.PathLike[str]
_StrOrBytesPath = str | bytes | os.PathLike[str] | os.PathLike[bytes]
_PathT = TypeVar("_PathT", bound=_StrOrBytesPath)
_StrPathT = TypeVar("_StrPathT", bound=_StrPath)
_T = TypeVar("_T")
_Executor = concurrent.futures.Executor | None
ProgressCallback = Callable[[str, int], object]
"""``progress(path, done)``: see the module's documentation."""
_ExcInfo = tuple[type[BaseException], BaseException, "TracebackType"]
_MaybeNone = Any  # move() returns None in one corner case; typeshed types it so too

_PY313 = sys.version_info >= (3, 13)

FILES_PER_JOB = 16  #: files one copytree job copies
RMTREE_SLICE = 0.01  #: seconds of work in one rmtree job (then a hop, progress)


# -- one call each -------------------------------------------------------------------


async def copyfile(
    src: _StrOrBytesPath,
    dst: _PathT,
    *,
    follow_symlinks: bool = True,
    executor: _Executor = None,
) -> _PathT:
    """``shutil.copyfile``: copy the data of ``src`` to ``dst``, off the event loop.

    Cancelling the awaiting task does not stop the copy (see the module's
    documentation): it is finished in the worker.
    """
    return await _offload.run(
        _copy_job, shutil.copyfile, src, dst, follow_symlinks, executor=executor
    )


async def copymode(
    src: _StrOrBytesPath,
    dst: _StrOrBytesPath,
    *,
    follow_symlinks: bool = True,
    executor: _Executor = None,
) -> None:
    """``shutil.copymode``: copy the permission bits of ``src`` to ``dst``,
    off the event loop."""
    await _offload.run(
        shutil.copymode, src, dst, follow_symlinks=follow_symlinks, executor=executor
    )


async def copystat(
    src: _StrOrBytesPath,
    dst: _StrOrBytesPath,
    *,
    follow_symlinks: bool = True,
    executor: _Executor = None,
) -> None:
    """``shutil.copystat``: copy permission bits, times, flags and extended
    attributes of ``src`` to ``dst``, off the event loop."""
    await _offload.run(
        shutil.copystat, src, dst, follow_symlinks=follow_symlinks, executor=executor
    )


async def copy(
    src: _StrPath,
    dst: _StrPathT,
    *,
    follow_symlinks: bool = True,
    executor: _Executor = None,
) -> _StrPathT | str:
    """``shutil.copy``: copy data and permission bits (``dst`` may be a directory),
    off the event loop."""
    return await _offload.run(
        _copy_job, shutil.copy, src, dst, follow_symlinks, executor=executor
    )


async def copy2(
    src: _StrPath,
    dst: _StrPathT,
    *,
    follow_symlinks: bool = True,
    executor: _Executor = None,
) -> _StrPathT | str:
    """``shutil.copy2``: like ``copy``, plus the metadata ``copystat`` copies;
    off the event loop."""
    return await _offload.run(
        _copy_job, shutil.copy2, src, dst, follow_symlinks, executor=executor
    )


async def disk_usage(
    path: int | _StrOrBytesPath, *, executor: _Executor = None
) -> shutil._ntuple_diskusage:
    """``shutil.disk_usage``: total, used and free bytes of the file system holding
    ``path``, off the event loop."""
    return await _offload.run(shutil.disk_usage, path, executor=executor)


# -- shared plumbing -----------------------------------------------------------------


def _copy_job(func: Callable[..., _T], src: Any, dst: Any, follow_symlinks: bool) -> _T:
    """Worker: ``func(src, dst, follow_symlinks=...)`` (``shutil.copyfile``,
    ``copy`` or ``copy2``), declared unbounded first if it may wait for ever."""
    _executor.unbounded_if_special(src, follow_symlinks)
    _executor.unbounded_if_special(dst)
    return func(src, dst, follow_symlinks=follow_symlinks)


def _blocking(copy_function: Callable[..., object]) -> Callable[..., object]:
    """The blocking function to call in workers for ``copy_function``."""
    if copy_function is copy2:
        return shutil.copy2
    if copy_function is copy:
        return shutil.copy
    if copy_function is copyfile:
        return shutil.copyfile
    if inspect.iscoroutinefunction(copy_function):
        raise TypeError(
            "copy_function must be a blocking function: it is called in worker threads"
        )
    return copy_function


async def _finish(fut: asyncio.Future[_T]) -> _T:
    """Await a worker job; if cancelled meanwhile, let the job end first, then raise."""
    try:
        return await asyncio.shield(fut)
    except asyncio.CancelledError:
        await _settle(fut)
        raise


async def _settle(fut: asyncio.Future[Any]) -> None:
    """Wait until ``fut`` is done, whatever it holds, through any cancellation."""
    while not fut.done():
        try:
            await asyncio.shield(fut)
        except asyncio.CancelledError:
            continue  # the caller is being cancelled: it re-raises once we are done
        except BaseException:
            return


# -- copytree ------------------------------------------------------------------------


class _Options:
    __slots__ = (
        "copy_function",
        "dirs_exist_ok",
        "ignore",
        "ignore_dangling_symlinks",
        "symlinks",
        "use_srcentry",
    )

    def __init__(
        self,
        symlinks: bool,
        ignore: Callable[[Any, list[str]], Iterable[str]] | None,
        copy_function: Callable[..., object],
        ignore_dangling_symlinks: bool,
        dirs_exist_ok: bool,
    ) -> None:
        self.symlinks = symlinks
        self.ignore = ignore
        self.copy_function = copy_function
        self.ignore_dangling_symlinks = ignore_dangling_symlinks
        self.dirs_exist_ok = dirs_exist_ok
        # shutil passes the DirEntry itself to its own copy functions (cached stat).
        self.use_srcentry = (
            copy_function is shutil.copy2 or copy_function is shutil.copy
        )


# A file to copy: (slot in its directory, src (DirEntry or path), dst, src path).
_File = tuple[int, Any, Any, Any]


class _Plan:
    """What a worker did and found in one directory (see ``_plan_dir``)."""

    __slots__ = ("complete", "files", "handled", "slots", "stat_error", "subdirs")

    def __init__(self) -> None:
        self.slots: list[list[Any] | None] = []  # per entry: its errors; None: to do
        self.files: list[_File] = []
        self.subdirs: list[_File] = []
        self.handled: list[Any] = []  # source paths of the entries done here
        self.complete = False  # files copied and copystat done here too
        self.stat_error: tuple[Any, Any, str] | None = None


def _copy_one(opts: _Options, srcobj: Any, dstname: Any, srcname: Any) -> list[Any]:
    """Worker: copy one file; the errors copytree would collect for it."""
    _executor.unbounded_if_special(srcobj)
    try:
        opts.copy_function(srcobj, dstname)
    except Error as err:
        return list(err.args[0])  # errors.extend(err.args[0]), as shutil does
    except OSError as why:
        return [(srcname, dstname, str(why))]
    return []


def _copy_dir_stat(src: Any, dst: Any) -> tuple[Any, Any, str] | None:
    """Worker: copytree's last step for one directory."""
    try:
        shutil.copystat(src, dst)
    except OSError as why:
        if getattr(why, "winerror", None) is None:  # access times may fail on Windows
            return (src, dst, str(why))
    return None


def _plan_dir(src: Any, dst: Any, opts: _Options) -> _Plan:
    """Worker: ``shutil.copytree`` for one directory, minus subdirectories and files.

    Lists ``src``, asks ``ignore``, makes ``dst``, recreates symlinks and sorts
    the rest into files and subdirectories, in order. A leaf directory with few
    files is finished here (files copied, then its copystat).
    """
    sys.audit("shutil.copytree", src, dst)
    with os.scandir(src) as itr:
        entries = list(itr)
    if opts.ignore is not None:
        ignored_names: Iterable[str] = opts.ignore(
            os.fspath(src), [x.name for x in entries]
        )
    else:
        ignored_names = ()
    os.makedirs(dst, exist_ok=opts.dirs_exist_ok)
    plan = _Plan()
    slots, join = plan.slots, os.path.join
    for srcentry in entries:
        if srcentry.name in ignored_names:
            continue
        srcname = join(src, srcentry.name)
        dstname = join(dst, srcentry.name)
        srcobj = srcentry if opts.use_srcentry else srcname
        slot = len(slots)
        slots.append(None)
        try:
            if srcentry.is_symlink():
                linkto = os.readlink(srcname)
                if opts.symlinks:
                    os.symlink(linkto, dstname)
                    shutil.copystat(srcobj, dstname, follow_symlinks=not opts.symlinks)
                    slots[slot] = []
                    plan.handled.append(srcname)
                    continue
                if not os.path.exists(linkto) and opts.ignore_dangling_symlinks:
                    slots.pop()
                    continue
            todo = plan.subdirs if srcentry.is_dir() else plan.files
            todo.append((slot, srcobj, dstname, srcname))
        except Error as err:
            slots[slot] = list(err.args[0])
        except OSError as why:
            slots[slot] = [(srcname, dstname, str(why))]
    if not plan.subdirs and len(plan.files) <= FILES_PER_JOB:
        for slot, srcobj, dstname, srcname in plan.files:
            slots[slot] = _copy_one(opts, srcobj, dstname, srcname)
            plan.handled.append(srcname)
        plan.files = []
        plan.stat_error = _copy_dir_stat(src, dst)
        plan.complete = True
    return plan


def _copy_files(files: list[_File], opts: _Options) -> list[list[Any]]:
    """Worker: copy a batch of files; the errors of each."""
    return [_copy_one(opts, srcobj, dst, name) for _, srcobj, dst, name in files]


def _stat_dirs(dirs: list[_TreeDir]) -> list[tuple[Any, Any, str] | None]:
    """Worker: the final copystat of directories whose contents are all done."""
    return [_copy_dir_stat(d.src, d.dst) for d in dirs]


class _TreeDir:
    """A directory being copied, on the loop's side."""

    __slots__ = (
        "dst",
        "dstname",
        "parent",
        "pending",
        "slot",
        "slots",
        "src",
        "srcname",
    )

    def __init__(
        self,
        src: Any,
        dst: Any,
        srcname: Any,
        dstname: Any,
        parent: _TreeDir | None,
        slot: int,
    ) -> None:
        self.src = src  # what shutil's recursive copytree would get: a DirEntry or path
        self.dst = dst
        self.srcname = srcname  # the names the parent's error tuples use
        self.dstname = dstname
        self.parent = parent
        self.slot = slot  # our place among the parent's entries
        self.slots: list[list[Any] | None] = []
        self.pending = 0  # jobs (file batches, subdirectories) not finished yet


class _TreeCopier:
    """Schedules copytree's jobs: at most ``limit`` in flight, results in order.

    Rules: every callback runs on the loop thread (``_offload.submit``); a
    directory's copystat is asked only once all its entries are done (so it runs
    after everything below it, as in shutil); errors are assembled per
    directory in entry order; the first exception that shutil would not collect
    stops all scheduling and is raised once the jobs in flight have finished.
    """

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        opts: _Options,
        limit: int,
        progress: ProgressCallback | None,
        executor: _Executor,
    ) -> None:
        self.loop = loop
        self.opts = opts
        self.limit = limit
        self.progress = progress
        self.executor = executor
        self.plans: list[_TreeDir] = []  # directories to list (LIFO: depth first)
        self.batches: deque[tuple[_TreeDir, list[_File]]] = deque()
        self.finished: list[_TreeDir] = []  # directories ready for their copystat
        self.in_flight = 0
        self.done = 0  # entries reported to progress
        self.failure: BaseException | None = None
        self.errors: list[Any] | None = None  # the top directory's, once done
        self.settled: asyncio.Future[None] = loop.create_future()

    # -- scheduling ----------------------------------------------------------------

    def launch(self) -> None:
        while self.failure is None and self.in_flight < self.limit:
            # Listing first (depth first), unless enough files wait to be copied.
            if self.plans and len(self.batches) < 2 * self.limit:
                d = self.plans.pop()
                job: Callable[[], Any] = partial(_plan_dir, d.src, d.dst, self.opts)
                on_done: Callable[[bool, Any], None] = partial(self.planned, d)
            elif self.batches:
                d, files = self.batches.popleft()
                job = partial(_copy_files, files, self.opts)
                on_done = partial(self.copied, d, files)
            elif self.finished:
                dirs, self.finished = self.finished, []
                job = partial(_stat_dirs, dirs)
                on_done = partial(self.statted, dirs)
            else:
                return
            self.in_flight += 1
            try:
                _offload.submit(self.loop, self.executor, job, on_done)
            except BaseException as exc:
                self.in_flight -= 1
                self.fail(exc)

    def fail(self, exc: BaseException) -> None:
        if self.failure is None:
            self.failure = exc
        self.check_settled()

    def check_settled(self) -> None:
        if self.in_flight == 0 and not self.settled.done():
            if self.failure is not None or self.errors is not None:
                self.settled.set_result(None)

    def report(self, paths: Iterable[Any]) -> None:
        progress = self.progress
        if progress is not None:
            for path in paths:
                self.done += 1
                progress(path, self.done)

    # -- results (on the loop thread) ------------------------------------------------

    def planned(self, d: _TreeDir, ok: bool, value: Any) -> None:
        self._deliver(self._planned, d, ok, value)

    def copied(self, d: _TreeDir, files: list[_File], ok: bool, value: Any) -> None:
        self._deliver(self._copied, d, files, ok, value)

    def statted(self, dirs: list[_TreeDir], ok: bool, value: Any) -> None:
        self._deliver(self._statted, dirs, ok, value)

    def _deliver(self, handler: Callable[..., None], *args: Any) -> None:
        self.in_flight -= 1
        try:
            if self.failure is None:
                handler(*args)
        except BaseException as exc:  # progress raised, or a job did
            self.fail(exc)
            return
        self.launch()
        self.check_settled()

    def _planned(self, d: _TreeDir, ok: bool, value: Any) -> None:
        if not ok:
            if d.parent is None or not isinstance(value, OSError):
                raise value  # shutil.Error is an OSError: collected below
            if isinstance(value, Error):
                errors = list(value.args[0])
            else:
                errors = [(d.srcname, d.dstname, str(value))]
            self.entry_done(d.parent, d.slot, errors)
            return
        plan: _Plan = value
        d.slots = plan.slots
        self.report([d.srcname])
        self.report(plan.handled)
        if plan.complete:
            self.dir_done(d, plan.stat_error)
            return
        files = plan.files
        for start in range(0, len(files), FILES_PER_JOB):
            self.batches.append((d, files[start : start + FILES_PER_JOB]))
            d.pending += 1
        for slot, srcobj, dstname, srcname in reversed(plan.subdirs):
            self.plans.append(_TreeDir(srcobj, dstname, srcname, dstname, d, slot))
            d.pending += 1
        if d.pending == 0:
            self.finished.append(d)

    def _copied(self, d: _TreeDir, files: list[_File], ok: bool, value: Any) -> None:
        if not ok:
            raise value
        for (slot, _, _, _), errors in zip(files, value, strict=True):
            d.slots[slot] = errors
        self.report([srcname for _, _, _, srcname in files])
        self.child_done(d)

    def _statted(self, dirs: list[_TreeDir], ok: bool, value: Any) -> None:
        if not ok:
            raise value
        for d, stat_error in zip(dirs, value, strict=True):
            self.dir_done(d, stat_error)

    def entry_done(self, d: _TreeDir, slot: int, errors: list[Any]) -> None:
        d.slots[slot] = errors
        self.child_done(d)

    def child_done(self, d: _TreeDir) -> None:
        d.pending -= 1
        if d.pending == 0:
            self.finished.append(d)

    def dir_done(self, d: _TreeDir, stat_error: tuple[Any, Any, str] | None) -> None:
        errors = [error for slot in d.slots if slot for error in slot]
        if stat_error is not None:
            errors.append(stat_error)
        if d.parent is None:
            self.errors = errors
        else:
            self.entry_done(d.parent, d.slot, errors)


async def copytree(
    src: _StrPath,
    dst: _StrPathT,
    symlinks: bool = False,
    ignore: Callable[[Any, list[str]], Iterable[str]] | None = None,
    copy_function: Callable[[str, str], object] = shutil.copy2,
    ignore_dangling_symlinks: bool = False,
    dirs_exist_ok: bool = False,
    *,
    progress: ProgressCallback | None = None,
    concurrency: int = 4,
    executor: _Executor = None,
) -> _StrPathT:
    """``shutil.copytree``, with directories and files handled by several workers.

    Same arguments, result and errors: a ``shutil.Error`` listing every
    ``(src, dst, reason)`` in the order ``shutil.copytree`` would list them; an
    error about ``src`` or ``dst`` themselves raised as it is. ``concurrency``
    (default 4) bounds the jobs in flight (listing a directory, copying up to
    16 files, or the final ``copystat`` of directories).
    ``progress``: see the module's documentation.
    """
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    opts = _Options(
        symlinks,
        ignore,
        _blocking(copy_function),
        ignore_dangling_symlinks,
        dirs_exist_ok,
    )
    copier = _TreeCopier(
        asyncio.get_running_loop(), opts, concurrency, progress, executor
    )
    copier.plans.append(_TreeDir(src, dst, os.fspath(src), dst, None, 0))
    copier.launch()
    try:
        await asyncio.shield(copier.settled)
    except asyncio.CancelledError:
        copier.fail(asyncio.CancelledError())  # start nothing more
        await _settle(copier.settled)
        raise
    if copier.failure is not None:
        raise copier.failure
    if copier.errors:
        raise Error(copier.errors)
    return dst


# -- rmtree ---------------------------------------------------------------------------

# shutil.rmtree's own test: can it walk by file descriptors on this system?
_USE_FD_FUNCTIONS = (
    {os.open, os.stat, os.unlink, os.rmdir} <= os.supports_dir_fd
    and os.scandir in os.supports_fd
    and os.stat in os.supports_follow_symlinks
)
# Before 3.13, any error of the top path's lstat/open goes to onexc, not only OSError.
_TOP_ERRORS: tuple[type[BaseException], ...] = (OSError,) if _PY313 else (Exception,)
# 3.13 opens directories non-blocking (a FIFO swapped in cannot hang it).
_DIR_FLAGS = os.O_RDONLY | (os.O_NONBLOCK if _PY313 else 0)

_OnExc = Callable[[Callable[..., Any], str, BaseException], object]


class _Frame:
    """A directory being removed: its fd and the entries still to handle."""

    __slots__ = ("entries", "fd", "name", "parent_fd", "path", "pos", "top")

    def __init__(self, fd: int, path: str, name: str, parent_fd: int | None) -> None:
        self.fd = fd
        self.path = path  # for error reports and progress
        self.name = name  # what to rmdir, relative to parent_fd
        self.parent_fd = parent_fd
        self.top = False
        self.entries: list[tuple[os.DirEntry[str], bool]] = []
        self.pos = 0


class _Remover:
    """The worker side of one ``rmtree``: a walk that can stop and resume.

    Rules (shutil.rmtree's, which these follow):

    Rule 1. A directory is entered only through a file descriptor opened
            relative to its parent's descriptor, and only after ``fstat`` of that
            descriptor matches the ``lstat`` taken before opening it; otherwise
            it is reported as a symbolic link (``os.path.islink``) and left
            alone. Entries are unlinked relative to their directory's
            descriptor. A symlink swapped in at any moment therefore leads
            nowhere outside the tree.
    Rule 2. Errors go to ``onexc`` at once, in the worker, in shutil's order
            for the running Python (3.13: files of a directory first, then its
            subdirectories last to first, entries that vanished meanwhile
            ignored; before 3.13: entries in listing order).
    Rule 3. ``run()`` stops after about ``seconds`` of work, between two system
            calls; the frames (and their open descriptors) wait for the next
            ``run()``. Any exception closes every descriptor still open.
    Rule 4. Only one thread uses a ``_Remover`` at a time: the loop awaits each
            job before it submits the next.
    """

    def __init__(
        self, path: str, dir_fd: int | None, onexc: _OnExc, want_paths: bool
    ) -> None:
        self.path = path
        self.dir_fd = dir_fd
        self.onexc = onexc
        self.want_paths = want_paths
        self.frames: list[_Frame] = []
        self.started = False
        self.removed: list[str] = []

    # -- error reports ---------------------------------------------------------------

    def report(self, func: Callable[..., Any], path: str, err: BaseException) -> None:
        if _PY313 and isinstance(err, OSError):
            err.filename = path
        self.onexc(func, path, err)

    def vanished(self, err: OSError) -> bool:
        """3.13 ignores entries that disappear while it runs."""
        return _PY313 and isinstance(err, FileNotFoundError)

    # -- the walk ------------------------------------------------------------------------

    def run(self, seconds: float) -> tuple[list[str], bool]:
        """Work for about ``seconds``; returns (paths removed, finished?)."""
        try:
            if not self.started:
                self.started = True
                self.start()
            frames = self.frames
            deadline = time.monotonic() + seconds
            steps = 0
            while frames:
                self.step(frames[-1])
                steps += 1
                if steps % 32 == 0 and time.monotonic() > deadline:
                    break
        except BaseException:
            self.close()
            raise
        removed, self.removed = self.removed, []
        return removed, not self.frames

    def start(self) -> None:
        path, dir_fd = self.path, self.dir_fd
        try:
            orig_st = os.lstat(path, dir_fd=dir_fd)
        except _TOP_ERRORS as err:
            self.report(os.lstat, path, err)
            return
        try:
            fd = os.open(path, _DIR_FLAGS, dir_fd=dir_fd)
        except _TOP_ERRORS as err:
            self.report(os.open, path, err)
            return
        frame = _Frame(fd, path, path, dir_fd)
        frame.top = True
        self.enter(frame, orig_st)

    def enter(self, frame: _Frame, orig_st: os.stat_result) -> None:
        """Check ``frame.fd`` against ``orig_st`` (Rule 1), then list it."""
        fd = frame.fd
        try:
            same = os.path.samestat(orig_st, os.fstat(fd))
        except BaseException:
            os.close(fd)
            raise
        if not same:
            try:
                raise OSError("Cannot call rmtree on a symbolic link")
            except OSError as err:
                try:
                    self.report(os.path.islink, frame.path, err)
                finally:
                    os.close(fd)
            return
        self.frames.append(frame)
        try:
            with os.scandir(fd) as scandir_it:
                entries = list(scandir_it)
        except OSError as err:
            err.filename = frame.path
            self.report(os.scandir, frame.path, err)
            return
        listed: list[tuple[os.DirEntry[str], bool]] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError as err:
                if self.vanished(err):
                    continue
                is_dir = False
            listed.append((entry, is_dir))
        if _PY313:  # files in order, then directories last to first
            listed = [e for e in listed if not e[1]] + [e for e in listed if e[1]][::-1]
        frame.entries = listed

    def step(self, frame: _Frame) -> None:
        """Handle the next entry of ``frame``, or finish ``frame``."""
        if frame.pos == len(frame.entries):
            self.frames.pop()
            self.leave(frame)
            return
        entry, is_dir = frame.entries[frame.pos]
        frame.pos += 1
        fullname = os.path.join(frame.path, entry.name)
        if is_dir:
            try:
                orig_st = entry.stat(follow_symlinks=False)
            except OSError as err:
                if not self.vanished(err):
                    self.report(os.lstat, fullname, err)
                return
            if _PY313 or stat.S_ISDIR(orig_st.st_mode):
                try:
                    fd = os.open(entry.name, _DIR_FLAGS, dir_fd=frame.fd)
                except OSError as err:
                    if not self.vanished(err):
                        self.report(os.open, fullname, err)
                    return
                self.enter(_Frame(fd, fullname, entry.name, frame.fd), orig_st)
                return
        try:
            os.unlink(entry.name, dir_fd=frame.fd)
        except OSError as err:
            if not self.vanished(err):
                self.onexc(os.unlink, fullname, err)
            return
        if self.want_paths:
            self.removed.append(fullname)

    def leave(self, frame: _Frame) -> None:
        """Close a finished directory and remove it."""
        try:
            os.close(frame.fd)
        except OSError as err:
            self.report(os.close, frame.path, err)
        try:
            os.rmdir(frame.name, dir_fd=frame.parent_fd)
        except OSError as err:
            if frame.top or not self.vanished(err):
                self.report(os.rmdir, frame.path, err)
            return
        if self.want_paths:
            self.removed.append(os.fspath(frame.path) if frame.top else frame.path)

    def close(self) -> None:
        """Close every descriptor still open (after an error or a cancellation)."""
        frames, self.frames = self.frames, []
        for frame in reversed(frames):
            try:
                os.close(frame.fd)
            except OSError as err:
                self.report(os.close, frame.path, err)


def _onexc(
    ignore_errors: bool,
    onerror: Callable[[Callable[..., Any], str, _ExcInfo], object] | None,
    onexc: _OnExc | None,
) -> _OnExc:
    """The error handler shutil.rmtree would use, as an ``onexc``."""
    if ignore_errors:
        return lambda func, path, exc: None
    if onexc is not None:
        return onexc
    if onerror is None:

        def reraise(func: Callable[..., Any], path: str, exc: BaseException) -> None:
            raise exc

        return reraise
    handler = onerror

    def as_onerror(func: Callable[..., Any], path: str, exc: BaseException) -> object:
        return handler(func, path, (type(exc), exc, exc.__traceback__))  # type: ignore[arg-type]

    return as_onerror


async def _rmtree(
    path: _StrOrBytesPath,
    ignore_errors: bool,
    onerror: Callable[[Callable[..., Any], str, _ExcInfo], object] | None,
    onexc: _OnExc | None,
    dir_fd: int | None,
    progress: ProgressCallback | None,
    executor: _Executor,
) -> None:
    if sys.version_info >= (3, 11):
        sys.audit("shutil.rmtree", path, dir_fd)
    else:
        sys.audit("shutil.rmtree", path)
    handler = _onexc(ignore_errors, onerror, onexc)
    if not _USE_FD_FUNCTIONS:  # pragma: no cover - Windows: shutil's walk, one job
        if sys.version_info >= (3, 12):
            await _offload.run(
                shutil.rmtree, path, onexc=handler, dir_fd=dir_fd, executor=executor
            )
        else:
            await _offload.run(
                shutil.rmtree, path, ignore_errors, onerror, executor=executor
            )
        if progress is not None:
            progress(os.fsdecode(path), 1)
        return
    # As in shutil: while the unsafe rmtree works fine on bytes, the fd based does not.
    top = os.fsdecode(path) if isinstance(path, bytes) else path
    remover = _Remover(top, dir_fd, handler, progress is not None)  # type: ignore[arg-type]
    loop = asyncio.get_running_loop()
    done = 0
    finished = False
    try:
        while not finished:
            job = _offload.start(loop, executor, partial(remover.run, RMTREE_SLICE))
            removed, finished = await _finish(job)
            if progress is not None:
                for removed_path in removed:
                    done += 1
                    progress(removed_path, done)
    except BaseException:
        if not finished:  # cancelled, or progress raised: release the descriptors
            await _offload.run(remover.close, executor=executor)
        raise


if sys.version_info >= (3, 12):

    async def rmtree(
        path: _StrOrBytesPath,
        ignore_errors: bool = False,
        onerror: Callable[[Callable[..., Any], str, _ExcInfo], object] | None = None,
        *,
        onexc: _OnExc | None = None,
        dir_fd: int | None = None,
        progress: ProgressCallback | None = None,
        executor: _Executor = None,
    ) -> None:
        """``shutil.rmtree``, in short batches off the loop; see the module doc."""
        await _rmtree(path, ignore_errors, onerror, onexc, dir_fd, progress, executor)

elif sys.version_info >= (3, 11):

    async def rmtree(
        path: _StrOrBytesPath,
        ignore_errors: bool = False,
        onerror: Callable[[Callable[..., Any], str, _ExcInfo], object] | None = None,
        *,
        dir_fd: int | None = None,
        progress: ProgressCallback | None = None,
        executor: _Executor = None,
    ) -> None:
        """``shutil.rmtree``, in short batches off the loop; see the module doc."""
        await _rmtree(path, ignore_errors, onerror, None, dir_fd, progress, executor)

else:

    async def rmtree(
        path: _StrOrBytesPath,
        ignore_errors: bool = False,
        onerror: Callable[[Callable[..., Any], str, _ExcInfo], object] | None = None,
        *,
        progress: ProgressCallback | None = None,
        executor: _Executor = None,
    ) -> None:
        """``shutil.rmtree``, in short batches off the loop; see the module doc."""
        await _rmtree(path, ignore_errors, onerror, None, None, progress, executor)


rmtree.avoids_symlink_attacks = _USE_FD_FUNCTIONS  # type: ignore[attr-defined]


# -- move ------------------------------------------------------------------------------


def _basename(path: Any) -> Any:
    """The last component of ``path``, ignoring trailing separators."""
    path = os.fspath(path)
    sep = os.path.sep + (os.path.altsep or "")
    return os.path.basename(path.rstrip(sep))


def _destinsrc(src: Any, dst: Any) -> bool:
    src = os.path.abspath(src)
    dst = os.path.abspath(dst)
    if not src.endswith(os.path.sep):
        src += os.path.sep
    if not dst.endswith(os.path.sep):
        dst += os.path.sep
    return bool(dst.startswith(src))


def _is_immutable(src: Any) -> bool:
    flags = getattr(os.stat(src), "st_flags", None)
    return flags is not None and flags in (stat.UF_IMMUTABLE, stat.SF_IMMUTABLE)


def _samefile(src: Any, dst: Any) -> bool:
    try:
        return os.path.samefile(src, dst)
    except OSError:
        return False


def _move_start(
    src: Any, dst: Any, copy_function: Callable[..., object]
) -> tuple[Any, bool]:
    """Worker: ``shutil.move`` up to a directory that must be copied.

    Returns ``(result, False)`` when it is done, or ``(real_dst, True)`` when
    ``src`` is a directory that ``rename`` could not move: copy it, then remove it.
    """
    real_dst = dst
    if os.path.isdir(dst):
        if _samefile(src, dst) and not (_PY313 and os.path.islink(src)):
            # Perhaps a case-insensitive file system: rename anyway.
            os.rename(src, dst)
            return None, False
        real_dst = os.path.join(dst, _basename(src))
        if os.path.exists(real_dst):
            raise Error(f"Destination path '{real_dst}' already exists")
    try:
        os.rename(src, real_dst)
    except OSError:
        if os.path.islink(src):
            linkto = os.readlink(src)
            os.symlink(linkto, real_dst)
            os.unlink(src)
        elif os.path.isdir(src):
            if _destinsrc(src, dst):
                raise Error(  # noqa: B904 - chained to the rename error, as in shutil
                    f"Cannot move a directory '{src}' into itself '{dst}'."
                )
            if _is_immutable(src) or (
                not os.access(src, os.W_OK)
                and os.listdir(src)
                and sys.platform == "darwin"
            ):
                raise PermissionError(  # noqa: B904 - as in shutil
                    "Cannot move the non-empty directory "
                    f"'{src}': Lacking write permission to '{src}'."
                )
            return real_dst, True
        else:
            _executor.unbounded_if_special(src)
            copy_function(src, real_dst)
            os.unlink(src)
    return real_dst, False


async def move(
    src: _StrPath,
    dst: _StrPathT,
    copy_function: Callable[[str, str], object] = shutil.copy2,
    *,
    progress: ProgressCallback | None = None,
    executor: _Executor = None,
) -> _StrPathT | str | _MaybeNone:
    """``shutil.move``: a rename where it can, else a copy then a removal.

    A directory moved across file systems is copied by ``copytree`` (several
    workers, ``symlinks=True``) and then removed by ``rmtree``; anything else
    takes one worker call. ``progress``: see the module's documentation.
    """
    sys.audit("shutil.move", src, dst)
    blocking = _blocking(copy_function)
    result, tree = await _offload.run(
        _move_start, src, dst, blocking, executor=executor
    )
    if tree:
        await copytree(
            src,
            result,
            copy_function=blocking,
            symlinks=True,
            progress=progress,
            executor=executor,
        )
        await rmtree(src, executor=executor)
    elif progress is not None:
        progress(os.fspath(src), 1)
    return result
