"""Async wrappers of binary files: buffered (``rb``, ``wb``, ``rb+`` ...) and raw
(``buffering=0``). The engine that decides where each call runs is ``_fileio``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._fileio import _BUFFER, _REST, _SIZED, ALL, ZERO, AsyncFile
from ..base import AsyncIndirectBase

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer, WriteableBuffer


async def _readinto(f: AsyncFile[bytes], b: WriteableBuffer) -> int | None:
    """``readinto`` of the buffered and the raw classes."""
    try:
        size = memoryview(b).nbytes
    except TypeError:
        size = -1  # not a buffer: the real call raises the blocking file's error
    if size < 0:
        return await f._call(f._file.readinto, b)  # type: ignore[no-any-return]
    return await f._read(_SIZED, f._file.readinto, b, bound=size)  # type: ignore[no-any-return]


class AsyncBufferedIOBase(AsyncFile[bytes]):
    """The async version of ``io.BufferedWriter`` and ``io.BufferedIOBase``."""

    if TYPE_CHECKING:  # the engine's methods, with the types of a binary file

        async def write(self, data: ReadableBuffer) -> int:
            """Write the bytes of ``data``; return how many were written."""
            ...

        async def writelines(self, lines: Iterable[ReadableBuffer]) -> None:
            """Write each buffer of ``lines``."""
            ...

    async def read1(self, size: int | None = ALL) -> bytes:
        """At most one raw read: up to ``size`` bytes, fewer if that is what one gives."""
        sized = type(size) is int and size >= 0
        return await self._read(  # type: ignore[no-any-return]
            _SIZED if sized else _BUFFER, self._file.read1, size
        )

    async def readinto(self, b: WriteableBuffer) -> int | None:
        """Read into the writable buffer ``b``; return the number of bytes read."""
        return await _readinto(self, b)

    def detach(self) -> Any:
        """Separate the underlying raw stream from the buffer and return it."""
        self._escape()
        self._stop_engine()
        return self._file.detach()

    def readable(self) -> bool:
        """Whether the file was opened for reading (synchronous, as in aiofiles)."""
        return self._file.readable()  # type: ignore[no-any-return]

    @property
    def raw(self) -> Any:
        self._escape()  # the raw stream can move the file without this object
        return self._file.raw


class AsyncBufferedReader(AsyncBufferedIOBase):
    """The async version of ``io.BufferedReader`` and ``io.BufferedRandom``."""

    async def peek(self, size: int = ZERO) -> bytes:
        """Bytes from the buffer without moving the position (at least one, if any)."""
        return await self._read(_BUFFER, self._file.peek, size, consumes=False)  # type: ignore[no-any-return]


class AsyncFileIO(AsyncFile[bytes]):
    """The async version of ``io.FileIO`` (files opened with ``buffering=0``)."""

    if TYPE_CHECKING:  # the engine's methods, with the types of a binary file

        async def write(self, data: ReadableBuffer) -> int:
            """Write the bytes of ``data``; return how many were written."""
            ...

        async def writelines(self, lines: Iterable[ReadableBuffer]) -> None:
            """Write each buffer of ``lines``."""
            ...

    async def readall(self) -> bytes:
        """Read until end of file."""
        return await self._read(_REST, self._file.readall)  # type: ignore[no-any-return]

    async def readinto(self, b: WriteableBuffer) -> int | None:
        """Read into the writable buffer ``b``; return the number of bytes read."""
        return await _readinto(self, b)

    def readable(self) -> bool:
        """Whether the file was opened for reading (synchronous, as in aiofiles)."""
        return self._file.readable()  # type: ignore[no-any-return]


class AsyncIndirectBufferedIOBase(AsyncIndirectBase[bytes], AsyncBufferedIOBase):
    """``AsyncBufferedIOBase`` over ``indirect()``, looked up on every call."""


class AsyncIndirectBufferedReader(AsyncIndirectBufferedIOBase, AsyncBufferedReader):
    """``AsyncBufferedReader`` over ``indirect()``, looked up on every call."""


class AsyncIndirectFileIO(AsyncIndirectBase[bytes], AsyncFileIO):
    """``AsyncFileIO`` over ``indirect()``, looked up on every call."""
