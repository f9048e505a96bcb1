"""Regression tests for the file engine's promises: calls on one file run in
order, the event loop is never held for long, a cancelled call loses nothing,
and every result equals the blocking file object's.

Every test drives the public API (``aiofiles.open``, ``aiofiles.stdin``, the file
methods). Private names appear only to observe: ``aiofiles._offload.submit`` is
wrapped to count thread hops, and the bytes the loop thread reads from the OS
are taken from ``/proc/thread-self/io`` (``rchar``), which counts every read
system call of that thread whatever the load of the machine. Two tests also
use a private hook to *time* an event they cannot otherwise place: the moment a
signal interrupts the loop thread (``sys.settrace``), and the moment between the
cached path check and the open (a FIFO swapped in there).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import gc
import io
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import aiofiles
from aiofiles import _executor, _fastpath, _offload
from conftest import new_loop

MiB = 1024 * 1024
DEADLINE = 10.0  # seconds: "it did not hang", never a speed bound


# -- observers ------------------------------------------------------------------------


def _thread_rchar() -> int:
    """Bytes this thread has read through read system calls so far."""
    with open("/proc/thread-self/io", "rb") as f:
        for line in f:
            if line.startswith(b"rchar:"):
                return int(line.split()[1])
    raise AssertionError("no rchar in /proc/thread-self/io")


def _process_rchar() -> int:
    """Bytes the whole process has read through read system calls so far."""
    with open("/proc/self/io", "rb") as f:
        for line in f:
            if line.startswith(b"rchar:"):
                return int(line.split()[1])
    raise AssertionError("no rchar in /proc/self/io")


def _budget_left() -> int:
    """What is left of the running loop's budget for inline work."""
    try:
        from aiofiles import _budget
    except ImportError:  # the engine before the budget had its own module
        from aiofiles import _fileio

        return int(_fileio._credit)  # type: ignore[attr-defined]
    return _budget.current().credit


