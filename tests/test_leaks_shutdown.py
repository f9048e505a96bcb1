"""No leaks, and nothing lost at shutdown, after fork, or with two loops at once.

* Thousands of open/read/write/close cycles with random cancellations leave the
  process's descriptors and threads as they were (threads: beyond the pool's idle
  workers, which ``aiofiles._executor.get_pool().statistics()`` reports).
* An unclosed file warns ``ResourceWarning`` exactly like the blocking file, and
  data its ``write()`` accepted reaches the disk once the object is collected.
* ``asyncio.run()`` returning with writes queued or in flight loses nothing.
* A forked child can use the library; two loops in two threads can use it at once.
"""

from __future__ import annotations

import asyncio
import gc
import os
import random
import subprocess
import sys
import textwrap
import threading
import warnings
from typing import Any

import pytest

import aiofiles
import aiofiles.tempfile
from aiofiles._executor import get_pool

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
# Cycles of the first test on asyncio (half of them on uvloop and in the tempfile
# test). Each cycle draws its kind of use and its cancellation point (none, or
# after 0-7 loop turns) at random: 600 cover every pair about ten times. Raise it
# for a soak run.
CYCLES = int(os.environ.get("AIOFILES_LEAK_CYCLES", "600"))


def fds() -> set[str]:
    return set(os.listdir("/proc/self/fd"))


async def settle(rounds: int = 500) -> None:
    for _ in range(rounds):
        await asyncio.sleep(0.002)
        st = get_pool().statistics()
        if st.idle == st.workers and st.backlog == 0:
            break
    for _ in range(3):
        await asyncio.sleep(0)


def extra_threads() -> int:
    """Threads alive beyond the pool's workers."""
    return threading.active_count() - get_pool().statistics().workers


# -- leaks under random cancellation -----------------------------------------------------


@pytest.fixture
def cycle_files(tmp_path: Any) -> list[str]:
    """Eight files for the cycles to open, made before the loop starts."""
    paths = [str(tmp_path / f"f{i}") for i in range(8)]
    for p in paths:
        with open(p, "wb") as w:
            w.write(os.urandom(300_000) if p.endswith("0") else b"line\n" * 2000)
    return paths


async def test_cycles_with_random_cancellations_leak_nothing(
    loop_kind: str, cycle_files: list[str], young_gc: None
) -> None:
    rng = random.Random(1234)
    paths = cycle_files
    await settle()
    gc.collect()
    base_fds, base_threads = fds(), extra_threads()
    outcomes = {"done": 0, "cancelled": 0}

    async def cycle(i: int) -> None:
        p = paths[i % len(paths)]
        style = i % 4
        if style == 0:
            async with aiofiles.open(p, "rb") as f:
                await f.read(rng.choice([10, 5000, 280_000]))
                await f.readline()
        elif style == 1:
            f = await aiofiles.open(p, "r+b")
            try:
                await f.seek(rng.randrange(0, 1000))
                await f.write(b"w" * rng.choice([1, 100, 10_000]))
                await f.flush()
            finally:
                await f.close()
        elif style == 2:
            async with aiofiles.open(p + ".w", "w") as f:
                for _ in range(rng.randrange(1, 20)):
                    await f.write("text\n")
        else:
            async with aiofiles.open(p, "rb") as f:
                async for _ in f:
                    pass

    cycles = CYCLES if loop_kind == "asyncio" else CYCLES // 2  # CI time
    for i in range(cycles):
        task = asyncio.ensure_future(cycle(i))
        if rng.random() < 0.6:
            for _ in range(rng.randrange(0, 8)):
                await asyncio.sleep(0)
            task.cancel()
        try:
            await task
            outcomes["done"] += 1
        except asyncio.CancelledError:
            outcomes["cancelled"] += 1
    await settle()
    gc.collect()
    await settle()
    leaked = fds() - base_fds
    assert not leaked, (
        f"{len(leaked)} descriptors leaked after {cycles} cycles ({outcomes})"
    )
    assert extra_threads() <= base_threads, (
        "threads beyond the pool's workers were left behind"
    )
    st = get_pool().statistics()
    assert st.backlog == 0 and st.idle == st.workers <= st.max_workers
    assert outcomes["cancelled"] > cycles // 4 and outcomes["done"] > cycles // 4


