"""An async ``pathlib``: :class:`Path` with the I/O of ``pathlib.Path`` as coroutines.

Pure path operations (``/``, ``parent``, ``name``, ``with_suffix``, ...) are the
standard library's own, synchronous, and return this module's classes. Every
method that touches the file system is a coroutine that runs the standard
library's method in a worker, with the same arguments, results and errors, in
one hop. ``iterdir``, ``glob``, ``rglob`` and ``walk`` are async iterators that
fetch their entries in batches::

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
from stat import S_ISREG
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    overload,
)

from . import _fastpath, _offload, _walk

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
INLINE_SECONDS = 0.002  #: loop time such reads may take per loop iteration, in all
RESULTS_BATCH = 512  #: paths per worker job in iterdir, glob and rglob, at most
RESULTS_SECONDS = 0.002  #: and how long one such job may take, about


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
# Rule 4. Calls made in the same loop iteration share hops. Each call is queued
#         (``_hop``); at the start of the next iteration the queue leaves for
#         the workers in at most COALESCE_JOBS jobs, each running its calls one
#         after another and returning every result or exception. A lone call is
#         one hop, as before; a gather of a thousand calls is a handful of hops.
# Rule 5. Each call runs the standard library's method on its own, in a worker,
#         so results and errors are exactly pathlib's. A caller cancelled while
#         waiting gives up its result, not the call (as with any hop).

COALESCE_JOBS = 4  #: jobs one loop iteration's calls are spread over, at most
COALESCE_MIN = 16  #: calls per job before a second job is used


def _run_calls(calls: list[Callable[[], Any]]) -> list[tuple[bool, Any]]:
    """Worker: run each call; keep each result or exception (Rule 5)."""
    out: list[tuple[bool, Any]] = []
    for call in calls:
        try:
            out.append((True, call()))
        except BaseException as exc:
            out.append((False, exc))
    return out


def _settle(futures: list[asyncio.Future[Any]], ok: bool, value: Any) -> None:
    for i, fut in enumerate(futures):
        if fut.cancelled():
            continue
        if not ok:  # the job itself failed: give every caller its exception
            fut.set_exception(value)
        elif value[i][0]:
            fut.set_result(value[i][1])
        else:
            fut.set_exception(value[i][1])


class _Coalescer:
    """The queue of one event loop's one-shot calls (Rule 4)."""

    __slots__ = ("__weakref__", "queue")  # (no loop: a weak mapping's value)

    def __init__(self) -> None:
        self.queue: list[tuple[Callable[[], Any], asyncio.Future[Any]]] = []

    def add(
        self, loop: asyncio.AbstractEventLoop, call: Callable[[], _R]
    ) -> asyncio.Future[_R]:
        fut: asyncio.Future[_R] = loop.create_future()
        if not self.queue:
            loop.call_soon(self.flush, loop)
        self.queue.append((call, fut))
        return fut

    def flush(self, loop: asyncio.AbstractEventLoop) -> None:
        queue, self.queue = self.queue, []
        jobs = max(1, min(COALESCE_JOBS, len(queue) // COALESCE_MIN))
        size = -(-len(queue) // jobs)
        for start in range(0, len(queue), size):
            chunk = queue[start : start + size]
            calls = [call for call, _ in chunk]
            futures = [fut for _, fut in chunk]
            try:
                _offload.submit(
                    loop,
                    None,
                    functools.partial(_run_calls, calls),
                    functools.partial(_settle, futures),
                )
            except BaseException as exc:
                _settle(futures, False, exc)


_coalescers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Coalescer] = (
    weakref.WeakKeyDictionary()
)


def _hop(call: Callable[[], _R]) -> asyncio.Future[_R]:
    """Run ``call()`` off the loop, sharing a hop with this iteration's others."""
    loop = asyncio.get_running_loop()
    coalescer = _coalescers.get(loop)
    if coalescer is None:
        coalescer = _coalescers[loop] = _Coalescer()
    return coalescer.add(loop, call)


def _io(
    fn: Callable[..., _R], path: PurePath, *args: Any, **kwargs: Any
) -> asyncio.Future[_R]:
    """``pathlib.Path``'s method ``fn`` called on ``path`` off the loop (Rule 4)."""
    return _hop(functools.partial(_call, fn, path, args, kwargs))


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
        batch.append(_adopt(cls, p))
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
# Rule 2. Inline reads may take INLINE_SECONDS of one loop iteration, in all;
#         after that, reads go off the loop until the next iteration, so a
#         gather of a thousand reads still lets the loop breathe.
# Rule 3. The text is decoded as ``open()`` would (``io.TextIOWrapper``, the same
#         encoding, errors and newline handling).

_NOWAIT: int | None = getattr(os, "RWF_NOWAIT", None) if hasattr(os, "preadv") else None
_no_nowait: set[int] = set()  # devices whose file system refused RWF_NOWAIT
_spent: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, float] = (
    weakref.WeakKeyDictionary()
)


def _read_cached(path: PurePath) -> bytes | None:
    """The whole file at ``path`` if reading it cannot block, else None (Rule 1)."""
    if _NOWAIT is None or not _fastpath.enabled:
        return None
    loop = asyncio.get_running_loop()
    spent = _spent.get(loop)
    if spent is not None and spent >= INLINE_SECONDS:
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
        if spent is None:
            _spent[loop] = 0.0
            loop.call_soon(_spent.pop, loop, None)  # Rule 2: afresh next iteration
        _spent[loop] += time.perf_counter() - start


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


# -- concrete paths -----------------------------------------------------------------


class Path(PurePath):
    """A path whose I/O methods are coroutines (and async iterators).

    Instantiating it gives a ``PosixPath`` or a ``WindowsPath``, as with
    ``pathlib.Path``. The methods are those of ``pathlib.Path`` on the running
    Python, with the same arguments; ``walk`` is there on every Python (3.12's
    semantics). ``open`` returns what ``aiofiles.open`` returns.
    """

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
        return await _io(pathlib.Path.stat, self, follow_symlinks=follow_symlinks)

    async def lstat(self) -> os.stat_result:
        """``pathlib.Path.lstat``."""
        return await _io(pathlib.Path.lstat, self)

    if sys.version_info >= (3, 12):

        async def exists(self, *, follow_symlinks: bool = True) -> bool:
            """``pathlib.Path.exists``."""
            return await _io(pathlib.Path.exists, self, follow_symlinks=follow_symlinks)

    else:

        async def exists(self) -> bool:
            """``pathlib.Path.exists``."""
            return await _io(pathlib.Path.exists, self)

    if sys.version_info >= (3, 13):

        async def is_dir(self, *, follow_symlinks: bool = True) -> bool:
            """``pathlib.Path.is_dir``."""
            return await _io(pathlib.Path.is_dir, self, follow_symlinks=follow_symlinks)

        async def is_file(self, *, follow_symlinks: bool = True) -> bool:
            """``pathlib.Path.is_file``."""
            return await _io(
                pathlib.Path.is_file, self, follow_symlinks=follow_symlinks
            )

    else:

        async def is_dir(self) -> bool:
            """``pathlib.Path.is_dir``."""
            return await _io(pathlib.Path.is_dir, self)

        async def is_file(self) -> bool:
            """``pathlib.Path.is_file``."""
            return await _io(pathlib.Path.is_file, self)

    async def is_symlink(self) -> bool:
        """``pathlib.Path.is_symlink``."""
        return await _io(pathlib.Path.is_symlink, self)

    async def is_socket(self) -> bool:
        """``pathlib.Path.is_socket``."""
        return await _io(pathlib.Path.is_socket, self)

    async def is_fifo(self) -> bool:
        """``pathlib.Path.is_fifo``."""
        return await _io(pathlib.Path.is_fifo, self)

    async def is_block_device(self) -> bool:
        """``pathlib.Path.is_block_device``."""
        return await _io(pathlib.Path.is_block_device, self)

    async def is_char_device(self) -> bool:
        """``pathlib.Path.is_char_device``."""
        return await _io(pathlib.Path.is_char_device, self)

    async def is_mount(self) -> bool:
        """``pathlib.Path.is_mount``."""
        return await _io(pathlib.Path.is_mount, self)

    if sys.version_info >= (3, 12):

        async def is_junction(self) -> bool:
            """``pathlib.Path.is_junction`` (3.12+)."""
            return await _io(pathlib.Path.is_junction, self)

    async def write_bytes(self, data: ReadableBuffer) -> int:
        """``pathlib.Path.write_bytes``."""
        return await _io(pathlib.Path.write_bytes, self, data)

    async def write_text(
        self,
        data: str,
        encoding: str | None = None,
        errors: str | None = None,
        newline: str | None = None,
    ) -> int:
        """``pathlib.Path.write_text``."""
        return await _io(pathlib.Path.write_text, self, data, encoding, errors, newline)

    async def touch(self, mode: int = 0o666, exist_ok: bool = True) -> None:
        """``pathlib.Path.touch``."""
        return await _io(pathlib.Path.touch, self, mode, exist_ok)

    async def mkdir(
        self, mode: int = 0o777, parents: bool = False, exist_ok: bool = False
    ) -> None:
        """``pathlib.Path.mkdir``."""
        return await _io(pathlib.Path.mkdir, self, mode, parents, exist_ok)

    async def unlink(self, missing_ok: bool = False) -> None:
        """``pathlib.Path.unlink``."""
        return await _io(pathlib.Path.unlink, self, missing_ok)

    async def rmdir(self) -> None:
        """``pathlib.Path.rmdir``."""
        return await _io(pathlib.Path.rmdir, self)

    async def chmod(self, mode: int, *, follow_symlinks: bool = True) -> None:
        """``pathlib.Path.chmod``."""
        return await _io(
            pathlib.Path.chmod, self, mode, follow_symlinks=follow_symlinks
        )

    async def lchmod(self, mode: int) -> None:
        """``pathlib.Path.lchmod``."""
        return await _io(pathlib.Path.lchmod, self, mode)

    async def symlink_to(
        self, target: StrOrBytesPath, target_is_directory: bool = False
    ) -> None:
        """``pathlib.Path.symlink_to``."""
        return await _io(pathlib.Path.symlink_to, self, target, target_is_directory)

    async def hardlink_to(self, target: StrOrBytesPath) -> None:
        """``pathlib.Path.hardlink_to``."""
        return await _io(pathlib.Path.hardlink_to, self, target)

    if sys.version_info < (3, 12):

        async def link_to(self, target: StrOrBytesPath) -> None:
            """``pathlib.Path.link_to`` (before 3.12; deprecated there)."""
            return await _io(pathlib.Path.link_to, self, target)

    if sys.version_info >= (3, 13):

        async def owner(self, *, follow_symlinks: bool = True) -> str:
            """``pathlib.Path.owner``."""
            return await _io(pathlib.Path.owner, self, follow_symlinks=follow_symlinks)

        async def group(self, *, follow_symlinks: bool = True) -> str:
            """``pathlib.Path.group``."""
            return await _io(pathlib.Path.group, self, follow_symlinks=follow_symlinks)

    else:

        async def owner(self) -> str:
            """``pathlib.Path.owner``."""
            return await _io(pathlib.Path.owner, self)

        async def group(self) -> str:
            """``pathlib.Path.group``."""
            return await _io(pathlib.Path.group, self)

    # -- reads: on the loop when the file is small and cached, else one hop ------

    async def read_bytes(self) -> bytes:
        """``pathlib.Path.read_bytes``; a small cached file is read on the loop."""
        data = _read_cached(self)
        if data is not None:
            return data
        return await _io(pathlib.Path.read_bytes, self)

    if sys.version_info >= (3, 13):

        async def read_text(
            self,
            encoding: str | None = None,
            errors: str | None = None,
            newline: str | None = None,
        ) -> str:
            """``pathlib.Path.read_text``; a small cached file is read on the loop."""
            data = _read_cached(self)
            if data is not None:
                return _decode(data, encoding, errors, newline)
            return await _io(pathlib.Path.read_text, self, encoding, errors, newline)

    else:

        async def read_text(
            self, encoding: str | None = None, errors: str | None = None
        ) -> str:
            """``pathlib.Path.read_text``; a small cached file is read on the loop."""
            data = _read_cached(self)
            if data is not None:
                return _decode(data, encoding, errors, None)
            return await _io(pathlib.Path.read_text, self, encoding, errors)

    # -- methods that return paths: the result is of this path's class ------------

    async def absolute(self: _PathT) -> _PathT:
        """``pathlib.Path.absolute``: the path made absolute (the cwd is read)."""
        return await _hop(
            functools.partial(_call_path, pathlib.Path.absolute, self, ())
        )

    async def resolve(self: _PathT, strict: bool = False) -> _PathT:
        """``pathlib.Path.resolve``: absolute, with symlinks and ``..`` resolved."""
        return await _hop(
            functools.partial(_call_path, pathlib.Path.resolve, self, (strict,))
        )

    async def expanduser(self: _PathT) -> _PathT:
        """``pathlib.Path.expanduser``: ``~`` and ``~user`` expanded."""
        return await _hop(
            functools.partial(_call_path, pathlib.Path.expanduser, self, ())
        )

    async def readlink(self: _PathT) -> _PathT:
        """``pathlib.Path.readlink``: the path the symbolic link points to."""
        return await _hop(
            functools.partial(_call_path, pathlib.Path.readlink, self, ())
        )

    async def rename(self: _PathT, target: _StrPath) -> _PathT:
        """``pathlib.Path.rename``; returns the new path."""
        return await _hop(
            functools.partial(_call_path, pathlib.Path.rename, self, (target,))
        )

    async def replace(self: _PathT, target: _StrPath) -> _PathT:
        """``pathlib.Path.replace``; returns the new path."""
        return await _hop(
            functools.partial(_call_path, pathlib.Path.replace, self, (target,))
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
        return await _io(pathlib.Path.samefile, self, other)

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
