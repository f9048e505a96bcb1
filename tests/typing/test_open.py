"""What user code sees from ``aiofiles.open``: checked by mypy --strict and pyright
(strict), never executed (see ``tests/test_typing.py``).

A line ending in ``# type: ignore[code]`` must be an error: both checkers report
an ignore comment that suppresses nothing (mypy --strict's warn_unused_ignores and
the pyright setting on the next line).
"""
# pyright: reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

from pathlib import Path

from typing_extensions import assert_type

import aiofiles
import aiofiles.threadpool
from aiofiles.base import AiofilesContextManager
from aiofiles.threadpool.binary import (
    AsyncBufferedIOBase,
    AsyncBufferedReader,
    AsyncFileIO,
)
from aiofiles.threadpool.text import AsyncTextIOWrapper


async def text_modes(p: str, path: Path) -> None:
    assert_type(aiofiles.open(p), AiofilesContextManager[AsyncTextIOWrapper])
    assert_type(aiofiles.open(p, "r"), AiofilesContextManager[AsyncTextIOWrapper])
    assert_type(aiofiles.open(p, "rt"), AiofilesContextManager[AsyncTextIOWrapper])
    assert_type(aiofiles.open(p, "w"), AiofilesContextManager[AsyncTextIOWrapper])
    assert_type(aiofiles.open(p, "a+"), AiofilesContextManager[AsyncTextIOWrapper])
    assert_type(
        aiofiles.open(path, mode="x"), AiofilesContextManager[AsyncTextIOWrapper]
    )
    assert_type(
        aiofiles.open(3, "r", closefd=False), AiofilesContextManager[AsyncTextIOWrapper]
    )

    async with aiofiles.open(p, encoding="utf-8", newline="") as f:
        assert_type(f, AsyncTextIOWrapper)
        assert_type(await f.read(), str)
        assert_type(await f.read(10), str)
        assert_type(await f.readline(), str)
        assert_type(await f.readlines(), list[str])
        assert_type(await f.write("x"), int)
        assert_type(await f.writelines(["a", "b"]), None)
        await f.write(b"bytes")  # type: ignore[arg-type]
        await f.writelines([b"a"])  # type: ignore[list-item]
        assert_type(await f.seek(0), int)
        assert_type(await f.seek(0, 2), int)
        assert_type(await f.tell(), int)
        assert_type(await f.truncate(), int)
        assert_type(await f.flush(), None)
        assert_type(await f.readable(), bool)  # a coroutine on text files (25.1 quirk)
        assert_type(await f.writable(), bool)
        assert_type(await f.seekable(), bool)
        assert_type(await f.isatty(), bool)
        assert_type(f.fileno(), int)
        assert_type(f.closed, bool)
        assert_type(f.encoding, str)
        assert_type(f.errors, str | None)
        assert_type(f.line_buffering, bool)
        assert_type(f.newlines, str | tuple[str, ...] | None)
        async for line in f:
            assert_type(line, str)
        assert_type(await f.close(), None)

    f2 = await aiofiles.open(p)
    assert_type(f2, AsyncTextIOWrapper)
    await f2.close()


async def binary_modes(p: str) -> None:
    for_reading = aiofiles.open(p, "rb")
    assert_type(for_reading, AiofilesContextManager[AsyncBufferedReader])
    assert_type(aiofiles.open(p, "rb+"), AiofilesContextManager[AsyncBufferedReader])
    assert_type(aiofiles.open(p, "wb+"), AiofilesContextManager[AsyncBufferedReader])
    assert_type(aiofiles.open(p, "ab+"), AiofilesContextManager[AsyncBufferedReader])
    assert_type(
        aiofiles.open(p, "rb", buffering=1), AiofilesContextManager[AsyncBufferedReader]
    )
    assert_type(aiofiles.open(p, "wb"), AiofilesContextManager[AsyncBufferedIOBase])
    assert_type(aiofiles.open(p, "ab"), AiofilesContextManager[AsyncBufferedIOBase])
    assert_type(aiofiles.open(p, "xb"), AiofilesContextManager[AsyncBufferedIOBase])
    assert_type(aiofiles.open(p, "rb", 0), AiofilesContextManager[AsyncFileIO])
    assert_type(
        aiofiles.open(p, "wb", buffering=0), AiofilesContextManager[AsyncFileIO]
    )
    assert_type(
        aiofiles.open(p, "r+b", buffering=0), AiofilesContextManager[AsyncFileIO]
    )

    async with for_reading as f:
        assert_type(f, AsyncBufferedReader)
        assert_type(await f.read(), bytes)
        assert_type(await f.read(4), bytes)
        assert_type(await f.read1(4), bytes)
        assert_type(await f.peek(), bytes)
        assert_type(await f.readline(), bytes)
        assert_type(await f.readlines(), list[bytes])
        buf = bytearray(4)
        assert_type(await f.readinto(buf), int | None)
        assert_type(f.readable(), bool)  # a plain method on binary files
        assert_type(await f.seek(0), int)
        assert_type(await f.tell(), int)
        assert_type(f.closed, bool)
        async for chunk in f:
            assert_type(chunk, bytes)

    async with aiofiles.open(p, "wb") as w:
        assert_type(w, AsyncBufferedIOBase)
        assert_type(await w.write(b"x"), int)
        assert_type(await w.write(bytearray(b"x")), int)
        assert_type(await w.write(memoryview(b"x")), int)
        await w.write("text")  # type: ignore[arg-type]
        await w.writelines(["a"])  # type: ignore[list-item]
        assert_type(await w.writelines([b"a", b"b"]), None)
        assert_type(await w.flush(), None)
        assert_type(await w.fsync(), None)

    async with aiofiles.open(p, "rb", buffering=0) as raw:
        assert_type(raw, AsyncFileIO)
        assert_type(await raw.readall(), bytes)
        assert_type(await raw.read(10), bytes)
        assert_type(raw.readable(), bool)


async def what_open_accepts(p: str, b: bytes, path: Path) -> None:
    for file in (p, b, path, 3):
        async with aiofiles.open(file) as f:
            assert_type(f, AsyncTextIOWrapper)
    aiofiles.open(3.5)  # type: ignore[call-overload]
    aiofiles.open(None)  # type: ignore[call-overload]


async def fallback(p: str, mode: str, buffering: int) -> None:
    # A mode the checker cannot see: the fallback overload.
    cm = aiofiles.open(p, mode)
    async with cm as f:
        data = await f.read()
        await f.write(data)
        async for item in f:
            del item
    async with aiofiles.open(p, "rb", buffering) as b:
        assert_type(await b.read(), bytes)


async def wrap_and_threadpool(p: str) -> None:
    # ``aiofiles.threadpool.open`` is the same function.
    assert_type(
        aiofiles.threadpool.open(p, "rb"), AiofilesContextManager[AsyncBufferedReader]
    )
    with open(p, "rb") as sync_file:
        wrapped = aiofiles.threadpool.wrap(sync_file)
        del wrapped
