"""The workloads of ``run.py`` and the implementations they run against.

Shared by ``run.py`` and by its upstream worker (the same script run by another
interpreter, where ``aiofiles`` is aiofiles 25.1 from PyPI), so both measure the
very same code. Each workload exists twice: a blocking function and an async one
written against a small adapter (:class:`Api`) whose methods are the library's own
bound functions, so the adapter adds no call to the timed loops.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import gc
import importlib
import json
import os
import time
from collections.abc import Awaitable, Callable
from typing import Any

# -- sizes and the data set ------------------------------------------------------


@dataclasses.dataclass
class Sizes:
    reads: int = 20_000  # read(read_size) calls
    read_size: int = 50
    small_file: int = 1 << 20  # the file the small reads come from
    lines: int = 100_000
    line_len: int = 64  # bytes per line, "\n" included
    writes: int = 20_000
    write_size: int = 100
    big: int = 128 << 20
    chunk: int = 1 << 20
    opens: int = 2_000
    tasks: int = 64
    per_task: int = 4
    task_file: int = 1 << 20
    stats_seq: int = 10_000
    stats_gather: int = 1_000


FULL = Sizes()
QUICK = Sizes(
    reads=1_000,
    lines=5_000,
    writes=1_000,
    big=8 << 20,
    opens=200,
    tasks=8,
    stats_seq=500,
    stats_gather=200,
)

ENCODING = "utf-8"


@dataclasses.dataclass
class Data:
    root: str
    sizes: Sizes

    @property
    def small(self) -> str:
        return os.path.join(self.root, "small.txt")

    @property
    def lines(self) -> str:
        return os.path.join(self.root, "lines.txt")

    @property
    def big(self) -> str:
        return os.path.join(self.root, "big.bin")

    def task_file(self, i: int) -> str:
        return os.path.join(self.root, "tasks", f"{i:03d}.bin")

    def out(self, tag: str) -> str:
        return os.path.join(self.root, "out", tag)

    def all_inputs(self) -> list[str]:
        s = self.sizes
        return [self.small, self.lines, self.big] + [
            self.task_file(i) for i in range(s.tasks)
        ]


def _text_lines(count: int, line_len: int) -> bytes:
    body = line_len - 1
    return b"".join(
        (f"{i:08d} ".encode() + b"abcdefghijklmnopqrstuvwxyz" * 8)[:body] + b"\n"
        for i in range(count)
    )


def make_data(root: str, sizes: Sizes) -> Data:
    """Write the data set into ``root`` (once) and describe it."""
    d = Data(root, sizes)
    stamp = os.path.join(root, "sizes.json")
    want = json.dumps(dataclasses.asdict(sizes), sort_keys=True)
    if os.path.exists(stamp):
        with open(stamp) as f:
            if f.read() == want:
                return d
    os.makedirs(os.path.join(root, "tasks"), exist_ok=True)
    os.makedirs(os.path.join(root, "out"), exist_ok=True)
    small_lines = sizes.small_file // sizes.line_len + 1
    with open(d.small, "wb") as f:
        f.write(_text_lines(small_lines, sizes.line_len)[: sizes.small_file])
    with open(d.lines, "wb") as f:
        f.write(_text_lines(sizes.lines, sizes.line_len))
    block = os.urandom(sizes.chunk)
    with open(d.big, "wb") as f:
        for _ in range(sizes.big // sizes.chunk):
            f.write(block)
    for i in range(sizes.tasks):
        with open(d.task_file(i), "wb") as f:
            f.write(os.urandom(sizes.task_file))
    with open(stamp, "w") as f:
        f.write(want)
    return d


def load_data(root: str) -> Data:
    with open(os.path.join(root, "sizes.json")) as f:
        return Data(root, Sizes(**json.load(f)))


def warm(paths: list[str]) -> None:
    """Bring files into the page cache (the benchmark is about hot reads)."""
    for p in paths:
        with open(p, "rb", buffering=0) as f:
            while f.read(8 << 20):
                pass


# -- implementations --------------------------------------------------------------


@dataclasses.dataclass
class Api:
    """What an async workload needs from an implementation."""

    name: str
    open: Callable[..., Awaitable[Any]]  # open(path, mode, **kw) -> async file
    close: Callable[[Any], Awaitable[Any]]  # close(f)
    stat: Callable[[str], Awaitable[os.stat_result]]


def aiofiles_api(name: str, package: Any) -> Api:
    """``package`` is an imported ``aiofiles``: this repo's or aiofiles 25.1."""
    aos = importlib.import_module(package.__name__ + ".os")

    async def close(f: Any) -> None:
        await f.close()

    return Api(name, package.open, close, aos.stat)