@contextlib.contextmanager
def _hops(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count the jobs sent off the loop (``count[0]``) while the block runs."""
    count = [0]
    real = _offload.submit

    def counting(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(_offload, "submit", counting)
    try:
        yield count
    finally:
        monkeypatch.setattr(_offload, "submit", real)


@contextlib.asynccontextmanager
async def _ticker(period: float = 0.002) -> AsyncIterator[list[float]]:
    """The longest gap between two ticks of a task that sleeps ``period``
    (``gap[0]``, seconds): how long the loop was held while the block ran."""
    gap = [0.0]
    stop = False

    async def tick() -> None:
        last = time.perf_counter()
        while not stop:
            await asyncio.sleep(period)
            now = time.perf_counter()
            gap[0] = max(gap[0], now - last)
            last = now

    task = asyncio.ensure_future(tick())
    await asyncio.sleep(period * 2)
    try:
        yield gap
    finally:
        stop = True
        await task


def _cached_file(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and read it back once (so it is page-cached)."""
    path.write_bytes(data)
    with open(path, "rb") as f:
        while f.read(4 * MiB):
            pass


def _wait_until(cond: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.001)


async def _until(cond: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.001)


_SYS_READ = 0  # x86_64 system call numbers of the reads a worker may block in
_SYS_READV = 19


def _a_thread_blocks_reading(fd: int) -> bool:
    """Is some thread of this process inside ``read(fd, ...)`` right now?"""
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/syscall") as f:
                fields = f.read().split()
        except OSError:
            continue
        if len(fields) > 1 and fields[0] in (str(_SYS_READ), str(_SYS_READV)):
            if int(fields[1], 16) == fd:
                return True
    return False


needs_x86_64 = pytest.mark.skipif(
    os.uname().machine != "x86_64" or not os.path.exists("/proc/self/task"),
    reason="reads the x86_64 system call numbers of /proc/self/task/*/syscall",
)


# -- Order ----------------------------------------------------------------------------


async def test_a_write_made_after_close_raises_and_never_reaches_the_disk(
    tmp_path: Path,
) -> None:
    p = tmp_path / "f"
    f = await aiofiles.open(p, "wb")
    outcome = await asyncio.gather(f.close(), f.write(b"late"), return_exceptions=True)
    assert outcome[0] is None
    with open(tmp_path / "g", "wb") as bf:
        pass
    expected = _blocking_error(lambda: bf.write(b"late"))
    assert type(outcome[1]) is type(expected)
    assert str(outcome[1]) == str(expected)
    assert p.read_bytes() == b""


@pytest.mark.parametrize("mode", ["rb", "r"])
async def test_reads_and_seeks_made_after_close_raise(
    tmp_path: Path, mode: str
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"0123456789")
    f = await aiofiles.open(p, mode)
    outcome = await asyncio.gather(
        f.close(), f.read(3), f.seek(2), f.readline(), return_exceptions=True
    )
    assert outcome[0] is None
    for o in outcome[1:]:
        assert isinstance(o, ValueError), o
    assert f.closed


async def test_the_async_with_exit_keeps_its_place_before_later_calls(
    tmp_path: Path,
) -> None:
    p = tmp_path / "f"
    cm = aiofiles.open(p, "wb")
    f = await cm.__aenter__()
    outcome = await asyncio.gather(
        cm.__aexit__(None, None, None), f.write(b"late"), return_exceptions=True
    )
    assert outcome[0] is None
    assert isinstance(outcome[1], ValueError)
    assert p.read_bytes() == b""


# -- Bounded work on the loop ----------------------------------------------------------


@pytest.mark.parametrize("call", ["read", "readline", "readlines"])
async def test_a_file_grown_after_a_read_at_its_end_is_not_read_on_the_loop(
    tmp_path: Path, call: str
) -> None:
    # A tail-follow reader: the file was read to its end, then another writer
    # appends 32 MiB. The next read may not move them on the loop thread.
    p = tmp_path / "log"
    p.write_bytes(b"first line\n")
    grow = b"y" * (32 * MiB - 1) + b"\n"
    async with aiofiles.open(p, "rb") as f:
        assert await f.read() == b"first line\n"
        assert await f.read() == b""
        with open(p, "ab") as w:
            w.write(grow)
        with open(p, "rb") as r:  # cached, so inline would be possible
            while r.read(4 * MiB):
                pass
        before = _thread_rchar()
        got = await getattr(f, call)()
        on_loop = _thread_rchar() - before
    expected = [grow] if call == "readlines" else grow
    assert got == expected
    assert on_loop < 4 * MiB, f"{on_loop} bytes read on the loop thread"


async def test_an_update_file_reading_its_own_writes_does_not_read_them_on_the_loop(
    tmp_path: Path,
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"abc")
    async with aiofiles.open(p, "r+b") as f:
        assert await f.read() == b"abc"
        await f.write(b"z" * (16 * MiB))
        await f.flush()
        await f.seek(3)
        before = _thread_rchar()
        got = await f.read()
        on_loop = _thread_rchar() - before
    assert got == b"z" * (16 * MiB)
    assert on_loop < 4 * MiB, f"{on_loop} bytes read on the loop thread"


@pytest.mark.parametrize("errors", ["ignore", "strict-ascii-garbage"])
async def test_a_short_text_read_with_errors_ignore_decodes_nothing_big_on_the_loop(
    tmp_path: Path, errors: str
) -> None:
    # Every byte but the last five is dropped by the decoder: read(5) has to
    # decode the whole file, which must happen off the loop.
    p = tmp_path / "f"
    _cached_file(p, b"\xff" * (32 * MiB) + b"hello")
    if errors == "ignore":
        kwargs: dict[str, Any] = {"encoding": "utf-8", "errors": "ignore"}
        expected = "hello"
    else:  # a codec the engine knows no bound for, bytes that all decode
        kwargs = {"encoding": "cp1252", "errors": "ignore"}
        expected = "ÿÿÿÿÿ"
    async with aiofiles.open(p, "r", **kwargs) as f:
        before = _thread_rchar()
        start = time.thread_time()
        got = await f.read(5)
        cpu = time.thread_time() - start
        on_loop = _thread_rchar() - before
    assert got == expected
    assert on_loop < 4 * MiB, f"{on_loop} bytes read on the loop thread"
    assert cpu < 0.25, f"{cpu:.3f} s of loop-thread CPU for read(5)"


async def test_random_4k_reads_read_about_what_the_blocking_file_reads(
    tmp_path: Path,
) -> None:
    # 1,000 x (seek, read 4 KiB) at random offsets of a cached 32 MiB file: the
    # bytes all threads read from the OS, against the blocking file's, give or
    # take one buffer per read.
    p = tmp_path / "f"
    data = random.Random(1).randbytes(32 * MiB)
    _cached_file(p, data)
    offsets = [random.Random(2).randrange(0, len(data) - 4096) for _ in range(1000)]

    with open(p, "rb") as bf:
        bufsize = _buffer_size(bf)
        before = _process_rchar()
        for off in offsets:
            bf.seek(off)
            bf.read(4096)
        blocking = _process_rchar() - before

    async with aiofiles.open(p, "rb") as f:
        before = _process_rchar()
        for off in offsets:
            await f.seek(off)
            assert await f.read(4096) == data[off : off + 4096]
        ours = _process_rchar() - before
    # (the process count includes a small read of /proc/self/io itself)
    allowed = blocking + len(offsets) * bufsize + 64 * 1024
    assert ours <= allowed, (
        f"{ours} bytes read from the OS; the blocking file read {blocking} "
        f"(buffer {bufsize}): allowed {allowed}"
    )


async def test_large_sequential_reads_read_what_the_blocking_file_reads(
    tmp_path: Path,
) -> None:
    # 1 MiB reads go off the loop, and so will the next ones: the worker must
    # not also read ahead for the loop (a third more copying, for nothing).
    p = tmp_path / "f"
    data = random.Random(3).randbytes(16 * MiB)
    _cached_file(p, data)
    with open(p, "rb") as bf:
        before = _process_rchar()
        while bf.read(MiB):
            pass
        blocking = _process_rchar() - before
    got = bytearray()
    async with aiofiles.open(p, "rb") as f:
        before = _process_rchar()
        while chunk := await f.read(MiB):
            got += chunk
        ours = _process_rchar() - before
    assert got == data
    # (give or take a probe at the end of the file and reads of /proc/self/io;
    # looking ahead after each read would read 8 MiB more)
    allowed = blocking + 256 * 1024
    assert ours <= allowed, f"read {ours} bytes from the OS, blocking {blocking}"


async def test_small_reads_after_a_large_one_are_served_on_the_loop(
    tmp_path: Path,
) -> None:
    # The large read went off the loop; the small reads after it probe the
    # page cache themselves and need no thread.
    p = tmp_path / "f"
    data = b"".join(b"line %d\n" % i for i in range(200_000))
    _cached_file(p, data)
    pool = _executor.get_pool()
    async with aiofiles.open(p, "rb") as f:
        head = await f.read(MiB)
        jobs = pool.statistics().jobs_done
        lines = [await f.readline() for _ in range(100)]
        small = [await f.read(10) for _ in range(100)]
        assert pool.statistics().jobs_done == jobs, "a small read went off the loop"
    rest = data[MiB:]
    assert head == data[:MiB]
    assert b"".join(lines) + b"".join(small) == rest[: len(b"".join(lines)) + 1000]


def _buffer_size(buffered: Any) -> int:
    return int(buffered.__sizeof__()) - type(buffered).__basicsize__


async def test_a_proc_file_read_does_not_turn_the_cache_probe_off_for_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # /proc refuses RWF_NOWAIT; other file systems still answer it. 100 cached
    # small files, each opened, read once and closed, need no thread at all.
    files = []
    for i in range(100):
        q = tmp_path / f"small{i}"
        _cached_file(q, b"%d" % i * 100)
        files.append(q)
    async with aiofiles.open(files[0], "rb") as f:
        assert await f.read(50) == b"0" * 50
    for mode in ("rb", "r"):
        async with aiofiles.open("/proc/self/status", mode) as proc:
            assert "Name:" in str(await proc.read(100))
    with _hops(monkeypatch) as hops:
        for i, q in enumerate(files):
            async with aiofiles.open(q, "rb") as f:
                assert await f.read(50) == (b"%d" % i * 50)[:50]
    assert hops[0] <= 5, f"{hops[0]} of 100 cached small files went off the loop"


async def test_two_tasks_sharing_a_file_stay_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "f"
    data = bytes(range(256)) * 400  # 100 KiB
    _cached_file(p, data)
    pieces: list[bytes] = []
    async with aiofiles.open(p, "rb") as f:
        assert await f.read(50) == data[:50]

        async def reader() -> None:
            for _ in range(500):
                pieces.append(await f.read(50))
                await asyncio.sleep(0)

        with _hops(monkeypatch) as hops:
            await asyncio.gather(reader(), reader())
    assert b"".join(pieces) == data[50 : 50 + 50 * 1000]
    assert hops[0] <= 50, f"{hops[0]} of 1,000 shared cached reads went off the loop"


async def test_two_tasks_appending_to_one_file_stay_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "log"
    async with aiofiles.open(p, "wb") as f:

        async def writer(tag: bytes) -> None:
            for i in range(500):
                await f.write(tag + b"%04d\n" % i)
                await asyncio.sleep(0)

        with _hops(monkeypatch) as hops:
            await asyncio.gather(writer(b"a"), writer(b"b"))
    lines = p.read_bytes().splitlines()
    assert sorted(lines) == sorted(
        [b"a%04d" % i for i in range(500)] + [b"b%04d" % i for i in range(500)]
    )
    assert hops[0] <= 50, f"{hops[0]} of 1,000 shared small writes went off the loop"


async def test_a_lease_held_by_another_process_does_not_block_the_loop(
    tmp_path: Path,
) -> None:
    import fcntl

    if not hasattr(fcntl, "F_SETLEASE"):
        pytest.skip("no file leases on this platform")
    p = tmp_path / "leased"
    _cached_file(p, b"leased data")
    holder = _lease_holder(p)
    try:
        assert holder.stdout is not None
        ready = await asyncio.get_running_loop().run_in_executor(
            None, holder.stdout.readline
        )
        if ready.startswith("no lease"):
            pytest.skip(f"this file system gives no write lease: {ready.strip()}")
        assert ready == "ready\n"
        async with _ticker() as gap:
            start = time.perf_counter()
            async with aiofiles.open(p, "rb") as f:
                assert await f.read() == b"leased data"
            waited = time.perf_counter() - start
        rest = await asyncio.get_running_loop().run_in_executor(
            None, holder.stdout.read
        )
    finally:
        holder.kill()
        holder.wait()
    assert "broken" in rest  # the open really waited for the lease
    assert waited >= 0.5
    assert gap[0] < 0.5, f"the loop was held {gap[0]:.3f} s by the open"


def _lease_holder(path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", _LEASE_HOLDER, str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )


_LEASE_HOLDER = r"""
import fcntl, os, signal, sys, time
broken = []
signal.signal(signal.SIGIO, lambda *a: broken.append(1))
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_WRLCK)
except OSError as exc:
    print("no lease", exc, flush=True)
    sys.exit(0)
print("ready", flush=True)
deadline = time.monotonic() + 20
while not broken and time.monotonic() < deadline:
    time.sleep(0.005)
print("broken" if broken else "never broken", flush=True)
time.sleep(1.0)  # the lease holder takes its time to let go
fcntl.fcntl(fd, fcntl.F_SETLEASE, fcntl.F_UNLCK)
"""


async def test_closing_an_unlinked_file_does_not_run_on_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The last close of an unlinked file frees its pages: that can take long.
    p = tmp_path / "big"
    _cached_file(p, b"b" * (64 * MiB))
    f = await aiofiles.open(p, "rb")
    assert await f.read(10) == b"b" * 10
    os.unlink(p)
    with _hops(monkeypatch) as hops:
        await f.close()
    assert f.closed
    assert hops[0] >= 1, "the last close of an unlinked file ran on the loop"


async def test_a_fifo_swapped_in_after_the_path_check_is_not_opened_on_the_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not _fastpath.enabled:
        pytest.skip("no cached path look-ups on this kernel")
    p = tmp_path / "f"
    _cached_file(p, b"regular")
    real = _fastpath.cached_stat

    def then_swap(path: Any, *args: Any, **kwargs: Any) -> Any:
        st = real(path, *args, **kwargs)
        if os.fspath(path) == os.fspath(p):  # a FIFO replaces the file, now
            os.unlink(p)
            os.mkfifo(p)
        return st

    monkeypatch.setattr(_fastpath, "cached_stat", then_swap)
    ticks = [0]
    opened = threading.Event()

    def writer() -> None:
        # Opens the other end once the loop has ticked 20 times after the open
        # began, or after DEADLINE (a loop blocked in open() never ticks).
        deadline = time.monotonic() + DEADLINE
        while ticks[0] < 20 and time.monotonic() < deadline:
            time.sleep(0.001)
        with open(p, "wb") as w:
            w.write(b"from the fifo")
        opened.set()

    async def tick() -> None:
        while not opened.is_set():
            await asyncio.sleep(0.001)
            ticks[0] += 1

    ticker = asyncio.ensure_future(tick())
    await asyncio.sleep(0)
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    ticks[0] = 0
    async with aiofiles.open(p, "rb") as f:
        seen = ticks[0]
        assert await f.read() == b"from the fifo"
    await ticker
    thread.join(DEADLINE)
    assert seen >= 20, "the loop did not run while the FIFO's open waited"


# -- Nothing lost ----------------------------------------------------------------------


@needs_x86_64
async def test_a_cancelled_stdin_readline_loses_no_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    r, w = os.pipe()
    stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(r, "rb")), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    try:
        task = asyncio.ensure_future(aiofiles.stdin.readline())
        await _until(lambda: _a_thread_blocks_reading(r), "the read to block")
        task.cancel()
        os.write(w, b"line one\nline two\n")
        with pytest.raises(asyncio.CancelledError):
            await task
        got = await asyncio.wait_for(aiofiles.stdin.readline(), DEADLINE)
        assert got == "line one\n"
        assert await asyncio.wait_for(aiofiles.stdin.readline(), DEADLINE) == (
            "line two\n"
        )
    finally:
        os.close(w)
        stdin.close()


@needs_x86_64
async def test_an_unbuffered_pipe_returns_what_a_cancelled_read_took(
    tmp_path: Path,
) -> None:
    r, w = os.pipe()
    async with aiofiles.open(r, "rb", buffering=0) as f:
        try:
            task = asyncio.ensure_future(f.read(100))
            await _until(lambda: _a_thread_blocks_reading(r), "the read to block")
            task.cancel()
            os.write(w, b"hello")
            with pytest.raises(asyncio.CancelledError):
                await task
            # Like one read(2) of the pipe: what is there, without waiting.
            assert await asyncio.wait_for(f.read(100), 2.0) == b"hello"
        finally:
            os.close(w)  # (an engine that still waits in the pipe gets EOF)


async def test_an_update_text_file_cancelled_read_after_a_write_keeps_the_position(
    tmp_path: Path,
) -> None:
    # read (off the loop), write, then a read cancelled in flight: the file must
    # end as the blocking file leaves it with that read either made or not.
    p = tmp_path / "f"
    text = "".join(f"{i:07d}\n" for i in range(400_000))  # 3.2 MB
    p.write_text(text)

    def blocking(read_again: bool) -> str:
        q = tmp_path / ("a" if read_again else "b")
        q.write_text(text)
        with open(q, "r+") as bf:
            bf.read(1_000_000)
            bf.write("W")
            if read_again:
                bf.read(1_000_000)
            bf.write("Z")
        return q.read_text()

    async with aiofiles.open(p, "r+") as f:
        assert await f.read(1_000_000) == text[:1_000_000]
        await f.write("W")
        task = asyncio.ensure_future(f.read(1_000_000))
        await asyncio.sleep(0)  # the read is on its way off the loop
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert await f.tell() >= 1_000_001
        await f.write("Z")
    assert p.read_text() in (blocking(True), blocking(False))


async def test_a_file_with_its_own_executor_undoes_a_cancelled_read(
    tmp_path: Path,
) -> None:
    p = tmp_path / "f"
    data = random.Random(3).randbytes(4 * MiB)
    p.write_bytes(data)
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        async with aiofiles.open(p, "rb", executor=pool) as f:
            for _ in range(5):
                task = asyncio.ensure_future(f.read(2 * MiB))
                await asyncio.sleep(0)
                task.cancel()
                with pytest.raises(asyncio.CancelledError):
                    await task
            assert await f.tell() == 0
            assert await f.read() == data


@pytest.mark.parametrize("mode", ["wb", "w"])
async def test_writelines_of_a_failing_generator_writes_what_came_before(
    tmp_path: Path, mode: str
) -> None:
    p = tmp_path / "f"
    a, b = (b"a", b"b") if mode == "wb" else ("a", "b")

    def lines() -> Iterator[Any]:
        yield a
        yield b
        raise LookupError("third")

    async with aiofiles.open(p, mode) as f:
        with pytest.raises(LookupError, match="third"):
            await f.writelines(lines())
    assert p.read_bytes() == b"ab"


async def test_an_update_text_file_puts_written_text_where_the_blocking_file_does(
    tmp_path: Path,
) -> None:
    # Text written, then lines and a long read: the next write lands where the
    # blocking file puts it (the text layer keeps written text pending).
    text = "".join(f"line {i} \u00e9\u20ac\n" for i in range(60_000))
    calls = [("write", "\u00e9\u20ac\u00e9\u20ac\n"), ("readline",), ("read", 300_000)]
    calls += [("write", "END"), ("seek", 0), ("read", 20), ("write", "MID")]
    q = tmp_path / "blocking"
    q.write_text(text, encoding="utf-8")
    want = []
    # (Python 3.13+ decodes from the middle of a character after the seek:
    # the outcomes, errors included, must be the blocking file's.)
    with open(q, "r+", encoding="utf-8") as bf:
        for name, *args in calls:
            try:
                want.append(("ok", getattr(bf, name)(*args)))
            except Exception as exc:
                want.append(("err", type(exc), str(exc)))
    p = tmp_path / "f"
    p.write_text(text, encoding="utf-8")
    got = []
    async with aiofiles.open(p, "r+", encoding="utf-8") as f:
        for name, *args in calls:
            try:
                got.append(("ok", await getattr(f, name)(*args)))
            except Exception as exc:
                got.append(("err", type(exc), str(exc)))
    assert got == want
    assert p.read_bytes() == q.read_bytes()


_WRITE_AND_RETURN = r"""
import asyncio, sys
import aiofiles

async def main():
    f = await aiofiles.open(sys.argv[1], "wb")
    asyncio.ensure_future(f.write(b"x" * (256 * 1024 * 1024)))
    await asyncio.sleep(0.01)

asyncio.run(main())
"""


def test_a_write_still_running_when_asyncio_run_returns_is_not_cut_short(
    tmp_path: Path,
) -> None:
    p = tmp_path / "f"
    env = dict(os.environ)
    src = os.path.dirname(os.path.dirname(os.path.abspath(aiofiles.__file__)))
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    subprocess.run(
        [sys.executable, "-c", _WRITE_AND_RETURN, str(p)],
        check=True,
        env=env,
        timeout=60,
    )
    assert p.stat().st_size == 256 * 1024 * 1024


# -- KeyboardInterrupt at any moment of a paused read ---------------------------------


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("kind", ["asyncio", "uvloop"])
def test_a_keyboard_interrupt_while_a_read_waits_for_the_loop_never_keeps_the_turn(
    tmp_path: Path, kind: str
) -> None:
    # The default SIGINT handler raises KeyboardInterrupt in the loop thread
    # where CPython checks for signals: when a function starts or a coroutine
    # resumes. Raise it at each such point of a read that waits for the loop's
    # budget, one run per point; the file must then still close (its turn was
    # released).
    p = tmp_path / "f"
    data = random.Random(4).randbytes(8 * MiB)
    _cached_file(p, data)

    def run(at: int) -> tuple[int, bool]:
        """Interrupt at the ``at``-th point (-1: never); return the number of
        points the read passed and whether the file's turn was kept."""
        loop = new_loop(kind)
        lines = [0]

        def global_(frame: Any, event: str, arg: Any) -> Any:
            # "call": a function of the library starts or a coroutine of it
            # resumes, where CPython checks for pending signals.
            # (Not in the budget's refill, a callback the loop itself runs:
            # an interrupt there ends run_until_complete with the paused task
            # still waiting, and asyncio.run() would then cancel it.)
            if (
                event == "call"
                and "aiofiles" in frame.f_code.co_filename
                and frame.f_code.co_name != "_refill"
            ):
                lines[0] += 1
                if lines[0] == at:
                    sys.settrace(None)
                    raise KeyboardInterrupt
            return None

        async def paused_read(f: Any) -> bytes:
            await f.read(64 * 1024)
            await asyncio.sleep(0)  # a fresh budget, the window known
            # Cached reads that return without suspending, back to back in
            # one step: they use up the loop's budget, so the next read waits
            # for the refill, holding the file's turn.
            while _budget_left() > 0:
                await f.read(4096)
            sys.settrace(global_)
            try:
                return bytes(await f.read(100))
            finally:
                sys.settrace(None)

        try:
            f = loop.run_until_complete(aiofiles.open(p, "rb"))
            try:
                loop.run_until_complete(paused_read(f))
            except KeyboardInterrupt:
                pass
            finally:
                sys.settrace(None)
            closing = asyncio.wait_for(f.close(), DEADLINE)
            try:
                loop.run_until_complete(closing)
            except asyncio.TimeoutError:  # (TimeoutError on 3.11+)
                kept = True
            else:
                kept = False
                assert f.closed
                loop.run_until_complete(asyncio.sleep(0.01))  # orphans finish
        finally:
            loop.close()
            f = None
            gc.collect()  # what a kept turn left behind goes now, not later
        return lines[0], kept

    total, kept = run(-1)
    assert total > 5
    assert not kept
    for at in range(1, total + 1):
        _, kept = run(at)
        assert not kept, f"a KeyboardInterrupt at point {at} kept the turn"


# -- One file from several loops -------------------------------------------------------


def test_one_file_used_from_four_loops_in_four_threads_does_not_hang(
    tmp_path: Path,
) -> None:
    p = tmp_path / "f"
    data = b"0123456789" * 100_000
    _cached_file(p, data)
    home = asyncio.new_event_loop()
    f = home.run_until_complete(aiofiles.open(p, "rb"))
    outcomes: list[Any] = []
    start = threading.Barrier(4)

    def use() -> None:
        async def reads() -> None:
            for _ in range(50):
                await f.seek(0)
                await f.read(300_000)  # (large: goes off the loop)

        start.wait()
        try:
            asyncio.run(reads())
            outcomes.append("done")
        except RuntimeError as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=use, daemon=True) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(DEADLINE)
    try:
        assert not any(t.is_alive() for t in threads), "a loop hung on the file"
        assert len(outcomes) == 4
        for o in outcomes:
            assert o == "done" or "loop" in str(o), o
        # The file still works in the loop it was opened in.
        home.run_until_complete(asyncio.wait_for(f.seek(0), DEADLINE))
        assert home.run_until_complete(asyncio.wait_for(f.read(), DEADLINE)) == data
        home.run_until_complete(asyncio.wait_for(f.close(), DEADLINE))
    finally:
        home.close()


