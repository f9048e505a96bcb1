"""An async ``pathlib``: :class:`Path` with the I/O of ``pathlib.Path`` as coroutines.

Pure path operations (``/``, ``parent``, ``name``, ``with_suffix``, ...) are the
standard library's own, synchronous, and return this module's classes. Every
method that touches the file system is a coroutine that runs the standard
library's method in a worker, with the same arguments, results and errors, in
one hop. Calls on the same path take effect in the order they were made, even
when a caller is cancelled: a change (``write_text``, ``unlink``, ``rename``,
...) starts once every earlier call on that path has finished, and a query
(``exists``, ``read_text``, ...) once every earlier change has, so a cancelled
``write_text`` still lands before the calls that follow it, as the blocking
call would. ``iterdir``, ``glob``, ``rglob`` and ``walk`` are async iterators
that fetch their entries in batches::

    from aiofiles.pathlib import Path

    p = Path("data") / "report.txt"
    if await p.exists():
        text = await p.read_text()
    async for py in Path("src").rglob("*.py"):
        ...

``Path`` is not a subclass of ``pathlib.Path`` (whose methods are blocking); it is
a ``pathlib.PurePath``, so ``os.fspath()``, ``open()`` and every API that takes a
path accept it.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import io
import os
import pathlib
import sys
import time
import weakref
from collections.abc import AsyncIterator, Callable, Iterator
from stat import S_ISDIR, S_ISREG
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    overload,
)

from . import _fastpath, _offload, _walk
from ._budget import OPEN_COST, pause, spent
from ._budget import allowed as inline_allowed
from ._budget import charge_since as spend_since

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, StrOrBytesPath

    from ._modes import (
        OpenBinaryMode,
        OpenBinaryModeReading,
        OpenBinaryModeUpdating,
        OpenBinaryModeWriting,
        OpenTextMode,
    )
    from .base import AiofilesContextManager, AsyncBase
    from .threadpool.binary import AsyncBufferedIOBase, AsyncBufferedReader, AsyncFileIO
    from .threadpool.text import AsyncTextIOWrapper

__all__ = [
    "Path",
    "PosixPath",
    "PathInfo",
    "PurePath",
    "PurePosixPath",
    "PureWindowsPath",
    "WindowsPath",
]

_R = TypeVar("_R")
_PathT = TypeVar("_PathT", bound="Path")
_StrPath = str | os.PathLike[str]

# pathlib.UnsupportedOperation is new in 3.13 (a NotImplementedError subclass).
_Unsupported: type[Exception] = getattr(
    pathlib, "UnsupportedOperation", NotImplementedError
)

INLINE_MAX = 64 * 1024  #: largest file read_bytes/read_text may read on the loop
RESULTS_BATCH = 512  #: paths per worker job in iterdir, glob and rglob, at most
RESULTS_SECONDS = 0.002  #: and how long one such job may take, about
_KEEP_INFO = sys.version_info >= (3, 14)


# -- pure paths ---------------------------------------------------------------------


class PurePath(pathlib.PurePath):
    """``pathlib.PurePath`` whose derived paths are of this module's classes.

    Like the standard library's, instantiating it gives a ``PurePosixPath`` or a
    ``PureWindowsPath``, depending on the system.
    """

    __slots__ = ()

    def __new__(cls, *args: _StrPath) -> PurePath:
        if cls is PurePath:
            flavoured = PureWindowsPath if os.name == "nt" else PurePosixPath
            return super().__new__(flavoured, *args)  # pyright: ignore[reportArgumentType]
        return super().__new__(cls, *args)


class PurePosixPath(PurePath, pathlib.PurePosixPath):
    """``pathlib.PurePosixPath``, from this module."""

    __slots__ = ()


class PureWindowsPath(PurePath, pathlib.PureWindowsPath):
    """``pathlib.PureWindowsPath``, from this module."""

    __slots__ = ()


# -- the helpers behind the I/O methods ---------------------------------------------


def _call(fn: Callable[..., _R], path: PurePath, args: Any, kwargs: Any) -> _R:
    """Worker: run ``pathlib.Path``'s method ``fn`` on ``path``."""
    return fn(pathlib.Path(path), *args, **kwargs)


def _call_path(fn: Callable[..., pathlib.PurePath], path: _PathT, args: Any) -> _PathT:
    """Worker: like ``_call``, for a method that returns a path; returns ours."""
    return type(path)(fn(pathlib.Path(path), *args))


