#!/usr/bin/env python
"""Directory-tree workloads: aiofiles against the blocking standard library.

    python benchmarks/bench_tree.py [--entries N] [--files N] [--repeat N]
                                    [--loop asyncio|uvloop] [--dir DIR]

Builds, in a temporary directory (on the file system of ``--dir``, default the
system's temporary directory), a tree of ``--entries`` entries shaped like a
source tree (directories of about ten entries, eight subdirectories per level)
and a tree of ``--files`` small files in 250 directories, then times, in one
run and on a warm page cache:

- ``aiofiles.os.walk`` against ``os.walk`` and ``aiofiles.pathlib.Path.rglob("*")``
  against ``pathlib.Path.rglob("*")`` over the big tree;
- ``aiofiles.shutil.copytree`` against ``shutil.copytree`` of the small files,
  then ``rmtree`` of the copy against ``shutil.rmtree``;
- ``write_text`` and ``read_text`` of 1,000 small files, all at once with
  ``asyncio.gather``, against a loop of blocking calls.

Each row gives the best of ``--repeat`` runs of each side (runs interleaved),
the ratio aiofiles / blocking (lower is better), and the worst stall of the
event loop during the aiofiles runs: how late a task that sleeps 1 ms at a time
woke up, at worst, in the median run (and in the worst run). The blocking call
stalls a loop for its whole duration. The same stall of an idle loop, measured
before and after, tells how noisy the machine is.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pathlib
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "src"))  # this checkout

import aiofiles  # noqa: E402
import aiofiles.pathlib  # noqa: E402
import aiofiles.shutil  # noqa: E402
from aiofiles import _walk  # noqa: E402  (aiofiles.os.walk, once exported there)

TARGETS = {  # ratio, worst stall in ms (None: not a target)
    "walk": (1.5, 5.0),
    "rglob": (1.5, 5.0),
    "copytree": (1.0, None),
    "rmtree": (1.5, None),
    "write_text": (2.0, None),
    "read_text": (2.0, None),
}


# -- trees ------------------------------------------------------------------------------


def make_source_tree(
    root: str, entries: int, per_dir: int = 10, fanout: int = 8
) -> int:
    """Directories of ``per_dir`` files; those above the last level also get
    ``fanout`` subdirectories (8 and 10: 4,681 directories for 50,000 entries,
    about 11 entries each). Made depth first until ``entries`` exist."""
    made = 0
    levels = 1
    while sum(fanout**k for k in range(levels)) * (per_dir + 1) < entries:
        levels += 1

    def fill(d: str, level: int) -> None:
        nonlocal made
        os.mkdir(d)
        made += 1
        for i in range(per_dir):
            if made >= entries:
                return
            with open(os.path.join(d, f"module_{i}.py"), "w") as f:
                f.write("x = 1\n")
            made += 1
        if level + 1 < levels:
            for i in range(fanout):
                if made >= entries:
                    return
                fill(os.path.join(d, f"pkg_{i}"), level + 1)

    fill(root, 0)
    return made - 1  # the root itself is not an entry


def make_small_files(root: str, files: int, dirs: int = 250) -> None:
    per_dir = max(1, files // dirs)
    made = 0
    for i in range(dirs):
        d = os.path.join(root, f"group_{i // 25}", f"dir_{i}")
        os.makedirs(d)
        for j in range(per_dir):
            if made >= files:
                return
            with open(os.path.join(d, f"f{j}.txt"), "w") as f:
                f.write("some small content\n" * (1 + j % 20))
            made += 1


# -- measuring ---------------------------------------------------------------------------


class Ticker:
    """A task that sleeps 1 ms at a time and records how late it woke up."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None
        self._running = False

    async def _run(self) -> None:
        last = time.perf_counter()
        while self._running:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last - 0.001)
            last = now

    async def __aenter__(self) -> Ticker:
        self._running = True
        self._task = asyncio.ensure_future(self._run())
        await asyncio.sleep(0.005)  # let it settle
        self.worst = 0.0
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._running = False
        assert self._task is not None
        await self._task


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