class ThreadFile:
    """The aiofiles model, written out: every call is one ``run_in_executor``."""

    __slots__ = ("_f", "_loop")

    def __init__(self, f: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._f = f
        self._loop = loop

    async def read(self, size: int = -1) -> Any:
        return await self._loop.run_in_executor(
            None, functools.partial(self._f.read, size)
        )

    async def readline(self) -> Any:
        return await self._loop.run_in_executor(None, self._f.readline)

    async def write(self, data: Any) -> int:
        return await self._loop.run_in_executor(
            None, functools.partial(self._f.write, data)
        )

    async def close(self) -> None:
        await self._loop.run_in_executor(None, self._f.close)

    def __aiter__(self) -> ThreadFile:
        return self

    async def __anext__(self) -> Any:
        line = await self.readline()
        if line:
            return line
        raise StopAsyncIteration


def thread_api() -> Api:
    async def open_(path: str, mode: str = "r", **kw: Any) -> ThreadFile:
        loop = asyncio.get_running_loop()
        f = await loop.run_in_executor(None, functools.partial(open, path, mode, **kw))
        return ThreadFile(f, loop)

    async def close(f: ThreadFile) -> None:
        await f.close()

    async def stat(path: str) -> os.stat_result:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, functools.partial(os.stat, path))

    return Api("thread", open_, close, stat)


def anyio_api() -> Api:
    import anyio

    async def close(f: Any) -> None:
        await f.aclose()

    async def stat(path: str) -> os.stat_result:
        return await anyio.Path(path).stat()

    return Api("anyio", anyio.open_file, close, stat)


# -- workloads ---------------------------------------------------------------------


@dataclasses.dataclass
class Workload:
    key: str
    title: Callable[[Sizes], str]
    blocking: Callable[[Data], Any]
    run: Callable[[Api, Data], Awaitable[Any]]
    target: str  # as written in the issue
    limit: float  # ratio to blocking (or to the thread baseline, see vs_thread)
    stall_limit_ms: float | None = None
    vs_thread: bool = False


def _enc(mode: str) -> dict[str, Any]:
    return {} if "b" in mode else {"encoding": ENCODING}


# small reads


def _b_read_small(d: Data, mode: str) -> int:
    total = 0
    n, size = d.sizes.reads, d.sizes.read_size
    with open(d.small, mode, **_enc(mode)) as f:
        read = f.read
        for _ in range(n):
            total += len(read(size))
    return total


async def _a_read_small(api: Api, d: Data, mode: str) -> int:
    total = 0
    n, size = d.sizes.reads, d.sizes.read_size
    f = await api.open(d.small, mode, **_enc(mode))
    read = f.read
    for _ in range(n):
        total += len(await read(size))
    await api.close(f)
    return total


# line iteration


def _b_lines(d: Data, mode: str) -> int:
    count = 0
    with open(d.lines, mode, **_enc(mode)) as f:
        for _line in f:
            count += 1
    return count


async def _a_lines(api: Api, d: Data, mode: str) -> int:
    count = 0
    f = await api.open(d.lines, mode, **_enc(mode))
    async for _line in f:
        count += 1
    await api.close(f)
    return count


# small writes


def _payload(d: Data, mode: str) -> Any:
    text = ("0123456789abcdef" * 16)[: d.sizes.write_size - 1] + "\n"
    return text.encode() if "b" in mode else text


def _b_write(d: Data, mode: str) -> int:
    path = d.out("blocking-" + mode)
    data = _payload(d, mode)
    with open(path, mode, **_enc(mode)) as f:
        write = f.write
        for _ in range(d.sizes.writes):
            write(data)
    size = os.path.getsize(path)
    os.unlink(path)
    return size


