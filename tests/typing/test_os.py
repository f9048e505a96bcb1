"""What user code sees from ``aiofiles.os`` and ``aiofiles.ospath`` (checked, never
executed)."""

from __future__ import annotations

import os
from pathlib import Path

from typing_extensions import assert_type

import aiofiles.os
import aiofiles.ospath


async def os_functions(p: str, b: bytes, path: Path) -> None:
    assert_type(await aiofiles.os.stat(p), os.stat_result)
    assert_type(await aiofiles.os.stat(path, follow_symlinks=False), os.stat_result)
    assert_type(await aiofiles.os.stat(3), os.stat_result)
    assert_type(await aiofiles.os.stat(p, loop=None, executor=None), os.stat_result)
    assert_type(await aiofiles.os.rename(p, p), None)
    assert_type(await aiofiles.os.renames(p, p), None)
    assert_type(await aiofiles.os.replace(p, path), None)
    assert_type(await aiofiles.os.remove(p), None)
    assert_type(await aiofiles.os.unlink(p), None)
    assert_type(await aiofiles.os.mkdir(p, 0o700), None)
    assert_type(await aiofiles.os.makedirs(p, exist_ok=True), None)
    assert_type(await aiofiles.os.rmdir(p), None)
    assert_type(await aiofiles.os.removedirs(p), None)
    assert_type(await aiofiles.os.symlink(p, p), None)
    assert_type(await aiofiles.os.link(p, p), None)
    assert_type(await aiofiles.os.readlink(p), str)
    assert_type(await aiofiles.os.readlink(b), bytes)
    assert_type(await aiofiles.os.listdir(p), list[str])
    assert_type(await aiofiles.os.listdir(b), list[bytes])
    assert_type(await aiofiles.os.listdir(), list[str])
    with await aiofiles.os.scandir(p) as it:
        for entry in it:
            assert_type(entry, os.DirEntry[str])
    assert_type(await aiofiles.os.access(p, os.R_OK), bool)
    assert_type(await aiofiles.os.getcwd(), str)
    assert_type(await aiofiles.os.statvfs(p), os.statvfs_result)
    assert_type(await aiofiles.os.sendfile(1, 2, 0, 10), int)
    assert aiofiles.os.path is aiofiles.ospath


async def ospath_functions(p: str, path: Path) -> None:
    assert_type(await aiofiles.ospath.exists(p), bool)
    assert_type(await aiofiles.ospath.exists(path, executor=None), bool)
    assert_type(await aiofiles.ospath.isfile(p), bool)
    assert_type(await aiofiles.ospath.isdir(p), bool)
    assert_type(await aiofiles.ospath.islink(p), bool)
    assert_type(await aiofiles.ospath.ismount(p), bool)
    assert_type(await aiofiles.ospath.getsize(p), int)
    assert_type(await aiofiles.ospath.getmtime(p), float)
    assert_type(await aiofiles.ospath.getatime(p), float)
    assert_type(await aiofiles.ospath.getctime(p), float)
    assert_type(await aiofiles.ospath.samefile(p, path), bool)
    assert_type(await aiofiles.ospath.sameopenfile(1, 2), bool)
    assert_type(await aiofiles.ospath.abspath(p), str)
    assert_type(await aiofiles.ospath.abspath(b"x"), bytes)
