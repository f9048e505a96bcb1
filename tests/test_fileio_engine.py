"""Engine-specific behaviour that the differential suites do not reach."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from unittest import mock

import pytest

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
        with (
            mock.patch("os.fsync", spy("fsync", real_fsync)),
            mock.patch("os.fdatasync", spy("fdatasync", real_fdatasync)),
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


async def test_blocked_fifo_opens_do_not_exhaust_the_pool(tmp_path: Path) -> None:
    """More FIFO opens than max_workers wait for writers; a regular file still
    opens and reads at once, and nothing leaks once the FIFOs get writers."""
    import asyncio

    from aiofiles._executor import get_pool

    regular = tmp_path / "regular"
    regular.write_bytes(b"r" * 300_000)
    fifos = []
    for i in range(get_pool().max_workers + 8):
        fifo = tmp_path / f"fifo{i}"
        os.mkfifo(fifo)
        fifos.append(fifo)
    fds_before = len(os.listdir("/proc/self/fd"))
    opens = [asyncio.ensure_future(aiofiles.open(p, "rb")) for p in fifos]
    deadline = time.monotonic() + 30
    while True:  # until every open waits in a worker
        stats = get_pool().statistics()
        if stats.workers - stats.idle >= len(fifos):
            break
        assert time.monotonic() < deadline, stats
        await asyncio.sleep(0.01)
    assert not any(t.done() for t in opens)
    f = await asyncio.wait_for(aiofiles.open(regular, "rb"), 5)
    assert await asyncio.wait_for(f.read(), 5) == b"r" * 300_000
    await f.close()
    for t in opens:
        t.cancel()
    writers = []
    for p in fifos:  # a reader's open may not have started yet on a busy machine
        deadline = time.monotonic() + 30
        while True:
            try:
                writers.append(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
                break
            except OSError as exc:
                if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.01)
    try:
        for _ in range(100):  # the blocked opens return; the orphans get closed
            await asyncio.sleep(0.02)
            if len(os.listdir("/proc/self/fd")) <= fds_before + len(writers):
                break
        assert len(os.listdir("/proc/self/fd")) <= fds_before + len(writers)
    finally:
        for w in writers:
            os.close(w)


async def test_call_order_survives_the_inline_credit_running_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Concurrent reads that spend the shared inline credit many times over
    (made small here): a later call must never overtake an earlier one, whether
    it runs inline or waits for the loop's budget holding its turn."""
    import asyncio

    from aiofiles import _budget

    monkeypatch.setattr(_budget, "CREDIT", 4096)
    _budget.current().credit = 4096
    p = tmp_path / "f"
    p.write_bytes(b"".join(b"%07d\n" % i for i in range(2_000)))
    async with aiofiles.open(p, "rb") as f:
        await f.read(0)
        got = await asyncio.gather(*(f.read(8) for _ in range(2_000)))
    assert got == [b"%07d\n" % i for i in range(2_000)]
    async with aiofiles.open(p) as f:
        lines = await asyncio.gather(*(f.readline() for _ in range(2_000)))
    assert lines == [f"{i:07d}\n" for i in range(2_000)]
