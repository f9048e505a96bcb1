"""The loop's budget for inline work (``_budget``): work done on the loop is
bounded per loop iteration, tasks waiting for the refill are served in order,
and a cancelled waiter does not hold up the others."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import aiofiles
import aiofiles.os
import aiofiles.ospath
from aiofiles import _budget, _fastpath


class _Ticks:
    """Counts loop iterations while it runs: a task that only yields."""

    def __init__(self) -> None:
        self.count = 0
        self._stop = False

    async def run(self) -> None:
        while not self._stop:
            await asyncio.sleep(0)
            self.count += 1

    def stop(self) -> None:
        self._stop = True


async def _with_ticks(coro: object) -> tuple[object, int]:
    ticks = _Ticks()
    ticker = asyncio.ensure_future(ticks.run())
    await asyncio.sleep(0)
    before = ticks.count
    try:
        result = await coro  # type: ignore[misc]
    finally:
        ticks.stop()
        await ticker
    return result, ticks.count - before


@pytest.mark.skipif(not _fastpath.enabled, reason="no openat2(RESOLVE_CACHED) here")
async def test_a_long_run_of_cached_stats_lets_other_tasks_run(tmp_path: Path) -> None:
    # Each stat below is answered on the loop; 5,000 in a row used to hold it
    # for their whole duration (no other task ran until the last one).
    p = tmp_path / "f"
    p.write_bytes(b"x")
    os_stat = aiofiles.os.stat
    await os_stat(p)  # into the kernel's caches

    async def many() -> int:
        n = 0
        for _ in range(5_000):
            n += (await os_stat(p)).st_size
            n += await aiofiles.ospath.getsize(p)
        return n

    result, ticks = await _with_ticks(many())
    assert result == 10_000
    assert ticks >= 5, ticks  # the budget ran out and the loop went round


async def test_many_opens_at_once_are_spread_over_iterations(tmp_path: Path) -> None:
    p = tmp_path / "f"
    p.write_text("data")

    async def read_once() -> str:
        async with aiofiles.open(p) as f:
            return await f.read()

    async def many() -> list[str]:
        return await asyncio.gather(*(read_once() for _ in range(400)))

    result, ticks = await _with_ticks(many())
    assert result == ["data"] * 400
    assert ticks >= 2, ticks


async def test_paused_tasks_resume_in_order_and_a_cancelled_one_is_skipped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_budget.current(), "credit", 0)
    order: list[int] = []

    async def waiter(i: int) -> None:
        await _budget.pause()
        order.append(i)
        _budget.charge(_budget.CREDIT // 7)  # a few per refill

    tasks = [asyncio.ensure_future(waiter(i)) for i in range(40)]
    await asyncio.sleep(0)  # every task is now waiting, in order
    tasks[3].cancel()
    tasks[17].cancel()
    done = await asyncio.gather(*tasks, return_exceptions=True)
    cancelled = [i for i, r in enumerate(done) if isinstance(r, asyncio.CancelledError)]
    assert cancelled == [3, 17]
    assert order == [i for i in range(40) if i not in (3, 17)]


async def test_pause_returns_at_once_while_credit_is_left(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_budget.current(), "credit", 1000)
    ticks = _Ticks()
    ticker = asyncio.ensure_future(ticks.run())
    await asyncio.sleep(0)
    before = ticks.count
    await _budget.pause()
    assert ticks.count == before  # no suspension
    ticks.stop()
    await ticker
