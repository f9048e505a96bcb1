"""Async temporary files and directories, as in :mod:`tempfile`.

Each constructor returns an :class:`~aiofiles.base.AiofilesContextManager` at once
and does nothing until it is awaited or entered; the standard library's object is
then made off the event loop and wrapped in an async object.

Rules:

Rule 1. A constructor's product is never lost. If the awaiting task is cancelled
        (or otherwise leaves) while the product is being made, whoever comes
        second, the worker that made it or the task that left, disposes of it
        off the loop: files are closed (which deletes them where the standard
        library would), directories are removed. A lock decides who is second;
        see ``_create``.
Rule 2. ``f._file`` is whatever the standard library returned: the
        ``_TemporaryFileWrapper`` for named files (and unnamed ones on systems
        without ``O_TMPFILE``), the plain io object otherwise.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import sys
import tempfile
import threading
from collections.abc import Callable
from io import BufferedRandom, BufferedReader, BufferedWriter, FileIO, TextIOBase
from typing import TYPE_CHECKING, Any, AnyStr, Literal, TypeVar, overload

from .. import _offload
from .._modes import (
    OpenBinaryMode,
    OpenBinaryModeReading,
    OpenBinaryModeUpdating,
    OpenBinaryModeWriting,
    OpenTextMode,
)
from ..base import AiofilesContextManager, AsyncBase
from ..threadpool.binary import AsyncBufferedIOBase, AsyncBufferedReader, AsyncFileIO
from ..threadpool.text import AsyncTextIOWrapper
from . import temptypes as temptypes
from .temptypes import AsyncSpooledTemporaryFile, AsyncTemporaryDirectory

if TYPE_CHECKING:
    from _typeshed import BytesPath, StrOrBytesPath, StrPath

__all__ = [
    "NamedTemporaryFile",
    "TemporaryFile",
    "SpooledTemporaryFile",
    "TemporaryDirectory",
]

_P = TypeVar("_P")
_Loop = asyncio.AbstractEventLoop
_Executor = concurrent.futures.Executor


# -- wrapping the standard library's objects -------------------------------------


@functools.singledispatch
def wrap(
    base_io_obj: Any,
    file: Any,
    *,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> Any:
    """Wrap ``file`` in the async class that fits ``base_io_obj``'s type.

    ``base_io_obj`` is the io object that decides the class (for a
    ``_TemporaryFileWrapper``, the file it wraps); ``file`` is what the async
    object keeps as ``_file``.
    """
    raise TypeError(f"Unsupported IO type: {base_io_obj}")


@wrap.register(TextIOBase)
def _(
    base_io_obj: Any,
    file: Any,
    *,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AsyncTextIOWrapper:
    return AsyncTextIOWrapper(file, loop=loop, executor=executor)


@wrap.register(BufferedWriter)
def _(
    base_io_obj: Any,
    file: Any,
    *,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AsyncBufferedIOBase:
    return AsyncBufferedIOBase(file, loop=loop, executor=executor)


@wrap.register(BufferedReader)
@wrap.register(BufferedRandom)
def _(
    base_io_obj: Any,
    file: Any,
    *,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AsyncBufferedReader:
    return AsyncBufferedReader(file, loop=loop, executor=executor)


@wrap.register(FileIO)
def _(
    base_io_obj: Any,
    file: Any,
    *,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AsyncFileIO:
    return AsyncFileIO(file, loop=loop, executor=executor)


# -- making things off the loop without losing them (Rule 1) -------------------


def _ignore(ok: bool, value: Any) -> None:
    pass


def _dispose_soon(
    product: _P, dispose: Callable[[_P], Any], executor: _Executor | None
) -> None:
    """Dispose of ``product`` off the loop, without waiting; inline as a last resort."""
    try:
        loop = asyncio.get_running_loop()
        _offload.submit(loop, executor, functools.partial(dispose, product), _ignore)
    except Exception:  # no running loop, or an executor that was shut down
        with contextlib.suppress(Exception):
            dispose(product)


async def _create(
    make: Callable[[], _P], dispose: Callable[[_P], Any], executor: _Executor | None
) -> _P:
    """Run ``make()`` off the loop and return its product; never leak it.

    The worker and the awaiting task meet under ``lock``. The worker, once the
    product exists, hands it over unless the task has left, and disposes of it
    itself if the task has. A task that leaves (cancellation, mostly) disposes
    of a product already handed over, delivered or not, because nobody else
    will ever see it.
    """
    lock = threading.Lock()
    handed: list[_P] = []
    left = False

    def job() -> _P | None:
        product = make()
        with lock:
            if not left:
                handed.append(product)
                return product
        dispose(product)  # the task that asked for it is gone
        return None

    try:
        product = await _offload.run(job, executor=executor)
    except BaseException:
        with lock:
            left = True
            orphans = handed[:]
            handed.clear()
        for orphan in orphans:
            _dispose_soon(orphan, dispose, executor)
        raise
    handed.clear()
    return product  # type: ignore[return-value]


def _names(
    suffix: str | bytes | None, prefix: str | bytes | None, dir: StrOrBytesPath | None
) -> dict[str, Any]:
    """The naming arguments, for the standard library (which checks them)."""
    return {"suffix": suffix, "prefix": prefix, "dir": dir}


def _close(file: Any) -> None:
    file.close()


def _cleanup(directory: tempfile.TemporaryDirectory[str]) -> None:
    directory.cleanup()


async def _temporary_file(
    make: Callable[[], Any], loop: _Loop | None, executor: _Executor | None
) -> Any:
    if loop is None:
        loop = asyncio.get_running_loop()
    f = await _create(make, _close, executor)
    try:
        if isinstance(f, tempfile._TemporaryFileWrapper):
            result = wrap(f.file, f, loop=loop, executor=executor)
            if sys.version_info < (3, 12):
                result.delete = f.delete
        else:
            result = wrap(f, f, loop=loop, executor=executor)
    except BaseException:
        _dispose_soon(f, _close, executor)
        raise
    return result


# -- the constructors ------------------------------------------------------------


@overload
def TemporaryFile(
    mode: OpenTextMode,
    buffering: int = -1,
    encoding: str | None = None,
    newline: str | None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncTextIOWrapper]: ...
@overload
def TemporaryFile(
    mode: OpenBinaryMode,
    buffering: Literal[0],
    encoding: None = None,
    newline: None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncFileIO]: ...
@overload
def TemporaryFile(
    mode: OpenBinaryModeReading | OpenBinaryModeUpdating = "w+b",
    buffering: Literal[-1, 1] = -1,
    encoding: None = None,
    newline: None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncBufferedReader]: ...
@overload
def TemporaryFile(
    mode: OpenBinaryModeWriting,
    buffering: Literal[-1, 1] = -1,
    encoding: None = None,
    newline: None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncBufferedIOBase]: ...
@overload
def TemporaryFile(
    mode: str = "w+b",
    buffering: int = -1,
    encoding: str | None = None,
    newline: str | None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncBase[Any]]: ...


def TemporaryFile(
    mode: str = "w+b",
    buffering: int = -1,
    encoding: str | None = None,
    newline: str | None = None,
    suffix: str | bytes | None = None,
    prefix: str | bytes | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[Any]:
    """Async :func:`tempfile.TemporaryFile`: await it, or use ``async with``."""

    def make() -> Any:
        return tempfile.TemporaryFile(
            mode=mode,
            buffering=buffering,
            encoding=encoding,
            newline=newline,
            **_names(suffix, prefix, dir),
        )

    return AiofilesContextManager(_temporary_file(make, loop, executor))


if sys.version_info >= (3, 12):

    @overload
    def NamedTemporaryFile(
        mode: OpenTextMode,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        delete_on_close: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncTextIOWrapper]: ...
    @overload
    def NamedTemporaryFile(
        mode: OpenBinaryMode,
        buffering: Literal[0],
        encoding: None = None,
        newline: None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        delete_on_close: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncFileIO]: ...
    @overload
    def NamedTemporaryFile(
        mode: OpenBinaryModeReading | OpenBinaryModeUpdating = "w+b",
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        newline: None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        delete_on_close: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncBufferedReader]: ...
    @overload
    def NamedTemporaryFile(
        mode: OpenBinaryModeWriting,
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        newline: None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        delete_on_close: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncBufferedIOBase]: ...
    @overload
    def NamedTemporaryFile(
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        delete_on_close: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncBase[Any]]: ...

    def NamedTemporaryFile(
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        delete_on_close: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[Any]:
        """Async :func:`tempfile.NamedTemporaryFile`: await it, or use ``async with``."""

        def make() -> Any:
            return tempfile.NamedTemporaryFile(
                mode=mode,
                buffering=buffering,
                encoding=encoding,
                newline=newline,
                **_names(suffix, prefix, dir),
                delete=delete,
                delete_on_close=delete_on_close,
            )

        return AiofilesContextManager(_temporary_file(make, loop, executor))

else:

    @overload
    def NamedTemporaryFile(
        mode: OpenTextMode,
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncTextIOWrapper]: ...
    @overload
    def NamedTemporaryFile(
        mode: OpenBinaryMode,
        buffering: Literal[0],
        encoding: None = None,
        newline: None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncFileIO]: ...
    @overload
    def NamedTemporaryFile(
        mode: OpenBinaryModeReading | OpenBinaryModeUpdating = "w+b",
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        newline: None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncBufferedReader]: ...
    @overload
    def NamedTemporaryFile(
        mode: OpenBinaryModeWriting,
        buffering: Literal[-1, 1] = -1,
        encoding: None = None,
        newline: None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncBufferedIOBase]: ...
    @overload
    def NamedTemporaryFile(
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: AnyStr | None = None,
        prefix: AnyStr | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[AsyncBase[Any]]: ...

    def NamedTemporaryFile(
        mode: str = "w+b",
        buffering: int = -1,
        encoding: str | None = None,
        newline: str | None = None,
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: StrOrBytesPath | None = None,
        delete: bool = True,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
    ) -> AiofilesContextManager[Any]:
        """Async :func:`tempfile.NamedTemporaryFile`: await it, or use ``async with``."""

        def make() -> Any:
            return tempfile.NamedTemporaryFile(
                mode=mode,
                buffering=buffering,
                encoding=encoding,
                newline=newline,
                **_names(suffix, prefix, dir),
                delete=delete,
            )

        return AiofilesContextManager(_temporary_file(make, loop, executor))


@overload
def SpooledTemporaryFile(
    max_size: int,
    mode: OpenTextMode,
    buffering: int = -1,
    encoding: str | None = None,
    newline: str | None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncSpooledTemporaryFile[str]]: ...
@overload
def SpooledTemporaryFile(
    max_size: int = 0,
    *,
    mode: OpenTextMode,
    buffering: int = -1,
    encoding: str | None = None,
    newline: str | None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncSpooledTemporaryFile[str]]: ...
@overload
def SpooledTemporaryFile(
    max_size: int = 0,
    mode: OpenBinaryMode = "w+b",
    buffering: int = -1,
    encoding: None = None,
    newline: None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncSpooledTemporaryFile[bytes]]: ...
@overload
def SpooledTemporaryFile(
    max_size: int = 0,
    mode: str = "w+b",
    buffering: int = -1,
    encoding: str | None = None,
    newline: str | None = None,
    suffix: AnyStr | None = None,
    prefix: AnyStr | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncSpooledTemporaryFile[Any]]: ...


def SpooledTemporaryFile(
    max_size: int = 0,
    mode: str = "w+b",
    buffering: int = -1,
    encoding: str | None = None,
    newline: str | None = None,
    suffix: str | bytes | None = None,
    prefix: str | bytes | None = None,
    dir: StrOrBytesPath | None = None,
    loop: _Loop | None = None,
    executor: _Executor | None = None,
) -> AiofilesContextManager[AsyncSpooledTemporaryFile[Any]]:
    """Async :class:`tempfile.SpooledTemporaryFile`: await it, or use ``async with``.

    Until it rolls over, its data stays in memory and its operations run on the
    loop thread; see :mod:`aiofiles.tempfile.temptypes`.
    """

    def make() -> tempfile.SpooledTemporaryFile[Any]:
        return tempfile.SpooledTemporaryFile(
            max_size=max_size,
            mode=mode,
            buffering=buffering,
            encoding=encoding,
            newline=newline,
            **_names(suffix, prefix, dir),
        )

    async def spooled() -> AsyncSpooledTemporaryFile[Any]:
        nonlocal loop
        if loop is None:
            loop = asyncio.get_running_loop()
        f = await _create(make, _close, executor)
        return AsyncSpooledTemporaryFile(f, loop=loop, executor=executor)

    return AiofilesContextManager(spooled())


class AiofilesContextManagerTempDir(AiofilesContextManager[AsyncTemporaryDirectory]):
    """``async with`` gives the directory's path, as the standard library does."""

    __slots__ = ()

    async def __aenter__(self) -> str:  # type: ignore[override]
        directory = await self
        return directory.name


