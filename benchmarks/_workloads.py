"""The workloads of ``run.py`` and the implementations they run against.

Shared by ``run.py`` and by its upstream worker (the same script run by another
interpreter, where ``aiofiles`` is aiofiles 25.1 from PyPI), so both measure the
very same code. Each workload exists twice: a blocking function and an async one
written against a small adapter (:class:`Api`) whose methods are the library's own
functions, so the adapter adds no call to the timed loops.

A workload may have a ``setup`` (run before each timed run), a ``check`` (run
after it, untimed: its answer joins the run's result, which must equal the
blocking run's) and a ``cleanup``. All three get the implementation's tag, so each
implementation writes its own files.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import gc
import importlib
import json
import os
import random
import shutil
import tempfile
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

# -- sizes and the data set ------------------------------------------------------


@dataclasses.dataclass
class Sizes:
    # Counts are sized so that one run of a thread-per-call implementation
    # makes about 1,000 thread round trips (0.1-0.3 s on a busy 2-core machine).
    reads: int = 1_500  # read(read_size) calls
    read_size: int = 50
    small_file: int = 1 << 20  # the file the small reads come from
    lines: int = 2_000
    line_len: int = 64  # bytes per line, "\n" included
    writes: int = 2_000
    write_size: int = 100
    big: int = 64 << 20
    chunk: int = 1 << 20
    opens: int = 500
    tasks: int = 64
    per_task: int = 4
    task_file: int = 1 << 20
    stats_seq: int = 1_000
    stats_gather: int = 1_000
    # the usage patterns
    whole_small: int = 250  # open, read() of a 4 KiB file, close
    whole_small_size: int = 4 << 10
    whole_big: int = 32  # open, read() of a 1 MiB file, close
    stream_quart: int = 4  # 1 MiB files streamed with tell() + read(8192)
    stream_sanic: int = 4  # ... read(4096)
    stream_aiogram: int = 32  # ... read(65536)
    upload_small: int = 256  # write(16 KiB) chunks
    upload_big: int = 32  # write(1 MiB) chunks
    replaces: int = 100  # open, write, close, os.replace
    ospath: int = 500  # exists() pairs, getsize() calls
    makedirs: int = 100
    listdirs: int = 300
    listdir_entries: int = 100
    temps: int = 100  # temporary files / directories
    temp_payload: int = 1 << 10
    log_tasks: int = 100
    log_lines: int = 5  # lines each task appends (write + flush)
    # the cliffs
    shared_reads: int = 512 << 10  # bytes read from one shared file
    shared_read_size: int = 512
    shared_writes: int = 2_000  # write(write_size) calls to one shared file
    random_reads: int = 1_000
    plus_writes: int = 1_000
    tail_rounds: int = 150
    tail_batch: int = 5


FULL = Sizes()
QUICK = Sizes(
    reads=200,
    lines=400,
    writes=200,
    big=8 << 20,
    opens=50,
    tasks=8,
    stats_seq=100,
    stats_gather=100,
    whole_small=20,
    whole_big=2,
    stream_quart=1,
    stream_sanic=1,
    stream_aiogram=2,
    upload_small=32,
    upload_big=2,
    replaces=10,
    ospath=50,
    makedirs=10,
    listdirs=20,
    temps=10,
    log_tasks=10,
    log_lines=3,
    shared_reads=32 << 10,
    shared_writes=400,
    random_reads=50,
    plus_writes=100,
    tail_rounds=10,
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
    def small4k(self) -> str:
        return os.path.join(self.root, "small4k.bin")

    @property
    def lines(self) -> str:
        return os.path.join(self.root, "lines.txt")

    @property
    def big(self) -> str:
        return os.path.join(self.root, "big.bin")

    @property
    def listing(self) -> str:
        return os.path.join(self.root, "listing")

    @property
    def missing(self) -> str:
        return os.path.join(self.root, "no-such-file")

    def task_file(self, i: int) -> str:
        return os.path.join(self.root, "tasks", f"{i:03d}.bin")

    def out(self, tag: str, name: str) -> str:
        """An output path of one implementation."""
        return os.path.join(self.root, "out", f"{tag}-{name}")

    def tmp(self, tag: str) -> str:
        """A directory of one implementation's temporary files."""
        path = os.path.join(self.root, "tmp", tag)
        os.makedirs(path, exist_ok=True)
        return path

    def all_inputs(self) -> list[str]:
        s = self.sizes
        return [self.small, self.small4k, self.lines, self.big] + [
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
    for sub in ("tasks", "out", "tmp", "listing"):
        shutil.rmtree(os.path.join(root, sub), ignore_errors=True)
        os.makedirs(os.path.join(root, sub))
    small_lines = sizes.small_file // sizes.line_len + 1
    with open(d.small, "wb") as f:
        f.write(_text_lines(small_lines, sizes.line_len)[: sizes.small_file])
    with open(d.small4k, "wb") as f:
        f.write(os.urandom(sizes.whole_small_size))
    with open(d.lines, "wb") as f:
        f.write(_text_lines(sizes.lines, sizes.line_len))
    block = os.urandom(sizes.chunk)
    with open(d.big, "wb") as f:
        for _ in range(sizes.big // sizes.chunk):
            f.write(block)
    for i in range(sizes.tasks):
        with open(d.task_file(i), "wb") as f:
            f.write(os.urandom(sizes.task_file))
    for i in range(sizes.listdir_entries):
        with open(os.path.join(d.listing, f"entry-{i:04d}.txt"), "w") as f:
            f.write("x")
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
    replace: Callable[[str, str], Awaitable[Any]]
    exists: Callable[[str], Awaitable[bool]]
    getsize: Callable[[str], Awaitable[int]]
    makedirs: Callable[[str], Awaitable[Any]]  # makedirs(path), exist_ok=True
    listdir: Callable[[str], Awaitable[list[str]]]
    # factories of async context managers, tempfile's defaults (mode w+b)
    named_temp: Callable[..., Any]
    temp_file: Callable[..., Any]
    temp_dir: Callable[..., Any]

    @property
    def tag(self) -> str:
        return tag_of(self.name)


def tag_of(name: str) -> str:
    return name.replace(" ", "_")


def aiofiles_api(name: str, package: Any) -> Api:
    """``package`` is an imported ``aiofiles``: this repo's or aiofiles 25.1."""
    aos = importlib.import_module(package.__name__ + ".os")
    ospath = importlib.import_module(package.__name__ + ".ospath")
    atemp = importlib.import_module(package.__name__ + ".tempfile")

    async def close(f: Any) -> None:
        await f.close()

    makedirs = aos.makedirs

    async def makedirs_ok(path: str) -> None:
        await makedirs(path, exist_ok=True)

    return Api(
        name,
        package.open,
        close,
        aos.stat,
        aos.replace,
        ospath.exists,
        ospath.getsize,
        makedirs_ok,
        aos.listdir,
        atemp.NamedTemporaryFile,
        atemp.TemporaryFile,
        atemp.TemporaryDirectory,
    )


class ThreadFile:
    """The aiofiles model, written out: every call is one ``run_in_executor``."""

    __slots__ = ("_f", "_loop")

    def __init__(self, f: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._f = f
        self._loop = loop

    def _run(self, fn: Callable[..., Any], *args: Any) -> Awaitable[Any]:
        return self._loop.run_in_executor(None, fn, *args)

    async def read(self, size: int = -1) -> Any:
        return await self._run(self._f.read, size)

    async def readline(self) -> Any:
        return await self._run(self._f.readline)

    async def write(self, data: Any) -> int:
        return await self._run(self._f.write, data)  # type: ignore[no-any-return]

    async def seek(self, offset: int, whence: int = 0) -> int:
        return await self._run(self._f.seek, offset, whence)  # type: ignore[no-any-return]

    async def tell(self) -> int:
        return await self._run(self._f.tell)  # type: ignore[no-any-return]

    async def flush(self) -> None:
        await self._run(self._f.flush)

    async def close(self) -> None:
        await self._run(self._f.close)

    def __aiter__(self) -> ThreadFile:
        return self

    async def __anext__(self) -> Any:
        line = await self.readline()
        if line:
            return line
        raise StopAsyncIteration


def thread_api() -> Api:
    def run(fn: Callable[..., Any], *args: Any, **kw: Any) -> Awaitable[Any]:
        loop = asyncio.get_running_loop()
        return loop.run_in_executor(None, functools.partial(fn, *args, **kw))

    async def open_(path: str, mode: str = "r", **kw: Any) -> ThreadFile:
        f = await run(open, path, mode, **kw)
        return ThreadFile(f, asyncio.get_running_loop())

    async def close(f: ThreadFile) -> None:
        await f.close()

    def temp(factory: Callable[..., Any]) -> Callable[..., Any]:
        @contextlib.asynccontextmanager
        async def cm(**kw: Any) -> AsyncIterator[ThreadFile]:
            f = await run(factory, **kw)
            try:
                yield ThreadFile(f, asyncio.get_running_loop())
            finally:
                await run(f.close)

        return cm

    @contextlib.asynccontextmanager
    async def temp_dir(**kw: Any) -> AsyncIterator[str]:
        name = await run(tempfile.mkdtemp, **kw)
        try:
            yield name
        finally:
            await run(shutil.rmtree, name)

    return Api(
        "thread",
        open_,
        close,
        functools.partial(run, os.stat),
        functools.partial(run, os.replace),
        functools.partial(run, os.path.exists),
        functools.partial(run, os.path.getsize),
        functools.partial(run, os.makedirs, exist_ok=True),
        functools.partial(run, os.listdir),
        temp(tempfile.NamedTemporaryFile),
        temp(tempfile.TemporaryFile),
        temp_dir,
    )


class FloorFile:
    """The blocking file behind ``async def`` methods: what any pure-Python async
    API costs at least (a coroutine call and its await per call), with nothing
    taken off the loop."""

    __slots__ = ("_f",)

    def __init__(self, f: Any) -> None:
        self._f = f

    async def read(self, size: int = -1) -> Any:
        return self._f.read(size)

    async def readline(self) -> Any:
        return self._f.readline()

    async def write(self, data: Any) -> int:
        return self._f.write(data)  # type: ignore[no-any-return]

    async def seek(self, offset: int, whence: int = 0) -> int:
        return self._f.seek(offset, whence)  # type: ignore[no-any-return]

    async def tell(self) -> int:
        return self._f.tell()  # type: ignore[no-any-return]

    async def flush(self) -> None:
        self._f.flush()

    async def close(self) -> None:
        self._f.close()

    def __aiter__(self) -> FloorFile:
        return self

    async def __anext__(self) -> Any:
        line = self._f.readline()
        if line:
            return line
        raise StopAsyncIteration


def floor_api() -> Api:
    """The floor of a pure-Python async file API: every call runs on the loop."""

    def direct(fn: Callable[..., Any], **kw: Any) -> Callable[..., Awaitable[Any]]:
        async def call(*args: Any) -> Any:
            return fn(*args, **kw)

        return call

    async def open_(path: str, mode: str = "r", **kw: Any) -> FloorFile:
        return FloorFile(open(path, mode, **kw))

    async def close(f: FloorFile) -> None:
        await f.close()

    def temp(factory: Callable[..., Any]) -> Callable[..., Any]:
        @contextlib.asynccontextmanager
        async def cm(**kw: Any) -> AsyncIterator[FloorFile]:
            f = factory(**kw)
            try:
                yield FloorFile(f)
            finally:
                f.close()

        return cm

    @contextlib.asynccontextmanager
    async def temp_dir(**kw: Any) -> AsyncIterator[str]:
        with tempfile.TemporaryDirectory(**kw) as name:
            yield name

    return Api(
        "floor",
        open_,
        close,
        direct(os.stat),
        direct(os.replace),
        direct(os.path.exists),
        direct(os.path.getsize),
        direct(os.makedirs, exist_ok=True),
        direct(os.listdir),
        temp(tempfile.NamedTemporaryFile),
        temp(tempfile.TemporaryFile),
        temp_dir,
    )


def anyio_api() -> Api:
    """anyio's ``open_file``, ``Path`` and temporary files.

    anyio has no ``getsize`` and its ``Path.iterdir`` makes one thread hop per
    entry: ``getsize`` is ``Path.stat().st_size`` and ``listdir`` is
    ``to_thread.run_sync(os.listdir)``, what an anyio user would write.
    """
    import anyio
    import anyio.to_thread

    Path = anyio.Path

    async def close(f: Any) -> None:
        await f.aclose()

    async def stat(path: str) -> os.stat_result:
        return await Path(path).stat()

    async def replace(src: str, dst: str) -> None:
        await Path(src).replace(dst)

    async def exists(path: str) -> bool:
        return await Path(path).exists()

    async def getsize(path: str) -> int:
        return (await Path(path).stat()).st_size

    async def makedirs(path: str) -> None:
        await Path(path).mkdir(parents=True, exist_ok=True)

    async def listdir(path: str) -> list[str]:
        return await anyio.to_thread.run_sync(os.listdir, path)

    return Api(
        "anyio",
        anyio.open_file,
        close,
        stat,
        replace,
        exists,
        getsize,
        makedirs,
        listdir,
        anyio.NamedTemporaryFile,
        anyio.TemporaryFile,
        anyio.TemporaryDirectory,
    )


# -- workloads ---------------------------------------------------------------------


@dataclasses.dataclass
class Workload:
    key: str
    group: str  # "pattern", "cliff" or "core": the section of the tables
    title: Callable[[Sizes], str]
    blocking: Callable[[Data, str], Any]  # (data, tag) -> result
    run: Callable[[Api, Data], Awaitable[Any]]
    target: str = ""  # as written in the issue; "" = no absolute target
    limit: float | None = None  # ratio to blocking (or see vs_upstream / vs_key)
    stall_limit_ms: float | None = None
    vs_upstream: bool = False  # limit is a ratio to aiofiles 25.1's time
    vs_key: str | None = None  # limit is a ratio to this workload's time, same impl
    setup: Callable[[Data, str], None] | None = None
    check: Callable[[Data, str], Any] | None = None
    cleanup: Callable[[Data, str], None] | None = None


def _enc(mode: str) -> dict[str, Any]:
    return {} if "b" in mode else {"encoding": ENCODING}


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def _file_sum(path: str) -> list[int]:
    """Size and CRC-32 of a file (the checks of the write workloads)."""
    with open(path, "rb") as f:
        data = f.read()
    return [len(data), zlib.crc32(data)]


# small reads


def _b_read_small(d: Data, tag: str, mode: str) -> int:
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


# line iteration and readline()


def _b_lines(d: Data, tag: str, mode: str) -> int:
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


def _b_readline(d: Data, tag: str) -> list[int]:
    count = total = 0
    with open(d.lines, encoding=ENCODING) as f:
        readline = f.readline
        while line := readline():
            count += 1
            total += len(line)
    return [count, total]


async def _a_readline(api: Api, d: Data) -> list[int]:
    count = total = 0
    f = await api.open(d.lines, "r", encoding=ENCODING)
    readline = f.readline
    while line := await readline():
        count += 1
        total += len(line)
    await api.close(f)
    return [count, total]


# small writes


def _payload(d: Data, mode: str) -> Any:
    text = ("0123456789abcdef" * 16)[: d.sizes.write_size - 1] + "\n"
    return text.encode() if "b" in mode else text


def _b_write(d: Data, tag: str, mode: str) -> None:
    data = _payload(d, mode)
    with open(d.out(tag, "write-" + mode), mode, **_enc(mode)) as f:
        write = f.write
        for _ in range(d.sizes.writes):
            write(data)


async def _a_write(api: Api, d: Data, mode: str) -> None:
    data = _payload(d, mode)
    f = await api.open(d.out(api.tag, "write-" + mode), mode, **_enc(mode))
    write = f.write
    for _ in range(d.sizes.writes):
        await write(data)
    await api.close(f)


def _check_out(name: str) -> Callable[[Data, str], Any]:
    return lambda d, tag: _file_sum(d.out(tag, name))


def _clean_out(name: str) -> Callable[[Data, str], None]:
    return lambda d, tag: _unlink(d.out(tag, name))


# big reads


def _b_chunks(d: Data, tag: str) -> int:
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


def _b_read_all(d: Data, tag: str) -> int:
    with open(d.big, "rb") as f:
        return len(f.read())


async def _a_read_all(api: Api, d: Data) -> int:
    f = await api.open(d.big, "rb")
    n = len(await f.read())
    await api.close(f)
    return n


# open + close


def _b_open_close(d: Data, tag: str) -> int:
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


def _b_tasks(d: Data, tag: str) -> int:
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


def _b_stat_seq(d: Data, tag: str) -> int:
    path = d.small
    st = os.stat
    total = 0
    for _ in range(d.sizes.stats_seq):
        total += st(path).st_size
    return total


async def _a_stat_seq(api: Api, d: Data) -> int:
    path = d.small
    st = api.stat
    total = 0
    for _ in range(d.sizes.stats_seq):
        total += (await st(path)).st_size
    return total


def _b_stat_gather(d: Data, tag: str) -> int:
    path = d.small
    return sum(os.stat(path).st_size for _ in range(d.sizes.stats_gather))


async def _a_stat_gather(api: Api, d: Data) -> int:
    path = d.small
    st = api.stat
    res = await asyncio.gather(*(st(path) for _ in range(d.sizes.stats_gather)))
    return sum(r.st_size for r in res)


# 1. whole-file reads (Sanic's file(), NiceGUI, Chainlit)


def _whole_paths(d: Data, big: bool) -> list[str]:
    s = d.sizes
    if big:
        return [d.task_file(i % s.tasks) for i in range(s.whole_big)]
    return [d.small4k] * s.whole_small


def _b_whole(d: Data, tag: str, big: bool) -> int:
    total = 0
    for path in _whole_paths(d, big):
        with open(path, "rb") as f:
            total += len(f.read())
    return total


async def _a_whole(api: Api, d: Data, big: bool) -> int:
    total = 0
    op, close = api.open, api.close
    for path in _whole_paths(d, big):
        f = await op(path, "rb")
        total += len(await f.read())
        await close(f)
    return total


# 2. chunked streaming reads: Quart (tell() + read(8192) up to the known end),
# Sanic (read(4096) until b""), aiogram (read(65536) until b"")


def _stream_count(d: Data, size: int) -> int:
    s = d.sizes
    return {8192: s.stream_quart, 4096: s.stream_sanic}.get(size, s.stream_aiogram)


def _b_stream(d: Data, tag: str, size: int, tell: bool) -> list[int]:
    total = calls = 0
    end = d.sizes.task_file
    for i in range(_stream_count(d, size)):
        with open(d.task_file(i % d.sizes.tasks), "rb") as f:
            if tell:
                while (pos := f.tell()) < end:
                    total += len(f.read(min(size, end - pos)))
                    calls += 1
            else:
                while chunk := f.read(size):
                    total += len(chunk)
                    calls += 1
    return [total, calls]


async def _a_stream(api: Api, d: Data, size: int, tell: bool) -> list[int]:
    total = calls = 0
    end = d.sizes.task_file
    for i in range(_stream_count(d, size)):
        f = await api.open(d.task_file(i % d.sizes.tasks), "rb")
        if tell:
            while (pos := await f.tell()) < end:
                total += len(await f.read(min(size, end - pos)))
                calls += 1
        else:
            while chunk := await f.read(size):
                total += len(chunk)
                calls += 1
        await api.close(f)
    return [total, calls]


# 3. chunked upload writes (Quart, Gradio, NiceGUI)


def _upload_args(d: Data, big: bool) -> tuple[int, bytes]:
    s = d.sizes
    if big:
        return s.upload_big, b"u" * (1 << 20)
    return s.upload_small, b"u" * (16 << 10)


def _b_upload(d: Data, tag: str, big: bool) -> None:
    n, chunk = _upload_args(d, big)
    with open(d.out(tag, "upload"), "wb") as f:
        for _ in range(n):
            f.write(chunk)


async def _a_upload(api: Api, d: Data, big: bool) -> None:
    n, chunk = _upload_args(d, big)
    f = await api.open(d.out(api.tag, "upload"), "wb")
    for _ in range(n):
        await f.write(chunk)
    await api.close(f)


def _check_size(name: str) -> Callable[[Data, str], Any]:
    return lambda d, tag: os.path.getsize(d.out(tag, name))


# 4. a small whole-file write, then os.replace


def _state(i: int) -> str:
    return json.dumps({"version": i, "items": list(range(20)), "name": "state"})


def _b_replace(d: Data, tag: str) -> None:
    tmp, final = d.out(tag, "state.json.tmp"), d.out(tag, "state.json")
    for i in range(d.sizes.replaces):
        with open(tmp, "w", encoding=ENCODING) as f:
            f.write(_state(i))
        os.replace(tmp, final)


async def _a_replace(api: Api, d: Data) -> None:
    tmp, final = d.out(api.tag, "state.json.tmp"), d.out(api.tag, "state.json")
    replace = api.replace
    for i in range(d.sizes.replaces):
        f = await api.open(tmp, "w", encoding=ENCODING)
        await f.write(_state(i))
        await api.close(f)
        await replace(tmp, final)


def _check_replace(d: Data, tag: str) -> list[Any]:
    return [
        os.path.exists(d.out(tag, "state.json.tmp")),
        *_file_sum(d.out(tag, "state.json")),
    ]


# 5. os and os.path calls


def _b_exists(d: Data, tag: str) -> int:
    n = 0
    exists = os.path.exists
    for _ in range(d.sizes.ospath):
        n += exists(d.small) + exists(d.missing)
    return n


async def _a_exists(api: Api, d: Data) -> int:
    n = 0
    exists = api.exists
    for _ in range(d.sizes.ospath):
        n += await exists(d.small) + await exists(d.missing)
    return n


def _b_getsize(d: Data, tag: str) -> int:
    getsize = os.path.getsize
    return sum(getsize(d.small) for _ in range(d.sizes.ospath))


async def _a_getsize(api: Api, d: Data) -> int:
    total = 0
    getsize = api.getsize
    for _ in range(d.sizes.ospath):
        total += await getsize(d.small)
    return total


def _dirs(d: Data, tag: str) -> list[str]:
    base = d.out(tag, "dirs")
    return [os.path.join(base, f"{i:04d}", "sub") for i in range(d.sizes.makedirs)]


def _b_makedirs(d: Data, tag: str) -> None:
    for path in _dirs(d, tag):
        os.makedirs(path, exist_ok=True)


async def _a_makedirs(api: Api, d: Data) -> None:
    makedirs = api.makedirs
    for path in _dirs(d, api.tag):
        await makedirs(path)


def _check_dirs(d: Data, tag: str) -> int:
    return sum(os.path.isdir(p) for p in _dirs(d, tag))


def _clean_dirs(d: Data, tag: str) -> None:
    shutil.rmtree(d.out(tag, "dirs"), ignore_errors=True)


def _b_listdir(d: Data, tag: str) -> int:
    return sum(len(os.listdir(d.listing)) for _ in range(d.sizes.listdirs))


async def _a_listdir(api: Api, d: Data) -> int:
    total = 0
    listdir = api.listdir
    for _ in range(d.sizes.listdirs):
        total += len(await listdir(d.listing))
    return total


# 6. temporary files (default mode w+b) and directories


def _b_temp(d: Data, tag: str, named: bool) -> int:
    total = 0
    payload = b"t" * d.sizes.temp_payload
    factory = tempfile.NamedTemporaryFile if named else tempfile.TemporaryFile
    where = d.tmp(tag)
    for _ in range(d.sizes.temps):
        with factory(dir=where) as f:
            f.write(payload)
            f.seek(0)
            total += len(f.read())
    return total


async def _a_temp(api: Api, d: Data, named: bool) -> int:
    total = 0
    payload = b"t" * d.sizes.temp_payload
    factory = api.named_temp if named else api.temp_file
    where = d.tmp(api.tag)
    for _ in range(d.sizes.temps):
        async with factory(dir=where) as f:
            await f.write(payload)
            await f.seek(0)
            total += len(await f.read())
    return total


def _b_tempdir(d: Data, tag: str) -> int:
    n = 0
    where = d.tmp(tag)
    for _ in range(d.sizes.temps):
        with tempfile.TemporaryDirectory(dir=where) as name:
            n += name.startswith(where)
    return n


async def _a_tempdir(api: Api, d: Data) -> int:
    n = 0
    where = d.tmp(api.tag)
    for _ in range(d.sizes.temps):
        async with api.temp_dir(dir=where) as name:
            n += name.startswith(where)
    return n


def _check_tmp(d: Data, tag: str) -> list[str]:
    return os.listdir(d.tmp(tag))  # what was left behind: nothing


# 7. many tasks appending to one shared log file (write, then flush)


def _log_line() -> str:
    return "2026-01-01 00:00:00 INFO request served in 0.42 ms, status 200\n"


def _b_log(d: Data, tag: str) -> None:
    s = d.sizes
    line = _log_line()
    with open(d.out(tag, "app.log"), "a", encoding=ENCODING) as f:
        for _ in range(s.log_tasks * s.log_lines):
            f.write(line)
            f.flush()


async def _a_log(api: Api, d: Data) -> None:
    s = d.sizes
    line = _log_line()
    f = await api.open(d.out(api.tag, "app.log"), "a", encoding=ENCODING)

    async def one() -> None:
        for _ in range(s.log_lines):
            await f.write(line)
            await f.flush()

    await asyncio.gather(*(one() for _ in range(s.log_tasks)))
    await api.close(f)


def _check_log(d: Data, tag: str) -> list[Any]:
    with open(d.out(tag, "app.log"), encoding=ENCODING) as f:
        lines = f.readlines()
    return [len(lines), set(lines) == {_log_line()}]


# cliffs: one file shared by several tasks, against one task doing the same calls


def _b_shared_read(d: Data, tag: str, tasks: int) -> int:
    total = 0
    size = d.sizes.shared_read_size
    with open(d.small, "rb") as f:
        f.seek(d.sizes.small_file - d.sizes.shared_reads)
        while chunk := f.read(size):
            total += len(chunk)
    return total


async def _a_shared_read(api: Api, d: Data, tasks: int) -> int:
    size = d.sizes.shared_read_size
    f = await api.open(d.small, "rb")
    await f.seek(d.sizes.small_file - d.sizes.shared_reads)

    async def one() -> int:
        total = 0
        read = f.read
        while chunk := await read(size):
            total += len(chunk)
        return total

    total = sum(await asyncio.gather(*(one() for _ in range(tasks))))
    await api.close(f)
    return total


def _b_shared_write(d: Data, tag: str, tasks: int) -> None:
    data = _payload(d, "wb")
    with open(d.out(tag, "shared.bin"), "wb") as f:
        for _ in range(d.sizes.shared_writes):
            f.write(data)


async def _a_shared_write(api: Api, d: Data, tasks: int) -> None:
    data = _payload(d, "wb")
    f = await api.open(d.out(api.tag, "shared.bin"), "wb")
    per = d.sizes.shared_writes // tasks

    async def one() -> None:
        write = f.write
        for _ in range(per):
            await write(data)

    await asyncio.gather(*(one() for _ in range(tasks)))
    await api.close(f)


# cliffs: random 4 KiB reads


@functools.lru_cache(maxsize=4)
def _offsets(big: int, n: int) -> list[int]:
    rng = random.Random(20261202)
    return [rng.randrange(0, big - 4096, 4096) for _ in range(n)]


def _b_random(d: Data, tag: str) -> list[int]:
    total = mix = 0
    with open(d.big, "rb") as f:
        seek, read = f.seek, f.read
        for off in _offsets(d.sizes.big, d.sizes.random_reads):
            seek(off)
            chunk = read(4096)
            total += len(chunk)
            mix ^= int.from_bytes(chunk[:8], "little")
    return [total, mix]


async def _a_random(api: Api, d: Data) -> list[int]:
    total = mix = 0
    f = await api.open(d.big, "rb")
    seek, read = f.seek, f.read
    for off in _offsets(d.sizes.big, d.sizes.random_reads):
        await seek(off)
        chunk = await read(4096)
        total += len(chunk)
        mix ^= int.from_bytes(chunk[:8], "little")
    await api.close(f)
    return [total, mix]


# cliffs: writes to "+" files


def _setup_rplus(d: Data, tag: str) -> None:
    with open(d.out(tag, "plus.bin"), "wb") as f:
        f.write(bytes(d.sizes.plus_writes * d.sizes.write_size * 2))


def _b_plus(d: Data, tag: str, mode: str) -> None:
    data = _payload(d, "wb")
    with open(d.out(tag, "plus.bin"), mode) as f:
        write = f.write
        for _ in range(d.sizes.plus_writes):
            write(data)


async def _a_plus(api: Api, d: Data, mode: str) -> None:
    data = _payload(d, "wb")
    f = await api.open(d.out(api.tag, "plus.bin"), mode)
    write = f.write
    for _ in range(d.sizes.plus_writes):
        await write(data)
    await api.close(f)


def _b_tempfile_writes(d: Data, tag: str) -> list[int]:
    data = _payload(d, "wb")
    with tempfile.TemporaryFile(dir=d.tmp(tag)) as f:
        write = f.write
        for _ in range(d.sizes.plus_writes):
            write(data)
        f.seek(0)
        back = f.read()
    return [len(back), zlib.crc32(back)]


async def _a_tempfile_writes(api: Api, d: Data) -> list[int]:
    data = _payload(d, "wb")
    async with api.temp_file(dir=d.tmp(api.tag)) as f:
        write = f.write
        for _ in range(d.sizes.plus_writes):
            await write(data)
        await f.seek(0)
        back = await f.read()
    return [len(back), zlib.crc32(back)]


# cliffs: tail -f of a growing file. Another writer (here: plain blocking writes
# between the follower's calls) appends a batch of lines; the follower reads them
# with readline() until it gets "" at the end of the file, then the next batch
# comes. Every implementation sees the same sequence of sizes.


def _b_tail(d: Data, tag: str) -> list[int]:
    s = d.sizes
    path = d.out(tag, "tail.log")
    line = _log_line()
    lines = total = eofs = 0
    with open(path, "w", encoding=ENCODING) as w, open(path, encoding=ENCODING) as f:
        readline = f.readline
        for _ in range(s.tail_rounds):
            for _ in range(s.tail_batch):
                w.write(line)
            w.flush()
            while True:
                got = readline()
                if not got:
                    eofs += 1
                    break
                lines += 1
                total += len(got)
    return [lines, total, eofs]


async def _a_tail(api: Api, d: Data) -> list[int]:
    s = d.sizes
    path = d.out(api.tag, "tail.log")
    line = _log_line()
    lines = total = eofs = 0
    with open(path, "w", encoding=ENCODING) as w:
        f = await api.open(path, "r", encoding=ENCODING)
        readline = f.readline
        for _ in range(s.tail_rounds):
            for _ in range(s.tail_batch):
                w.write(line)
            w.flush()
            while True:
                got = await readline()
                if not got:
                    eofs += 1
                    break
                lines += 1
                total += len(got)
        await api.close(f)
    return [lines, total, eofs]


def _mib(n: int) -> str:
    return f"{n >> 20} MiB" if n >= 1 << 20 else f"{n >> 10} KiB"


P = functools.partial

WORKLOADS: list[Workload] = [
    # -- the usage patterns ------------------------------------------------------
    Workload(
        "whole_small",
        "pattern",
        lambda s: (
            f"1. {s.whole_small:,} x (open, read(), close), {_mib(s.whole_small_size)} file"
        ),
        P(_b_whole, big=False),
        P(_a_whole, big=False),
    ),
    Workload(
        "whole_big",
        "pattern",
        lambda s: (
            f"1. {s.whole_big:,} x (open, read(), close), {_mib(s.task_file)} files"
        ),
        P(_b_whole, big=True),
        P(_a_whole, big=True),
    ),
    Workload(
        "stream_quart",
        "pattern",
        lambda s: (
            f"2. {s.stream_quart} x {_mib(s.task_file)} as tell() + read(8192) (Quart)"
        ),
        P(_b_stream, size=8192, tell=True),
        P(_a_stream, size=8192, tell=True),
    ),
    Workload(
        "stream_sanic",
        "pattern",
        lambda s: f"2. {s.stream_sanic} x {_mib(s.task_file)} as read(4096) (Sanic)",
        P(_b_stream, size=4096, tell=False),
        P(_a_stream, size=4096, tell=False),
    ),
    Workload(
        "stream_aiogram",
        "pattern",
        lambda s: (
            f"2. {s.stream_aiogram} x {_mib(s.task_file)} as read(65536) (aiogram)"
        ),
        P(_b_stream, size=65536, tell=False),
        P(_a_stream, size=65536, tell=False),
    ),
    Workload(
        "upload_16k",
        "pattern",
        lambda s: f"3. upload: {s.upload_small:,} x write(16 KiB) + close",
        P(_b_upload, big=False),
        P(_a_upload, big=False),
        check=_check_size("upload"),
        cleanup=_clean_out("upload"),
    ),
    Workload(
        "upload_1m",
        "pattern",
        lambda s: f"3. upload: {s.upload_big:,} x write(1 MiB) + close",
        P(_b_upload, big=True),
        P(_a_upload, big=True),
        check=_check_size("upload"),
        cleanup=_clean_out("upload"),
    ),
    Workload(
        "write_replace",
        "pattern",
        lambda s: f"4. {s.replaces:,} x (open, write 0.1 KiB, close, os.replace)",
        _b_replace,
        _a_replace,
        check=_check_replace,
        cleanup=_clean_out("state.json"),
    ),
    Workload(
        "stat_seq",
        "pattern",
        lambda s: f"5. {s.stats_seq:,} x os.stat",
        _b_stat_seq,
        _a_stat_seq,
        "<= 0.5x aiofiles 25.1",
        0.5,
        vs_upstream=True,
    ),
    Workload(
        "exists",
        "pattern",
        lambda s: f"5. {s.ospath:,} x ospath.exists (a file, a missing file)",
        _b_exists,
        _a_exists,
    ),
    Workload(
        "getsize",
        "pattern",
        lambda s: f"5. {s.ospath:,} x ospath.getsize",
        _b_getsize,
        _a_getsize,
    ),
    Workload(
        "makedirs",
        "pattern",
        lambda s: f"5. {s.makedirs:,} x os.makedirs (2 levels, exist_ok)",
        _b_makedirs,
        _a_makedirs,
        check=_check_dirs,
        cleanup=_clean_dirs,
    ),
    Workload(
        "listdir",
        "pattern",
        lambda s: f"5. {s.listdirs:,} x os.listdir ({s.listdir_entries} entries)",
        _b_listdir,
        _a_listdir,
    ),
    Workload(
        "named_temp",
        "pattern",
        lambda s: f"6. {s.temps:,} x NamedTemporaryFile: write 1 KiB, seek, read",
        P(_b_temp, named=True),
        P(_a_temp, named=True),
        check=_check_tmp,
    ),
    Workload(
        "temp_file",
        "pattern",
        lambda s: f"6. {s.temps:,} x TemporaryFile: write 1 KiB, seek, read",
        P(_b_temp, named=False),
        P(_a_temp, named=False),
        check=_check_tmp,
    ),
    Workload(
        "temp_dir",
        "pattern",
        lambda s: f"6. {s.temps:,} x TemporaryDirectory",
        _b_tempdir,
        _a_tempdir,
        check=_check_tmp,
    ),
    Workload(
        "shared_log",
        "pattern",
        lambda s: (
            f"7. {s.log_tasks} tasks x {s.log_lines} x (write line, flush), one 'a' file"
        ),
        _b_log,
        _a_log,
        check=_check_log,
        cleanup=_clean_out("app.log"),
    ),
    # -- the cliffs --------------------------------------------------------------
    Workload(
        "shared_read_1",
        "cliff",
        lambda s: (
            f"{_mib(s.shared_reads)} as read({s.shared_read_size}), one file, 1 task"
        ),
        P(_b_shared_read, tasks=1),
        P(_a_shared_read, tasks=1),
    ),
    Workload(
        "shared_read_2",
        "cliff",
        lambda s: (
            f"{_mib(s.shared_reads)} as read({s.shared_read_size}), one file, 2 tasks"
        ),
        P(_b_shared_read, tasks=2),
        P(_a_shared_read, tasks=2),
        "<= 1.2x one task",
        1.2,
        vs_key="shared_read_1",
    ),
    Workload(
        "shared_read_200",
        "cliff",
        lambda s: (
            f"{_mib(s.shared_reads)} as read({s.shared_read_size}), one file, 200 tasks"
        ),
        P(_b_shared_read, tasks=200),
        P(_a_shared_read, tasks=200),
        "<= 1.2x one task",
        1.2,
        vs_key="shared_read_1",
    ),
    Workload(
        "shared_write_1",
        "cliff",
        lambda s: (
            f"{s.shared_writes:,} x write({s.write_size} bytes), one file, 1 task"
        ),
        P(_b_shared_write, tasks=1),
        P(_a_shared_write, tasks=1),
        check=_check_out("shared.bin"),
        cleanup=_clean_out("shared.bin"),
    ),
    Workload(
        "shared_write_2",
        "cliff",
        lambda s: (
            f"{s.shared_writes:,} x write({s.write_size} bytes), one file, 2 tasks"
        ),
        P(_b_shared_write, tasks=2),
        P(_a_shared_write, tasks=2),
        "<= 1.2x one task",
        1.2,
        vs_key="shared_write_1",
        check=_check_out("shared.bin"),
        cleanup=_clean_out("shared.bin"),
    ),
    Workload(
        "shared_write_200",
        "cliff",
        lambda s: (
            f"{s.shared_writes:,} x write({s.write_size} bytes), one file, 200 tasks"
        ),
        P(_b_shared_write, tasks=200),
        P(_a_shared_write, tasks=200),
        "<= 1.2x one task",
        1.2,
        vs_key="shared_write_1",
        check=_check_out("shared.bin"),
        cleanup=_clean_out("shared.bin"),
    ),
    Workload(
        "random_4k",
        "cliff",
        lambda s: (
            f"{s.random_reads:,} x (seek, read(4096)), random, {_mib(s.big)} file"
        ),
        _b_random,
        _a_random,
        "<= 3x",
        3.0,
    ),
    Workload(
        "rplus_write",
        "cliff",
        lambda s: f"{s.plus_writes:,} x write({s.write_size} bytes), 'r+b' + close",
        P(_b_plus, mode="r+b"),
        P(_a_plus, mode="r+b"),
        "<= 4x",
        4.0,
        setup=_setup_rplus,
        check=_check_out("plus.bin"),
        cleanup=_clean_out("plus.bin"),
    ),
    Workload(
        "wplus_write",
        "cliff",
        lambda s: f"{s.plus_writes:,} x write({s.write_size} bytes), 'w+b' + close",
        P(_b_plus, mode="w+b"),
        P(_a_plus, mode="w+b"),
        "<= 4x",
        4.0,
        check=_check_out("plus.bin"),
        cleanup=_clean_out("plus.bin"),
    ),
    Workload(
        "tempfile_write",
        "cliff",
        lambda s: (
            f"TemporaryFile(): {s.plus_writes:,} x write({s.write_size} bytes), read back"
        ),
        _b_tempfile_writes,
        _a_tempfile_writes,
        "<= 4x",
        4.0,
        check=_check_tmp,
    ),
    Workload(
        "tail_follow",
        "cliff",
        lambda s: (
            f"tail -f: {s.tail_rounds} x ({s.tail_batch} lines appended, readline() to EOF)"
        ),
        _b_tail,
        _a_tail,
        cleanup=_clean_out("tail.log"),
    ),
    # -- the single-task rows ------------------------------------------------------
    Workload(
        "read_small_bin",
        "core",
        lambda s: f"{s.reads:,} x read({s.read_size}) binary",
        P(_b_read_small, mode="rb"),
        P(_a_read_small, mode="rb"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "read_small_text",
        "core",
        lambda s: f"{s.reads:,} x read({s.read_size}) text",
        P(_b_read_small, mode="r"),
        P(_a_read_small, mode="r"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "lines_text",
        "core",
        lambda s: f"async for over {s.lines:,} lines, text",
        P(_b_lines, mode="r"),
        P(_a_lines, mode="r"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "lines_bin",
        "core",
        lambda s: f"async for over {s.lines:,} lines, binary",
        P(_b_lines, mode="rb"),
        P(_a_lines, mode="rb"),
        "<= 3x",
        3.0,
    ),
    Workload(
        "readline_text",
        "core",
        lambda s: f"{s.lines:,} x readline(), text",
        _b_readline,
        _a_readline,
        "<= 3x",
        3.0,
    ),
    Workload(
        "write_bin",
        "core",
        lambda s: f"{s.writes:,} x write({s.write_size} bytes) + close",
        P(_b_write, mode="wb"),
        P(_a_write, mode="wb"),
        "<= 3x",
        3.0,
        check=_check_out("write-wb"),
        cleanup=_clean_out("write-wb"),
    ),
    Workload(
        "write_text",
        "core",
        lambda s: f"{s.writes:,} x write({s.write_size} chars) + close",
        P(_b_write, mode="w"),
        P(_a_write, mode="w"),
        "<= 3x",
        3.0,
        check=_check_out("write-w"),
        cleanup=_clean_out("write-w"),
    ),
    Workload(
        "read_chunks",
        "core",
        lambda s: f"{_mib(s.big)} in {_mib(s.chunk)} reads",
        _b_chunks,
        _a_chunks,
        "<= 1.1x, stall <= 2 ms",
        1.1,
        2.0,
    ),
    Workload(
        "read_all",
        "core",
        lambda s: f"one read() of {_mib(s.big)}",
        _b_read_all,
        _a_read_all,
        "<= 1.1x, stall <= 2 ms",
        1.1,
        2.0,
    ),
    Workload(
        "open_close",
        "core",
        lambda s: f"{s.opens:,} x open + close",
        _b_open_close,
        _a_open_close,
        "<= 3x",
        3.0,
    ),
    Workload(
        "tasks",
        "core",
        lambda s: (
            f"{s.tasks} tasks x {s.per_task} x (open, read {_mib(s.task_file)}, close)"
        ),
        _b_tasks,
        _a_tasks,
        "<= 2x, stall <= 5 ms",
        2.0,
        5.0,
    ),
    Workload(
        "stat_gather",
        "core",
        lambda s: f"{s.stats_gather:,} concurrent os.stat (gather)",
        _b_stat_gather,
        _a_stat_gather,
        "<= 4x",
        4.0,
    ),
]

BY_KEY = {w.key: w for w in WORKLOADS}
GROUPS = {
    "pattern": "The usage patterns",
    "cliff": "The cliffs",
    "core": "Single calls in a loop, big reads, many tasks",
}


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


def _norm(result: Any) -> Any:
    """The result as JSON gives it back (tuples become lists, sets are sorted)."""
    return json.loads(json.dumps(result, default=sorted))


def _before(w: Workload, d: Data, tag: str) -> None:
    if w.setup is not None:
        w.setup(d, tag)
    gc.collect()


def _after(w: Workload, d: Data, tag: str, result: Any) -> Any:
    if w.check is not None:
        result = [result, w.check(d, tag)]
    if w.cleanup is not None:
        w.cleanup(d, tag)
    return _norm(result)


def time_blocking(w: Workload, d: Data) -> tuple[float, Any]:
    _before(w, d, "blocking")
    t0 = time.perf_counter()
    result = w.blocking(d, "blocking")
    dt = time.perf_counter() - t0
    return dt, _after(w, d, "blocking", result)


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

    _before(w, d, api.tag)
    dt, result, stall = loop.run_until_complete(main())
    return dt, _after(w, d, api.tag, result), stall


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
