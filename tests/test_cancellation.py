"""Cancellation at every await point loses nothing and leaks nothing.

Each operation is started as a task, the loop runs ``k`` iterations
(``await asyncio.sleep(0)`` ``k`` times), then the task is cancelled, for
``k = 0, 1, 2, ... K``. ``k = 0`` cancels a task that never ran (its coroutine
body never starts). Afterwards:

* a reader that keeps reading receives exactly the file's bytes, in order;
* a cancelled write happened or did not, ``tell()`` says which, and the file on
  disk agrees;
* a cancelled seek moved the position or did not, and reads agree with ``tell()``;
* a cancelled flush loses nothing;
* a cancelled open (and tempfile constructor) leaves no descriptor and no file;
* a cancelled close still closes (when the call started at all).

Off-loop paths are forced three ways: reads bigger than the engine's inline
limit, files evicted from the page cache (``posix_fadvise(DONTNEED)``), and pipes.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

import aiofiles
import aiofiles.tempfile
from aiofiles._executor import get_pool

K_MAX = 10  # loop iterations before the cancel: 0..K_MAX-1
KS = list(range(K_MAX))
HAVE_FADVISE = hasattr(os, "posix_fadvise")


def open_fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


def _target(fd: str) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return "?"


def evict(path: str) -> None:
    """Push ``path`` out of the page cache, so reads must go to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        if HAVE_FADVISE:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


async def settle(f: Any = None, rounds: int = 400) -> None:
    """Let every job in flight finish and its completion reach the loop."""
    for _ in range(rounds):
        await asyncio.sleep(0.002)
        st = get_pool().statistics()
        if st.idle == st.workers and st.backlog == 0 and (f is None or not f._busy):
            break
    for _ in range(3):
        await asyncio.sleep(0)


async def cancel_after(make: Callable[[], Awaitable[Any]], k: int) -> tuple[str, Any]:
    """Start ``make()`` as a task, run the loop ``k`` times, cancel; say how it ended."""
    task = asyncio.ensure_future(make())
    for _ in range(k):
        await asyncio.sleep(0)
    if task.done():
        return (
            ("done", task.result())
            if not task.exception()
            else ("error", task.exception())
        )
    task.cancel()
    try:
        result = await task
    except asyncio.CancelledError:
        return ("cancelled", None)
    except Exception as exc:
        return ("error", exc)
    return ("done", result)