async def _a_write(api: Api, d: Data, mode: str) -> int:
    path = d.out(api.name.replace(" ", "_") + "-" + mode)
    data = _payload(d, mode)
    f = await api.open(path, mode, **_enc(mode))
    write = f.write
    for _ in range(d.sizes.writes):
        await write(data)
    await api.close(f)
    size = os.path.getsize(path)
    os.unlink(path)
    return size


# big reads


def _b_chunks(d: Data) -> int:
    total = 0
    chunk = d.sizes.chunk
    with open(d.big, "rb") as f:
        read = f.read
        while True:
            n = len(read(chunk))
            if not n:
                break
            total += n
    return total


async def _a_chunks(api: Api, d: Data) -> int:
    total = 0
    chunk = d.sizes.chunk
    f = await api.open(d.big, "rb")
    read = f.read
    while True:
        n = len(await read(chunk))
        if not n:
            break
        total += n
    await api.close(f)
    return total


def _b_read_all(d: Data) -> int:
    with open(d.big, "rb") as f:
        return len(f.read())


async def _a_read_all(api: Api, d: Data) -> int:
    f = await api.open(d.big, "rb")
    n = len(await f.read())
    await api.close(f)
    return n


# open + close


def _b_open_close(d: Data) -> int:
    path = d.small
    for _ in range(d.sizes.opens):
        open(path, "rb").close()
    return d.sizes.opens


async def _a_open_close(api: Api, d: Data) -> int:
    path = d.small
    op, close = api.open, api.close
    for _ in range(d.sizes.opens):
        await close(await op(path, "rb"))
    return d.sizes.opens


# many tasks


def _b_tasks(d: Data) -> int:
    total = 0
    s = d.sizes
    for _ in range(s.per_task):
        for i in range(s.tasks):
            with open(d.task_file(i), "rb") as f:
                total += len(f.read())
    return total


async def _a_tasks(api: Api, d: Data) -> int:
    s = d.sizes

    async def one(path: str) -> int:
        total = 0
        for _ in range(s.per_task):
            f = await api.open(path, "rb")
            total += len(await f.read())
            await api.close(f)
        return total

    return sum(await asyncio.gather(*(one(d.task_file(i)) for i in range(s.tasks))))


# stat


def _b_stat_seq(d: Data) -> int:
    path = d.small
    st = os.stat
    for _ in range(d.sizes.stats_seq):
        st(path)
    return d.sizes.stats_seq


async def _a_stat_seq(api: Api, d: Data) -> int:
    path = d.small
    st = api.stat
    for _ in range(d.sizes.stats_seq):
        await st(path)
    return d.sizes.stats_seq


def _b_stat_gather(d: Data) -> int:
    path = d.small
    return len([os.stat(path) for _ in range(d.sizes.stats_gather)])


async def _a_stat_gather(api: Api, d: Data) -> int:
    path = d.small
    st = api.stat
    return len(await asyncio.gather(*(st(path) for _ in range(d.sizes.stats_gather))))


