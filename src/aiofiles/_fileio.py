"""The engine behind every async file object: where each operation runs.

Rules:

Rule 1. Every operation runs on the real blocking file object, so results,
        positions, ``tell()`` cookies and exceptions are the blocking file's by
        construction. The engine only decides *where* a call runs: inline on the
        loop thread, or off the loop in the file's turn (``base`` Rules 1-3).
Rule 2. A call is judged when its turn comes (``base`` Rule 1): a call made
        while the file is idle is judged at once, a queued one when the calls
        before it are done; either may then run inline. It runs inline only if
        (a) the file was not given an explicit ``executor=`` (that executor then
        gets every call) and is a regular file under the standard library's own
        io classes, (b) the work is bounded (``INLINE_MAX`` bytes), (c) every
        byte the io stack may fetch for it is proven to be in the page cache
        (the *window*, Rule 7), and (d) the loop's budget allows (``_budget``).
Rule 3. Bounds are conservative: a read of ``n`` bytes at position ``p`` fetches
        at most ``[p, p + n + 2 * buffer_size)``; a text read of ``n``
        characters at most ``per * n`` bytes more, where ``per`` is a bound
        known for the codec and error handler (utf-8, utf-16, utf-32, ascii,
        latin-1 with a handler that yields a character for every bad
        sequence). Reads with no such bound (``read()``, ``readlines()``, a
        ``readline()`` with no line end in the window, any read under
        ``errors="ignore"`` or another codec) run inline only when ``fstat`` of
        the open file, taken at the call, shows that what is left to read is at
        most ``INLINE_MAX`` bytes and cached. A ``readline()`` is inline when a
        line end lies in the window at least the io stack's read-ahead (two
        buffers and two text chunks) before the window's end, or anywhere in a
        window that reached the end of the file when it was read: past it, the
        io stack can only find bytes appended since (in the page cache, as just
        written), and a line read stays bounded by that read-ahead.
Rule 4. Writes run inline only on write-only regular files, and only when the
        blocking object takes them without touching the OS: a binary write that
        fits in the room left in the ``BufferedWriter`` (``_wroom``); a text
        write that the text layer keeps in its own pending buffer (a *shadow*
        ``TextIOWrapper`` over a buffer that only counts shows that nothing is
        passed on). So data reaches the OS, and errors are raised, at exactly
        the call where the blocking file does.
Rule 5. Closing is inline only for a read-only regular file (nothing to flush)
        that ``fstat`` at the close shows still linked (the last close of an
        unlinked file frees its pages, which can take long).
Rule 6. ``seek`` and ``tell`` are inline on read-only binary files (an
        ``lseek``), and ``tell`` on any file with nothing written pending.
Rule 7. The loop side keeps only what the library itself changes, updated in
        one place, and throws it away when something it did not see may have
        changed it:
        - ``_hi``, where the io stack reads next (exact for binary files, an
          upper bound for text): moved by ``_advance`` after every inline call,
          re-measured by the worker after every off-loop call, and no longer
          kept at all once the caller holds something that can move the file
          without us (``fileno()``, ``raw``, ``buffer``, ``detach()``): it is
          then read from the object at every call.
        - the window ``[start, end)``: bytes a ``preadv(RWF_NOWAIT)`` probe, or
          the worker, read a moment ago, with the last line end in it. Whether
          the window reaches end of file is never kept: the size comes from
          ``fstat`` at the call that needs it. Only sequential reads look ahead
          (512 KiB), and a worker only after a read of at most ``INLINE_MAX``
          (a larger one is followed by larger ones, which the window cannot
          serve); after a ``seek`` a probe covers only what the next read may
          fetch, so random reads pull no more from the OS than the blocking
          file does, give or take a buffer.
        - ``_wroom`` and the shadow: every write through the file passes them;
          every off-loop call re-measures them; an error, or an escape as above,
          turns inline writes off for good.
        - a file system that refuses ``RWF_NOWAIT`` is remembered by device
          number, not for the process.
        The text undo cookie (Rule 8) is taken in the job and travels with its
        result; it is never stored.
Rule 8. A read that went off the loop and whose task was cancelled before it
        resumed is undone in the same turn (``base`` Rule 4): the position goes
        back by what it consumed (binary) or to the cookie the worker took just
        before it (text; not when text written by the caller is still pending,
        since ``tell()`` would flush it: see the documented differences). On
        pipes, FIFOs, ttys and the standard streams the bytes are kept in a
        push-back that the next reads serve first.
Rule 9. Inline calls use the io classes' own C methods, looked up when this
        module is imported. A blocking-call detector that patches
        ``read``/``write`` of the io classes (BlockBuster) therefore sees only
        the off-loop calls, which are the ones that can block. A method found
        already patched at import is not called inline at all.
"""

from __future__ import annotations

import asyncio
import codecs
import concurrent.futures
import errno
import io
import os
import stat
import tempfile
import threading
import types
from collections.abc import Callable, Iterable
from time import perf_counter
from types import TracebackType
from typing import Any, TypeVar

from . import _budget
from ._budget import CALL_COST, OPEN_COST
from .base import GRANTED, NOT_NOW, AsyncBase