def pattern(n: int) -> bytes:
    """``n`` bytes where every 8-byte record says its own offset: loss or doubling shows."""
    out = b"".join(b"%07x\n" % (i * 8) for i in range((n + 7) // 8))
    return out[:n]


# -- reads: none lost, none twice -----------------------------------------------------


READ_CASES = [
    # (name, file size, size of the cancelled read, evict first)
    ("big-read-offloop", 600_000, 300_000, False),
    ("small-read-evicted", 100_000, 4096, True),
    ("read-all-evicted", 200_000, -1, True),
]


async def sweep(
    check: Callable[..., Awaitable[None]], tmp_path: Any, *args: Any
) -> None:
    """Run ``check(dir, *args, k)`` for every ``k``; fail listing every ``k`` that failed."""
    failures = []
    for k in KS:
        d = tmp_path / f"k{k}"
        d.mkdir()
        try:
            await check(d, *args, k)
        except AssertionError as exc:
            failures.append(f"k={k}: {str(exc).splitlines()[0]}")
    assert not failures, (
        f"{len(failures)} of {len(KS)} cancel points failed:\n" + "\n".join(failures)
    )


@pytest.mark.parametrize("case", READ_CASES, ids=[c[0] for c in READ_CASES])
async def test_cancelled_read_loses_nothing(
    loop_kind: str, tmp_path: Any, case: Any
) -> None:
    await sweep(_check_read, tmp_path, case)


async def _check_read(tmp_path: Any, case: Any, k: int) -> None:
    _, size, n, cold = case
    data = pattern(size)
    p = tmp_path / "f"
    p.write_bytes(data)
    if cold:
        await asyncio.to_thread(evict, str(p))
    async with aiofiles.open(p, "rb") as f:
        # cold: the cancelled read is the first (nothing of the file is in a window)
        got = bytearray() if cold else bytearray(await f.read(100))
        how, value = await cancel_after(lambda: f.read(n), k)
        if how == "done":
            got += value
        await settle(f)
        pos = await f.tell()
        while True:
            chunk = await f.read(65536)
            if not chunk:
                break
            got += chunk
    assert len(got) == len(data), (
        f"{how} read(k={k}): received {len(got)} of {len(data)} bytes; "
        f"tell() after the cancel said {pos}"
    )
    assert bytes(got) == data


@pytest.mark.parametrize("cold", [False, True], ids=["long-lines", "evicted"])
@pytest.mark.parametrize("how_read", ["readline", "anext"])
async def test_cancelled_readline_loses_nothing(
    loop_kind: str, tmp_path: Any, how_read: str, cold: bool
) -> None:
    await sweep(_check_readline, tmp_path, how_read, cold)


async def _check_readline(tmp_path: Any, how_read: str, cold: bool, k: int) -> None:
    if cold:
        text = "".join(f"line {i:06d} {'é' * (i % 7)}\n" for i in range(4000))
    else:
        text = "".join(f"L{i}:" + "x" * 560_000 + "\n" for i in range(2))
    p = tmp_path / "f"
    p.write_text(text, encoding="utf-8")
    if cold:
        await asyncio.to_thread(evict, str(p))
    async with aiofiles.open(p, "r", encoding="utf-8") as f:
        got = [] if cold else [await f.readline()]
        op = f.readline if how_read == "readline" else f.__anext__
        how, value = await cancel_after(op, k)
        if how == "done":
            got.append(value)
        await settle(f)
        async for line in f:
            got.append(line)
    joined = "".join(got)
    assert len(joined) == len(text), (
        f"{how} {how_read}(k={k}): received {len(joined)} of {len(text)} characters"
    )
    assert joined == text


async def test_cancelled_pipe_read_loses_nothing(loop_kind: str, tmp_path: Any) -> None:
    await sweep(_check_pipe_read, tmp_path)


async def _check_pipe_read(tmp_path: Any, k: int) -> None:
    r, w = os.pipe()
    data = pattern(200_000)
    go = threading.Event()  # the writer starts after the cancel: the read is in flight

    def writer() -> None:
        go.wait(10)
        with open(w, "wb") as out:
            for i in range(0, len(data), 1000):
                out.write(data[i : i + 1000])
                out.flush()

    t = threading.Thread(target=writer)
    t.start()
    try:
        async with aiofiles.open(r, "rb") as f:
            got = bytearray()
            how, value = await cancel_after(lambda: f.read(5000), k)
            go.set()
            if how == "done":
                got += value
            await settle(f)
            while True:
                chunk = await f.read(7000)
                if not chunk:
                    break
                got += chunk
    finally:
        go.set()
        t.join()
    assert len(got) == len(data), (
        f"{how} pipe read(k={k}): received {len(got)} of {len(data)}"
    )
    assert bytes(got) == data


# -- writes: happened or not, and tell() says which -----------------------------------------


WRITE_CASES = [
    ("wb-queued", "wb", 100),
    ("wb-big", "wb", 600_000),
    ("rb+-offloop", "rb+", 100),
    ("w-text-queued", "w", 100),
    ("r+-text", "r+", 100),
    ("ab", "ab", 100),
    ("wb-unbuffered", "wb0", 100),
]


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("busy", [False, True], ids=["idle", "behind-flush"])
@pytest.mark.parametrize("case", WRITE_CASES, ids=[c[0] for c in WRITE_CASES])
async def test_cancelled_write_happened_or_not(
    loop_kind: str, tmp_path: Any, case: Any, busy: bool, k: int
) -> None:
    _, mode, n = case
    p = tmp_path / "f"
    p.write_bytes(b"")
    text = "b" not in mode
    buffering = 0 if mode.endswith("0") else -1
    mode = mode.rstrip("0")
    first = "A" * 10 if text else b"A" * 10
    data = ("z" * n) if text else (b"z" * n)
    after = "E" * 10 if text else b"E" * 10
    kw: dict[str, Any] = {"encoding": "ascii"} if text else {"buffering": buffering}
    f = await aiofiles.open(p, mode, **kw)
    try:
        await f.write(first)
        before = await f.tell()
        if busy:
            flush = asyncio.ensure_future(f.flush())  # the write waits behind it
            await asyncio.sleep(0)
        how, _ = await cancel_after(lambda: f.write(data), k)
        if busy:
            await flush
        await settle(f)
        pos = await f.tell()
        assert pos in (before, before + n), (
            f"{how} write(k={k}): tell() {pos}, before {before}"
        )
        happened = pos == before + n
        if how == "done":
            assert happened, f"write(k={k}) returned but tell() says it did not happen"
        await f.write(after)
    finally:
        await f.close()
    disk = p.read_bytes()
    expected = b"A" * 10 + (b"z" * n if happened else b"") + b"E" * 10
    assert disk == expected, (
        f"{how} write(k={k}): tell() says happened={happened}, disk has {len(disk)} bytes"
    )


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("mode", ["wb", "w", "rb+"])
async def test_cancelled_flush_loses_nothing(
    loop_kind: str, tmp_path: Any, mode: str, k: int
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"")
    text = "b" not in mode
    chunks = [f"{i:05d}," if text else b"%05d," % i for i in range(400)]
    f = await aiofiles.open(p, mode)
    try:
        for c in chunks[:200]:
            await f.write(c)
        how, _ = await cancel_after(f.flush, k)
        await settle(f)
        on_disk = p.read_bytes()
        if how == "done":
            assert len(on_disk) == 200 * 6
        # a cancelled flush may or may not have happened: never partially past tell()
        assert len(on_disk) <= await f.tell()
        for c in chunks[200:]:
            await f.write(c)
    finally:
        await f.close()
    assert p.read_bytes() == b"".join(c.encode() if text else c for c in chunks)


# -- seek: moved or not, and reads agree with tell() ------------------------------------------


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("mode", ["rb", "r", "rb+"])
async def test_cancelled_seek_is_consistent(
    loop_kind: str, tmp_path: Any, mode: str, k: int
) -> None:
    data = pattern(100_000)
    p = tmp_path / "f"
    p.write_bytes(data)
    async with aiofiles.open(p, mode) as f:
        await f.read(16)
        how, _ = await cancel_after(lambda: f.seek(50_000), k)
        await settle(f)
        pos = await f.tell()
        assert pos in (16, 50_000), f"{how} seek(k={k}): tell() {pos}"
        if how == "done":
            assert pos == 50_000
        rest = await f.read(64)
    expect = data[pos : pos + 64]
    assert (rest.encode() if isinstance(rest, str) else rest) == expect


# -- close: still closes ------------------------------------------------------------------------


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("mode", ["rb", "wb", "r+", "w"])
async def test_cancelled_close_still_closes(
    loop_kind: str, tmp_path: Any, mode: str, k: int
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"x" * 1000)
    before = open_fds()
    f = await aiofiles.open(p, mode)
    if "w" in mode or "+" in mode:
        await f.write("data" if "b" not in mode else b"data")
    how, _ = await cancel_after(f.close, k)
    await settle(f)
    if k == 0 and how == "cancelled":
        # the coroutine never started: nothing could have run; close it now
        await f.close()
    assert f.closed, f"{how} close(k={k}) did not close"
    assert open_fds() == before
    if "w" in mode:
        assert p.read_bytes() == b"data"


async def test_cancelled_close_behind_a_read_still_closes(
    loop_kind: str, tmp_path: Any
) -> None:
    await sweep(_check_close_behind_read, tmp_path)


async def _check_close_behind_read(tmp_path: Any, k: int) -> None:
    """close() queued behind an off-loop read, then cancelled: the file must end closed."""
    p = tmp_path / "f"
    p.write_bytes(pattern(1 << 20))
    before = open_fds()
    f = await aiofiles.open(p, "rb")
    reader = asyncio.ensure_future(f.read(600_000))  # off the loop: holds the turn
    await asyncio.sleep(0)
    how, _ = await cancel_after(f.close, max(k, 1))
    await reader
    await settle(f)
    closed = f.closed
    if not closed:
        await f.close()
    assert closed, f"{how} close(k={max(k, 1)}) behind a read: file still open"
    assert open_fds() == before


@pytest.mark.parametrize("k", KS)
async def test_cancelled_async_with_body_closes(
    loop_kind: str, tmp_path: Any, k: int
) -> None:
    p = tmp_path / "f"
    before = open_fds()

    wrote: list[bool] = []

    async def body() -> None:
        async with aiofiles.open(p, "wb") as f:
            await f.write(b"hello")
            wrote.append(True)
            await asyncio.sleep(10)

    how, _ = await cancel_after(body, k)
    await settle()
    assert open_fds() == before, f"{how} async-with body (k={k}) left a descriptor"
    if wrote:  # write() returned: the data must be on disk once the block is left
        assert p.read_bytes() == b"hello"


# -- open and the tempfile constructors: no descriptor, no file ----------------------------------


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("mode", ["rb", "w", "ab+"])
async def test_cancelled_open_leaks_nothing(
    loop_kind: str, tmp_path: Any, mode: str, k: int
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"x")
    before = open_fds()
    how, value = await cancel_after(lambda: aiofiles.open(p, mode), k)
    if how == "done":
        await value.close()
    await settle()
    assert open_fds() == before, f"{how} open(k={k}) leaked {open_fds() - before}"


@pytest.mark.parametrize("k", [1, 2, 5])
async def test_cancelled_open_of_fifo_leaks_nothing(
    loop_kind: str, tmp_path: Any, k: int
) -> None:
    """open() blocked in the kernel (a FIFO with no writer) is cancelled, then unblocks."""
    p = str(tmp_path / "fifo")
    os.mkfifo(p)
    before = open_fds()
    how, _ = await cancel_after(lambda: aiofiles.open(p, "rb"), k)
    assert how == "cancelled"
    # A writer lets the worker's open() return, if the open got that far. The
    # cancel may also have come before the job was handed to a worker (while the
    # open waited for the inline credit): then nobody ever opens the FIFO, and a
    # blocking open of the writer would wait for ever, so it is non-blocking and
    # retried while a worker may still be on its way to open().
    fd = -1
    for _ in range(50):
        try:
            fd = os.open(p, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:  # ENXIO: no reader (yet)
            assert exc.errno == errno.ENXIO, exc
            await asyncio.sleep(0.01)
    if fd >= 0:
        try:
            await settle()
        finally:
            os.close(fd)
    await settle()
    after = open_fds()
    for _ in range(50):  # descriptors other threads hold for a moment
        if after == before:
            break
        await asyncio.sleep(0.01)
        after = open_fds()
    assert after == before, (
        f"open(FIFO) cancelled at k={k} leaked a descriptor: "
        + repr({fd: _target(fd) for fd in after ^ before})
    )


TEMP_KINDS = [
    "TemporaryFile",
    "NamedTemporaryFile",
    "SpooledTemporaryFile",
    "TemporaryDirectory",
]


@pytest.mark.parametrize("k", KS)
@pytest.mark.parametrize("tkind", TEMP_KINDS)
async def test_cancelled_tempfile_constructor_leaks_nothing(
    loop_kind: str, tmp_path: Any, tkind: str, k: int
) -> None:
    kind = tkind
    d = tmp_path / "d"
    d.mkdir()
    before = open_fds()
    ctor = getattr(aiofiles.tempfile, kind)
    kw: dict[str, Any] = {"dir": str(d)}
    if kind == "SpooledTemporaryFile":
        kw = {"max_size": 1, "dir": str(d)}
    how, value = await cancel_after(lambda: ctor(**kw), k)
    if how == "done":
        if kind == "TemporaryDirectory":
            await value.cleanup()
        else:
            await value.close()
    await settle()
    assert open_fds() == before, (
        f"{kind} cancelled at k={k} ({how}) leaked a descriptor"
    )
    assert os.listdir(d) == [], (
        f"{kind} cancelled at k={k} ({how}) left {os.listdir(d)}"
    )


# -- the spooled file: cancelled rollover writes ------------------------------------------------


@pytest.mark.parametrize("k", KS)
async def test_cancelled_spooled_rollover_write(loop_kind: str, k: int) -> None:
    f = await aiofiles.tempfile.SpooledTemporaryFile(max_size=10)
    await f.write(b"12345")
    how, _ = await cancel_after(lambda: f.write(b"6789abcdef"), k)
    await settle(f)
    pos = await f.tell()
    assert pos in (5, 15)
    if how == "done":
        assert pos == 15
    await f.seek(0)
    assert await f.read() == (b"12345" + (b"6789abcdef" if pos == 15 else b""))
    await f.close()


if sys.platform != "linux":  # pragma: no cover
    pytestmark = pytest.mark.skip("needs /proc/self/fd")