def _mib(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


WORKLOADS: list[Workload] = [
    Workload(
        "read_small_bin",
        lambda s: f"{s.reads:,} x read({s.read_size}) binary",
        functools.partial(_b_read_small, mode="rb"),
        functools.partial(_a_read_small, mode="rb"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "read_small_text",
        lambda s: f"{s.reads:,} x read({s.read_size}) text",
        functools.partial(_b_read_small, mode="r"),
        functools.partial(_a_read_small, mode="r"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "lines_text",
        lambda s: f"async for over {s.lines:,} lines, text",
        functools.partial(_b_lines, mode="r"),
        functools.partial(_a_lines, mode="r"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "lines_bin",
        lambda s: f"async for over {s.lines:,} lines, binary",
        functools.partial(_b_lines, mode="rb"),
        functools.partial(_a_lines, mode="rb"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "write_bin",
        lambda s: f"{s.writes:,} x write({s.write_size} bytes) + close",
        functools.partial(_b_write, mode="wb"),
        functools.partial(_a_write, mode="wb"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "write_text",
        lambda s: f"{s.writes:,} x write({s.write_size} chars) + close",
        functools.partial(_b_write, mode="w"),
        functools.partial(_a_write, mode="w"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "read_chunks",
        lambda s: f"{_mib(s.big)} in {_mib(s.chunk)} reads",
        _b_chunks,
        _a_chunks,
        "<= 1.1x, stall <= 2 ms",
        1.1,
        2.0,
    ),
    Workload(
        "read_all",
        lambda s: f"one read() of {_mib(s.big)}",
        _b_read_all,
        _a_read_all,
        "<= 1.1x, stall <= 2 ms",
        1.1,
        2.0,
    ),
    Workload(
        "open_close",
        lambda s: f"{s.opens:,} x open + close",
        _b_open_close,
        _a_open_close,
        "<= 4x",
        4.0,
    ),
    Workload(
        "tasks",
        lambda s: (
            f"{s.tasks} tasks x {s.per_task} x (open, read {_mib(s.task_file)}, close)"
        ),
        _b_tasks,
        _a_tasks,
        "<= 2x",
        2.0,
    ),
    Workload(
        "stat_seq",
        lambda s: f"{s.stats_seq:,} sequential os.stat",
        _b_stat_seq,
        _a_stat_seq,
        "<= 0.5x thread",
        0.5,
        vs_thread=True,
    ),
    Workload(
        "stat_gather",
        lambda s: f"{s.stats_gather:,} concurrent os.stat (gather)",
        _b_stat_gather,
        _a_stat_gather,
        "<= 3x",
        3.0,
    ),
]

BY_KEY = {w.key: w for w in WORKLOADS}


# -- timing ------------------------------------------------------------------------


class Ticker:
    """A task that sleeps 1 ms at a time and records how late it wakes up."""

    PERIOD = 0.001

    def __init__(self) -> None:
        self.stop = False
        self.worst = 0.0
        self.ticks = 0

    async def run(self) -> None:
        clock = time.perf_counter
        period = self.PERIOD
        last = clock()
        while not self.stop:
            await asyncio.sleep(period)
            now = clock()
            late = now - last - period
            if late > self.worst:
                self.worst = late
            self.ticks += 1
            last = now


def time_blocking(w: Workload, d: Data) -> tuple[float, Any]:
    gc.collect()
    t0 = time.perf_counter()
    result = w.blocking(d)
    return time.perf_counter() - t0, result


def time_async(
    loop: asyncio.AbstractEventLoop, w: Workload, api: Api, d: Data, ticker: bool
) -> tuple[float, Any, float | None]:
    """One timed run; returns (seconds, result, worst stall in seconds or None)."""

    async def main() -> tuple[float, Any, float | None]:
        tick = Ticker() if ticker else None
        task = None
        if tick is not None:
            task = asyncio.ensure_future(tick.run())
            await asyncio.sleep(0)  # the ticker is now sleeping its first 1 ms
        t0 = time.perf_counter()
        result = await w.run(api, d)
        dt = time.perf_counter() - t0
        if tick is not None and task is not None:
            tick.stop = True
            await task
            return dt, result, tick.worst
        return dt, result, None

    gc.collect()
    return loop.run_until_complete(main())


def idle_floor(loop: asyncio.AbstractEventLoop, seconds: float = 0.3) -> float:
    """Worst lateness of the ticker on an idle loop: the floor of every stall."""

    async def main() -> float:
        tick = Ticker()
        task = asyncio.ensure_future(tick.run())
        await asyncio.sleep(seconds)
        tick.stop = True
        await task
        return tick.worst

    return loop.run_until_complete(main())


def new_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        import uvloop

        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def close_loop(loop: asyncio.AbstractEventLoop) -> None:
    try:
        loop.run_until_complete(loop.shutdown_default_executor())
    finally:
        loop.close()


def measure_async(
    loop: asyncio.AbstractEventLoop,
    w: Workload,
    api: Api,
    d: Data,
    reps: int,
    plain_reps: int,
) -> dict[str, Any]:
    """``reps`` runs with the ticker, then ``plain_reps`` without; JSON-ready."""
    times, stalls, results = [], [], []
    for _ in range(reps):
        dt, res, stall = time_async(loop, w, api, d, ticker=True)
        times.append(dt)
        stalls.append(stall or 0.0)
        results.append(res)
    plain = [time_async(loop, w, api, d, ticker=False)[0] for _ in range(plain_reps)]
    return {"times": times, "stalls": stalls, "plain": plain, "results": results}
