"""Engine-specific behaviour that the differential suites do not reach."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import aiofiles


async def test_fsync_and_fdatasync_flush_then_sync(tmp_path: Path) -> None:
    p = tmp_path / "f"
    synced: list[tuple[str, int, bytes]] = []
    real_fsync, real_fdatasync = os.fsync, os.fdatasync

    def spy(name: str, real):  # type: ignore[no-untyped-def]
        def call(fd: int) -> None:
            synced.append((name, fd, p.read_bytes()))  # what the OS has by then
            real(fd)

        return call

    async with aiofiles.open(p, "wb") as f:
        await f.write(b"abc")
        with mock.patch("os.fsync", spy("fsync", real_fsync)), mock.patch(
            "os.fdatasync", spy("fdatasync", real_fdatasync)
        ):
            await f.fsync()
            await f.write(b"def")
            await f.fdatasync()
        fd = f.fileno()
    assert synced == [("fsync", fd, b"abc"), ("fdatasync", fd, b"abcdef")]


async def test_fsync_after_close_raises_like_flush(tmp_path: Path) -> None:
    f = await aiofiles.open(tmp_path / "f", "w")
    await f.close()
    try:
        await f.fsync()
    except ValueError as exc:
        assert "closed file" in str(exc)
    else:
        raise AssertionError("fsync() on a closed file did not raise")
