"""``open()`` and ``wrap()``: blocking file objects made async."""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sys
from collections.abc import Callable
from functools import partial, singledispatch
from io import (
    BufferedIOBase,
    BufferedRandom,
    BufferedReader,
    BufferedWriter,
    FileIO,
    TextIOBase,
)
from stat import S_ISFIFO, S_ISREG
from time import perf_counter
from typing import TYPE_CHECKING, Any, Literal, overload

from .. import _budget, _executor, _fastpath, _offload
from .._budget import OPEN_COST, STAT_COST
from .._fileio import AsyncFile
from .._modes import (
    OpenBinaryMode,
    OpenBinaryModeReading,
    OpenBinaryModeUpdating,
    OpenBinaryModeWriting,
    OpenTextMode,
)

# The names below are re-exported (``X as X``): the contract lists them among
# what people import from here, and type checkers want the export explicit.
from ..base import AiofilesContextManager as AiofilesContextManager
from ..base import AsyncBase as AsyncBase
from . import binary as binary
from . import text as text
from . import utils as utils
from .binary import AsyncBufferedIOBase as AsyncBufferedIOBase
from .binary import AsyncBufferedReader as AsyncBufferedReader
from .binary import AsyncFileIO as AsyncFileIO
from .binary import AsyncIndirectBufferedIOBase as AsyncIndirectBufferedIOBase
from .text import AsyncTextIndirectIOWrapper as AsyncTextIndirectIOWrapper
from .text import AsyncTextIOWrapper as AsyncTextIOWrapper

if TYPE_CHECKING:
    from _typeshed import FileDescriptorOrPath

sync_open = open  # tests patch "aiofiles.threadpool.sync_open"; read at every call
_builtin_open = open  # only the real one may run inline: a patched one is user code

__all__ = [
    "open",
    "stdin",
    "stdout",
    "stderr",
    "stdin_bytes",
    "stdout_bytes",
    "stderr_bytes",
]

_Opener = Callable[[str, int], int]
_Loop = asyncio.AbstractEventLoop | None
_Executor = concurrent.futures.Executor | None


@overload
def open(
    file: FileDescriptorOrPath,
    mode: OpenTextMode = "r",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    closefd: bool = True,
    opener: _Opener | None = None,
    *,
    loop: _Loop = None,
    executor: _Executor = None,
) -> AiofilesContextManager[AsyncTextIOWrapper]: ...
@overload
def open(
    file: FileDescriptorOrPath,
    mode: OpenBinaryMode,
    buffering: Literal[0],
    encoding: None = None,
    errors: None = None,
    newline: None = None,
    closefd: bool = True,
    opener: _Opener | None = None,
    *,
    loop: _Loop = None,
    executor: _Executor = None,
) -> AiofilesContextManager[AsyncFileIO]: ...
@overload
def open(
    file: FileDescriptorOrPath,
    mode: OpenBinaryModeReading | OpenBinaryModeUpdating,
    buffering: Literal[-1, 1] = -1,
    encoding: None = None,
    errors: None = None,
    newline: None = None,
    closefd: bool = True,
    opener: _Opener | None = None,
    *,
    loop: _Loop = None,
    executor: _Executor = None,
) -> AiofilesContextManager[AsyncBufferedReader]: ...
@overload
def open(
    file: FileDescriptorOrPath,
    mode: OpenBinaryModeWriting,
    buffering: Literal[-1, 1] = -1,
    encoding: None = None,
    errors: None = None,
    newline: None = None,
    closefd: bool = True,
    opener: _Opener | None = None,
    *,
    loop: _Loop = None,
    executor: _Executor = None,
) -> AiofilesContextManager[AsyncBufferedIOBase]: ...
@overload
def open(
    file: FileDescriptorOrPath,
    mode: OpenBinaryMode,
    buffering: int = -1,
    encoding: None = None,
    errors: None = None,
    newline: None = None,
    closefd: bool = True,
    opener: _Opener | None = None,
    *,
    loop: _Loop = None,
    executor: _Executor = None,
) -> AiofilesContextManager[AsyncBufferedIOBase | AsyncFileIO]: ...
@overload
def open(
    file: FileDescriptorOrPath,
    mode: str,
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    closefd: bool = True,
    opener: _Opener | None = None,
    *,
    loop: _Loop = None,
    executor: _Executor = None,
) -> AiofilesContextManager[AsyncFile[Any]]: ...


def open(
    file: FileDescriptorOrPath,
    mode: str = "r",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    closefd: bool = True,
    opener: _Opener | None = None,
    *,
    loop: _Loop = None,
    executor: _Executor = None,
) -> AiofilesContextManager[Any]:
    """Open a file; await the result, or use it with ``async with``.

    Takes ``builtins.open``'s arguments and raises its errors (when awaited).
    Nothing happens until the result is awaited or entered.
    """
    return AiofilesContextManager(
        _open(
            file,
            mode=mode,
            buffering=buffering,
            encoding=encoding,
            errors=errors,
            newline=newline,
            closefd=closefd,
            opener=opener,
            loop=loop,
            executor=executor,
        )
    )


