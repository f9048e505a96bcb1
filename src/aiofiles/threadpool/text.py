"""Async wrapper of text files. The engine that decides where each call runs is
``_fileio``; decoding, newlines and ``tell()`` cookies are ``io.TextIOWrapper``'s."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from .._fileio import AsyncFile
from ..base import AsyncIndirectBase


class AsyncTextIOWrapper(AsyncFile[str]):
    """The async version of ``io.TextIOWrapper``."""

    if TYPE_CHECKING:  # the engine's methods, with the types of a text file

        async def write(self, data: str) -> int:
            """Write the string ``data``; return its length in characters."""
            ...

        async def writelines(self, lines: Iterable[str]) -> None:
            """Write each string of ``lines``, adding no line separators."""
            ...

    async def readable(self) -> bool:
        """Whether the file was opened for reading (a coroutine, as in aiofiles)."""
        return await self._call(self._file.readable)  # type: ignore[no-any-return]

    def detach(self) -> Any:
        """Separate the underlying binary buffer from the wrapper and return it."""
        self._escape()
        self._stop_engine()
        return self._file.detach()

    @property
    def buffer(self) -> Any:
        self._escape()  # the buffer can move the file without this object
        return self._file.buffer

    @property
    def encoding(self) -> str:
        return self._file.encoding  # type: ignore[no-any-return]

    @property
    def errors(self) -> str | None:
        return self._file.errors  # type: ignore[no-any-return]

    @property
    def line_buffering(self) -> bool:
        return self._file.line_buffering  # type: ignore[no-any-return]

    @property
    def newlines(self) -> str | tuple[str, ...] | None:
        return self._file.newlines  # type: ignore[no-any-return]


class AsyncTextIndirectIOWrapper(AsyncIndirectBase[str], AsyncTextIOWrapper):
    """``AsyncTextIOWrapper`` over ``indirect()``, looked up on every call."""
