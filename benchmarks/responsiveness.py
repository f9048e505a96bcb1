"""How late a 1 ms ticker task gets while the library works (issue 4's targets).

    python benchmarks/responsiveness.py [--loop asyncio|uvloop] [--gib N]

Scenarios, each with a ticker task that sleeps 1 ms and records how late it woke:

- a read blocked on a FIFO for 2 s (the writer comes late), then cancelled reads;
- reading a large cached file (1 GiB by default) in 1 MiB reads, and with one
  ``async for`` over its lines;
- 1,000 files opened at once (gather), read and closed.

It prints the worst and the 99th-percentile lateness per scenario, and the
ticker's lateness with nothing else running (the machine's floor). Timings are a
report, never a pass/fail: the target is a worst lag under 5 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

import aiofiles


async def ticker(stop: asyncio.Event, lags: list[float]) -> None:
    while not stop.is_set():
        t = time.perf_counter()
        await asyncio.sleep(0.001)
        lags.append(time.perf_counter() - t - 0.001)


async def measure(work: Callable[[], Awaitable[object]]) -> tuple[float, float, float]:
    stop = asyncio.Event()
    lags: list[float] = []
    tick = asyncio.ensure_future(ticker(stop, lags))
    await asyncio.sleep(0.01)
    t = time.perf_counter()
    await work()
    elapsed = time.perf_counter() - t
    stop.set()
    await tick
    lags.sort()
    worst = lags[-1] if lags else 0.0
    p99 = lags[int(len(lags) * 0.99)] if lags else 0.0
    return worst, p99, elapsed


async def main(gib: float) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="aiofiles-resp-"))
    big = tmp / "big"
    chunk = os.urandom(1 << 20).replace(b"\n", b"x")
    line_chunk = b"".join(b"%07d " % i + b"y" * 56 + b"\n" for i in range(16384))
    with open(big, "wb") as f:
        for i in range(int(gib * 1024)):
            f.write(line_chunk if i % 2 else chunk)
    with open(big, "rb") as f:  # hot page cache
        while f.read(1 << 24):
            pass
    small = []
    for i in range(1000):
        p = tmp / f"s{i}"
        p.write_bytes(b"z" * 4096)
        small.append(p)
    fifo = tmp / "fifo"
    os.mkfifo(fifo)

    async def idle() -> None:
        await asyncio.sleep(0.5)

    async def fifo_read() -> None:
        def late_writer() -> None:
            time.sleep(2.0)
            with open(fifo, "wb") as w:
                w.write(b"hello\n")

        threading.Thread(target=late_writer, daemon=True).start()
        async with aiofiles.open(fifo, "rb") as f:  # blocks 2 s in the worker
            assert await f.read() == b"hello\n"

    async def big_reads() -> None:
        async with aiofiles.open(big, "rb") as f:
            while await f.read(1 << 20):
                pass

    async def big_lines() -> None:
        async with aiofiles.open(big, "rb") as f:
            async for _ in f:
                pass

    async def thousand_files() -> None:
        async def one(p: Path) -> None:
            async with aiofiles.open(p, "rb") as f:
                await f.read()

        await asyncio.gather(*(one(p) for p in small))

    rows = [
        ("nothing (the floor)", idle),
        ("read blocked 2 s on a FIFO", fifo_read),
        (f"{gib:g} GiB in 1 MiB reads", big_reads),
        (f"async for over {gib:g} GiB", big_lines),
        ("1,000 files open+read+close at once", thousand_files),
    ]
    print(f"| scenario | worst lag | p99 lag | time |  (loop: {LOOP})")
    print("|---|---:|---:|---:|")
    for name, work in rows:
        worst, p99, elapsed = await measure(work)
        print(
            f"| {name} | {worst * 1e3:.2f} ms | {p99 * 1e3:.2f} ms | {elapsed:.2f} s |"
        )
    for p in tmp.iterdir():
        p.unlink()
    tmp.rmdir()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    parser.add_argument("--gib", type=float, default=1.0)
    args = parser.parse_args()
    LOOP = args.loop
    if args.loop == "uvloop":
        import uvloop

        uvloop.run(main(args.gib))
    else:
        asyncio.run(main(args.gib))
