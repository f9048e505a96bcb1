"""The suite's blocked-loop detector (``conftest.run_in_loop``) itself.

It must fail a step that holds the loop, on an idle machine and on a busy one,
and must not fail a short step that a busy machine merely made slow. A busy
machine is made here by pinning the loop thread and two spinning processes to
one CPU, so that the loop thread gets about a third of it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

import aiofiles
from conftest import SLOW_CALLBACK, run_in_loop

pinnable = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity") or not os.path.exists("/proc/thread-self"),
    reason="needs Linux CPU affinity and per-thread scheduler statistics",
)


@pytest.fixture
def shared_cpu() -> Iterator[None]:
    """This thread and two processes that spin share one CPU for the test."""
    run_in_loop("asyncio", asyncio.sleep, 0)  # the sampler thread starts unpinned
    cpu = min(os.sched_getaffinity(0))
    old = os.sched_getaffinity(0)
    spin = (
        f"import os\nos.sched_setaffinity(0, {{{cpu}}})\nprint('ready', flush=True)\n"
    )
    spinners = [
        subprocess.Popen(
            [sys.executable, "-c", spin + "while True: pass"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for spinner in spinners:
            assert spinner.stdout is not None
            assert spinner.stdout.readline() == "ready\n"  # pinned and spinning
        os.sched_setaffinity(0, {cpu})  # 0: the calling thread only
        yield
    finally:
        os.sched_setaffinity(0, old)
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def _blocking_step(seconds: float) -> object:
    async def main() -> None:
        await asyncio.sleep(0)
        time.sleep(seconds)  # a blocking call on the loop thread
        await asyncio.sleep(0)

    return main


def _cpu_step(cpu_seconds: float, walls: list[float]) -> object:
    async def main() -> None:
        await asyncio.sleep(0)
        wall, cpu = time.monotonic(), time.thread_time()
        while time.thread_time() - cpu < cpu_seconds:
            pass
        walls.append(time.monotonic() - wall)
        await asyncio.sleep(0)

    return main


@pytest.mark.parametrize("kind", ["asyncio", "uvloop"])
def test_a_blocking_step_is_reported(kind: str) -> None:
    _, reports = run_in_loop(kind, _blocking_step(SLOW_CALLBACK + 0.2))
    assert len(reports) == 1, reports
    assert "held the loop" in reports[0] or "took" in reports[0]


def test_a_blocking_library_call_is_reported(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library call that blocks the loop thread fails the test that made it."""
    path = os.path.join(str(tmp_path), "f")
    with open(path, "w") as f:
        f.write("data")
    real = aiofiles.open

    def slow_open(*args: object, **kwargs: object) -> object:
        time.sleep(SLOW_CALLBACK + 0.2)  # as if the library blocked here
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(aiofiles, "open", slow_open)

    async def main() -> None:
        async with aiofiles.open(path) as f:
            assert await f.read() == "data"

    _, reports = run_in_loop("asyncio", main)
    assert len(reports) == 1, reports


@pinnable
def test_a_blocking_step_is_reported_on_a_busy_cpu(shared_cpu: None) -> None:
    _, reports = run_in_loop("asyncio", _blocking_step(SLOW_CALLBACK + 0.2))
    assert len(reports) == 1, reports


@pinnable
def test_a_short_step_made_slow_by_a_busy_cpu_is_not_reported(
    shared_cpu: None,
) -> None:
    walls: list[float] = []
    cpu = 0.5 * SLOW_CALLBACK
    _, reports = run_in_loop("asyncio", _cpu_step(cpu, walls))
    # The scene was set: the step took longer than the threshold by the wall
    # clock (on a third of a CPU, about three times its CPU time) ...
    assert walls[0] >= SLOW_CALLBACK, walls
    # ... yet it held the loop for its CPU time only.
    assert reports == []


@pinnable
def test_a_long_cpu_step_is_reported_on_a_busy_cpu(shared_cpu: None) -> None:
    walls: list[float] = []
    _, reports = run_in_loop("asyncio", _cpu_step(SLOW_CALLBACK + 0.2, walls))
    assert len(reports) == 1, reports
