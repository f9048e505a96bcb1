"""The async objects behind ``SpooledTemporaryFile`` and ``TemporaryDirectory``.

Rules of :class:`AsyncSpooledTemporaryFile`:

Rule 1. Until it rolls over, the spooled file's data is an in-memory ``BytesIO``
        (or a ``TextIOWrapper`` over one), and every operation on it runs on the
        loop thread: a thread hop would cost far more than the operation.
Rule 2. Anything that can touch the disk runs off the loop: every operation once
        the file has rolled over, and the rollover itself, whichever call causes
        it (``write``/``writelines`` past ``max_size``, ``truncate`` past it,
        ``fileno``, ``rollover``).
Rule 3. Calls take turns through the per-file gate of :class:`AsyncBase`, the
        in-memory ones included, so an in-memory call never runs while a rollover
        is copying the buffer in a worker, and calls finish in the order made.
Rule 4. ``write`` and ``writelines`` follow the standard library's rule: write,
        then roll over if ``max_size`` is non-zero and ``tell() > max_size``.
Rule 5. From 3.14 on, ``writelines`` follows that version's: with a non-zero
        ``max_size``, it writes line by line and rolls over as soon as the
        file is past ``max_size``, then writes the lines left to the real
        file; no lines, no check (an empty list never rolls over).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import sys
import tempfile
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Any, AnyStr, TypeVar

from .. import _offload
from ..base import AsyncBase

__all__ = ["AsyncSpooledTemporaryFile", "AsyncTemporaryDirectory"]

_R = TypeVar("_R")
_WRITELINES_BY_LINE = sys.version_info >= (3, 14)  # Rule 5


class AsyncSpooledTemporaryFile(AsyncBase[AnyStr]):
    """Async interface to a :class:`tempfile.SpooledTemporaryFile`."""

    _file: tempfile.SpooledTemporaryFile[AnyStr]

    async def _call(self, fn: Callable[[], _R]) -> _R:
        """Run ``fn`` in this file's turn: inline while in memory, else off the loop."""
        await self._take_turn()
        if self._file._rolled:  # type: ignore[attr-defined]
            return await self._in_turn(fn)  # type: ignore[no-any-return]
        try:
            return fn()
        finally:
            self._give_turn()

    async def _write(self, data: Any, many: bool) -> Any:
        """``write``/``writelines`` in this file's turn (Rules 1, 2 and 4)."""
        await self._take_turn()
        spooled = self._file
        if spooled._rolled:  # type: ignore[attr-defined]
            blocking = spooled.writelines if many else spooled.write
            return await self._in_turn(functools.partial(blocking, data))
        if many and _WRITELINES_BY_LINE:
            return await self._writelines_by_line(data)
        try:
            memory = spooled._file
            result = memory.writelines(data) if many else memory.write(data)
            max_size = spooled._max_size  # type: ignore[attr-defined]
            over = bool(max_size) and memory.tell() > max_size
        except BaseException:
            self._give_turn()
            raise
        if not over:
            self._give_turn()
            return result
        # The data is in memory already; the rollover keeps the turn until it is
        # done, even if this task is cancelled meanwhile (base Rule 2).
        await self._in_turn(spooled.rollover)
        return result

    async def _writelines_by_line(self, lines: Iterable[Any]) -> None:
        """3.14's ``writelines`` (Rule 5), in this file's turn, taken already."""
        spooled = self._file
        try:
            if not spooled._max_size:  # type: ignore[attr-defined]
                spooled._file.writelines(lines)
                self._give_turn()
                return
            memory = spooled._file
            it = iter(lines)
            over = False
            for line in it:
                memory.write(line)
                if memory.tell() > spooled._max_size:  # type: ignore[attr-defined]
                    over = True
                    break
        except BaseException:
            self._give_turn()
            raise
        if not over:
            self._give_turn()
            return

        def rest() -> None:  # the rollover, then the lines left, off the loop
            spooled.rollover()
            spooled._file.writelines(it)

        await self._in_turn(rest)

    # -- the rollover and the descriptor: always off the loop ------------------

    async def rollover(self) -> None:
        """Move the data to a real temporary file now."""
        await self._run(self._file.rollover)

    async def fileno(self) -> int:
        """Roll over if needed, then return the file descriptor."""
        return await self._run(self._file.fileno)  # type: ignore[no-any-return]

    # -- in memory until rollover, off the loop after ------------------------

    async def write(self, s: AnyStr) -> int:
        """Write ``s``, then roll over if the file is now past ``max_size`` (Rule 4)."""
        return await self._write(s, many=False)  # type: ignore[no-any-return]

    async def writelines(self, iterable: Iterable[AnyStr]) -> None:
        """Write each item of ``iterable``, then roll over if past ``max_size``."""
        await self._write(iterable, many=True)

    async def read(self, size: int | None = -1) -> AnyStr:
        """Read up to ``size`` bytes or characters; all that is left by default."""
        return await self._call(functools.partial(self._file.read, size))  # type: ignore[arg-type]

    async def readline(self, size: int | None = -1) -> AnyStr:
        """Read one line; a non-negative ``size`` caps its length."""
        return await self._call(functools.partial(self._file.readline, size))

    async def readlines(self, hint: int = -1) -> list[AnyStr]:
        """Read the remaining lines as a list; a positive ``hint`` stops once that
        much has been read."""
        return await self._call(functools.partial(self._file.readlines, hint))

    async def seek(self, offset: int, whence: int = 0) -> int:
        """Move to ``offset`` relative to ``whence``; return the new position."""
        return await self._call(functools.partial(self._file.seek, offset, whence))

    async def tell(self) -> int:
        """Return the current position."""
        return await self._call(self._file.tell)

    async def truncate(self, size: int | None = None) -> int | None:
        """Resize to ``size`` (default: the current position), as
        ``SpooledTemporaryFile.truncate`` does: a ``size`` above ``max_size`` rolls
        the file over first, off the loop."""
        spooled = self._file
        fn = functools.partial(spooled.truncate, size)
        if size is not None and size > spooled._max_size:  # type: ignore[attr-defined]
            # The standard library rolls over first here: off the loop (Rule 2).
            return await self._run(fn)  # type: ignore[no-any-return]
        return await self._call(fn)

    async def flush(self) -> None:
        """Flush the write buffers, if the file has any."""
        await self._call(self._file.flush)

    async def isatty(self) -> bool:
        """Whether the underlying file is connected to a terminal."""
        return await self._call(self._file.isatty)

    async def close(self) -> None:
        """Close the file, discarding its data; off the loop once rolled over."""
        await self._call(self._file.close)

    async def _exit_file(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """What leaving ``async with`` runs (see ``AiofilesContextManager``)."""
        await self._call(functools.partial(self._file.__exit__, exc_type, exc, tb))

    async def __aenter__(self) -> AsyncSpooledTemporaryFile[AnyStr]:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Leaving ``async with f:`` closes the file, as the blocking one does."""
        await self._exit_file(exc_type, exc, tb)

    # -- plain attributes: no I/O ---------------------------------------------

    @property
    def closed(self) -> bool:
        """Whether the file is closed."""
        return self._file.closed

    @property
    def encoding(self) -> str:
        """The text encoding (text mode only: a binary file has no ``encoding``)."""
        return self._file.encoding

    @property
    def mode(self) -> str:
        """The file's mode; after rollover the real file's (``rb+`` for ``w+b``)."""
        return self._file.mode

    @property
    def name(self) -> str | int | None:
        """The underlying file's ``name``: ``None`` while the data is in memory,
        then the rolled-over file's (a descriptor where it has no path)."""
        return self._file.name

    @property
    def newlines(self) -> str | tuple[str, ...] | None:
        """The newlines read so far (text mode only, as in ``TextIOWrapper``)."""
        return self._file.newlines


class AsyncTemporaryDirectory:
    """Async interface to a :class:`tempfile.TemporaryDirectory`."""

    def __init__(
        self,
        file: tempfile.TemporaryDirectory[str],
        loop: asyncio.AbstractEventLoop | None = None,
        executor: concurrent.futures.Executor | None = None,
    ) -> None:
        self._file = file
        self._loop = loop
        self._executor = executor

    def __repr__(self) -> str:
        return super().__repr__() + " wrapping " + repr(self._file)

    @property
    def name(self) -> str:
        """The path of the temporary directory."""
        return self._file.name

    async def cleanup(self) -> None:
        """Remove the directory and everything in it, off the loop."""
        await _offload.run(self._file.cleanup, executor=self._executor)

    async def close(self) -> None:
        """The same as :meth:`cleanup`."""
        await self.cleanup()

    async def _exit_file(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """What leaving ``async with`` runs (see ``AiofilesContextManager``)."""
        await _offload.run(
            self._file.__exit__, exc_type, exc, tb, executor=self._executor
        )