def _temporary_directory(
    names: dict[str, Any],
    loop: _Loop | None,
    executor: _Executor | None,
    options: dict[str, Any],
) -> AiofilesContextManagerTempDir:
    def make() -> tempfile.TemporaryDirectory[str]:
        return tempfile.TemporaryDirectory(**names, **options)

    async def directory() -> AsyncTemporaryDirectory:
        nonlocal loop
        if loop is None:
            loop = asyncio.get_running_loop()
        made = await _create(make, _cleanup, executor)
        return AsyncTemporaryDirectory(made, loop=loop, executor=executor)

    return AiofilesContextManagerTempDir(directory())


if sys.version_info >= (3, 12):

    @overload
    def TemporaryDirectory(
        suffix: str | None = None,
        prefix: str | None = None,
        dir: StrPath | None = None,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
        *,
        ignore_cleanup_errors: bool = False,
        delete: bool = True,
    ) -> AiofilesContextManagerTempDir: ...
    @overload
    def TemporaryDirectory(
        suffix: bytes | None = None,
        prefix: bytes | None = None,
        dir: BytesPath | None = None,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
        *,
        ignore_cleanup_errors: bool = False,
        delete: bool = True,
    ) -> AiofilesContextManagerTempDir: ...

    def TemporaryDirectory(
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: StrOrBytesPath | None = None,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
        *,
        ignore_cleanup_errors: bool = False,
        delete: bool = True,
    ) -> AiofilesContextManagerTempDir:
        """Async :class:`tempfile.TemporaryDirectory`.

        ``async with`` gives the path and removes the directory on exit (unless
        ``delete=False``); ``await`` gives an :class:`AsyncTemporaryDirectory`.
        The keyword arguments ``ignore_cleanup_errors`` and ``delete`` are
        the standard library's, passed through; ``loop`` and ``executor`` keep
        their positions, after ``dir``. The removal on exit runs with
        ``executor``.
        """
        options = {"ignore_cleanup_errors": ignore_cleanup_errors, "delete": delete}
        return _temporary_directory(
            _names(suffix, prefix, dir), loop, executor, options
        )