async def _open(
    file: Any,
    mode: str = "r",
    buffering: int = -1,
    encoding: str | None = None,
    errors: str | None = None,
    newline: str | None = None,
    closefd: bool = True,
    opener: _Opener | None = None,
    *,
    loop: _Loop = None,
    executor: _Executor = None,
) -> Any:
    running = asyncio.get_running_loop()
    if loop is None:
        loop = running
    call = partial(
        sync_open,
        file,
        mode=mode,
        buffering=buffering,
        encoding=encoding,
        errors=errors,
        newline=newline,
        closefd=closefd,
        opener=opener,
    )
    st = None
    if executor is None and opener is None and _fastpath.enabled:
        if _budget.current().credit <= 0:
            await _budget.pause()  # many inline opens in a row: let others run
        start = perf_counter()
        st = _fastpath.cached_stat(file)
        _budget.charge_since(start, STAT_COST)
    if (
        st is not None
        and S_ISREG(st.st_mode)
        and sync_open is _builtin_open
        and type(mode) is str
        and mode in _READ_ONLY_MODES
    ):
        # Resolved from the kernel's caches: a regular file, for reading, no
        # opener, the real open. Opened with O_NONBLOCK, so that a lease held
        # by another process makes it fail at once instead of waiting; any
        # failure, or anything but a regular file (swapped in since the
        # look-up), and the open is made again off the loop, where it raises
        # or waits exactly as the blocking call would.
        start = perf_counter()
        try:
            f = _open_now(call)
        finally:
            _budget.charge_since(start, OPEN_COST)
        if f is not None:
            return _wrapped(f, loop, executor, newline)
        st = None  # something else than the cached look-up said: let the job look
    opened: asyncio.Future[Any] = running.create_future()

    def done(ok: bool, value: Any) -> None:
        if opened.cancelled():
            if ok:  # nobody will ever see this file: close it, off the loop
                _close_orphan(running, executor, value)
        elif ok:
            opened.set_result(value)
        else:
            opened.set_exception(value)

    # Opening a FIFO waits for its other end: such a job must not hold the pool.
    fifo = st is not None and S_ISFIFO(st.st_mode)
    if st is None:  # unknown here: the job looks (a FIFO must not hold up exit)
        call = partial(_unknown_kind, file, call)
    _offload.submit(running, executor, call, done, unbounded=fifo)
    try:
        f = await opened
    except asyncio.CancelledError:
        if opened.done() and not opened.cancelled() and opened.exception() is None:
            _close_orphan(running, executor, opened.result())
        raise
    return _wrapped(f, loop, executor, newline)


_READ_ONLY_MODES = frozenset(("r", "rt", "tr", "rb", "br"))


def _nonblocking_opener(path: Any, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def _open_now(call: Any) -> Any:
    """``call`` (a partial of ``builtins.open``) with ``O_NONBLOCK``: the file,
    made blocking again, if it is a regular file; else ``None`` (nothing left
    open)."""
    try:
        f = call(opener=_nonblocking_opener)
    except OSError:
        return None
    try:
        fd = f.fileno()
        os.set_blocking(fd, True)
        if S_ISREG(os.fstat(fd).st_mode):
            return f
    except OSError:
        pass
    f.close()
    return None


def _unknown_kind(file: Any, call: Callable[[], Any]) -> Any:
    _executor.unbounded_if_special(file)
    return call()


def _wrapped(f: Any, loop: _Loop, executor: _Executor, newline: str | None) -> Any:
    obj = wrap(f, loop=loop, executor=executor)
    hint = getattr(obj, "_newline_hint", None)
    if hint is not None:
        hint(newline)
    return obj


def _close_orphan(loop: asyncio.AbstractEventLoop, executor: _Executor, f: Any) -> None:
    """Close a file nobody will see, off the loop; in our own pool if the
    caller's executor no longer takes jobs (it was shut down meanwhile)."""
    try:
        _offload.submit(loop, executor, f.close, _ignore)
    except RuntimeError:
        if executor is None:
            raise
        _offload.submit(loop, None, f.close, _ignore)


def _ignore(ok: bool, value: Any) -> None:
    pass


@singledispatch
def wrap(file: Any, *, loop: _Loop = None, executor: _Executor = None) -> Any:
    """Make a blocking file object async; ``wrap.register`` adds types."""
    raise TypeError(f"Unsupported io type: {file}.")


@wrap.register(TextIOBase)
def _(file: TextIOBase, *, loop: _Loop = None, executor: _Executor = None) -> Any:
    return AsyncTextIOWrapper(file, loop=loop, executor=executor)


@wrap.register(BufferedWriter)
@wrap.register(BufferedIOBase)
def _(file: BufferedIOBase, *, loop: _Loop = None, executor: _Executor = None) -> Any:
    return AsyncBufferedIOBase(file, loop=loop, executor=executor)


@wrap.register(BufferedReader)
@wrap.register(BufferedRandom)
def _(file: BufferedReader, *, loop: _Loop = None, executor: _Executor = None) -> Any:
    return AsyncBufferedReader(file, loop=loop, executor=executor)


@wrap.register(FileIO)
def _(file: FileIO, *, loop: _Loop = None, executor: _Executor = None) -> Any:
    return AsyncFileIO(file, loop=loop, executor=executor)


stdin: AsyncTextIndirectIOWrapper = AsyncTextIndirectIOWrapper(
    "sys.stdin", None, None, indirect=lambda: sys.stdin
)
stdout: AsyncTextIndirectIOWrapper = AsyncTextIndirectIOWrapper(
    "sys.stdout", None, None, indirect=lambda: sys.stdout
)
stderr: AsyncTextIndirectIOWrapper = AsyncTextIndirectIOWrapper(
    "sys.stderr", None, None, indirect=lambda: sys.stderr
)
stdin_bytes: AsyncIndirectBufferedIOBase = AsyncIndirectBufferedIOBase(
    "sys.stdin.buffer", None, None, indirect=lambda: sys.stdin.buffer
)
stdout_bytes: AsyncIndirectBufferedIOBase = AsyncIndirectBufferedIOBase(
    "sys.stdout.buffer", None, None, indirect=lambda: sys.stdout.buffer
)
stderr_bytes: AsyncIndirectBufferedIOBase = AsyncIndirectBufferedIOBase(
    "sys.stderr.buffer", None, None, indirect=lambda: sys.stderr.buffer
)