_T = TypeVar("_T")
# The object NamedTemporaryFile returns: it delegates every call to the io
# object it wraps (and deletes the file on close).
_TempWrapper: Any = getattr(tempfile, "_TemporaryFileWrapper", None)

INLINE_MAX = 256 * 1024  #: largest read done on the loop thread
WINDOW = 512 * 1024  #: bytes a sequential reader's probe or worker looks ahead

_local = _budget._local  # the hot paths read the budget without a call


def _c_method(cls: type, name: str) -> Any:
    """``cls.name`` if it is still the C method (Rule 9), else ``None``."""
    m = cls.__dict__.get(name)
    return m if isinstance(m, types.MethodDescriptorType) else None


_READ: dict[type, Any] = {
    cls: _c_method(cls, "read")
    for cls in (io.BufferedReader, io.BufferedRandom, io.TextIOWrapper, io.FileIO)
}
_WRITE: dict[type, Any] = {
    cls: _c_method(cls, "write") for cls in (io.BufferedWriter, io.TextIOWrapper)
}
_BUFFERED_READ = _READ[io.BufferedReader]  # text read() calls buffer.read()

# Bytes one character may take, per codec, when the error handler gives at
# least one character for every bad sequence (Rule 3).
_PER_CHAR = {
    "utf-8": 4,
    "utf-8-sig": 4,
    "ascii": 1,
    "latin-1": 1,
    "iso8859-1": 1,
    "utf-16": 4,
    "utf-16-le": 4,
    "utf-16-be": 4,
    "utf-32": 4,
    "utf-32-le": 4,
    "utf-32-be": 4,
}
_BOUNDED_ERRORS = frozenset(
    ("strict", "replace", "surrogateescape", "backslashreplace", "surrogatepass")
)

_nowait_refused: set[int] = set()  # devices whose file system refuses RWF_NOWAIT
_scratch = threading.local()


def _buffer_size(buffered: Any) -> int:
    """The buffer size of a stdlib Buffered* object (it has no public attribute)."""
    size = int(buffered.__sizeof__()) - type(buffered).__basicsize__
    return size if 0 < size <= 64 * 1024 * 1024 else 1024 * 1024


def _describe(
    data: Any, n: int, pos: int, patterns: tuple[bytes, ...], margin: int
) -> tuple[int, int, int]:
    """``(start, end, nl_last)`` of ``n`` bytes read at ``pos``: ``nl_last`` is
    the offset of the last line terminator at least ``margin`` bytes before
    ``end``, or -1."""
    nl_last = -1
    limit = n - margin
    if limit > 0:
        for pattern in patterns:
            i = data.rfind(pattern, 0, limit)
            if i > nl_last:
                nl_last = i
    return pos, pos + n, (pos + nl_last if nl_last >= 0 else -1)


def scan_window(
    fd: int, pos: int, size: int, patterns: tuple[bytes, ...], margin: int
) -> tuple[int, int, int]:
    """Read ``size`` bytes at ``pos`` (blocking: for workers) and describe them."""
    data = os.pread(fd, size, pos)
    # A window that reached the end of the file needs no margin after its last
    # line end: past it there was nothing to fetch (Rule 3).
    return _describe(data, len(data), pos, patterns, 0 if len(data) < size else margin)


def probe_window(
    fd: int, dev: int, pos: int, size: int, patterns: tuple[bytes, ...], margin: int
) -> tuple[tuple[int, int, int], bool] | None:
    """Learn without blocking how much of ``size`` bytes at ``pos`` is in the page
    cache: ``(window, at_eof)``, or ``None``. ``at_eof`` is true only for this
    moment (Rule 7)."""
    if dev in _nowait_refused:
        return None
    buf = getattr(_scratch, "buf", None)
    if buf is None or len(buf) < size:
        buf = _scratch.buf = bytearray(max(size, 64 * 1024))
    view = memoryview(buf)[:size]
    try:
        n = os.preadv(fd, [view], pos, os.RWF_NOWAIT)
        eof = False
        if n < size:
            try:
                eof = os.preadv(fd, [bytearray(1)], pos + n, os.RWF_NOWAIT) == 0
            except BlockingIOError:
                pass
    except BlockingIOError:
        return None
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            _nowait_refused.add(dev)  # this file system, not the process
        return None
    finally:
        view.release()
    if n == 0 and not eof:
        return None
    return _describe(buf, n, pos, patterns, 0 if eof else margin), eof


class _Unset(int):
    """A default that was not passed. Forwarded calls leave it out, as aiofiles
    25.1 did, so ``mock_file.read.assert_called_once_with()`` keeps working; it
    still is the plain default value for everything else (and in signatures)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return int.__repr__(self)


class _UnsetNone:
    """``None`` as a default that was not passed (see ``_Unset``)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "None"

    def __bool__(self) -> bool:
        return False


ALL: int = _Unset(-1)
ZERO: int = _Unset(0)
NONE: Any = _UnsetNone()


def given(args: tuple[Any, ...]) -> tuple[Any, ...]:
    """``args`` without the trailing defaults the caller did not pass."""
    n = len(args)
    while n and type(args[n - 1]) in (_Unset, _UnsetNone):
        n -= 1
    return args if n == len(args) else args[:n]


_INTS = (int, _Unset)