# Rules of the one-shot methods (stat, exists, read_text, write_text, mkdir, ...):
#
# Rule 4. Each call is its own job, sent off the loop through ``_offload`` when
#         the call is made. It runs the standard library's method, so results
#         and errors are exactly pathlib's. A call takes its place when it is
#         made and runs even if its caller is cancelled meanwhile: the caller
#         gives up the result, not the call.
# Rule 5. Calls on the same path keep the order they were made in: a call that
#         changes the file system starts after every earlier call on that path
#         has finished, and a call that only looks starts after every earlier
#         change on it has finished. "Finished" is the job's end, not the
#         caller's return: a cancelled ``write_text`` still lands before the
#         call that follows it, as the blocking call would. A path is its
#         absolute spelling (``..`` and symlinks are not resolved). A call is
#         ordered with the calls on its path, on the directories above it and
#         on the paths inside it; calls with two paths (rename, copy, move,
#         ...) are ordered on both.
# Rule 6. A job that opens a file's contents (read_bytes, write_text, copy,
#         move, ...) first checks, in the worker, what the paths name. A FIFO,
#         device or socket may make it wait for ever, so the call then leaves
#         its bounded worker and runs as an ``unbounded`` job (``_executor``
#         Rule 7), outside the order of Rule 5 (the reader and the writer of one
#         FIFO must be able to meet). Directories (copy, move) run unbounded
#         too, since a tree may hold such files, but keep their place in the
#         order.


class _Call:
    """One call's place in the order of its paths (Rule 5)."""

    __slots__ = ("changes", "done", "keys")

    def __init__(self, keys: tuple[str, ...], changes: bool, done: Any) -> None:
        self.keys = keys
        self.changes = changes
        self.done: asyncio.Future[None] = done  # set when the job has ended


def _ancestors(key: str) -> Iterator[str]:
    """The directories above the absolute path ``key``, nearest first."""
    while True:
        parent = os.path.dirname(key)
        if parent == key:
            return
        yield parent
        key = parent


class _Order:
    """The calls still running on each path, for one event loop (Rule 5)."""

    __slots__ = ("__weakref__", "below", "running")

    def __init__(self) -> None:
        # Calls by their paths, and by every directory above their paths (as
        # insertion-ordered sets): a call is ordered with those on its paths,
        # on the directories above them, and on the paths inside them.
        self.running: dict[str, dict[_Call, None]] = {}
        self.below: dict[str, dict[_Call, None]] = {}

    def enter(self, call: _Call) -> list[asyncio.Future[None]]:
        """Take ``call``'s place; return the ends it must wait for."""
        running, below = self.running, self.below
        before: dict[_Call, None] = {}
        for key in call.keys:
            related = [running.get(key), below.get(key)]
            related += [running.get(up) for up in _ancestors(key)]
            for calls in related:
                if calls:
                    for other in calls:
                        if call.changes or other.changes:
                            before[other] = None
        for key in call.keys:
            running.setdefault(key, {})[call] = None
            for up in _ancestors(key):
                below.setdefault(up, {})[call] = None
        before.pop(call, None)
        return [other.done for other in before]

    def leave(self, call: _Call) -> None:
        if call.done.done():
            return
        call.done.set_result(None)
        for key in call.keys:
            self._drop(self.running, key, call)
            for up in _ancestors(key):
                self._drop(self.below, up, call)

    @staticmethod
    def _drop(index: dict[str, dict[_Call, None]], key: str, call: _Call) -> None:
        calls = index.get(key)
        if calls is not None:
            calls.pop(call, None)
            if not calls:
                del index[key]

    def busy(self, key: str) -> bool:
        """Is a change to ``key`` (or above or inside it) running or waiting?"""
        related = [self.running.get(key), self.below.get(key)]
        related += [self.running.get(up) for up in _ancestors(key)]
        return any(c.changes for calls in related if calls for c in calls)


_orders: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Order] = (
    weakref.WeakKeyDictionary()
)


def _order_of(loop: asyncio.AbstractEventLoop) -> _Order:
    order = _orders.get(loop)
    if order is None:
        order = _orders[loop] = _Order()
    return order


def _key(path: Any) -> str:
    """The spelling of ``path`` that Rule 5 orders on."""
    text = os.fsdecode(os.fspath(path))
    return text if os.path.isabs(text) else os.path.join(os.getcwd(), text)


def _keys(paths: tuple[Any, ...]) -> tuple[str, ...]:
    """The keys of ``paths``, each once; what is not a path has none (the
    call itself raises pathlib's error for it)."""
    keys: dict[str, None] = {}
    for path in paths:
        try:
            keys[_key(path)] = None
        except (TypeError, ValueError):
            pass
    return tuple(keys)


class _Again:
    """What a job returns when its paths need an unbounded worker (Rule 6)."""

    __slots__ = ()


_AGAIN = _Again()


_AGAIN_IN_ORDER = _Again()


def _may_wait(paths: tuple[Any, ...]) -> _Again | None:
    """Worker: may opening one of ``paths`` wait for ever (Rule 6)? ``_AGAIN``
    for a FIFO, device or socket, ``_AGAIN_IN_ORDER`` for a directory (a tree
    that may hold one), None if not."""
    found = None
    for path in paths:
        if isinstance(path, int):
            continue  # not a path (os.stat would take it for a descriptor)
        try:
            mode = os.stat(path).st_mode
        except (OSError, ValueError, TypeError):
            continue  # missing or unusable: the call itself says what is wrong
        if S_ISDIR(mode):
            found = _AGAIN_IN_ORDER
        elif not S_ISREG(mode):
            return _AGAIN
    return found