async def timed_async(fn: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    async with Ticker() as ticker:
        start = time.perf_counter()
        await fn()
        elapsed = time.perf_counter() - start
    return elapsed, ticker.worst


class Row:
    def __init__(self, name: str, what: str) -> None:
        self.name = name
        self.what = what
        self.sync = float("inf")
        self.async_ = float("inf")
        self.stalls: list[float] = []

    def add_sync(self, t: float) -> None:
        self.sync = min(self.sync, t)

    def add_async(self, t: float, stall: float) -> None:
        self.async_ = min(self.async_, t)
        self.stalls.append(stall)

    @property
    def stall(self) -> float:  # the median run's worst stall: robust to noise
        ordered = sorted(self.stalls)
        return ordered[len(ordered) // 2]

    @property
    def ratio(self) -> float:
        return self.async_ / self.sync


# -- the workloads ------------------------------------------------------------------------


async def walk_rows(tree: str, repeat: int) -> list[Row]:
    walk = Row("walk", "aiofiles.os.walk vs os.walk")
    rglob = Row("rglob", 'Path.rglob("*") vs pathlib')

    def sync_walk() -> int:
        return sum(len(d) + len(f) for _, d, f in os.walk(tree))

    async def async_walk() -> int:
        n = 0
        async for _, d, f in _walk.walk(tree):
            n += len(d) + len(f)
        return n

    def sync_rglob() -> int:
        return sum(1 for _ in pathlib.Path(tree).rglob("*"))

    async def async_rglob() -> int:
        n = 0
        async for _ in aiofiles.pathlib.Path(tree).rglob("*"):
            n += 1
        return n

    assert sync_walk() == await async_walk()
    assert sync_rglob() == await async_rglob()
    for _ in range(repeat):
        walk.add_sync(timed(sync_walk))
        walk.add_async(*await timed_async(async_walk))
        rglob.add_sync(timed(sync_rglob))
        rglob.add_async(*await timed_async(async_rglob))
    return [walk, rglob]


async def copy_rows(base: str, src: str, repeat: int) -> list[Row]:
    copy = Row("copytree", "aiofiles.shutil.copytree vs shutil")
    remove = Row("rmtree", "aiofiles.shutil.rmtree vs shutil")
    dst_sync = os.path.join(base, "copy_sync")
    dst_async = os.path.join(base, "copy_async")
    for _ in range(repeat):
        copy.add_sync(timed(lambda: shutil.copytree(src, dst_sync)))
        copy.add_async(
            *await timed_async(lambda: aiofiles.shutil.copytree(src, dst_async))
        )
        remove.add_sync(timed(lambda: shutil.rmtree(dst_sync)))
        remove.add_async(*await timed_async(lambda: aiofiles.shutil.rmtree(dst_async)))
    return [copy, remove]


async def text_rows(base: str, count: int, repeat: int) -> list[Row]:
    write = Row("write_text", f"{count} x Path.write_text, gather vs loop")
    read = Row("read_text", f"{count} x Path.read_text, gather vs loop")
    folder = os.path.join(base, "texts")
    os.mkdir(folder)
    names = [os.path.join(folder, f"t{i}.txt") for i in range(count)]
    sync_paths = [pathlib.Path(n) for n in names]
    async_paths = [aiofiles.pathlib.Path(n) for n in names]
    text = "a small text file\n" * 10

    def sync_write() -> None:
        for p in sync_paths:
            p.write_text(text)

    async def async_write() -> None:
        await asyncio.gather(*(p.write_text(text) for p in async_paths))

    def sync_read() -> None:
        for p in sync_paths:
            p.read_text()

    async def async_read() -> None:
        await asyncio.gather(*(p.read_text() for p in async_paths))

    for _ in range(repeat):
        write.add_sync(timed(sync_write))
        write.add_async(*await timed_async(async_write))
        read.add_sync(timed(sync_read))
        read.add_async(*await timed_async(async_read))
    return [write, read]


# -- main ---------------------------------------------------------------------------------


def table(rows: list[Row]) -> str:
    lines = [
        "| workload | blocking stdlib | aiofiles | ratio | target "
        "| worst loop stall: median run (worst run) | target |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio_target, stall_target = TARGETS[row.name]
        ok = "ok" if row.ratio <= ratio_target else "MISSED"
        stall_ok = ""
        if stall_target is not None:
            stall_ok = "ok" if row.stall * 1000 <= stall_target else "MISSED"
        lines.append(
            f"| {row.what} | {row.sync * 1000:.1f} ms | {row.async_ * 1000:.1f} ms "
            f"| x{row.ratio:.2f} | <= {ratio_target} {ok} "
            f"| {row.stall * 1000:.1f} ms ({max(row.stalls) * 1000:.1f} ms) "
            f"| {'<= ' + str(stall_target) + ' ms ' + stall_ok if stall_target else '-'} |"
        )
    return "\n".join(lines)


async def idle_stall() -> float:
    """The worst stall of an idle loop over one second: the machine's own noise."""
    async with Ticker() as ticker:
        await asyncio.sleep(1.0)
    return ticker.worst


async def run(args: argparse.Namespace, base: str) -> list[Row]:
    tree = os.path.join(base, "tree")
    small = os.path.join(base, "small")
    made = make_source_tree(tree, args.entries)
    make_small_files(small, args.files)
    ndirs = sum(1 for _ in os.walk(tree))
    print(
        f"tree: {made} entries in {ndirs} directories; "
        f"copytree source: {args.files} files in 250 directories",
        file=sys.stderr,
    )
    idle = await idle_stall()
    print(f"idle loop, worst stall over 1 s: {idle * 1000:.1f} ms", file=sys.stderr)
    rows = await walk_rows(tree, args.repeat)
    rows += await copy_rows(base, small, args.repeat)
    rows += await text_rows(base, 1000, args.repeat)
    idle = max(idle, await idle_stall())
    print(
        f"idle loop, worst stall over 1 s (again): {idle * 1000:.1f} ms",
        file=sys.stderr,
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--files", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    parser.add_argument("--dir", default=None, help="where to make the trees")
    args = parser.parse_args()
    if args.loop == "uvloop":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    with tempfile.TemporaryDirectory(prefix="bench_tree_", dir=args.dir) as base:
        rows = asyncio.run(run(args, base))
    print(
        f"Python {platform.python_version()}, {args.loop}, {platform.system()} "
        f"{platform.release()}, {os.cpu_count()} CPUs, best of {args.repeat}\n"
    )
    print(table(rows))


if __name__ == "__main__":
    main()
