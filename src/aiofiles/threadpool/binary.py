"""Async wrappers of binary files: buffered (``rb``, ``wb``, ``rb+`` ...) and raw
(``buffering=0``). The engine that decides where each call runs is ``_fileio``."""

from __future__ import annotations

from typing import Any

from .._fileio import ALL, INLINE_MAX, ZERO, AsyncFile, inline_allowed
from ..base import AsyncIndirectBase


async def _readinto(f: AsyncFile[bytes], b: Any) -> int | None:
    """``readinto`` of the buffered and the raw classes: inline when allowed."""
    try:
        size = memoryview(b).nbytes
    except TypeError:
        size = -1
    if size >= 0 and inline_allowed() and f._inline_read_ok(size):
        n: int | None = f._file.readinto(b)
        f._advance(n or 0)
        return n
    return await f._call_read(f._file.readinto, b)  # type: ignore[no-any-return]


class AsyncBufferedIOBase(AsyncFile[bytes]):
    """The async version of ``io.BufferedWriter`` and ``io.BufferedIOBase``."""

    async def read1(self, size: int | None = ALL) -> bytes:
        if inline_allowed() and self._inline_read_ok(
            self._bufsize if size is None or size < 0 else size
        ):
            data: bytes = self._file.read1(size)
            self._advance(len(data))
            return data
        return await self._call_read(  # type: ignore[no-any-return]
            self._file.read1, size, ahead=size is not None and 0 <= size <= INLINE_MAX
        )

    async def readinto(self, b: Any) -> int | None:
        return await _readinto(self, b)

    def detach(self) -> Any:
        self._stop_engine()
        return self._file.detach()

    def readable(self) -> bool:
        return self._file.readable()  # type: ignore[no-any-return]

    @property
    def raw(self) -> Any:
        return self._file.raw


class AsyncBufferedReader(AsyncBufferedIOBase):
    """The async version of ``io.BufferedReader`` and ``io.BufferedRandom``."""

    async def peek(self, size: int = ZERO) -> bytes:
        if inline_allowed() and self._inline_read_ok(self._bufsize):
            data: bytes = self._file.peek(size)
            self._advance(0)
            return data
        return await self._call_read(self._file.peek, size, consumes=False)  # type: ignore[no-any-return]


class AsyncFileIO(AsyncFile[bytes]):
    """The async version of ``io.FileIO`` (files opened with ``buffering=0``)."""

    async def readall(self) -> bytes:
        if inline_allowed() and self._inline_read_ok(None):
            data: bytes = self._file.readall()
            self._advance(len(data))
            return data
        return await self._call_read(self._file.readall, ahead=False)  # type: ignore[no-any-return]

    async def readinto(self, b: Any) -> int | None:
        return await _readinto(self, b)

    def readable(self) -> bool:
        return self._file.readable()  # type: ignore[no-any-return]


class AsyncIndirectBufferedIOBase(AsyncIndirectBase[bytes], AsyncBufferedIOBase):
    """``AsyncBufferedIOBase`` over ``indirect()``, looked up on every call."""


class AsyncIndirectBufferedReader(AsyncIndirectBufferedIOBase, AsyncBufferedReader):
    """``AsyncBufferedReader`` over ``indirect()``, looked up on every call."""


class AsyncIndirectFileIO(AsyncIndirectBase[bytes], AsyncFileIO):
    """``AsyncFileIO`` over ``indirect()``, looked up on every call."""
