"""What user code sees from ``aiofiles.tempfile`` (checked, never executed).

A line ending in ``# type: ignore[code]`` must be an error (see test_open.py).
"""
# pyright: reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

import sys
from pathlib import Path

from typing_extensions import assert_type

import aiofiles.tempfile
from aiofiles.base import AiofilesContextManager
from aiofiles.tempfile.temptypes import (
    AsyncSpooledTemporaryFile,
    AsyncTemporaryDirectory,
)
from aiofiles.threadpool.binary import (
    AsyncBufferedIOBase,
    AsyncBufferedReader,
    AsyncFileIO,
)
from aiofiles.threadpool.text import AsyncTextIOWrapper


async def temporary_files() -> None:
    assert_type(
        aiofiles.tempfile.TemporaryFile(), AiofilesContextManager[AsyncBufferedReader]
    )
    assert_type(
        aiofiles.tempfile.TemporaryFile("w+"),
        AiofilesContextManager[AsyncTextIOWrapper],
    )
    assert_type(
        aiofiles.tempfile.TemporaryFile(mode="r+"),
        AiofilesContextManager[AsyncTextIOWrapper],
    )
    assert_type(
        aiofiles.tempfile.TemporaryFile("wb"),
        AiofilesContextManager[AsyncBufferedIOBase],
    )
    assert_type(
        aiofiles.tempfile.TemporaryFile("w+b", buffering=0),
        AiofilesContextManager[AsyncFileIO],
    )
    assert_type(
        aiofiles.tempfile.NamedTemporaryFile(),
        AiofilesContextManager[AsyncBufferedReader],
    )
    assert_type(
        aiofiles.tempfile.NamedTemporaryFile("w", delete=False),
        AiofilesContextManager[AsyncTextIOWrapper],
    )
    assert_type(
        aiofiles.tempfile.NamedTemporaryFile("wb", suffix=".bin"),
        AiofilesContextManager[AsyncBufferedIOBase],
    )

    async with aiofiles.tempfile.TemporaryFile() as f:
        assert_type(f, AsyncBufferedReader)
        assert_type(await f.write(b"data"), int)
        assert_type(await f.read(), bytes)
    async with aiofiles.tempfile.NamedTemporaryFile("w+") as t:
        assert_type(t, AsyncTextIOWrapper)
        assert_type(await t.read(), str)
        name: str = t.name  # ``name`` is Any: str, bytes or a descriptor
        del name


async def spooled() -> None:
    assert_type(
        aiofiles.tempfile.SpooledTemporaryFile(),
        AiofilesContextManager[AsyncSpooledTemporaryFile[bytes]],
    )
    assert_type(
        aiofiles.tempfile.SpooledTemporaryFile(1024, "w+b"),
        AiofilesContextManager[AsyncSpooledTemporaryFile[bytes]],
    )
    assert_type(
        aiofiles.tempfile.SpooledTemporaryFile(1024, "w+"),
        AiofilesContextManager[AsyncSpooledTemporaryFile[str]],
    )
    assert_type(
        aiofiles.tempfile.SpooledTemporaryFile(mode="w+"),
        AiofilesContextManager[AsyncSpooledTemporaryFile[str]],
    )
    async with aiofiles.tempfile.SpooledTemporaryFile(max_size=10) as f:
        assert_type(f, AsyncSpooledTemporaryFile[bytes])
        assert_type(await f.write(b"x"), int)
        assert_type(await f.read(), bytes)
        assert_type(await f.readline(), bytes)
        assert_type(await f.readlines(), list[bytes])
        assert_type(await f.seek(0), int)
        assert_type(await f.tell(), int)
        assert_type(await f.fileno(), int)
        assert_type(await f.rollover(), None)
        assert_type(f.closed, bool)
        assert_type(f.mode, str)
        async for line in f:
            assert_type(line, bytes)
    async with aiofiles.tempfile.SpooledTemporaryFile(mode="w+") as s:
        assert_type(await s.write("x"), int)
        assert_type(await s.read(), str)


async def directories() -> None:
    cm = aiofiles.tempfile.TemporaryDirectory()
    async with cm as path:
        assert_type(path, str)
    d = await aiofiles.tempfile.TemporaryDirectory(prefix="x")
    assert_type(d, AsyncTemporaryDirectory)
    assert_type(d.name, str)
    assert_type(await d.cleanup(), None)
    assert_type(await d.close(), None)
    aiofiles.tempfile.TemporaryDirectory(ignore_cleanup_errors=True)
    aiofiles.tempfile.TemporaryDirectory(".d", "p", where_str(), None, None)
    if sys.version_info >= (3, 12):
        async with aiofiles.tempfile.TemporaryDirectory(delete=False) as kept:
            assert_type(kept, str)
    spooled = await aiofiles.tempfile.SpooledTemporaryFile(max_size=10)
    async with spooled as entered:
        assert_type(entered, AsyncSpooledTemporaryFile[bytes])


def where_str() -> str:
    return "/tmp"


async def naming_arguments(where: Path) -> None:
    # suffix and prefix are both str or both bytes; dir is any path (as tempfile).
    aiofiles.tempfile.TemporaryFile(suffix=".txt", prefix="x", dir=where)
    aiofiles.tempfile.NamedTemporaryFile(suffix=b".txt", prefix=b"x", dir=b"/tmp")
    aiofiles.tempfile.SpooledTemporaryFile(suffix=b".bin", dir=where)
    aiofiles.tempfile.TemporaryFile(suffix=".txt", prefix=b"x")  # type: ignore[type-var]
    aiofiles.tempfile.TemporaryDirectory(suffix=".d", dir=where)
    aiofiles.tempfile.TemporaryDirectory(prefix=b"d", dir=b"/tmp")
    aiofiles.tempfile.TemporaryDirectory(suffix=".d", prefix=b"d")  # type: ignore[call-overload]