# -- Wrong argument types --------------------------------------------------------------


def _blocking_error(fn: Callable[[], Any]) -> BaseException:
    try:
        fn()
    except BaseException as exc:  # (any error: it is what we compare)
        return exc
    raise AssertionError("the blocking call did not raise")


@pytest.mark.parametrize("mode", ["rb", "r", "r+b", "r+"])
@pytest.mark.parametrize("method", ["read", "readline", "readlines"])
async def test_a_size_of_the_wrong_type_raises_the_blocking_files_error(
    tmp_path: Path, mode: str, method: str
) -> None:
    p = tmp_path / "f"
    _cached_file(p, b"0123456789\n" * 100)
    with open(p, mode) as bf:
        expected = _blocking_error(lambda: getattr(bf, method)("5"))
    async with aiofiles.open(p, mode) as f:
        with pytest.raises(type(expected)) as got:
            await getattr(f, method)("5")
    assert str(got.value) == str(expected)


@pytest.mark.parametrize("mode", ["wb", "w", "ab", "a"])
@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("read", ()),
        ("read", (5,)),
        ("read", ("5",)),
        ("readline", ()),
        ("readlines", ()),
    ],
)
async def test_reading_a_write_only_file_raises_unsupported_operation(
    tmp_path: Path, mode: str, name: str, args: tuple[Any, ...]
) -> None:
    p = tmp_path / "f"
    with open(tmp_path / "g", mode) as bf:
        expected = _blocking_error(lambda: getattr(bf, name)(*args))
    async with aiofiles.open(p, mode) as f:
        with pytest.raises(type(expected)) as got:
            await getattr(f, name)(*args)
    assert str(got.value) == str(expected)


@pytest.mark.parametrize("mode", [["r"], b"r", 5, None])
async def test_a_mode_of_the_wrong_type_raises_the_blocking_open_error(
    tmp_path: Path, mode: Any
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"x")
    expected = _blocking_error(lambda: open(p, mode))
    with pytest.raises(type(expected)) as got:
        await aiofiles.open(p, mode)
    assert str(got.value) == str(expected)
