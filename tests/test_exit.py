"""Interpreter exit: nothing in flight is lost, nothing blocked for ever holds it up.

Each test runs a script in a fresh interpreter: the script starts work through
the public API, lets ``asyncio.run()`` (or ``uvloop.run()``) return while that
work is still running, and exits; the parent then checks the result on disk, or
that the interpreter ended in time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

SRC = str(Path(__file__).resolve().parents[1] / "src")
SIZE = 64 * 1024 * 1024  # large enough to be still in flight when the loop closes
PATTERN = b"0123456789abcdef"

PRELUDE = f"""\
import asyncio, os, sys, threading, time
sys.path.insert(0, {SRC!r})
import aiofiles, aiofiles.os, aiofiles.pathlib, aiofiles.shutil

def run(main):
    if sys.argv[1] == "uvloop":
        import uvloop
        return uvloop.run(main())
    return asyncio.run(main())

def size(path):
    try:
        return os.stat(path).st_size
    except FileNotFoundError:
        return 0

async def started(path):
    # the job is running once the destination grows
    deadline = time.monotonic() + 30
    while size(path) == 0:
        assert time.monotonic() < deadline, "the job never started"
        await asyncio.sleep(0.0005)

DATA = {PATTERN!r} * ({SIZE} // {len(PATTERN)})
"""


def _run(
    body: str, cwd: Any, loop: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-W",
            "ignore::ResourceWarning",
            "-c",
            PRELUDE + textwrap.dedent(body),
            loop,
        ],
        cwd=str(cwd),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


_STARTS = {
    "write": """
        f = await aiofiles.open("out", "wb")
        KEEP.append(f)
        task = asyncio.ensure_future(f.write(DATA))
    """,
    "copyfile": """
        task = asyncio.ensure_future(aiofiles.shutil.copyfile("src", "out"))
    """,
    "write_bytes": """
        task = asyncio.ensure_future(aiofiles.pathlib.Path("out").write_bytes(DATA))
    """,
}


@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
@pytest.mark.parametrize("ending", ["cancelled", "abandoned"])
@pytest.mark.parametrize("kind", sorted(_STARTS))
def test_work_in_flight_when_the_loop_returns_completes_before_exit(
    tmp_path: Path, kind: str, ending: str, loop: str
) -> None:
    """A write, copy or write_bytes still running when ``asyncio.run`` returns
    reaches the disk whole before the interpreter exits."""
    expected = PATTERN * (SIZE // len(PATTERN))
    if kind == "copyfile":
        (tmp_path / "src").write_bytes(expected)
    start = textwrap.indent(textwrap.dedent(_STARTS[kind]), "    ")
    r = _run(
        f"""
KEEP = []
async def main():
{start}
    await started("out")
    if {ending == "cancelled"!r}:
        task.cancel()
    assert size("out") < {SIZE}, "finished too early to test anything"
run(main)
""",
        tmp_path,
        loop,
    )
    assert r.returncode == 0, r.stderr
    got = (tmp_path / "out").read_bytes()
    assert len(got) == SIZE
    assert got == expected


@pytest.mark.skipif(
    sys.version_info[:2] == (3, 12),
    reason="Python 3.12 starts no thread once the interpreter is shutting down",
)
@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
def test_work_abandoned_by_a_thread_that_outlives_main_completes(
    tmp_path: Path, loop: str
) -> None:
    """A thread that keeps running after the main thread ended (so after the
    interpreter began to shut down) and abandons a write: it still completes."""
    r = _run(
        """
def worker():
    # The pool gets an idle thread now: 3.12 starts no thread at shutdown.
    run(lambda: aiofiles.os.listdir("."))  # imports uvloop too, while it can
    warm.set()
    deadline = time.monotonic() + 30
    while threading.main_thread().is_alive():  # main has finished: exit is under way
        assert time.monotonic() < deadline
        time.sleep(0.001)
    async def main():
        f = await aiofiles.open("out", "wb")
        KEEP.append(f)
        asyncio.ensure_future(f.write(DATA))
        await started("out")
        assert size("out") < len(DATA), "finished too early to test anything"
    run(main)
KEEP = []
warm = threading.Event()
threading.Thread(target=worker).start()
warm.wait()
""",
        tmp_path,
        loop,
    )
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr, r.stderr
    assert (tmp_path / "out").read_bytes() == PATTERN * (SIZE // len(PATTERN))


_BLOCKED = {
    # no writer: the open waits for one for ever
    "open": """
        task = asyncio.ensure_future(aiofiles.open("fifo", "rb"))
    """,
    # the same where the kernel cannot tell on the loop that it is a FIFO
    # (no openat2, or the path not in its caches)
    "open_unknown_kind": """
        import aiofiles._fastpath
        aiofiles._fastpath.enabled = False
        task = asyncio.ensure_future(aiofiles.open("fifo", "rb"))
    """,
    # a writer that never writes (held by this process): the read waits for ever
    "read": """
        KEEP.append(os.open("fifo", os.O_RDWR))
        f = await aiofiles.open("fifo", "rb")
        KEEP.append(f)
        task = asyncio.ensure_future(f.read(10))
    """,
    # a terminal nobody types into: the copy waits for ever
    "copy_tty": """
        master, slave = os.openpty()
        KEEP.extend([master, slave])
        task = asyncio.ensure_future(aiofiles.shutil.copyfile(os.ttyname(slave), "out"))
    """,
}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
@pytest.mark.parametrize("loop", ["asyncio", "uvloop"])
@pytest.mark.parametrize("ending", ["cancelled", "abandoned"])
@pytest.mark.parametrize("kind", sorted(_BLOCKED))
def test_a_call_blocked_for_ever_does_not_hold_up_exit(
    tmp_path: Path, kind: str, ending: str, loop: str
) -> None:
    os.mkfifo(tmp_path / "fifo")
    os.stat(tmp_path / "fifo")
    start = textwrap.indent(textwrap.dedent(_BLOCKED[kind]), "    ")
    r = _run(
        f"""
import glob
KEEP = []
def blocked_in_the_kernel():
    for task in glob.glob("/proc/self/task/*/wchan"):
        try:
            with open(task) as w:
                where = w.read()
        except OSError:
            continue
        if "partner" in where or "pipe" in where or "woken" in where:
            return True
    return False
async def main():
{start}
    deadline = time.monotonic() + 30
    while not blocked_in_the_kernel():
        assert time.monotonic() < deadline, "no thread ever blocked"
        await asyncio.sleep(0.001)
    assert not task.done()
    if {ending == "cancelled"!r}:
        task.cancel()
    print("returning", flush=True)
run(main)
""",
        tmp_path,
        loop,
        timeout=60,
    )
    # A hang would show as subprocess.TimeoutExpired above.
    assert r.returncode == 0, r.stderr
    assert r.stdout == "returning\n"