else:

    @overload
    def TemporaryDirectory(
        suffix: str | None = None,
        prefix: str | None = None,
        dir: StrPath | None = None,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
        *,
        ignore_cleanup_errors: bool = False,
    ) -> AiofilesContextManagerTempDir: ...
    @overload
    def TemporaryDirectory(
        suffix: bytes | None = None,
        prefix: bytes | None = None,
        dir: BytesPath | None = None,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
        *,
        ignore_cleanup_errors: bool = False,
    ) -> AiofilesContextManagerTempDir: ...

    def TemporaryDirectory(
        suffix: str | bytes | None = None,
        prefix: str | bytes | None = None,
        dir: StrOrBytesPath | None = None,
        loop: _Loop | None = None,
        executor: _Executor | None = None,
        *,
        ignore_cleanup_errors: bool = False,
    ) -> AiofilesContextManagerTempDir:
        """Async :class:`tempfile.TemporaryDirectory`.

        ``async with`` gives the path and removes the directory on exit;
        ``await`` gives an :class:`AsyncTemporaryDirectory`. The keyword
        argument ``ignore_cleanup_errors`` is the standard library's, passed
        through (``delete`` comes with Python 3.12); ``loop`` and ``executor``
        keep their positions, after ``dir``. The removal on exit runs with
        ``executor``.
        """
        options = {"ignore_cleanup_errors": ignore_cleanup_errors}
        return _temporary_directory(
            _names(suffix, prefix, dir), loop, executor, options
        )
