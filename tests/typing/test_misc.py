"""Standard streams, ``wrap`` and the base classes as user code sees them
(checked, never executed)."""

from __future__ import annotations

import io
from collections.abc import Awaitable

from typing_extensions import assert_type

import aiofiles
import aiofiles.base
import aiofiles.threadpool
from aiofiles.threadpool.binary import AsyncIndirectBufferedIOBase
from aiofiles.threadpool.text import AsyncTextIndirectIOWrapper


async def stdio() -> None:
    assert_type(aiofiles.stdin, AsyncTextIndirectIOWrapper)
    assert_type(aiofiles.stdout, AsyncTextIndirectIOWrapper)
    assert_type(aiofiles.stderr, AsyncTextIndirectIOWrapper)
    assert_type(aiofiles.stdin_bytes, AsyncIndirectBufferedIOBase)
    assert_type(aiofiles.stdout_bytes, AsyncIndirectBufferedIOBase)
    assert_type(aiofiles.stderr_bytes, AsyncIndirectBufferedIOBase)
    assert_type(await aiofiles.stdin.readline(), str)
    assert_type(await aiofiles.stdout.write("x"), int)
    assert_type(await aiofiles.stdin_bytes.read(), bytes)
    assert_type(await aiofiles.stdout_bytes.write(b"x"), int)
    assert_type(aiofiles.threadpool.stdout, AsyncTextIndirectIOWrapper)


def blocking(x: int, y: str = "") -> float:
    return float(x)


async def base_wrap() -> None:
    run = aiofiles.base.wrap(blocking)
    assert_type(await run(1, y="z"), float)
    assert_type(await run(1, loop=None, executor=None), float)


async def threadpool_wrap() -> None:
    # ``wrap`` is a functools.singledispatch: users register their own types.
    wrapped = aiofiles.threadpool.wrap(io.BytesIO(b"x"))
    del wrapped

    @aiofiles.threadpool.wrap.register(io.StringIO)
    def _(file: io.StringIO, *, loop: object = None, executor: object = None) -> object:
        return file

    assert isinstance(aiofiles.threadpool.open("x"), Awaitable)


def names_people_import() -> None:
    # The contract's "other names people import": reachable and typed, with
    # the export explicit (mypy --strict and pyright reject implicit ones).
    import aiofiles.ospath
    import aiofiles.tempfile
    import aiofiles.threadpool.utils
    from aiofiles.threadpool import (
        AiofilesContextManager,
        AsyncBufferedIOBase,
        AsyncBufferedReader,
        AsyncFileIO,
        AsyncIndirectBufferedIOBase,
        AsyncTextIndirectIOWrapper,
        AsyncTextIOWrapper,
        sync_open,
    )

    del AiofilesContextManager, AsyncBufferedIOBase, AsyncFileIO, sync_open
    del AsyncIndirectBufferedIOBase, AsyncTextIndirectIOWrapper
    assert_type(aiofiles.threadpool.text.AsyncTextIOWrapper, type[AsyncTextIOWrapper])
    assert_type(
        aiofiles.threadpool.binary.AsyncBufferedReader(None), AsyncBufferedReader
    )
    decorator = aiofiles.threadpool.utils.delegate_to_executor
    del decorator
    assert aiofiles.ospath.wrap is aiofiles.base.wrap
    spooled = aiofiles.tempfile.temptypes.AsyncSpooledTemporaryFile
    del spooled
