"""What user code sees from ``aiofiles.pathlib`` (checked, never executed).

A line ending in ``# type: ignore[code]`` must be an error (see test_open.py).
"""
# pyright: reportUnnecessaryTypeIgnoreComment=true

from __future__ import annotations

import os
import sys

from typing_extensions import assert_type

from aiofiles.pathlib import Path, PosixPath


async def one_shot_calls(p: PosixPath) -> None:
    assert_type(await p.exists(), bool)
    assert_type(await p.stat(), os.stat_result)
    assert_type(await p.read_text(), str)
    assert_type(await p.write_bytes(b"x"), int)
    assert_type(await p.rename("elsewhere"), PosixPath)
    assert_type(await p.mkdir(parents=True, exist_ok=True), None)
    await p.write_text(b"x")  # type: ignore[arg-type]


async def from_314_on(p: PosixPath, q: Path) -> None:
    if sys.version_info >= (3, 14):
        assert_type(await p.copy("target"), PosixPath)
        assert_type(await p.copy(q, follow_symlinks=False), PosixPath)
        assert_type(await p.copy_into("dir", preserve_metadata=True), PosixPath)
        assert_type(await p.move(q), PosixPath)
        assert_type(await p.move_into("dir"), PosixPath)
        info = p.info
        assert_type(await info.exists(), bool)
        assert_type(await info.is_dir(follow_symlinks=False), bool)
        assert_type(await info.is_file(), bool)
        assert_type(await info.is_symlink(), bool)
        await info.is_symlink(follow_symlinks=False)  # type: ignore[call-arg]
    if sys.version_info >= (3, 15):
        await p.mkdir(parents=True, parent_mode=0o700)