def _checked(paths: tuple[Any, ...], call: Callable[[], _R]) -> Callable[[], Any]:
    def job() -> Any:
        again = _may_wait(paths)
        return call() if again is None else again

    return job


def _ordered(
    keys: tuple[Any, ...],
    changes: bool,
    call: Callable[[], _R],
    opens: tuple[Any, ...] = (),
) -> asyncio.Future[_R]:
    """Run ``call()`` off the loop in the order of Rule 5 (Rules 4 to 6).

    ``keys``: the paths the call is ordered on; ``opens``: the paths whose
    contents it opens (Rule 6). The call takes its place now and runs when
    its turn comes, whether or not the caller still waits for the result.
    """
    loop = asyncio.get_running_loop()
    order = _order_of(loop)
    me = _Call(_keys(keys), changes, loop.create_future())
    result: asyncio.Future[_R] = loop.create_future()
    job = _checked(opens, call) if opens else call

    def done(ok: bool, value: Any) -> None:
        if ok and isinstance(value, _Again):  # Rule 6: again, unbounded
            if value is _AGAIN:  # a FIFO or device: out of the order
                order.leave(me)
            try:
                _offload.submit(loop, None, call, done, unbounded=True)
            except BaseException as exc:
                done(False, exc)
            return
        order.leave(me)
        _offload._settle(result, ok, value)

    def go() -> None:
        try:
            _offload.submit(loop, None, job, done)
        except BaseException as exc:
            order.leave(me)
            _offload._settle(result, False, exc)

    before = [end for end in order.enter(me) if not end.done()]
    if not before:
        go()
        return result
    waiting = [len(before)]

    def one_ended(end: asyncio.Future[None]) -> None:
        waiting[0] -= 1
        if not waiting[0]:
            go()

    for end in before:
        end.add_done_callback(one_ended)
    return result


def _contents(
    fn: Callable[..., _R], path: PurePath, changes: bool, *args: Any
) -> asyncio.Future[_R]:
    """``pathlib.Path``'s method ``fn`` on ``path``, which opens its contents."""
    call = functools.partial(_call, fn, path, args, {})
    return _ordered((path,), changes, call, (path,))


def _look(
    fn: Callable[..., _R], path: PurePath, *args: Any, **kwargs: Any
) -> asyncio.Future[_R]:
    """``pathlib.Path``'s method ``fn`` on ``path``, a call that only looks."""
    return _ordered((path,), False, functools.partial(_call, fn, path, args, kwargs))


def _change(
    fn: Callable[..., _R], path: PurePath, *args: Any, **kwargs: Any
) -> asyncio.Future[_R]:
    """``pathlib.Path``'s method ``fn`` on ``path``, a call that changes it."""
    return _ordered((path,), True, functools.partial(_call, fn, path, args, kwargs))


def _adopt_slow(cls: type[_PathT], path: Any) -> _PathT:
    return cls(path)


if sys.version_info < (3, 12):

    def _adopt_fast(cls: type[_PathT], path: Any) -> _PathT:
        # The parsed parts of a pathlib path of the same flavour, reused: no
        # parsing again (10x faster than cls(path) on 3.10/3.11).
        return cls._from_parsed_parts(path._drv, path._root, path._parts)  # type: ignore[attr-defined, no-any-return]

else:

    def _adopt_fast(cls: type[_PathT], path: Any) -> _PathT:
        # What PurePath.__init__ keeps of a path argument of the same flavour
        # (everything else is derived lazily): 8x faster than cls(path).
        adopted = object.__new__(cls)
        adopted._raw_paths = list(path._raw_paths)  # type: ignore[attr-defined]
        return adopted


def _pick_adopt() -> Callable[[type[_PathT], Any], _PathT]:
    """``_adopt_fast`` if it gives what ``cls(path)`` gives on this Python."""
    try:
        ours = WindowsPath if os.name == "nt" else PosixPath
        for text in ("/usr/lib/x.tar.gz", "rel/a/../b", ".", "//two"):
            path = pathlib.Path(text) / "leaf"
            fast, slow = _adopt_fast(ours, path), _adopt_slow(ours, path)
            same = (str(fast), fast.parts, hash(fast), fast.parent, type(fast)) == (
                str(slow),
                slow.parts,
                hash(slow),
                slow.parent,
                type(slow),
            )
            if not same:
                return _adopt_slow
    except Exception:  # private attributes changed: use the public way
        return _adopt_slow
    return _adopt_fast


def _next_batch(
    cls: type[_PathT], it: Iterator[pathlib.Path] | None, make: Callable[[], Any]
) -> tuple[list[_PathT], Iterator[pathlib.Path], bool]:
    """Worker: the next batch of ``it`` (made by ``make()`` at first) as ours.

    A batch ends after RESULTS_BATCH paths or RESULTS_SECONDS, whichever comes
    first, so that the loop thread neither waits long for the GIL nor gets more
    than it handles in a moment. Returns (paths, the iterator, exhausted?).
    """
    if it is None:
        it = iter(make())
    clock = time.perf_counter
    deadline = clock() + RESULTS_SECONDS
    batch: list[_PathT] = []
    for p in it:
        ours = _adopt(cls, p)
        if _KEEP_INFO:  # 3.14+: what the directory listing told (Path.info)
            known = getattr(p, "_info", None)
            if known is not None:
                ours._info = PathInfo(known)  # type: ignore[attr-defined]
        batch.append(ours)
        if len(batch) >= RESULTS_BATCH or clock() > deadline:
            return batch, it, False
    return batch, it, True