def _live_read_patched() -> bool:
    """Has something replaced ``io.BufferedReader.read`` since import (Rule 9)?"""
    return io.BufferedReader.__dict__.get("read") is not _BUFFERED_READ


# What a read-kind call is, for ``_inline_read``: its bound comes from a size
# argument, from the buffer (read1, peek) or from what is left of the file.
_SIZED, _BUFFER, _REST, _LINE = range(4)


class AsyncFile(AsyncBase[_T]):
    """The common methods of every async file class (see the module rules)."""

    _engine_ok = True  # False for the Indirect classes (stdio)

    def __init__(
        self,
        file: Any,
        loop: asyncio.AbstractEventLoop | None = None,
        executor: concurrent.futures.Executor | None = None,
    ) -> None:
        super().__init__(file, loop, executor)
        # Every attribute the hot paths read is made here, always in this order,
        # so that instances share one layout (CPython specialises on it).
        self._hi = -1  # where the io stack reads next, or -1: ask it (Rule 7)
        self._win_start = 0  # the window (Rule 7): [start, end) was cached
        self._win_end = -1
        self._nl_last = -1  # last line terminator far enough inside the window
        self._per = 1  # bytes one returned item may stand for; 0: no bound
        self._margin = 0  # bytes the io stack may fetch beyond what it returns
        self._rkind = 0  # 0: none, 1: buffered binary, 2: text, 3: FileIO
        self._rd: Any = None  # the C ``read`` of the io object (Rule 9)
        self._random = 0  # reads left before a read may look ahead (Rule 7)
        self._fd = -1
        self._dev = -1
        self._bufpos: Callable[[], int] | None = None
        self._bufsize = 0
        self._patterns: tuple[bytes, ...] = ()
        self._wroom = -1  # bytes the BufferedWriter takes without I/O (Rule 4)
        self._wkind = 0  # 0: no inline writes, 1: binary, 2: text
        self._wr: Any = None  # the C ``write`` of the io object (Rule 9)
        self._wbufsize = 0
        self._shadow: Any = None  # text: the shadow TextIOWrapper (Rule 4)
        self._counter: _Counter | None = None
        self._resync_shadow = True  # cleared around writes, which the shadow saw
        self._dirty = False  # written data may be pending in the io stack
        self._seekable_ro = False  # a read-only binary regular file (Rule 6)
        self._close_ro = False  # a read-only regular file (Rule 5)
        self._escaped = False  # the caller holds the fd, raw or buffer (Rule 7)
        self._pipe = False  # a pipe, FIFO, tty or socket, or a standard stream
        self._raw_io = False  # ... read through a raw FileIO (reads return early)
        self._pushback: Any = None  # what orphaned reads of a pipe took (Rule 8)
        self._pushback_of: Any = None  # the object the push-back was read from
        self._into: Any = None  # the buffer of the last off-loop readinto
        self._nl = "\n"  # the text line terminator, "" for universal
        if not self._engine_ok:
            self._unbounded = True  # stdio: the terminal may wait for ever
            self._pipe = True
            return
        try:
            self._setup_engine(file, inline=executor is None)
        except Exception:  # an odd object: everything goes off the loop
            self._stop_engine()

    # -- engine set-up --------------------------------------------------------

    def _setup_engine(self, f: Any, inline: bool) -> None:
        cls = type(f)
        wrapped = cls is _TempWrapper  # NamedTemporaryFile: learn from its file
        if wrapped:
            f = f.file
            cls = type(f)
        if cls is io.TextIOWrapper:
            buffered = f.buffer
            if type(buffered) not in (
                io.BufferedReader,
                io.BufferedWriter,
                io.BufferedRandom,
            ):
                return
            raw = buffered.raw
            bufsize = _buffer_size(buffered)
            chunk = int(getattr(f, "_CHUNK_SIZE", 8192))
            text = True
        elif cls in (io.BufferedReader, io.BufferedWriter, io.BufferedRandom):
            buffered = f
            raw = f.raw
            bufsize = _buffer_size(f)
            chunk = 0
            text = False
        elif cls is io.FileIO:
            buffered = None
            raw = f
            bufsize = 0
            chunk = 0
            text = False
        else:
            return
        if type(raw) is not io.FileIO or raw.closed:
            return
        fd = raw.fileno()
        st = os.fstat(fd)
        readable = f.readable()
        if not stat.S_ISREG(st.st_mode):
            self._pipe = readable
            self._raw_io = buffered is None
            self._unbounded = True  # a FIFO, pipe or tty may block for ever
            return
        self._fd = fd
        self._dev = st.st_dev
        writable = f.writable()
        if readable:
            if text:
                self._rkind = 2
                self._bufpos = buffered.tell  # pyright: ignore[reportOptionalMemberAccess]
                self._margin = 2 * bufsize + 2 * chunk
                if "\r\n".encode(f.encoding) == b"\r\n":  # ASCII-compatible codec
                    self._patterns = (b"\n",)  # ends a line for None, "" and "\n"
                name = codecs.lookup(f.encoding).name
                per = _PER_CHAR.get(name, 0)
                self._per = per if f.errors in _BOUNDED_ERRORS else 0
            elif buffered is not None:
                self._rkind = 1
                self._bufpos = f.tell
                self._margin = 2 * bufsize
                self._patterns = (b"\n",)
            else:
                self._rkind = 3
                self._bufpos = f.tell
            self._bufsize = bufsize
            self._seekable_ro = not text and not writable
        if not inline:
            return  # (the kinds above still serve the undo of Rule 8)
        if readable:
            self._rd = _READ.get(cls)
            if self._rd is not None:
                self._rd = self._rd.__get__(
                    f, cls
                )  # (both arguments: 3.12.1 crashes on one)
        if writable and not readable and type(buffered) is io.BufferedWriter:
            self._wbufsize = bufsize
            self._wr = _WRITE.get(cls)
            if self._wr is not None:
                self._wr = self._wr.__get__(f, cls)
                self._wkind = 2 if text else 1
                if text:
                    self._new_shadow(buffered.tell())
                self._wroom = bufsize - (buffered.tell() - raw.tell())
        self._close_ro = readable and not writable and not wrapped  # (unlinks)

    def _newline_hint(self, newline: str | None) -> None:
        """Told by ``open()``: the ``newline=`` the text file was opened with."""
        if newline is not None:
            self._nl = newline
        if self._patterns and newline in ("\r", "\r\n"):
            self._patterns = (newline.encode("ascii"),)

    def _escape(self) -> None:
        """The caller got hold of something that can move the file without us
        (Rule 7): keep no position, and write nothing inline from now on."""
        self._escaped = True
        self._hi = -1
        self._wkind = 0
        self._wroom = -1

    def _stop_engine(self) -> None:
        """No more inline calls (closed, detached, or never set up)."""
        self._rkind = 0
        self._rd = None
        self._wkind = 0
        self._wroom = -1
        self._hi = -1
        self._seekable_ro = False
        self._close_ro = False

    # -- inline decisions (Rules 2, 3, 7) ----------------------------------------

    def _pos(self) -> int:
        """Where the io stack reads next, asked of the object; -1: no inline."""
        if self._rd is None or self._dirty:
            return -1  # (a dirty file would flush its writes on the loop thread)
        try:
            return self._bufpos()  # type: ignore[misc]
        except Exception:  # closed, detached: the real call will say so
            return -1

    def _cached(self, pos: int, need: int) -> bool:
        """May the io stack fetch ``need`` bytes from ``pos`` without blocking?"""
        if self._win_start <= pos and pos + need <= self._win_end:
            return True
        size = need if self._random else max(need, WINDOW)
        found = probe_window(
            self._fd, self._dev, pos, size, self._patterns, self._margin
        )
        if found is None:
            return False
        window, eof = found
        self._win_start, self._win_end, self._nl_last = window
        return pos + need <= self._win_end or eof

    def _rest_cached(self, pos: int) -> bool:
        """Is all that is left from ``pos`` small and cached? (``fstat`` now)."""
        try:
            size = os.fstat(self._fd).st_size
        except OSError:
            return False
        rest = size - pos
        if rest > INLINE_MAX:
            return False
        return self._cached(pos, max(rest, 0))  # (the end is known: fstat, now)

    def _inline_read(self, kind: int, size: Any) -> bool:
        """Is this read bounded and cached (Rules 2, 3)? The caller holds the
        turn or the file is idle."""
        pos = self._pos()
        if pos < 0:
            return False
        self._keep_hi(pos)
        if kind == _SIZED:
            if size is None or (type(size) in _INTS and size < 0):
                kind = _REST
                if self._rkind == 2 and _live_read_patched():
                    return False  # text read() calls buffer.read() (Rule 9)
            elif type(size) not in _INTS or size > INLINE_MAX:
                return False
            elif not self._per:  # no bytes-per-character bound (Rule 3)
                return self._rest_cached(pos)
            else:
                return self._cached(pos, self._per * size + self._margin)
        if kind == _BUFFER:
            return self._cached(pos, self._bufsize + self._margin)
        if kind == _LINE:
            if self._rkind == 3:  # FileIO.readline makes one system call per byte
                return False
            if self._win_start <= pos <= self._nl_last:
                return True
            if self._cached(pos, 0) and self._win_start <= pos <= self._nl_last:
                return True
        return self._rest_cached(pos)

    def _keep_hi(self, pos: int) -> None:
        """Keep ``pos`` as where the io stack reads next, if Rule 7 lets us."""
        self._hi = (
            pos if self._per and self._rd is not None and not self._escaped else -1
        )

    def _advance(self, n: int) -> None:
        """The one place an inline read moves the loop side's state (Rule 7)."""
        hi = self._hi
        self._keep_hi(hi + self._per * n if hi >= 0 else -1)
        if self._random:
            self._random -= 1
        _local.budget.credit -= n + CALL_COST

    async def _budget_ok(self) -> bool:
        """Wait for the loop's budget, holding the turn (``_budget`` Rule 5)."""
        if _local.budget.credit <= 0:
            await _budget.pause()
        return True

    # -- off-loop calls -----------------------------------------------------------

    def _new_shadow(self, position: int) -> None:
        """(Re)make the shadow of a text file whose buffer is at ``position``."""
        f = self._file
        if type(f) is _TempWrapper:
            f = f.file
        self._counter = counter = _Counter(position)
        self._shadow = io.TextIOWrapper(
            counter,  # pyright: ignore[reportArgumentType]
            encoding=f.encoding,
            errors=f.errors,
            newline=self._nl if self._nl != "\n" else None,
            line_buffering=f.line_buffering,
            write_through=f.write_through,
        )

    async def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn(*args)`` off the loop in this file's turn."""
        await self._take_turn()
        return await self._off(fn, args)

    def _off(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
        """``fn(*args)`` off the loop; the caller holds the turn (released by
        what this returns when awaited)."""
        self._hi = -1
        name = getattr(fn, "__name__", "")
        if name in _WRITES:
            self._dirty = True
        elif name in _FLUSHES:
            self._dirty = False
        args = given(args)
        if not self._wkind:
            return self._in_turn(lambda: fn(*args))
        self._wroom = -1
        return self._in_turn(self._measuring(fn, args), self._measured)

    def _measuring(
        self, fn: Callable[..., Any], args: tuple[Any, ...]
    ) -> Callable[[], Any]:
        """``fn(*args)``, then the room left in the BufferedWriter and its position."""
        f = self._file
        if type(f) is _TempWrapper:
            f = f.file
        buffered = f.buffer if self._wkind == 2 else f
        bufsize = self._wbufsize

        def run() -> Any:
            result = fn(*args)
            try:
                pos = buffered.tell()
                room = bufsize - (pos - buffered.raw.tell())
            except Exception:
                pos = room = -1
            return result, room, pos

        return run

    def _measured(self, ok: bool, value: Any) -> Any:
        if not ok:
            self._wkind = 0  # after a failed call the shadow may be wrong: stop
            self._wroom = -1
            raise value
        result, room, pos = value
        if self._wkind:
            self._wroom = room
            if self._wkind == 2 and self._resync_shadow and pos >= 0:
                self._new_shadow(pos)  # seek, flush, tell ...: the pending is gone
        self._resync_shadow = True
        return result

    async def _read(
        self,
        kind: int,
        fn: Callable[..., Any],
        *args: Any,
        consumes: bool = True,
        bound: int | None = None,
    ) -> Any:
        """A read that did not take the hot path: take the turn, judge it there
        (Rule 2), then run it inline or off the loop."""
        if (
            not self._busy
            and self._rd is not None
            and self._rkind
            and _local.budget.credit > 0
        ):  # idle: judged now, and nothing here suspends, so no turn is needed
            size = bound if bound is not None else args[0] if args else None
            if self._inline_read(kind, size):
                result = fn(*given(args))
                self._advance(_consumed(result) if consumes else 0)
                return result
        await self._take_turn()
        try:
            if self._rd is not None and self._rkind:
                await self._budget_ok()
                size = bound if bound is not None else args[0] if args else None
                if self._inline_read(kind, size):
                    result = fn(*given(args))
                    self._advance(_consumed(result) if consumes else 0)
                    self._give_turn()
                    return result
        except BaseException:
            self._give_turn()
            raise
        return await self._read_off(fn, args, consumes, kind == _SIZED)

    def _read_off(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        consumes: bool,
        sized: bool,
    ) -> Any:
        """The read ``fn(*args)`` off the loop; the caller holds the turn."""
        self._hi = -1
        was_dirty = self._dirty
        if self._rkind != 2:
            self._dirty = False  # a binary read flushes what was written first
        if self._pipe:
            job = self._pipe_job(fn, given(args))
            return self._in_turn(job, None, self._stash if consumes else None)
        args = given(args)
        if not self._rkind:
            return self._in_turn(lambda: fn(*args))
        fd, bufpos, patterns, margin = (
            self._fd,
            self._bufpos,
            self._patterns,
            self._margin,
        )
        # Look ahead only after a read the loop could have served had it been
        # cached: after a larger one the next is likely as large, off the loop
        # again, and the look-ahead a wasted copy (a third of the time of
        # sequential 1 MiB reads); a later small read probes for itself.
        size: Any = args[0] if sized and args else None
        ahead = (
            sized
            and not self._random
            and self._rd is not None
            and type(size) in _INTS
            and 0 <= size <= INLINE_MAX
        )
        if self._random:
            self._random -= 1
        # A cookie to undo a cancelled text read (Rule 8); not while written
        # text may be pending: tell() would flush it and change the file.
        tell = self._file.tell if self._rkind == 2 and not was_dirty else None
        cookie: list[Any] = [None]

        def read_and_look_ahead() -> Any:
            mark = None
            if tell is not None:
                try:
                    mark = tell()
                except Exception:
                    mark = None
            result = fn(*args)
            try:
                pos = bufpos()  # type: ignore[misc]
                window = (
                    scan_window(fd, pos, WINDOW, patterns, margin) if ahead else None
                )
            except Exception:
                pos, window = -1, None
            return result, pos, window, mark

        def apply(ok: bool, value: Any) -> Any:
            if not ok:
                raise value
            result, pos, window, mark = value
            cookie[0] = mark
            self._keep_hi(pos)
            if window is not None:
                self._win_start, self._win_end, self._nl_last = window
            return result

        def undo(result: Any) -> Callable[[], Any] | None:
            return self._unread(result, cookie[0]) if consumes else None

        return self._in_turn(read_and_look_ahead, apply, undo)

    def _stash(self, result: Any) -> None:
        """Rule 8 for pipes: keep what an orphaned read took, for the next reads."""
        if isinstance(result, int):
            result = bytes(memoryview(self._into).cast("B")[:result]) if result else b""
        elif isinstance(result, list):
            result = result[0][:0].join(result) if result else None
        if result:
            source = self._file
            if self._pushback and self._pushback_of is source:
                result = result + self._pushback
            self._pushback = result
            self._pushback_of = source
        return None

    def _pipe_job(
        self, fn: Callable[..., Any], args: tuple[Any, ...]
    ) -> Callable[[], Any]:
        """The read ``fn(*args)`` of a pipe, served first from the push-back."""
        name = fn.__name__
        if name == "readinto":
            self._into = args[0]
        pb = self._pushback
        if not pb or self._pushback_of is not self._file:
            return lambda: fn(*args)
        if name == "peek":
            return lambda: pb
        self._pushback = None
        size = args[0] if args else -1
        if name == "readinto":
            view = memoryview(args[0]).cast("B")
            take, self._pushback = pb[: len(view)], pb[len(view) :] or None
            view[: len(take)] = take
            if len(take) == len(view) or self._raw_io:
                return lambda: len(take)
            return lambda: len(take) + (fn(view[len(take) :]) or 0)
        if name == "readlines":
            return lambda: _complete_first_line(pb, self._line_end, fn, args)
        if name == "readline":
            limit = -1 if size is None else size
            end = self._line_end(pb)
            if 0 <= limit < len(pb) and (end < 0 or end > limit):
                end = limit
            if end >= 0:
                take, self._pushback = pb[:end], pb[end:] or None
                return lambda: take
            more = -1 if limit < 0 else limit - len(pb)
            return lambda: pb + fn(more) if more else pb
        # read, read1, readall
        if size is None or size < 0:
            return (lambda: pb) if name == "read1" else (lambda: pb + fn())
        take, self._pushback = pb[:size], pb[size:] or None
        need = size - len(take)
        if need <= 0 or name == "read1" or self._raw_io:
            return lambda: take  # (a raw read returns what is there, like one read(2))
        return lambda: take + fn(need)

    def _line_end(self, data: bytes | str) -> int:
        """Index just past the first line terminator in ``data``, or -1."""
        if isinstance(data, bytes):
            i = data.find(b"\n")
            return i + 1 if i >= 0 else -1
        if self._nl:
            i = data.find(self._nl)
            return i + len(self._nl) if i >= 0 else -1
        ends = [i for i in (data.find("\r"), data.find("\n")) if i >= 0]
        if not ends:
            return -1
        i = min(ends)
        return i + 2 if data.startswith("\r\n", i) else i + 1

    def _unread(self, result: Any, cookie: Any) -> Callable[[], Any] | None:
        """Rule 8: the job that puts back what an orphaned read consumed."""
        self._hi = -1
        f = self._file
        if self._rkind == 2:
            return None if cookie is None else (lambda: f.seek(cookie))
        if isinstance(result, int):
            n = result
        elif isinstance(result, list):
            n = sum(map(len, result))
        elif result is None:
            n = 0
        else:
            n = len(result)
        return (lambda: f.seek(-n, 1)) if n else None

    # -- reading ------------------------------------------------------------------

    async def read(self, size: int | None = ALL) -> _T:
        """Read up to ``size`` bytes or characters (all if ``None`` or negative)."""
        hi = self._hi
        if (
            type(size) is int
            and 0 <= size <= INLINE_MAX
            and self._win_start <= hi
            and hi + self._per * size + self._margin <= self._win_end
            and not self._busy
        ):  # Rules 2, 3 and 7, checked without a call: the hot path
            b = _local.budget
            if b.credit > 0:
                data = self._rd(size)
                n = len(data)
                self._hi = hi + self._per * n
                b.credit -= n + CALL_COST
                return data  # type: ignore[no-any-return]
        return await self._read(_SIZED, self._rd or self._file.read, size)  # type: ignore[no-any-return]

    async def readline(self, size: int | None = ALL) -> _T:
        """Read one line, at most ``size`` bytes or characters if given."""
        hi = self._hi
        if (
            self._win_start <= hi <= self._nl_last
            and not self._busy
            and (size is ALL or (type(size) is int and size < 0))
        ):  # the hot path, as for ``async for``
            b = _local.budget
            if b.credit > 0:
                line = self._file.readline()
                n = len(line)
                self._hi = hi + self._per * n
                b.credit -= n + CALL_COST
                return line  # type: ignore[no-any-return]
        kind = _LINE if size is None or (type(size) in _INTS and size < 0) else _SIZED
        return await self._read(kind, self._file.readline, size)  # type: ignore[no-any-return]

    async def __anext__(self) -> _T:
        hi = self._hi
        if self._win_start <= hi <= self._nl_last and not self._busy:
            b = _local.budget
            if b.credit > 0:  # the hot path of ``async for``
                line = self._file.readline()
                n = len(line)
                self._hi = hi + self._per * n
                b.credit -= n + CALL_COST
                if line:
                    return line  # type: ignore[no-any-return]
                raise StopAsyncIteration
        line = await self._read(_LINE, self._file.readline)
        if line:
            return line  # type: ignore[no-any-return]
        raise StopAsyncIteration

    async def readlines(self, hint: int | None = ALL) -> list[_T]:
        """Read the remaining lines; stop once their total size exceeds ``hint``."""
        if self._rkind == 3:  # FileIO lines: one system call per byte
            await self._take_turn()
            return await self._read_off(self._file.readlines, (hint,), True, False)  # type: ignore[no-any-return]
        return await self._read(_REST, self._file.readlines, hint)  # type: ignore[no-any-return]

    # -- writing ------------------------------------------------------------------

    async def write(self, data: Any) -> int:
        """Write ``data``; return how many bytes or characters were written."""
        if self._wkind and not self._busy and self._write_now(data):
            return self._wr(data)  # type: ignore[no-any-return]
        done = await self._wait(self._enter(self._write_at_turn(data)))
        if done is not GRANTED:
            return done[0]  # type: ignore[no-any-return]
        try:
            if self._wkind:
                await self._budget_ok()
                if self._write_now(data):
                    n: int = self._wr(data)
                    self._give_turn()
                    return n
        except BaseException:
            self._give_turn()
            raise
        return await self._off(self._file.write, (data,))  # type: ignore[no-any-return]

    def _write_at_turn(self, data: Any) -> Callable[[], Any] | None:
        """The write, for the one who hands the turn on (``base`` Rule 6)."""
        if not self._wkind:
            return None

        def now() -> Any:
            if self._wkind and self._write_now(data):
                return (self._wr(data),)
            return NOT_NOW

        return now

    def _write_now(self, data: Any) -> bool:
        """May this write run inline (Rule 4)? If so, its room is taken."""
        b = _local.budget
        if b.credit <= 0:
            return False
        room = self._wroom
        if self._wkind == 1:
            if type(data) is bytes and len(data) <= room:
                self._wroom = room - len(data)
                b.credit -= len(data) + CALL_COST
                return True
            return False
        if type(data) is not str or room < 0:
            return False
        if self._shadow_write(self._shadow.write, data) == 0:
            b.credit -= len(data) + CALL_COST
            return True
        self._resync_shadow = False  # the shadow has seen this write
        return False

    def _shadow_write(self, method: Callable[[Any], Any], data: Any) -> int:
        """Bytes the text layer passes to its buffer for this write, or -1 if it
        would also flush the buffer; errors are the real write's to raise."""
        counter = self._counter
        assert counter is not None
        counter.passed = 0
        counter.flushed = False
        try:
            method(data)
        except Exception:
            self._wkind = 0  # the real call raises the same; stop predicting
            self._wroom = -1
            return -1
        return -1 if counter.flushed else counter.passed

    async def writelines(self, lines: Iterable[Any]) -> None:
        """Write each item of ``lines``, adding no line separators."""
        await self._take_turn()
        try:
            if self._wkind and type(lines) in (list, tuple):
                await self._budget_ok()
                if self._writelines_now(lines):  # type: ignore[arg-type]
                    write = self._wr
                    for line in lines:  # what IOBase.writelines does (Rule 9)
                        write(line)
                    self._give_turn()
                    return
        except BaseException:
            self._give_turn()
            raise
        # Anything else, a generator above all, is consumed by the blocking
        # object itself, item by item, as it writes.
        await self._off(self._file.writelines, (lines,))

    def _writelines_now(self, lines: list[Any] | tuple[Any, ...]) -> bool:
        b = _local.budget
        if b.credit <= 0:
            return False
        if self._wkind == 1:
            if not all(type(line) is bytes for line in lines):
                return False
            total = sum(map(len, lines))
            if total > self._wroom:
                return False
            self._wroom -= total
            b.credit -= total + CALL_COST
            return True
        if self._wroom < 0 or not all(type(line) is str for line in lines):
            return False
        if self._shadow_write(self._shadow.writelines, lines) == 0:
            b.credit -= sum(map(len, lines)) + CALL_COST
            return True
        self._resync_shadow = False
        return False

    async def flush(self) -> None:
        """Flush the write buffers to the operating system."""
        await self._call(self._file.flush)

    async def fsync(self) -> None:
        """Flush, then ``os.fsync`` the descriptor: the data is on the device."""
        await self._call(_flush_and_sync, self._file, os.fsync)

    async def fdatasync(self) -> None:
        """Flush, then ``os.fdatasync`` the descriptor (data, not all metadata)."""
        await self._call(
            _flush_and_sync, self._file, getattr(os, "fdatasync", os.fsync)
        )

    # -- positioning and the rest -------------------------------------------------------

    async def seek(self, offset: int, whence: int = ZERO) -> int:
        """Move to ``offset`` relative to ``whence``; return the new position."""
        await self._take_turn()
        try:
            if (
                self._seekable_ro
                and self._rd is not None
                and type(offset) is int
                and type(whence) in (int, _Unset)
                and whence in (0, 1, 2)
            ):
                await self._budget_ok()
                pos: int = self._file.seek(offset, whence)  # an lseek (Rule 6)
                self._keep_hi(pos)
                self._random = 2
                _local.budget.credit -= CALL_COST
                self._give_turn()
                return pos
        except BaseException:
            self._give_turn()
            raise
        self._random = 2
        return await self._off(self._file.seek, (offset, whence))  # type: ignore[no-any-return]

    async def tell(self) -> int:
        """The current position (an opaque cookie for text files)."""
        if not self._busy and self._rd is not None and not self._dirty:
            try:
                return self._file.tell()  # type: ignore[no-any-return]
            except Exception:
                pass  # the off-loop call raises it again, in order
        return await self._call(self._file.tell)  # type: ignore[no-any-return]

    async def truncate(self, size: int | None = NONE) -> int:
        """Resize the file to ``size`` bytes (the current position if ``None``)."""
        return await self._call(self._file.truncate, size)  # type: ignore[no-any-return]

    async def seekable(self) -> bool:
        """Whether the file supports ``seek``, ``tell`` and ``truncate``."""
        return await self._call(self._file.seekable)  # type: ignore[no-any-return]

    async def writable(self) -> bool:
        """Whether the file was opened for writing."""
        return await self._call(self._file.writable)  # type: ignore[no-any-return]

    async def isatty(self) -> bool:
        """Whether the file is connected to a terminal."""
        return await self._call(self._file.isatty)  # type: ignore[no-any-return]

    async def close(self) -> None:
        """Flush and close the file; closing a closed file does nothing."""
        await self._close_with(self._file.close)

    async def _exit_file(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        """What leaving ``async with aiofiles.open(...)`` does: ``_file.__exit__``."""
        await self._close_with(self._file.__exit__, exc_type, exc_val, exc_tb)

    async def _close_with(self, fn: Callable[..., Any], *args: Any) -> None:
        """Close by ``fn(*args)``. The place in the file's order is taken now
        (``base`` Rule 1); the close then runs in a task the caller's
        cancellation does not reach, inline when Rule 5 allows."""
        turn = self._enter()
        if turn is None and self._close_now(fn, args):
            return
        task = asyncio.ensure_future(self._close_in_turn(turn, fn, args))
        self._hand_to(turn, task)  # the closing task holds the place, not ours
        task.add_done_callback(_retrieve)
        await asyncio.shield(task)

    def _close_now(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> bool:
        """Close inline if Rule 5 allows; the caller holds the turn, which this
        releases if it closed."""
        if not self._close_ro or _local.budget.credit <= 0:
            return False
        try:
            if os.fstat(self._fd).st_nlink == 0:
                return False  # the last close of an unlinked file frees its pages
        except OSError:
            return False
        start = perf_counter()
        self._stop_engine()
        try:
            fn(*args)
        finally:
            _budget.charge_since(start, OPEN_COST)
            self._give_turn()
        return True

    async def _close_in_turn(
        self,
        turn: asyncio.Future[None] | None,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
    ) -> None:
        await self._wait(turn)
        try:
            await self._budget_ok()
        except BaseException:
            self._give_turn()
            raise
        if self._close_now(fn, args):
            return
        self._stop_engine()
        self._rkind = 0
        await self._off(fn, args)

    async def __aenter__(self) -> AsyncFile[_T]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.close()

    def fileno(self) -> int:
        """The file descriptor (synchronous: no I/O)."""
        self._escape()  # the caller may move the file without us (Rule 7)
        return self._file.fileno()  # type: ignore[no-any-return]

    @property
    def closed(self) -> bool:
        return self._file.closed  # type: ignore[no-any-return]

    @property
    def name(self) -> Any:
        return self._file.name

    @property
    def mode(self) -> str:
        return self._file.mode  # type: ignore[no-any-return]


def _consumed(result: Any) -> int:
    """Bytes or characters a read returned (``readinto``: a count; ``readlines``:
    a list)."""
    if type(result) is int:
        return result
    if type(result) is list:
        return sum(map(len, result))
    return 0 if result is None else len(result)


def _flush_and_sync(f: Any, sync: Callable[[int], None]) -> None:
    f.flush()
    sync(f.fileno())


_WRITES = frozenset(("write", "writelines"))
_FLUSHES = frozenset(
    ("flush", "_flush_and_sync", "seek", "truncate", "close", "__exit__")
)


class _Counter(io.BufferedIOBase):
    """The buffer under a shadow TextIOWrapper: counts what it is given."""

    def __init__(self, position: int) -> None:
        self.position = position
        self.passed = 0
        self.flushed = False

    def writable(self) -> bool:
        return True

    def readable(self) -> bool:
        return False

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def write(self, b: Any) -> int:
        n = memoryview(b).nbytes
        self.passed += n
        self.position += n
        return n

    def flush(self) -> None:
        self.flushed = True


def _complete_first_line(
    pb: Any,
    line_end: Callable[[Any], int],
    fn: Callable[..., Any],
    args: tuple[Any, ...],
) -> list[Any]:
    """``readlines`` of a pipe whose push-back ``pb`` comes first."""
    lines = []
    while pb:
        end = line_end(pb)
        if end < 0:
            break
        lines.append(pb[:end])
        pb = pb[end:]
    rest = fn(*args)
    if pb:
        if rest:
            rest[0] = pb + rest[0]
        else:
            rest = [pb]
    return lines + rest  # type: ignore[no-any-return]


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # seen: no "exception was never retrieved" for orphans


__all__ = ["AsyncFile"]
