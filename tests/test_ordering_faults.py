"""Ordering of concurrent calls on one file, and I/O faults.

* Many tasks calling one shared file object run one at a time in call order:
  1,000 appended records come out intact and in order; concurrent reads get
  disjoint consecutive chunks in call order.
* Faults (ENOSPC on ``/dev/full``, EFBIG under ``RLIMIT_FSIZE``, EACCES under a
  dropped uid, EISDIR, ENOENT, a descriptor closed underneath) surface as the
  blocking file's exception (type, errno, message) at the same call of the same
  sequence; afterwards the loop, the pool and other files keep working.
"""

from __future__ import annotations

import asyncio
import errno
import os
import subprocess
import sys
import textwrap
from typing import Any

import pytest

import aiofiles
from aiofiles._executor import get_pool

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")


def evict(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def outcome(fn: Any) -> tuple[Any, ...]:
    try:
        return ("ok", fn())
    except Exception as exc:
        return ("raise", type(exc), getattr(exc, "errno", None), str(exc))


async def aoutcome(coro: Any) -> tuple[Any, ...]:
    try:
        return ("ok", await coro)
    except Exception as exc:
        return ("raise", type(exc), getattr(exc, "errno", None), str(exc))


async def still_works(tmp: Any) -> None:
    """The loop, the pool and another file all work after a fault."""
    before = get_pool().statistics().jobs_done
    p = os.path.join(str(tmp), "other")
    async with aiofiles.open(p, "w") as f:
        await f.write("fine\n")
        await f.flush()
    async with aiofiles.open(p) as f:
        assert await f.read() == "fine\n"
    await asyncio.sleep(0)
    st = get_pool().statistics()
    assert st.jobs_done > before
    assert st.backlog == 0


# -- ordering ------------------------------------------------------------------------


def gather_quietly(*aws: Any) -> Any:
    """``asyncio.gather`` with the loop's debug mode off while the tasks are made.

    Debug mode records a traceback for every new task, which makes creating 1,000
    tasks take most of a second: that would be the test's stall, not the library's.
    """
    loop = asyncio.get_running_loop()
    debug = loop.get_debug()
    loop.set_debug(False)
    try:
        return asyncio.gather(*aws)
    finally:
        loop.set_debug(debug)


def record(i: int) -> bytes:
    size = [0, 10, 100, 5000, 70000, 300_000][i % 6] if i % 97 == 0 else (i * 7) % 200
    return b"<%06d|" % i + bytes([65 + i % 26]) * size + b">\n"


@pytest.mark.parametrize("mode", ["ab", "ab+", "a", "wb", "rb+"])
async def test_thousand_appenders_in_call_order(
    loop_kind: str, tmp_path: Any, mode: str
) -> None:
    p = tmp_path / "log"
    p.write_bytes(b"")
    recs = [record(i) for i in range(1000)]
    text = "b" not in mode
    f = await aiofiles.open(p, mode, **({"encoding": "ascii"} if text else {}))
    try:
        calls: list[Any] = []
        for i in range(1000):
            r: Any = recs[i].decode() if text else recs[i]
            if i % 250 == 125:
                calls.append(f.flush())  # a call of its own between two writes
            if i % 333 == 1:
                calls.append(f.writelines([r[:3], r[3:]]))
            else:
                calls.append(f.write(r))
        await gather_quietly(*calls)
    finally:
        await f.close()
    got = p.read_bytes()
    assert got == b"".join(recs), "records out of order, torn or lost"


@pytest.mark.parametrize("cold", [False, True], ids=["cached", "evicted"])
@pytest.mark.parametrize("mode", ["rb", "r", "rb0"])
async def test_concurrent_reads_in_call_order(
    loop_kind: str, tmp_path: Any, mode: str, cold: bool
) -> None:
    data = b"".join(b"%07d\n" % i for i in range(60_000))  # 480 kB, 8-byte records
    p = tmp_path / "f"
    p.write_bytes(data)
    if cold:
        await asyncio.to_thread(evict, str(p))
    buffering = 0 if mode.endswith("0") else -1
    async with aiofiles.open(p, mode.rstrip("0"), buffering=buffering) as f:
        sizes = [8 * (1 + (i * 37) % 500) for i in range(300)]
        sizes[17] = 300_000 // 8 * 8  # one off-loop read in the middle
        chunks = await gather_quietly(*(f.read(n) for n in sizes))
        lines = await gather_quietly(*(f.readline() for _ in range(50)))
    pos = 0
    for i, (n, c) in enumerate(zip(sizes, chunks, strict=False)):
        raw = c.encode() if isinstance(c, str) else c
        assert raw == data[pos : pos + n], f"read #{i} got the wrong chunk"
        pos += len(raw)
    for line in lines:
        raw = line.encode() if isinstance(line, str) else line
        assert raw == data[pos : pos + len(raw)] and (not raw or raw.endswith(b"\n"))
        pos += len(raw)


async def test_mixed_ops_from_many_tasks_in_call_order(
    loop_kind: str, tmp_path: Any
) -> None:
    """seek/read/write/tell from many tasks: each sees the file as if run in call order."""
    p = tmp_path / "f"
    p.write_bytes(bytes(range(256)) * 64)
    model = bytearray(p.read_bytes())
    async with aiofiles.open(p, "rb+") as f:
        expected: list[Any] = []
        tasks: list[Any] = []
        pos = 0
        for i in range(400):
            k = i % 4
            if k == 0:
                off = (i * 131) % len(model)
                tasks.append(f.seek(off))
                pos = off
                expected.append(off)
            elif k == 1:
                tasks.append(f.read(5))
                expected.append(bytes(model[pos : pos + 5]))
                pos += len(expected[-1])
            elif k == 2:
                b = bytes([i % 256]) * 3
                tasks.append(f.write(b))
                model[pos : pos + 3] = b
                pos += 3
                expected.append(3)
            else:
                tasks.append(f.tell())
                expected.append(pos)
        got = await gather_quietly(*tasks)
    assert got == expected
    assert p.read_bytes() == bytes(model)


# -- faults: the same exception at the same call -------------------------------------------------


def _run_sequence_sync(
    path: str, mode: str, kw: dict[str, Any], ops: list[Any], pre: Any = None
) -> list[Any]:
    out: list[Any] = []
    f = open(path, mode, **kw)
    if pre:
        pre(f)
    for op, *args in ops:
        if op == "fdclose":
            out.append(outcome(lambda: os.close(f.fileno())))
        elif op == "closed":
            out.append(("ok", f.closed))
        else:
            out.append(outcome(lambda op=op, args=args: getattr(f, op)(*args)))
    try:
        f.close()
    except Exception:
        pass
    return out


async def _run_sequence_async(
    path: str, mode: str, kw: dict[str, Any], ops: list[Any]
) -> list[Any]:
    out: list[Any] = []
    f = await aiofiles.open(path, mode, **kw)
    for op, *args in ops:
        if op == "fdclose":
            out.append(outcome(lambda: os.close(f.fileno())))
        elif op == "closed":
            out.append(("ok", f.closed))
        else:
            out.append(await aoutcome(getattr(f, op)(*args)))
    try:
        await f.close()
    except Exception:
        pass
    return out


DEV_FULL_CASES = [
    (
        "wb",
        {},
        [
            ("write", b"x" * 10),
            ("flush",),
            ("write", b"y" * 10000),
            ("tell",),
            ("close",),
            ("closed",),
        ],
    ),
    (
        "wb",
        {"buffering": 0},
        [("write", b"x" * 10), ("write", b""), ("flush",), ("close",)],
    ),
    (
        "wb",
        {"buffering": 16},
        [("write", b"x" * 10), ("write", b"y" * 10), ("write", b"z"), ("close",)],
    ),
    (
        "w",
        {},
        [
            ("write", "abc"),
            ("write", "d" * 9000),
            ("flush",),
            ("writelines", ["a", "b"]),
            ("close",),
            ("write", "x"),
        ],
    ),
    ("w", {"buffering": 1}, [("write", "no newline"), ("write", "line\n"), ("close",)]),
    ("rb+", {}, [("write", b"x"), ("read", 5), ("flush",), ("close",)]),
]


@pytest.mark.parametrize("case", range(len(DEV_FULL_CASES)))
async def test_enospc_dev_full_like_blocking(
    loop_kind: str, tmp_path: Any, case: int
) -> None:
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    mode, kw, ops = DEV_FULL_CASES[case]
    want = _run_sequence_sync("/dev/full", mode, kw, ops)
    got = await _run_sequence_async("/dev/full", mode, kw, ops)
    assert got == want
    assert any(o[0] == "raise" and o[2] == errno.ENOSPC for o in want)
    await still_works(tmp_path)


async def test_eisdir_enoent_like_blocking(loop_kind: str, tmp_path: Any) -> None:
    cases = [
        (str(tmp_path), "r"),
        (str(tmp_path), "rb"),
        (str(tmp_path), "w"),
        (str(tmp_path), "ab+"),
        (str(tmp_path / "missing"), "r"),
        (str(tmp_path / "missing" / "x"), "w"),
        (str(tmp_path / "missing"), "rb+"),
        ("", "r"),
        (str(tmp_path), "x"),
    ]
    for path, mode in cases:
        want = outcome(lambda path=path, mode=mode: open(path, mode).close())
        got = await aoutcome(aiofiles.open(path, mode))
        if got[0] == "ok":
            await got[1].close()
            got = ("ok", None)
        assert got == want, (path, mode)
    await still_works(tmp_path)


FD_CLOSED_CASES = [
    (
        "rb",
        [
            ("read", 10),
            ("fdclose",),
            ("read", 10),
            ("read", 100000),
            ("tell",),
            ("seek", 0),
            ("close",),
            ("closed",),
        ],
    ),
    (
        "r",
        [
            ("readline",),
            ("fdclose",),
            ("readline",),
            ("read",),
            ("close",),
            ("closed",),
        ],
    ),
    (
        "wb",
        [
            ("write", b"x"),
            ("fdclose",),
            ("write", b"y" * 10000),
            ("flush",),
            ("close",),
            ("closed",),
            ("write", b"z"),
        ],
    ),
    (
        "wb",
        [
            ("write", b"x"),
            ("fdclose",),
            ("close",),
            ("closed",),
            ("write", b"z"),
            ("flush",),
        ],
    ),
    (
        "w",
        [
            ("write", "x"),
            ("fdclose",),
            ("write", "y" * 10000),
            ("tell",),
            ("close",),
            ("write", "z"),
        ],
    ),
    ("ab", [("write", b"x" * 100), ("fdclose",), ("tell",), ("close",), ("closed",)]),
    ("rb+", [("write", b"x"), ("fdclose",), ("read", 3), ("close",), ("closed",)]),
]


@pytest.mark.parametrize(
    "case",
    list(range(len(FD_CLOSED_CASES))),
)
async def test_descriptor_closed_underneath_like_blocking(
    loop_kind: str, tmp_path: Any, case: int
) -> None:
    mode, ops = FD_CLOSED_CASES[case]
    p1, p2 = tmp_path / "s", tmp_path / "a"
    for p in (p1, p2):
        p.write_bytes(b"line one\nline two\n" * 1000)
    want = _run_sequence_sync(str(p1), mode, {}, ops)
    got = await _run_sequence_async(str(p2), mode, {}, ops)
    assert got == want
    assert p2.read_bytes() == p1.read_bytes()
    await still_works(tmp_path)


# -- faults that need a subprocess: EFBIG (a file-size limit) and EACCES (a dropped uid) ------------

_SUBPROCESS_PRELUDE = """
import asyncio, errno, os, resource, signal, sys
sys.path.insert(0, {src!r})
import aiofiles
def outcome(fn):
    try:
        return ("ok", fn())
    except Exception as exc:
        return ("raise", type(exc).__name__, getattr(exc, "errno", None), str(exc))
async def aoutcome(coro):
    try:
        return ("ok", await coro)
    except Exception as exc:
        return ("raise", type(exc).__name__, getattr(exc, "errno", None), str(exc))
"""


def run_script(body: str, tmp: Any) -> str:
    script = _SUBPROCESS_PRELUDE.format(src=SRC) + textwrap.dedent(body)
    r = subprocess.run(
        [sys.executable, "-c", script],
        cwd=str(tmp),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return r.stdout


@pytest.mark.parametrize(
    "mode",
    ["wb", "w", "wb0", "ab", "rb+"],
)
def test_efbig_file_size_limit_like_blocking(tmp_path: Any, mode: str) -> None:
    out = run_script(
        f"""
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))
        mode = {mode!r}
        buffering = 0 if mode.endswith("0") else -1
        mode = mode.rstrip("0")
        text = "b" not in mode
        recs = [(("%05d" % i) * 20 + "\\n") for i in range(300)]  # 101 chars each
        if not text:
            recs = [r.encode() for r in recs]
        for p in ("s", "a"):
            open(p, "wb").close()
        res_s, res_a = [], []
        f = open("s", mode, buffering=buffering)
        for r in recs:
            res_s.append(outcome(lambda: f.write(r)))
        res_s.append(outcome(f.flush))
        res_s.append(outcome(f.tell))
        res_s.append(outcome(f.close))
        async def main():
            g = await aiofiles.open("a", mode, buffering=buffering)
            for r in recs:
                res_a.append(await aoutcome(g.write(r)))
            res_a.append(await aoutcome(g.flush()))
            res_a.append(await aoutcome(g.tell()))
            res_a.append(await aoutcome(g.close()))
            async with aiofiles.open("small", "w") as h:  # the library still works
                await h.write("ok")
        asyncio.run(main())
        first = lambda res: next((i for i, o in enumerate(res) if o[0] == "raise"), None)
        print("FIRST", first(res_s), first(res_a))
        print("EQUAL", res_s == res_a)
        for i, (x, y) in enumerate(zip(res_s, res_a)):
            if x != y:
                print("DIFF", i, x, y)
                break
        print("SIZES", os.path.getsize("s"), os.path.getsize("a"))
        print("SMALL", open("small").read())
        """,
        tmp_path,
    )
    assert "SMALL ok" in out
    first_line = next(line for line in out.splitlines() if line.startswith("FIRST"))
    assert first_line.split()[1] != "None", (
        "the blocking file never saw EFBIG: limit not applied"
    )
    assert "EQUAL True" in out, out
    sizes = next(line for line in out.splitlines() if line.startswith("SIZES")).split()
    assert sizes[1] == sizes[2], out


def test_eacces_under_a_dropped_uid_like_blocking(tmp_path: Any) -> None:
    if os.geteuid() != 0:
        pytest.skip("the test drops root to get EACCES; it is not running as root")
    os.chmod(tmp_path, 0o777)
    locked = tmp_path / "locked"
    locked.write_text("secret")
    os.chmod(locked, 0o000)
    ro = tmp_path / "ro"
    ro.write_text("read only")
    os.chmod(ro, 0o444)
    (tmp_path / "rodir").mkdir()
    os.chmod(tmp_path / "rodir", 0o555)
    out = run_script(
        """
        os.setgid(65534)
        os.setuid(65534)
        cases = [("locked", "r"), ("locked", "wb"), ("ro", "w"), ("ro", "a"), ("ro", "rb+"),
                 ("rodir/x", "w"), ("rodir/x", "xb")]
        async def main():
            bad = []
            for path, mode in cases:
                want = outcome(lambda path=path, mode=mode: open(path, mode).close())
                got = await aoutcome(aiofiles.open(path, mode))
                if got[0] == "ok":
                    await got[1].close()
                    got = ("ok", None)
                if got != want:
                    bad.append((path, mode, want, got))
                if want[0] == "raise":
                    print("RAISED", path, mode, want[2])
            async with aiofiles.open("ro") as f:
                assert await f.read() == "read only"
            print("BAD", bad)
        asyncio.run(main())
        """,
        tmp_path,
    )
    assert "BAD []" in out, out
    assert "RAISED locked r 13" in out, out


async def test_eio_injected_at_the_os_layer_falls_back(
    loop_kind: str, tmp_path: Any, monkeypatch: Any
) -> None:
    """The page-cache probe failing with EIO must not break reads: the blocking path decides."""
    import aiofiles._fileio as fileio

    real = os.preadv

    def failing_preadv(*args: Any) -> int:
        raise OSError(errno.EIO, "Input/output error (injected)")

    p = tmp_path / "f"
    p.write_bytes(b"abc\n" * 50_000)
    monkeypatch.setattr(fileio.os, "preadv", failing_preadv)
    try:
        async with aiofiles.open(p, "rb") as f:
            assert await f.read(4) == b"abc\n"
            assert await f.readline() == b"abc\n"
            n = 0
            async for _ in f:
                n += 1
            assert n == 50_000 - 2
    finally:
        monkeypatch.setattr(fileio.os, "preadv", real)
    await still_works(tmp_path)