async def _paths(
    cls: type[_PathT],
    make: Callable[[], Iterator[pathlib.Path]],
    it: Iterator[pathlib.Path] | None = None,
) -> AsyncIterator[_PathT]:
    """Iterate a blocking iterator of pathlib paths in batches, off the loop."""
    while True:
        batch, it, done = await _offload.run(_next_batch, cls, it, make)
        for path in batch:
            yield path
        if done:
            return


# -- small cached files, read on the loop ----------------------------------------------
#
# Rules:
#
# Rule 1. A read is done on the loop thread only if it cannot block: the path
#         resolves from the kernel's caches (``_fastpath.cached_stat``: then
#         opening a regular file for reading does not block), it names a regular
#         file of at most INLINE_MAX bytes, and ``preadv(RWF_NOWAIT)`` returns it
#         whole from the page cache. Anything else (an error included) answers
#         None and the method takes its ordinary hop, which raises the exact error.
# Rule 2. Inline reads draw on the loop's one inline budget, shared with files,
#         opens and stats: once it is spent, a read waits for the refill (the
#         next loop iteration) first, so a gather of a thousand reads still
#         lets the loop breathe.
#         A read never runs inline while a change to its path is still running
#         or waiting (Rule 5): it waits in line instead.
# Rule 3. The text is decoded as ``open()`` would (``io.TextIOWrapper``, the same
#         encoding, errors and newline handling).

_NOWAIT: int | None = getattr(os, "RWF_NOWAIT", None) if hasattr(os, "preadv") else None
_no_nowait: set[int] = set()  # devices whose file system refused RWF_NOWAIT


def _read_cached(path: PurePath) -> bytes | None:
    """The whole file at ``path`` if reading it cannot block, else None (Rule 1)."""
    if _NOWAIT is None or not _fastpath.enabled:
        return None
    if not inline_allowed():
        return None
    loop = asyncio.get_running_loop()
    order = _orders.get(loop)
    if order is not None and order.running and order.busy(_key(path)):
        return None
    start = time.perf_counter()
    st = _fastpath.cached_stat(path)
    if st is None or not S_ISREG(st.st_mode) or st.st_size > INLINE_MAX:
        return None
    if st.st_dev in _no_nowait:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError:
        return None
    try:
        size = st.st_size
        buf = bytearray(size + 1)
        try:
            n = os.preadv(fd, [buf], 0, _NOWAIT)
        except OSError as exc:
            if exc.errno in (errno.EOPNOTSUPP, errno.EINVAL):
                _no_nowait.add(st.st_dev)
            return None
        after = os.fstat(fd)
        if n != size or after.st_size != size or not S_ISREG(after.st_mode):
            return None  # not all cached, or the file changed meanwhile
        del buf[n:]
        return bytes(buf)
    except OSError:
        return None
    finally:
        os.close(fd)
        spend_since(start, OPEN_COST)


def _decode(
    data: bytes, encoding: str | None, errors: str | None, newline: str | None
) -> str:
    """``data`` as ``open(..., "r", encoding, errors, newline).read()`` gives it."""
    if sys.version_info >= (3, 11):
        encoding = io.text_encoding(encoding)  # as pathlib does ("locale")
    elif encoding is None:
        encoding = "locale"  # what 3.10's io.text_encoding(None) returns
    with io.TextIOWrapper(io.BytesIO(data), encoding, errors, newline) as f:
        return f.read()


# -- copy and move (3.14+) ---------------------------------------------------------


def _blocking(path: Any) -> Any:
    """``path`` as the standard library's class, if it is one of ours.

    pathlib treats any object with ``with_segments`` as a path of its own kind
    (it calls its private methods), so ours go to it as its own classes.
    """
    if isinstance(path, Path):
        return pathlib.Path(path)
    if isinstance(path, PureWindowsPath):
        return pathlib.PureWindowsPath(path)
    if isinstance(path, PurePosixPath):
        return pathlib.PurePosixPath(path)
    return path


def _into(path: PurePath, target_dir: Any) -> Any:
    """Where ``copy_into``/``move_into`` put ``path`` (for ordering only)."""
    try:
        return os.path.join(os.fspath(target_dir), path.name)
    except TypeError:
        return path  # pathlib raises; order on the source alone


def _do_transfer(
    fn: Callable[..., pathlib.PurePath],
    path: _PathT,
    target: Any,
    kwargs: dict[str, Any],
) -> _PathT:
    """Worker: pathlib's copy/move; the result as a path of ``path``'s class."""
    return type(path)(fn(pathlib.Path(path), _blocking(target), **kwargs))


