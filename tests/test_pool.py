"""The worker pool's capacity survives faults (a thread that cannot start)."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import aiofiles
import aiofiles.os
from aiofiles import _executor


class _Gate:
    """Blocking jobs that count how many run at once, until released."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.running = 0
        self.peak = 0
        self.open = threading.Event()

    def job(self) -> None:
        with self.lock:
            self.running += 1
            self.peak = max(self.peak, self.running)
        try:
            self.open.wait(30)
        finally:
            with self.lock:
                self.running -= 1


async def _until(condition: Any, what: str) -> None:
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.001)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
async def test_a_failed_thread_start_for_an_unbounded_job_changes_no_capacity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = _executor.WorkerPool(max_workers=2)
    monkeypatch.setattr(_executor, "_pool", pool)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # a writer that never writes
    try:
        f = await aiofiles.open(fifo, "rb")
        # Both bounded places taken: the FIFO read needs a thread of its own.
        first = _Gate()
        blockers = [
            asyncio.ensure_future(aiofiles.os.wrap(first.job)()) for _ in range(2)
        ]
        await _until(lambda: first.running == 2, "the blockers never ran")

        real_start = threading.Thread.start
        failures = []

        def start_once(self: threading.Thread) -> None:
            if not failures:
                failures.append(self)
                raise RuntimeError("can't start new thread")
            real_start(self)

        monkeypatch.setattr(threading.Thread, "start", start_once)
        with pytest.raises(RuntimeError, match="can't start new thread"):
            await f.read(1)
        monkeypatch.setattr(threading.Thread, "start", real_start)
        assert failures

        first.open.set()
        await asyncio.gather(*blockers)
        await _until(lambda: pool.statistics().idle == 2, "the workers never idled")
        st = pool.statistics()
        assert (st.workers, st.idle, st.backlog) == (2, 2, 0)

        # The pool still runs at most max_workers bounded jobs at once.
        second = _Gate()
        jobs = [asyncio.ensure_future(aiofiles.os.wrap(second.job)()) for _ in range(3)]
        await _until(
            lambda: (
                second.running == 3
                or (second.running == 2 and pool.statistics().backlog == 1)
            ),
            "the jobs never started",
        )
        assert second.running == 2
        assert pool.statistics().backlog == 1
        second.open.set()
        await asyncio.gather(*jobs)
        assert second.peak == 2
        os.write(writer, b"x")  # the file's turn was not lost: a read still works
        assert await asyncio.wait_for(f.read(1), 30) == b"x"
        await f.close()
    finally:
        os.close(writer)