async def test_cycles_of_tempfiles_with_cancellations_leak_nothing(
    loop_kind: str, tmp_path: Any, young_gc: None
) -> None:
    rng = random.Random(99)
    d = tmp_path / "t"
    d.mkdir()
    await settle()
    base = fds()
    kinds = [
        "TemporaryFile",
        "NamedTemporaryFile",
        "SpooledTemporaryFile",
        "TemporaryDirectory",
    ]

    async def cycle(i: int) -> None:
        kind = kinds[i % 4]
        ctor = getattr(aiofiles.tempfile, kind)
        kw: dict[str, Any] = {"dir": str(d)}
        if kind == "SpooledTemporaryFile":
            kw["max_size"] = 10
        async with ctor(**kw) as f:
            if kind != "TemporaryDirectory":
                await f.write(b"0123456789abcdef")
                await f.seek(0)
                await f.read()

    for i in range(CYCLES // 2):  # 4 kinds x 8 cancellation points
        task = asyncio.ensure_future(cycle(i))
        for _ in range(rng.randrange(0, 8)):
            await asyncio.sleep(0)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
    await settle()
    gc.collect()
    await settle()
    assert fds() == base
    assert os.listdir(d) == []


# -- unclosed files: ResourceWarning and the data reaches the disk -----------------------------


@pytest.mark.parametrize("mode", ["w", "wb", "ab", "r+", "rb+", "wb0", "a"])
async def test_unclosed_file_warns_and_keeps_its_data(
    loop_kind: str, tmp_path: Any, mode: str, young_gc: None
) -> None:
    buffering = 0 if mode.endswith("0") else -1
    mode = mode.rstrip("0")
    text = "b" not in mode
    data: Any = "0123456789" * 100 if text else b"0123456789" * 100
    ps, pa = tmp_path / "s", tmp_path / "a"
    for p in (ps, pa):
        p.write_bytes(b"")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        s = open(ps, mode, buffering=buffering)
        for _ in range(5):
            s.write(data)
        del s
        gc.collect()
        a = await aiofiles.open(pa, mode, buffering=buffering)
        for _ in range(5):
            await a.write(data)
        del a
        # The step that opened the file ran inside the Handle that woke the task
        # with open()'s future, which holds the blocking file until the task
        # yields: let it yield before collecting.
        await asyncio.sleep(0)
        gc.collect()
    rw = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert len(rw) == 2, rw
    assert rw[1] == rw[0].replace(str(ps), str(pa)), rw
    assert pa.read_bytes() == ps.read_bytes() and len(ps.read_bytes()) == 5000


# -- asyncio.run() returning: nothing lost -----------------------------------------------------


def _run_script(body: str, cwd: Any) -> subprocess.CompletedProcess[str]:
    prelude = f"import asyncio, gc, os, sys, threading, time\nsys.path.insert(0, {SRC!r})\nimport aiofiles\n"
    return subprocess.run(
        [
            sys.executable,
            "-W",
            "ignore::ResourceWarning",
            "-c",
            prelude + textwrap.dedent(body),
        ],
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("mode", ["w", "wb", "ab", "r+b"])
def test_asyncio_run_returning_with_unflushed_writes_loses_nothing(
    tmp_path: Any, mode: str
) -> None:
    (tmp_path / "f").write_bytes(b"")
    r = _run_script(
        f"""
        text = "b" not in {mode!r}
        async def main():
            f = await aiofiles.open("f", {mode!r})
            for i in range(3000):
                rec = "%06d\\n" % i
                await f.write(rec if text else rec.encode())
            # no flush, no close: the object dies with this frame
        asyncio.run(main())
        gc.collect()
        print("SIZE", os.path.getsize("f"))
        """,
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert "SIZE 21000" in r.stdout, r.stdout + r.stderr
    assert (tmp_path / "f").read_bytes() == b"".join(b"%06d\n" % i for i in range(3000))


@pytest.mark.parametrize("what", ["flush", "big-write", "close", "write-behind-flush"])
def test_asyncio_run_returning_with_writes_in_flight_loses_nothing(
    tmp_path: Any, what: str
) -> None:
    (tmp_path / "f").write_bytes(b"")
    r = _run_script(
        f"""
        what = {what!r}
        keep = []
        accepted = []
        async def main():
            f = await aiofiles.open("f", "r+b" if what == "big-write" else "wb")
            keep.append(f)
            await f.write(b"A" * 1000)
            accepted.append(1000)
            if what == "flush":
                asyncio.ensure_future(f.flush())
            elif what == "big-write":
                asyncio.ensure_future(f.write(b"B" * 3_000_000))
            elif what == "close":
                asyncio.ensure_future(f.close())
            else:
                asyncio.ensure_future(f.flush())
                await asyncio.sleep(0)
                t = asyncio.ensure_future(f.write(b"C" * 100))
            await asyncio.sleep(0)  # the job is now in a worker (or queued behind one)
        asyncio.run(main())
        time.sleep(0.3)
        f = keep.pop()
        del f
        gc.collect()
        print("SIZE", os.path.getsize("f"))
        """,
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    size = int(r.stdout.split("SIZE")[1].split()[0])
    data = (tmp_path / "f").read_bytes()
    assert data[:1000] == b"A" * 1000, f"{what}: accepted data lost (size {size})"
    if what == "big-write":
        assert size in (1000, 3_001_000), (
            size
        )  # the write ran to completion or not at all
    if what == "write-behind-flush":
        assert size in (1000, 1100), size


def test_interpreter_exit_right_after_asyncio_run_loses_nothing(tmp_path: Any) -> None:
    r = _run_script(
        """
        async def main():
            f = await aiofiles.open("f", "wb")
            for i in range(10000):
                await f.write(b"%07d\\n" % i)
            g = await aiofiles.open("g", "w")
            await g.write("x" * 100_000)
            global keep
            keep = (f, g)  # alive until interpreter shutdown
        asyncio.run(main())
        """,
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "f").read_bytes() == b"".join(
        b"%07d\n" % i for i in range(10000)
    )
    assert (tmp_path / "g").read_bytes() == b"x" * 100_000


# -- fork and two loops ---------------------------------------------------------------------------------


def test_forked_child_can_use_the_library(tmp_path: Any) -> None:
    if not hasattr(os, "fork"):
        pytest.skip("no fork")
    r = _run_script(
        """
        import warnings
        import aiofiles.os
        warnings.simplefilter("ignore", DeprecationWarning)  # fork with threads, 3.12+
        async def use(tag):
            async with aiofiles.open(tag, "w") as f:
                await f.write(tag * 1000)
            async with aiofiles.open(tag) as f:
                assert await f.read() == tag * 1000
            assert (await aiofiles.os.stat(tag)).st_size == 1000
        async def parent_busy():
            f = await aiofiles.open("big", "wb")
            job = asyncio.ensure_future(f.write(b"z" * 5_000_000))  # a worker is busy
            await asyncio.sleep(0)
            pid = os.fork()
            if pid == 0:
                try:
                    asyncio.run(asyncio.wait_for(use("c"), 20))
                    os._exit(0)
                except BaseException as e:
                    print("child failed", repr(e), flush=True)
                    os._exit(1)
            await job
            await f.close()
            return pid
        asyncio.run(use("p"))
        pid = asyncio.run(parent_busy())
        _, status = os.waitpid(pid, 0)
        print("CHILD", os.waitstatus_to_exitcode(status))
        asyncio.run(use("q"))
        print("PARENT ok")
        """,
        tmp_path,
    )
    assert r.returncode == 0, r.stderr
    assert "CHILD 0" in r.stdout, r.stdout + r.stderr
    assert "PARENT ok" in r.stdout
    assert (tmp_path / "c").read_text() == "c" * 1000


def test_two_loops_in_two_threads_at_once(tmp_path: Any) -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        uvloop = None
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)
    shared = tmp_path / "shared"
    shared.write_bytes(b"".join(b"%07d\n" % i for i in range(50_000)))

    async def work(tag: str) -> None:
        barrier.wait(10)
        p = tmp_path / tag
        async with aiofiles.open(p, "w") as f:
            for i in range(2000):
                await f.write(f"{tag}{i}\n")
        async with aiofiles.open(p) as f:
            lines = [line async for line in f]
        assert lines == [f"{tag}{i}\n" for i in range(2000)]
        async with aiofiles.open(shared, "rb") as f:
            got = await asyncio.gather(*(f.read(8) for _ in range(3000)))
        assert got == [b"%07d\n" % i for i in range(3000)]
        async with aiofiles.tempfile.TemporaryFile() as t:
            await t.write(b"x" * 300_000)
            await t.seek(0)
            assert len(await t.read()) == 300_000

    def thread(tag: str, use_uvloop: bool) -> None:
        try:
            if use_uvloop and uvloop is not None:
                loop = uvloop.new_event_loop()
                try:
                    loop.run_until_complete(work(tag))
                finally:
                    loop.close()
            else:
                asyncio.run(work(tag))
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=thread, args=("a", False)),
        threading.Thread(target=thread, args=("b", True)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
