"""The engine behind every async file object: where each operation runs.

Rules:

Rule 1. Every operation runs on the real blocking file object (``self._file``), so
        results, positions, ``tell()`` cookies and exceptions are the blocking
        file's by construction. The engine only decides *where* it runs: inline on
        the loop thread, or off the loop in the file's turn (``base`` Rules 1-3).
Rule 2. An operation runs inline only if (a) no other operation on the file is
        queued or running, and the file was not given an explicit ``executor=``
        (that executor then gets every call), (b) the file is a regular file wrapped by one of the
        stdlib's own io classes, (c) the work is bounded (``INLINE_MAX`` bytes at
        most) and (d) every byte the io stack may fetch from the OS for it lies in
        the *window*: a byte range known to be in the page cache, learnt from a
        non-blocking probe (``preadv(RWF_NOWAIT)``) on the loop, or read by the
        worker after an off-loop read. If the window is stale (pages evicted), the
        cost is a short stall, never a wrong result (Rule 1).
Rule 3. Bounds are conservative: a read of ``n`` bytes at position ``p`` touches
        at most ``[p, p + n + 2 * buffer_size)``; a text read of ``n`` characters
        at most ``8 * n`` bytes plus two chunks and two buffers; a readline is
        inline only if a line terminator lies in the window far enough from its
        end (``_nl_last``), or the window reaches end of file.
Rule 4. Inline work is paid for in *credit*, one credit for all files: each
        inline call costs the bytes it moved plus ``CALL_COST`` (an open or a
        close ``OPEN_COST``). When ``INLINE_CREDIT`` is spent, calls on files go
        off the loop, in their file's turn (``inline_allowed``), so a later call
        on a file can never overtake an earlier one; opening a new file waits
        for the credit instead (``pause``). The refill is scheduled for the next
        loop iteration. So one loop iteration does at most about
        ``INLINE_CREDIT`` of inline work, however many files and tasks there
        are, and timers (a 1 ms ticker) run in between. Opens, closes and
        cached stats release the GIL, so they are charged by the time they
        took (``spend_since``). Tasks waiting in ``pause`` queue per loop, in
        order; each refill wakes as many as the credit is likely to pay for
        (judged by the last timed charge), not all of them, so a gather of a
        thousand opens costs a thousand wake-ups, not a thousand per refill.
Rule 5. A write to a write-only regular file runs inline when the blocking object
        will take it without touching the OS: for binary files, when it fits in
        the room left in the ``BufferedWriter``'s buffer (``_wroom``, measured by
        the worker after every off-loop call as ``tell() - raw.tell()``); for
        text files, when a *shadow* ``TextIOWrapper`` (same encoding, errors,
        newline, line buffering, write-through, over a buffer that only counts)
        shows that the write passes at most ``_wroom`` bytes on to the buffer and
        does not flush it. Otherwise it goes off the loop. So data reaches the OS,
        and write errors are raised, at exactly the call where the blocking file
        does; nothing is ever held on the loop side.
Rule 6. Closing a read-only regular file is done inline (no data to flush).
Rule 7. ``tell()`` of a buffered file is an ``lseek`` system call, too dear for
        every call; the loop side keeps ``_hi``, an upper bound of where the io
        stack reads next (exact for binary files, ``_per`` bytes per character for
        text), advanced by what each inline call returned, and asks the file
        itself only when that bound leaves the window. Any call that does not
        run inline forgets it (``_hi = -1``) unless the worker measured it.
Rule 8. A read that went off the loop and whose task was cancelled before it
        resumed is undone in the same turn (``base`` Rule 4): the position goes back by what it
        consumed (binary) or to the cookie the worker took before it (text), so
        the next read returns the same bytes. Only files the engine knows
        (regular files) are undone; a pipe's bytes, once read, are gone, as with
        aiofiles 25.1.
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
import weakref
from collections import deque
from collections.abc import Callable, Coroutine, Iterable
from time import perf_counter
from types import TracebackType
from typing import Any, TypeVar

from .base import AsyncBase

_T = TypeVar("_T")
# The object NamedTemporaryFile returns: it delegates every call to the io
# object it wraps (and deletes the file on close).
_TempWrapper: Any = getattr(tempfile, "_TemporaryFileWrapper", None)

INLINE_MAX = 256 * 1024  #: largest read done on the loop thread
INLINE_CREDIT = 256 * 1024  #: inline work (bytes) one loop iteration may do
CALL_COST = 256  #: credit each inline call costs besides its bytes
WINDOW = 512 * 1024  #: bytes the worker or a probe looks ahead

_nowait_broken = False  # set once the OS refuses RWF_NOWAIT
_scratch = threading.local()


def _buffer_size(buffered: Any) -> int:
    """The buffer size of a stdlib Buffered* object (it has no public attribute)."""
    size = int(buffered.__sizeof__()) - type(buffered).__basicsize__
    return size if 0 < size <= 64 * 1024 * 1024 else 1024 * 1024


def scan_window(
    fd: int, pos: int, size: int, patterns: tuple[bytes, ...], margin: int
) -> tuple[int, int, bool, int]:
    """Read ``size`` bytes at ``pos`` (blocking; for workers) and describe them.

    Returns ``(start, end, eof, nl_last)``: the cached range, whether it reaches
    end of file, and the absolute offset of the last line terminator lying at
    least ``margin`` bytes before ``end`` (``-1`` if none).
    """
    data = os.pread(fd, size, pos)
    return _describe(data, len(data), pos, len(data) < size, patterns, margin)


OPEN_COST = 4 * 1024  #: credit an inline open or close costs (a few us)
STAT_COST = 2 * 1024  #: credit a cached stat (openat2 + fstat) costs
CREDIT_PER_SECOND = INLINE_CREDIT / 0.0005  #: for calls charged by time: 0.5 ms
_credit = INLINE_CREDIT  # Rule 4: shared by every file and task
_last_cost = OPEN_COST  # the last charge made by time (spend_since)


class _Pauses:
    """One loop's side of Rule 4: its tasks waiting in ``pause``, in order, and
    whether a refill is scheduled on it."""

    __slots__ = ("front", "scheduled", "waiters")  # (no loop: a weak map's value)

    def __init__(self) -> None:
        self.scheduled = False
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.front = 0  # woken waiters that found the credit spent, back in front


_pauses: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Pauses] = (
    weakref.WeakKeyDictionary()
)


def _pauses_of(loop: asyncio.AbstractEventLoop) -> _Pauses:
    state = _pauses.get(loop)
    if state is None:
        state = _pauses[loop] = _Pauses()
    return state


def _schedule_refill(state: _Pauses, loop: asyncio.AbstractEventLoop) -> None:
    if not state.scheduled:
        state.scheduled = True
        loop.call_soon(_refill, state, loop)


def _refill(state: _Pauses, loop: asyncio.AbstractEventLoop) -> None:
    """Next loop iteration: a full credit, and the first waiters woken."""
    global _credit
    state.scheduled = False
    state.front = 0
    _credit = INLINE_CREDIT
    waiters = state.waiters
    budget = INLINE_CREDIT
    per = _last_cost if _last_cost > OPEN_COST else OPEN_COST
    while waiters and budget > 0:
        fut = waiters.popleft()
        if not fut.done():  # (a cancelled waiter is skipped)
            fut.set_result(None)
            budget -= per
    if waiters:
        _schedule_refill(state, loop)  # the rest: the iteration after


def spent() -> bool:
    """Is the inline credit used up (Rule 4)?"""
    return _credit <= 0


def spend(cost: int) -> None:
    global _credit
    _credit -= cost


def spend_since(start: float, floor: int) -> None:
    """Charge an inline open, close or stat by the loop time it took since
    ``start`` (``perf_counter()``), at least ``floor`` (Rule 4): such a call
    releases the GIL, and winning it back from busy workers can take far
    longer than the system call itself."""
    global _credit, _last_cost
    cost = int((perf_counter() - start) * CREDIT_PER_SECOND)
    if cost < floor:
        cost = floor
    _credit -= cost
    _last_cost = cost


def inline_allowed() -> bool:
    """May a file call run inline now (Rule 4)? If the credit is spent, the
    refill is scheduled for the next loop iteration and the call goes off the
    loop, in the file's turn: that suspends it without letting a later call on
    the same file overtake it."""
    if _credit > 0:
        return True
    loop = asyncio.get_running_loop()
    _schedule_refill(_pauses_of(loop), loop)
    return False


async def pause() -> None:
    """Wait, in order, until the credit is refilled for this task (Rule 4); at
    once if it is not spent."""
    if _credit > 0:
        return
    loop = asyncio.get_running_loop()
    state = _pauses_of(loop)
    fut: asyncio.Future[None] = loop.create_future()
    state.waiters.append(fut)
    while True:
        _schedule_refill(state, loop)
        await fut
        if _credit > 0:
            return
        # Woken, but those woken before spent it all: back to the front, behind
        # the others woken with this task who found the same.
        fut = loop.create_future()
        state.waiters.insert(state.front, fut)
        state.front += 1


def _describe(
    data: Any, n: int, pos: int, eof: bool, patterns: tuple[bytes, ...], margin: int
) -> tuple[int, int, bool, int]:
    nl_last = -1
    limit = n - margin
    if limit > 0:
        for pattern in patterns:
            i = data.rfind(pattern, 0, limit)
            if i > nl_last:
                nl_last = i
    return pos, pos + n, eof, (pos + nl_last if nl_last >= 0 else -1)


def probe_window(
    fd: int, pos: int, patterns: tuple[bytes, ...], margin: int
) -> tuple[int, int, bool, int] | None:
    """Learn without blocking how much at ``pos`` is in the page cache."""
    global _nowait_broken
    if _nowait_broken:
        return None
    buf = getattr(_scratch, "buf", None)
    if buf is None:
        buf = _scratch.buf = bytearray(WINDOW)
    try:
        n = os.preadv(fd, [buf], pos, os.RWF_NOWAIT)
        eof = False
        if n < WINDOW:
            try:
                eof = os.preadv(fd, [bytearray(1)], pos + n, os.RWF_NOWAIT) == 0
            except BlockingIOError:
                pass
    except BlockingIOError:
        return None
    except OSError as exc:
        if exc.errno in (errno.EOPNOTSUPP, errno.EINVAL, errno.ENOSYS):
            _nowait_broken = True
        return None
    if n == 0 and not eof:
        return None
    return _describe(buf, n, pos, eof, patterns, margin)


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
        self._hi = -1  # upper bound of where the io stack reads next (Rule 7)
        self._win_start = 0  # the window (Rule 2): [start, end) is cached
        self._win_end = -1
        self._win_eof = False
        self._nl_last = -1  # last line terminator far enough inside the window
        self._per = 1  # bytes one returned item (byte or character) may stand for
        self._margin = 0  # bytes the io stack may fetch beyond what it returns
        self._rkind = 0  # 0: no inline reads, 1: buffered binary, 2: text, 3: FileIO
        self._fd = -1
        self._bufpos: Callable[[], int] | None = None
        self._bufsize = 0
        self._patterns: tuple[bytes, ...] = ()
        self._wroom = -1  # bytes the BufferedWriter takes without I/O (Rule 5)
        self._wkind = 0  # 0: no inline writes, 1: binary, 2: text
        self._wbufsize = 0
        self._shadow: Any = None  # text: the shadow TextIOWrapper (Rule 5)
        self._counter: _Counter | None = None
        self._resync_shadow = True  # cleared around writes, which the shadow saw
        self._dirty = False  # a + mode file may hold written data not yet flushed
        self._inline_close = False
        self._cookie: int | None = None  # text position before an off-loop read
        self._pipe = False  # a pipe, FIFO, tty or socket under a stdlib io object
        self._pushback: Any = None  # what orphaned reads of a pipe took (Rule 8)
        self._into: Any = None  # the buffer of the last off-loop readinto
        self._nl = "\n"  # the text line terminator, "" for universal
        if not self._engine_ok:
            self._unbounded = True  # stdio: the terminal may wait for ever
        elif executor is None:  # an explicit executor gets every call
            try:
                self._setup_engine(file)
            except Exception:  # an odd object: everything goes off the loop
                self._rkind = 0
                self._wkind = 0

    # -- engine set-up --------------------------------------------------------

    def _setup_engine(self, f: Any) -> None:
        cls = type(f)
        wrapped = cls is _TempWrapper  # NamedTemporaryFile: learn from its file
        if wrapped:  # (calls still go through the wrapper, as they must)
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
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            self._pipe = f.readable()
            self._unbounded = True  # a FIFO, pipe or tty may block for ever
            return
        self._fd = fd
        self._meet = True  # a regular file: its jobs may be met (_offload Rule 6)
        readable = f.readable()
        writable = f.writable()
        if readable:
            if text:
                self._rkind = 2
                self._bufpos = buffered.tell  # pyright: ignore[reportOptionalMemberAccess]
                self._margin = 2 * bufsize + 2 * chunk
                if "\r\n".encode(f.encoding) == b"\r\n":  # ASCII-compatible codec
                    self._patterns = (
                        b"\n",
                    )  # ends a line for newline None, "" and "\n"
                self._per = (
                    4 if codecs.lookup(f.encoding).name.startswith("utf-8") else 8
                )
            elif buffered is not None:
                self._rkind = 1
                self._bufpos = f.tell
                self._margin = 2 * bufsize
                self._patterns = (b"\n",)
            else:
                self._rkind = 3
                self._bufpos = f.tell
                self._margin = 0  # no patterns: FileIO lines never run inline
            self._bufsize = bufsize
        if writable and not readable and type(buffered) is io.BufferedWriter:
            self._wbufsize = bufsize
            if text:
                self._wkind = 2
                self._new_shadow(buffered.tell())
            else:
                self._wkind = 1
            self._wroom = bufsize - (buffered.tell() - raw.tell())
        self._inline_close = readable and not writable and not wrapped  # (unlinks)

    def _newline_hint(self, newline: str | None) -> None:
        """Told by ``open()``: the ``newline=`` the text file was opened with."""
        if newline is not None:
            self._nl = newline
        if self._patterns and newline in ("\r", "\r\n"):
            self._patterns = (newline.encode("ascii"),)

    def _set_window(self, window: tuple[int, int, bool, int] | None) -> None:
        if window is not None:
            self._win_start, self._win_end, self._win_eof, self._nl_last = window

    # -- inline decisions (Rules 2-4) ---------------------------------------------

    def _read_pos(self, held: bool = False) -> int:
        """Where the io stack reads next (exactly), or -1 if inline reading is off.
        ``held``: the caller holds the file's turn (so ``_busy`` is its own)."""
        if (self._busy and not held) or not self._rkind or self._dirty:
            return -1  # (a dirty file would flush its writes on the loop thread)
        try:
            self._hi = pos = self._bufpos()  # type: ignore[misc]
        except Exception:  # closed, detached: the real call will say so
            self._hi = -1
            return -1
        return pos

    def _covered(self, pos: int, need: int) -> bool:
        """May the io stack fetch ``need`` bytes from ``pos`` without blocking?"""
        if pos < 0:
            return False
        if self._win_start <= pos and (pos + need <= self._win_end or self._win_eof):
            return True
        self._set_window(probe_window(self._fd, pos, self._patterns, self._margin))
        return self._win_start <= pos and (pos + need <= self._win_end or self._win_eof)

    def _read_bound(self, size: int) -> int:
        """Bytes the io stack may fetch to serve ``read(size)`` (Rule 3)."""
        return self._per * size + self._margin

    def _inline_read_ok(self, size: int | None, held: bool = False) -> bool:
        pos = self._read_pos(held)
        if pos < 0:
            return False
        if size is None or size < 0:
            if not (self._win_start <= pos and self._win_eof):
                try:  # too much to read inline? fstat says so without a probe
                    if os.fstat(self._fd).st_size - pos > INLINE_MAX:
                        return False
                except OSError:
                    return False
            if not self._covered(pos, 0):
                return False
            return self._win_eof and self._win_end - pos <= INLINE_MAX
        if size > INLINE_MAX:
            return False
        return self._covered(pos, self._read_bound(size))

    def _inline_readline_ok(self, size: int | None, held: bool = False) -> bool:
        if self._rkind == 3:  # FileIO.readline makes one system call per byte
            return False
        if size is not None and size >= 0:
            return self._inline_read_ok(size, held)
        pos = self._read_pos(held)
        if pos < 0:
            return False
        if self._line_in_window(pos):
            return True
        self._set_window(probe_window(self._fd, pos, self._patterns, self._margin))
        return self._line_in_window(pos)

    def _line_in_window(self, pos: int) -> bool:
        """Does the window hold a whole line from ``pos`` (Rule 3)?"""
        if self._win_start > pos:
            return False
        if pos <= self._nl_last:
            return True
        return self._win_eof and self._win_end - pos <= INLINE_MAX

    def _advance(self, n: int) -> None:
        """Account for an inline call that returned ``n`` bytes or characters."""
        global _credit
        if self._hi >= 0:
            self._hi += self._per * n
        _credit -= n + CALL_COST

    # -- off-loop calls ---------------------------------------------------------------

    def _new_shadow(self, position: int) -> None:
        """(Re)make the shadow of a text file whose buffer is at ``position``."""
        f = self._file
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
        self._hi = -1
        name = getattr(fn, "__name__", "")
        if name in _WRITES:
            self._dirty = True
        elif name in _FLUSHES:
            self._dirty = False
        job = self._job(fn, args)
        if not self._wkind:
            return await self._in_turn(job)
        self._wroom = -1
        return await self._in_turn(self._measuring(job), self._measured)

    def _job(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> Callable[[], Any]:
        args = given(args)
        return lambda: fn(*args)

    def _measuring(self, job: Callable[[], Any]) -> Callable[[], Any]:
        """``job``, then the room left in the BufferedWriter and its position."""
        f = self._file
        buffered = f.buffer if self._wkind == 2 else f
        bufsize = self._wbufsize

        def run() -> Any:
            result = job()
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
        self._wroom = room
        if self._wkind == 2 and self._resync_shadow and pos >= 0:
            self._new_shadow(pos)  # seek, flush, tell ...: the pending text is gone
        self._resync_shadow = True
        return result

    async def _call_read(
        self,
        fn: Callable[..., Any],
        *args: Any,
        consumes: bool = True,
        ahead: bool = True,
    ) -> Any:
        """Like ``_call`` for reads: the worker also reads the next window ahead,
        unless ``ahead`` is false (after a large read the next one will not be
        served from a window anyway)."""
        await self._take_turn()
        return await self._read_in_turn(fn, args, consumes, ahead)

    async def _read_in_turn(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        consumes: bool = True,
        ahead: bool = True,
    ) -> Any:
        """The read ``fn(*args)`` off the loop; the caller holds the turn."""
        self._hi = -1
        was_dirty, self._dirty = self._dirty, False  # reading flushes what was written
        if self._pipe:
            job = self._pipe_job(fn, given(args))
            return await self._in_turn(job, None, self._stash if consumes else None)
        job = self._job(fn, args)
        if not self._rkind:
            return await self._in_turn(job)
        fd, bufpos, patterns, margin = (
            self._fd,
            self._bufpos,
            self._patterns,
            self._margin,
        )
        # A cookie to undo a cancelled read (Rule 8); not on a dirty file, whose
        # tell() would flush its writes first and change what the read returns.
        tell = self._file.tell if self._rkind == 2 and not was_dirty else None

        def read_and_look_ahead() -> Any:
            if tell is not None:  # where to come back to if the task is gone
                try:
                    self._cookie = tell()
                except Exception:
                    self._cookie = None
            result = job()
            try:
                pos = bufpos()  # type: ignore[misc]
                window = (
                    scan_window(fd, pos, WINDOW, patterns, margin) if ahead else None
                )
            except Exception:
                pos, window = -1, None
            return result, pos, window

        def apply(ok: bool, value: Any) -> Any:
            if not ok:
                raise value
            result, pos, window = value
            self._hi = pos
            self._set_window(window)
            return result

        return await self._in_turn(
            read_and_look_ahead, apply, self._unread if consumes else None
        )

    def _stash(self, result: Any) -> None:
        """Rule 8 for pipes: keep what an orphaned read took, for the next reads."""
        if isinstance(result, int):
            result = bytes(memoryview(self._into).cast("B")[:result]) if result else b""
        elif isinstance(result, list):
            result = result[0][:0].join(result) if result else None
        if result:
            self._pushback = result + self._pushback if self._pushback else result
        return None

    def _pipe_job(
        self, fn: Callable[..., Any], args: tuple[Any, ...]
    ) -> Callable[[], Any]:
        """The read ``fn(*args)`` of a pipe, served first from the push-back."""
        name = fn.__name__
        if name == "readinto":
            self._into = args[0]
        pb = self._pushback
        if not pb:
            return lambda: fn(*args)
        if name == "peek":
            return lambda: pb
        self._pushback = None
        size = args[0] if args else -1
        if name == "readinto":
            view = memoryview(args[0]).cast("B")
            take, self._pushback = pb[: len(view)], pb[len(view) :] or None
            view[: len(take)] = take
            if len(take) == len(view):
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
        if need <= 0 or name == "read1":
            return lambda: take
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

    def _unread(self, result: Any) -> Callable[[], Any] | None:
        """Rule 8: the job that puts back what an orphaned read consumed."""
        self._hi = -1
        f = self._file
        if self._rkind == 2:
            cookie = self._cookie
            self._cookie = None
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
        global _credit
        hi = self._hi
        if (
            size is not None
            and 0 <= size <= INLINE_MAX
            and self._win_start <= hi
            and hi + self._per * size + self._margin <= self._win_end
            and _credit > 0
            and not self._busy
        ):  # Rules 2 and 7, checked without a call: this is the hot path
            data = self._file.read(size)
            n = len(data)
            self._hi = hi + self._per * n
            _credit -= n + CALL_COST
            return data  # type: ignore[no-any-return]
        if _credit <= 0 and not self._busy and self._rkind:
            return await self._read_after_pause(  # type: ignore[no-any-return]
                self._file.read,
                (size,),
                False,
                size is not None and 0 <= size <= INLINE_MAX,
            )
        if inline_allowed() and self._inline_read_ok(size):
            data = self._file.read(size)
            self._advance(len(data))
            return data  # type: ignore[no-any-return]
        return await self._call_read(  # type: ignore[no-any-return]
            self._file.read, size, ahead=size is not None and 0 <= size <= INLINE_MAX
        )

    async def readline(self, size: int | None = ALL) -> _T:
        """Read one line, at most ``size`` bytes or characters if given."""
        if _credit <= 0 and not self._busy and self._rkind:
            return await self._read_after_pause(self._file.readline, (size,), True)  # type: ignore[no-any-return]
        if inline_allowed() and self._inline_readline_ok(size):
            line = self._file.readline(size)
            self._advance(len(line))
            return line  # type: ignore[no-any-return]
        return await self._call_read(self._file.readline, size)  # type: ignore[no-any-return]

    async def __anext__(self) -> _T:
        global _credit
        hi = self._hi
        if (
            self._win_start <= hi <= self._nl_last and _credit > 0 and not self._busy
        ):  # the hot path of ``async for``
            line = self._file.readline()
            n = len(line)
            self._hi = hi + self._per * n
            _credit -= n + CALL_COST
        elif _credit <= 0 and not self._busy and self._rkind:
            line = await self._read_after_pause(self._file.readline, (), True)
        else:
            if inline_allowed() and self._inline_readline_ok(-1):
                line = self._file.readline()
                self._advance(len(line))
            else:
                line = await self._call_read(self._file.readline)
        if line:
            return line  # type: ignore[no-any-return]
        raise StopAsyncIteration

    async def _read_after_pause(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        line: bool,
        ahead: bool = True,
    ) -> Any:
        """Rule 4 when the credit is spent and the file is idle: take the turn,
        wait for the refill holding it (later calls on this file queue behind),
        then read in the turn, inline if allowed."""
        await self._take_turn()
        try:
            await pause()
        except BaseException:
            self._give_turn()
            raise
        size = args[0] if args else -1
        ok = (
            self._inline_readline_ok(size, held=True)
            if line
            else self._inline_read_ok(size, held=True)
        )
        if not ok:
            return await self._read_in_turn(fn, args, True, ahead)
        try:
            result = fn(*given(args))
            self._advance(len(result))
            return result
        finally:
            self._give_turn()

    async def readlines(self, hint: int | None = ALL) -> list[_T]:
        """Read the remaining lines; stop once their total size exceeds ``hint``."""
        if self._rkind != 3 and inline_allowed() and self._inline_read_ok(None):
            lines = self._file.readlines(*given((hint,)))
            self._advance(sum(map(len, lines)))
            return lines  # type: ignore[no-any-return]
        return await self._call_read(self._file.readlines, hint, ahead=False)  # type: ignore[no-any-return]

    # -- writing ------------------------------------------------------------------

    async def write(self, data: Any) -> int:
        """Write ``data``; return how many bytes or characters were written."""
        global _credit
        room = self._wroom
        allowed = inline_allowed()
        if allowed and type(data) is bytes and len(data) <= room and not self._busy:
            n: int = self._file.write(data)  # fits in the buffer: a copy, no I/O
            self._wroom = room - len(data)
            _credit -= n + CALL_COST
            return n
        if self._wkind == 2 and type(data) is str and room >= 0 and not self._busy:
            passed = self._shadow_write(self._shadow.write, data)  # sees every write
            if allowed and 0 <= passed <= room:
                self._wroom = room - passed
                _credit -= len(data) + CALL_COST
                return self._file.write(data)  # type: ignore[no-any-return]
            self._resync_shadow = False  # the shadow has seen this write
        return await self._call(self._file.write, data)  # type: ignore[no-any-return]

    def _shadow_write(self, method: Callable[[Any], Any], data: Any) -> int:
        """Bytes the text layer passes to its buffer for this write, or -1 if it
        would also flush the buffer (so the OS would be touched); errors are
        the real write's to raise."""
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
        room = self._wroom
        allowed = inline_allowed()
        if room >= 0 and not self._busy:
            lines = list(lines)
            if self._wkind == 1:
                if allowed and all(type(line) is bytes for line in lines):
                    total = sum(map(len, lines))
                    if total <= room:
                        self._file.writelines(lines)
                        self._wroom = room - total
                        spend(total + CALL_COST)
                        return
            elif self._wkind == 2 and all(type(line) is str for line in lines):
                passed = self._shadow_write(self._shadow.writelines, lines)
                if allowed and 0 <= passed <= room:
                    self._wroom = room - passed
                    spend(sum(map(len, lines)) + CALL_COST)
                    self._file.writelines(lines)
                    return
                self._resync_shadow = False
        await self._call(self._file.writelines, lines)

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
        return await self._call(self._file.seek, offset, whence)  # type: ignore[no-any-return]

    async def tell(self) -> int:
        """The current position (an opaque cookie for text files)."""
        if not self._busy and self._rkind and not self._dirty:
            try:
                return self._file.tell()  # type: ignore[no-any-return]
            except Exception:
                pass
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
        """Close by ``fn(*args)``: inline for a read-only regular file (Rule 6),
        else off the loop in a task the caller's cancellation does not reach."""
        if self._inline_close and not self._busy and inline_allowed():
            start = perf_counter()
            self._inline_close = False
            self._stop_engine()
            try:
                fn(*args)
            finally:
                spend_since(start, OPEN_COST)
            return
        self._rkind = 0
        await _unstoppable(self._close_in_turn(fn, *args))

    async def _close_in_turn(self, fn: Callable[..., Any], *args: Any) -> None:
        try:
            await self._call(fn, *args)
        finally:
            self._wkind = 0  # a failed close leaves the file closed
            self._wroom = -1

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

    def _stop_engine(self) -> None:
        """No more inline calls (after ``detach()``, for one)."""
        self._meet = False
        self._rkind = 0
        self._wkind = 0
        self._wroom = -1
        self._hi = -1


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


async def _unstoppable(coro: Coroutine[Any, Any, _T]) -> _T:
    """Await ``coro`` in a task of its own that the caller's cancellation does not
    reach: a cancelled ``close()`` still closes, even one that was still waiting
    for the file's turn (issue 4's "a cancelled close still closes")."""
    task = asyncio.ensure_future(coro)
    task.add_done_callback(_retrieve)
    return await asyncio.shield(task)


def _retrieve(task: asyncio.Future[Any]) -> None:
    if not task.cancelled():
        task.exception()  # seen: no "exception was never retrieved" for orphans


__all__ = ["AsyncFile"]