def _transfer(
    fn: Callable[..., pathlib.PurePath],
    path: _PathT,
    target: Any,
    kwargs: dict[str, Any],
    where: Any = None,
) -> asyncio.Future[_PathT]:
    """A copy or move of ``path`` to ``target`` (``where``: the path it lands
    at, if not ``target``), ordered on both paths (Rule 5) and unbounded for
    trees and special files (Rule 6)."""
    where = target if where is None else where
    call = functools.partial(_do_transfer, fn, path, target, kwargs)
    return _ordered((path, where), True, call, (path, where))


class PathInfo:
    """What ``Path.info`` gives: ``pathlib``'s ``PathInfo``, with coroutines.

    Each method runs the standard library's ``PathInfo`` method off the loop
    and returns its answer. That object caches what it learns, as pathlib's
    does: the first query of a kind may touch the file system, later ones
    answer from the cache (still through a coroutine, so code does not
    depend on which).
    """

    __slots__ = ("_info",)

    def __init__(self, info: Any) -> None:
        self._info = info

    def __repr__(self) -> str:
        return f"<{type(self).__name__} of {self._info!r}>"

    async def exists(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path exists (``follow_symlinks=False``: the link itself)."""
        return await _offload.run(self._info.exists, follow_symlinks=follow_symlinks)

    async def is_dir(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path is a directory."""
        return await _offload.run(self._info.is_dir, follow_symlinks=follow_symlinks)

    async def is_file(self, *, follow_symlinks: bool = True) -> bool:
        """Whether the path is a regular file."""
        return await _offload.run(self._info.is_file, follow_symlinks=follow_symlinks)

    async def is_symlink(self) -> bool:
        """Whether the path is a symbolic link."""
        return await _offload.run(self._info.is_symlink)


# -- concrete paths -----------------------------------------------------------------


class Path(PurePath):
    """A path whose I/O methods are coroutines (and async iterators).

    Instantiating it gives a ``PosixPath`` or a ``WindowsPath``, as with
    ``pathlib.Path``. The methods are those of ``pathlib.Path`` on the running
    Python, with the same arguments; ``walk`` is there on every Python (3.12's
    semantics). ``open`` returns what ``aiofiles.open`` returns.
    """

    if sys.version_info >= (3, 14):
        __slots__ = ("_info",)
    else:
        __slots__ = ()

    def __new__(cls, *args: _StrPath) -> Path:
        if cls is Path:
            flavoured = WindowsPath if os.name == "nt" else PosixPath
            return super().__new__(flavoured, *args)  # type: ignore[return-value]  # pyright: ignore[reportArgumentType]
        return super().__new__(cls, *args)  # type: ignore[return-value]

    # -- one hop each, pathlib's method and result unchanged ------------------------
    #
    # Written out one by one (not generated) so that type checkers see declared
    # signatures; they are pathlib's on each Python (test_pathlib checks).

    async def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        """``pathlib.Path.stat``."""
        return await _look(pathlib.Path.stat, self, follow_symlinks=follow_symlinks)

    async def lstat(self) -> os.stat_result:
        """``pathlib.Path.lstat``."""
        return await _look(pathlib.Path.lstat, self)

    if sys.version_info >= (3, 12):

        async def exists(self, *, follow_symlinks: bool = True) -> bool:
            """``pathlib.Path.exists``."""
            return await _look(
                pathlib.Path.exists, self, follow_symlinks=follow_symlinks
            )

    else:

        async def exists(self) -> bool:
            """``pathlib.Path.exists``."""
            return await _look(pathlib.Path.exists, self)

    if sys.version_info >= (3, 13):

        async def is_dir(self, *, follow_symlinks: bool = True) -> bool:
            """``pathlib.Path.is_dir``."""
            return await _look(
                pathlib.Path.is_dir, self, follow_symlinks=follow_symlinks
            )

        async def is_file(self, *, follow_symlinks: bool = True) -> bool:
            """``pathlib.Path.is_file``."""
            return await _look(
                pathlib.Path.is_file, self, follow_symlinks=follow_symlinks
            )

    else:

        async def is_dir(self) -> bool:
            """``pathlib.Path.is_dir``."""
            return await _look(pathlib.Path.is_dir, self)

        async def is_file(self) -> bool:
            """``pathlib.Path.is_file``."""
            return await _look(pathlib.Path.is_file, self)

    async def is_symlink(self) -> bool:
        """``pathlib.Path.is_symlink``."""
        return await _look(pathlib.Path.is_symlink, self)

    async def is_socket(self) -> bool:
        """``pathlib.Path.is_socket``."""
        return await _look(pathlib.Path.is_socket, self)

    async def is_fifo(self) -> bool:
        """``pathlib.Path.is_fifo``."""
        return await _look(pathlib.Path.is_fifo, self)

    async def is_block_device(self) -> bool:
        """``pathlib.Path.is_block_device``."""
        return await _look(pathlib.Path.is_block_device, self)

    async def is_char_device(self) -> bool:
        """``pathlib.Path.is_char_device``."""
        return await _look(pathlib.Path.is_char_device, self)

    async def is_mount(self) -> bool:
        """``pathlib.Path.is_mount``."""
        return await _look(pathlib.Path.is_mount, self)

    if sys.version_info >= (3, 12):

        async def is_junction(self) -> bool:
            """``pathlib.Path.is_junction`` (3.12+)."""
            return await _look(pathlib.Path.is_junction, self)

    async def write_bytes(self, data: ReadableBuffer) -> int:
        """``pathlib.Path.write_bytes``."""
        return await _contents(pathlib.Path.write_bytes, self, True, data)

    async def write_text(
        self,
        data: str,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> int:
        """``pathlib.Path.write_text``."""
        return await _contents(
            pathlib.Path.write_text, self, True, data, encoding, errors, newline
        )

    async def touch(self, mode: int = 0o666, exist_ok: bool = True) -> None:
        """``pathlib.Path.touch``."""
        return await _change(pathlib.Path.touch, self, mode, exist_ok)

    if sys.version_info >= (3, 15):

        async def mkdir(
            self,
            mode: int = 0o777,
            parents: bool = False,
            exist_ok: bool = False,
            *,
            parent_mode: int | None = None,
        ) -> None:
            """``pathlib.Path.mkdir``."""
            return await _change(
                pathlib.Path.mkdir,
                self,
                mode,
                parents,
                exist_ok,
                parent_mode=parent_mode,
            )

    else:

        async def mkdir(
            self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False
        ) -> None:
            """``pathlib.Path.mkdir``."""
            return await _change(pathlib.Path.mkdir, self, mode, parents, exist_ok)

    async def unlink(self, missing_ok: bool = False) -> None:
        """``pathlib.Path.unlink``."""
        return await _change(pathlib.Path.unlink, self, missing_ok)

    async def rmdir(self) -> None:
        """``pathlib.Path.rmdir``."""
        return await _change(pathlib.Path.rmdir, self)

    async def chmod(self, mode: int, *, follow_symlinks: bool = True) -> None:
        """``pathlib.Path.chmod``."""
        return await _change(
            pathlib.Path.chmod, self, mode, follow_symlinks=follow_symlinks
        )

    async def lchmod(self, mode: int) -> None:
        """``pathlib.Path.lchmod``."""
        return await _change(pathlib.Path.lchmod, self, mode)

    async def symlink_to(
        self, target: StrOrBytesPath, target_is_directory: bool = False
    ) -> None:
        """``pathlib.Path.symlink_to``."""
        return await _change(pathlib.Path.symlink_to, self, target, target_is_directory)

    async def hardlink_to(self, target: StrOrBytesPath) -> None:
        """``pathlib.Path.hardlink_to``."""
        return await _change(pathlib.Path.hardlink_to, self, target)

    if sys.version_info < (3, 12):

        async def link_to(self, target: StrOrBytesPath) -> None:
            """``pathlib.Path.link_to`` (before 3.12; deprecated there)."""
            return await _change(pathlib.Path.link_to, self, target)

    if sys.version_info >= (3, 13):

        async def owner(self, *, follow_symlinks: bool = True) -> str:
            """``pathlib.Path.owner``."""
            return await _look(
                pathlib.Path.owner, self, follow_symlinks=follow_symlinks
            )

        async def group(self, *, follow_symlinks: bool = True) -> str:
            """``pathlib.Path.group``."""
            return await _look(
                pathlib.Path.group, self, follow_symlinks=follow_symlinks
            )

    else:

        async def owner(self) -> str:
            """``pathlib.Path.owner``."""
            return await _look(pathlib.Path.owner, self)

        async def group(self) -> str:
            """``pathlib.Path.group``."""
            return await _look(pathlib.Path.group, self)

    # -- reads: on the loop when the file is small and cached, else one hop ------

    async def read_bytes(self) -> bytes:
        """``pathlib.Path.read_bytes``; a small cached file is read on the loop."""
        if spent():
            await pause()  # many inline reads in a row: let others run
        data = _read_cached(self)
        if data is not None:
            return data
        return await _contents(pathlib.Path.read_bytes, self, False)

    if sys.version_info >= (3, 13):

        async def read_text(
            self,
            encoding: str | None = None,
            errors: str | None = None,
            newline: str | None = None,
        ) -> str:
            """``pathlib.Path.read_text``; a small cached file is read on the loop."""
            if spent():
                await pause()  # many inline reads in a row: let others run
            data = _read_cached(self)
            if data is not None:
                return _decode(data, encoding, errors, newline)
            return await _contents(
                pathlib.Path.read_text, self, False, encoding, errors, newline
            )

    else:

        async def read_text(
            self, encoding: str | None = None, errors: str | None = None
        ) -> str:
            """``pathlib.Path.read_text``; a small cached file is read on the loop."""
            if spent():
                await pause()  # many inline reads in a row: let others run
            data = _read_cached(self)
            if data is not None:
                return _decode(data, encoding, errors, None)
            return await _contents(
                pathlib.Path.read_text, self, False, encoding, errors
            )

    # -- methods that return paths: the result is of this path's class ------------

    async def absolute(self: _PathT) -> _PathT:
        """``pathlib.Path.absolute``: the path made absolute (the cwd is read)."""
        return await _offload.run(_call_path, pathlib.Path.absolute, self, ())

    async def resolve(self: _PathT, strict: bool = False) -> _PathT:
        """``pathlib.Path.resolve``: absolute, with symlinks and ``..`` resolved."""
        return await _ordered(
            (self,),
            False,
            functools.partial(_call_path, pathlib.Path.resolve, self, (strict,)),
        )

    async def expanduser(self: _PathT) -> _PathT:
        """``pathlib.Path.expanduser``: ``~`` and ``~user`` expanded."""
        return await _offload.run(_call_path, pathlib.Path.expanduser, self, ())

    async def readlink(self: _PathT) -> _PathT:
        """``pathlib.Path.readlink``: the path the symbolic link points to."""
        return await _ordered(
            (self,),
            False,
            functools.partial(_call_path, pathlib.Path.readlink, self, ()),
        )

    async def rename(self: _PathT, target: _StrPath) -> _PathT:
        """``pathlib.Path.rename``; returns the new path."""
        return await _ordered(
            (self, target),
            True,
            functools.partial(_call_path, pathlib.Path.rename, self, (target,)),
        )

    async def replace(self: _PathT, target: _StrPath) -> _PathT:
        """``pathlib.Path.replace``; returns the new path."""
        return await _ordered(
            (self, target),
            True,
            functools.partial(_call_path, pathlib.Path.replace, self, (target,)),
        )

    @classmethod
    async def cwd(cls: type[_PathT]) -> _PathT:
        """``pathlib.Path.cwd``: the current directory."""
        return await _offload.run(lambda: cls(pathlib.Path.cwd()))

    @classmethod
    async def home(cls: type[_PathT]) -> _PathT:
        """``pathlib.Path.home``: the user's home directory."""
        return await _offload.run(lambda: cls(pathlib.Path.home()))

    if sys.version_info >= (3, 13):

        @classmethod
        def from_uri(cls: type[_PathT], uri: str) -> _PathT:
            """``pathlib.Path.from_uri``: pure, so synchronous."""
            return cls(pathlib.Path.from_uri(uri))

    async def samefile(self, other_path: _StrPath) -> bool:
        """``pathlib.Path.samefile``: whether both paths name the same file."""
        # pathlib would call other_path.stat(), which is a coroutine on ours.
        other = pathlib.Path(other_path) if isinstance(other_path, Path) else other_path
        return await _look(pathlib.Path.samefile, self, other)

    if sys.version_info >= (3, 14):

        async def copy(self: _PathT, target: _StrPath, **kwargs: Any) -> _PathT:
            """``pathlib.Path.copy``: this file or tree copied to ``target``.

            Takes pathlib's keyword arguments (``follow_symlinks``,
            ``preserve_metadata``); returns the new path, of this path's class.
            """
            return await _transfer(pathlib.Path.copy, self, target, kwargs)

        async def copy_into(
            self: _PathT, target_dir: _StrPath, **kwargs: Any
        ) -> _PathT:
            """``pathlib.Path.copy_into``: copied into the directory ``target_dir``."""
            target = _into(self, target_dir)
            return await _transfer(
                pathlib.Path.copy_into, self, target_dir, kwargs, target
            )

        async def move(self: _PathT, target: _StrPath) -> _PathT:
            """``pathlib.Path.move``: this file or tree moved to ``target``."""
            return await _transfer(pathlib.Path.move, self, target, {})

        async def move_into(self: _PathT, target_dir: _StrPath) -> _PathT:
            """``pathlib.Path.move_into``: moved into the directory ``target_dir``."""
            target = _into(self, target_dir)
            return await _transfer(pathlib.Path.move_into, self, target_dir, {}, target)

        @property
        def info(self) -> PathInfo:
            """``pathlib.Path.info``, with coroutines for methods (see :class:`PathInfo`).

            Like pathlib's, it is made once per path object and keeps what it
            learns; paths from ``iterdir`` start with what the directory listing
            told.
            """
            info: PathInfo | None = getattr(self, "_info", None)
            if info is None:
                info = PathInfo(pathlib.Path(self).info)
                setattr(self, "_info", info)  # noqa: B010  (a slot mypy cannot see)
            return info

    # -- open: this library's async file ---------------------------------------

    @overload
    def open(
        self,
        mode: OpenTextMode = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> AiofilesContextManager[AsyncTextIOWrapper]: ...
    @overload
    def open(
        self,
        mode: OpenBinaryMode,
        buffering: Literal[0],
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> AiofilesContextManager[AsyncFileIO]: ...
    @overload
    def open(
        self,
        mode: OpenBinaryModeReading | OpenBinaryModeUpdating,
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> AiofilesContextManager[AsyncBufferedReader]: ...
    @overload
    def open(
        self,
        mode: OpenBinaryModeWriting,
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        errors: None = None,
        newline: None = None,
    ) -> AiofilesContextManager[AsyncBufferedIOBase]: ...
    @overload
    def open(
        self,
        mode: str,
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> AiofilesContextManager[AsyncBase[Any]]: ...
    def open(
        self,
        mode: str = "r",
        buffering: int = -1,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> AiofilesContextManager[Any]:
        """Open the file: ``aiofiles.open(self, ...)``; await it or ``async with`` it."""
        from .threadpool import open as open_async  # not at import: no cycle

        return open_async(self, mode, buffering, encoding, errors, newline)

    # -- async iterators: entries fetched in batches ------------------------------

    def iterdir(self: _PathT) -> AsyncIterator[_PathT]:
        """The directory's entries as paths, like ``pathlib.Path.iterdir``.

        The directory is read at the first step (also on 3.13, whose
        ``iterdir`` reads it when called), in a worker.
        """
        return _paths(type(self), lambda: pathlib.Path(self).iterdir())

    if sys.version_info >= (3, 13):

        def glob(
            self: _PathT,
            pattern: str,
            *,
            case_sensitive: bool | None = None,
            recurse_symlinks: bool = False,
        ) -> AsyncIterator[_PathT]:
            """``pathlib.Path.glob``, its matches fetched in batches off the loop."""
            found = pathlib.Path(self).glob(
                pattern,
                case_sensitive=case_sensitive,
                recurse_symlinks=recurse_symlinks,
            )
            return _paths(type(self), lambda: found)

        def rglob(
            self: _PathT,
            pattern: str,
            *,
            case_sensitive: bool | None = None,
            recurse_symlinks: bool = False,
        ) -> AsyncIterator[_PathT]:
            """``pathlib.Path.rglob``, its matches fetched in batches off the loop."""
            found = pathlib.Path(self).rglob(
                pattern,
                case_sensitive=case_sensitive,
                recurse_symlinks=recurse_symlinks,
            )
            return _paths(type(self), lambda: found)

    elif sys.version_info >= (3, 12):

        def glob(
            self: _PathT, pattern: str, *, case_sensitive: bool | None = None
        ) -> AsyncIterator[_PathT]:
            """``pathlib.Path.glob``, its matches fetched in batches off the loop."""
            found = pathlib.Path(self).glob(pattern, case_sensitive=case_sensitive)
            return _paths(type(self), lambda: found)

        def rglob(
            self: _PathT, pattern: str, *, case_sensitive: bool | None = None
        ) -> AsyncIterator[_PathT]:
            """``pathlib.Path.rglob``, its matches fetched in batches off the loop."""
            found = pathlib.Path(self).rglob(pattern, case_sensitive=case_sensitive)
            return _paths(type(self), lambda: found)

    else:

        def glob(self: _PathT, pattern: str) -> AsyncIterator[_PathT]:
            """``pathlib.Path.glob``, its matches fetched in batches off the loop."""
            found = pathlib.Path(self).glob(pattern)
            return _paths(type(self), lambda: found)

        def rglob(self: _PathT, pattern: str) -> AsyncIterator[_PathT]:
            """``pathlib.Path.rglob``, its matches fetched in batches off the loop."""
            found = pathlib.Path(self).rglob(pattern)
            return _paths(type(self), lambda: found)

    def walk(
        self: _PathT,
        top_down: bool = True,
        on_error: Callable[[OSError], object] | None = None,
        follow_symlinks: bool = False,
    ) -> AsyncIterator[tuple[_PathT, list[str], list[str]]]:
        """``pathlib.Path.walk`` (3.12's), on every Python, off the loop.

        Yields ``(dirpath, dirnames, filenames)`` with ``dirpath`` a path of this
        class. Unlike ``os.walk``, symlinks to directories are listed in
        ``filenames`` unless ``follow_symlinks`` is true. ``on_error`` is called on
        the loop thread; an error while a directory is being read is passed to it
        too (3.13's behaviour; 3.12 raises it). Directories are listed in
        batches, as ``aiofiles.os.walk`` lists them.
        """
        root = str(self)
        cls = type(self)

        def wrap(dirpath: str) -> _PathT:
            return self if dirpath is root else cls(dirpath)

        mode = _walk.FOLLOW if follow_symlinks else _walk.LINKS_AS_FILES
        audit = ("pathlib.Path.walk", self, on_error, follow_symlinks)
        return _walk.walk_tree(root, top_down, on_error, mode, None, audit, wrap)


class PosixPath(Path, PurePosixPath):
    """An async path on a POSIX system."""

    __slots__ = ()

    if os.name == "nt":

        def __new__(cls, *args: _StrPath) -> PosixPath:
            raise _Unsupported(f"cannot instantiate {cls.__name__!r} on your system")


class WindowsPath(Path, PureWindowsPath):
    """An async path on Windows."""

    __slots__ = ()

    if os.name != "nt":

        def __new__(cls, *args: _StrPath) -> WindowsPath:
            raise _Unsupported(f"cannot instantiate {cls.__name__!r} on your system")


_adopt = _pick_adopt()  # how iterators turn pathlib's paths into ours
