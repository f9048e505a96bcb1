"""Behaviour of aiofiles 25.1 that a drop-in must reproduce, from the contract.

Most checks are differential: the same operation runs on a blocking file from
``builtins.open`` and on our async object, and results (values or exception type,
errno and message) must be identical.
"""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures
import errno as errno_mod
import inspect
import io
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

import aiofiles
import aiofiles.base
import aiofiles.threadpool
from aiofiles.base import AsyncBase, AsyncIndirectBase
from aiofiles.threadpool import binary, text
from aiofiles.threadpool.utils import (
    cond_delegate_to_executor,
    delegate_to_executor,
    proxy_method_directly,
    proxy_property_directly,
)

try:
    import uvloop
except ImportError:  # pragma: no cover
    uvloop = None

CONTENT = b"first line\nsecond\r\nthird\rfourth w\xc3\xb6rd\n\nlast no newline"

# ---------------------------------------------------------------------------
# open(): laziness, sync_open, loop/executor, the context manager
# ---------------------------------------------------------------------------


async def test_open_does_nothing_until_awaited(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "new"
    cm = aiofiles.open(p, "w")
    await asyncio.sleep(0.05)  # give any eager background work a chance to run
    assert not p.exists()
    f = await cm
    assert p.exists()
    await f.close()


async def test_open_does_nothing_until_entered(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "new"
    cm = aiofiles.open(p, "x")
    await asyncio.sleep(0.05)
    assert not p.exists()
    async with cm as f:
        assert p.exists()
        await f.write("x")
    assert p.read_text() == "x"


async def test_sync_open_not_called_before_await(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_text("data")
    with mock.patch("aiofiles.threadpool.sync_open", side_effect=builtins.open) as m:
        cm = aiofiles.open(p)
        await asyncio.sleep(0.01)
        assert m.call_count == 0
        f = await cm
        assert m.call_count == 1
        await f.close()


async def test_sync_open_exact_call_defaults(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("data")
    with mock.patch("aiofiles.threadpool.sync_open", side_effect=builtins.open) as m:
        async with aiofiles.open(p) as f:
            assert await f.read() == "data"
    m.assert_called_once_with(
        p,
        mode="r",
        buffering=-1,
        encoding=None,
        errors=None,
        newline=None,
        closefd=True,
        opener=None,
    )
    args, kwargs = m.call_args
    assert args == (p,)
    assert list(kwargs) == [
        "mode",
        "buffering",
        "encoding",
        "errors",
        "newline",
        "closefd",
        "opener",
    ] or sorted(kwargs) == sorted(
        ["mode", "buffering", "encoding", "errors", "newline", "closefd", "opener"]
    )


async def test_sync_open_exact_call_all_arguments_positional(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"data")

    def opener(path: str, flags: int) -> int:
        return os.open(path, flags)

    with mock.patch("aiofiles.threadpool.sync_open", side_effect=builtins.open) as m:
        async with aiofiles.open(str(p), "rb", 0, None, None, None, True, opener) as f:
            assert type(f) is binary.AsyncFileIO
            assert await f.read() == b"data"
    m.assert_called_once_with(
        str(p),
        mode="rb",
        buffering=0,
        encoding=None,
        errors=None,
        newline=None,
        closefd=True,
        opener=opener,
    )


async def test_sync_open_exact_call_keywords(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    with mock.patch("aiofiles.threadpool.sync_open", side_effect=builtins.open) as m:
        async with aiofiles.open(
            file=p,
            mode="w",
            buffering=1,
            encoding="latin-1",
            errors="strict",
            newline="\r\n",
        ) as f:
            await f.write("x\n")
    m.assert_called_once_with(
        p,
        mode="w",
        buffering=1,
        encoding="latin-1",
        errors="strict",
        newline="\r\n",
        closefd=True,
        opener=None,
    )
    assert p.read_bytes() == b"x\r\n"


async def test_sync_open_looked_up_at_every_call(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_text("data")
    for _ in range(3):
        with mock.patch(
            "aiofiles.threadpool.sync_open", side_effect=builtins.open
        ) as m:
            async with aiofiles.open(p):
                pass
            async with aiofiles.open(p):
                pass
        assert m.call_count == 2
    # unpatched again: the real builtins.open is used
    async with aiofiles.open(p) as f:
        assert await f.read() == "data"


async def test_sync_open_return_value_is_wrapped(
    tmp_path: Path, loop_kind: str
) -> None:
    sync = io.BytesIO(b"in memory")
    with mock.patch("aiofiles.threadpool.sync_open", return_value=sync):
        async with aiofiles.open("does-not-matter", "rb") as f:
            assert type(f) is binary.AsyncBufferedIOBase
            assert f._file is sync
            assert await f.read() == b"in memory"
    assert sync.closed


async def test_loop_none_stores_running_loop(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    loop = asyncio.get_running_loop()
    async with aiofiles.open(p) as f:
        assert f._loop is loop
        assert f._executor is None


async def test_explicit_loop_and_executor_are_stored(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        async with aiofiles.open(p, loop=loop, executor=ex) as f:
            assert f._loop is loop
            assert f._executor is ex
            assert await f.read() == "x"


class _RecordingBytesIO(io.BytesIO):
    """A BytesIO (dispatched to AsyncBufferedIOBase) that records threads used."""

    def __init__(self, *a: Any) -> None:
        super().__init__(*a)
        self.threads: dict[str, set[str]] = {}

    def _rec(self, name: str) -> None:
        self.threads.setdefault(name, set()).add(threading.current_thread().name)

    def read(self, *a: Any) -> bytes:
        self._rec("read")
        return super().read(*a)

    def write(self, b: Any) -> int:
        self._rec("write")
        return super().write(b)

    def seek(self, *a: Any) -> int:
        self._rec("seek")
        return super().seek(*a)

    def __exit__(self, *exc: Any) -> None:
        self._rec("__exit__")
        return super().__exit__(*exc)

    def close(self) -> None:
        self._rec("close")
        return super().close()


async def test_explicit_executor_is_honoured_for_every_call(loop_kind: str) -> None:
    sync = _RecordingBytesIO()
    open_threads: list[str] = []

    def fake_open(*a: Any, **kw: Any) -> io.BytesIO:
        open_threads.append(threading.current_thread().name)
        return sync

    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="h4mine") as ex:
        with mock.patch("aiofiles.threadpool.sync_open", side_effect=fake_open):
            async with aiofiles.open("x", "wb+", executor=ex) as f:
                await f.write(b"abc")
                await f.seek(0)
                assert await f.read() == b"abc"
    assert open_threads and all(t.startswith("h4mine") for t in open_threads)
    for name in ("write", "seek", "read", "__exit__"):
        assert sync.threads.get(name), (name, sync.threads)
        assert all(t.startswith("h4mine") for t in sync.threads[name]), (
            name,
            sync.threads,
        )


async def test_io_runs_off_the_loop_thread(tmp_path: Path, loop_kind: str) -> None:
    sync = _RecordingBytesIO(b"abc")
    loop_thread = threading.current_thread().name
    with mock.patch("aiofiles.threadpool.sync_open", return_value=sync):
        async with aiofiles.open("x", "rb") as f:
            assert await f.read() == b"abc"
            await f.write(b"d")
    assert loop_thread not in sync.threads["read"]
    assert loop_thread not in sync.threads["write"]
    assert loop_thread not in sync.threads["__exit__"]


@pytest.mark.parametrize("mode", ["r", "rb", "w", "rb+", "a"])
@pytest.mark.parametrize("buffering", [-1, 0])
async def test_patched_sync_open_runs_off_the_loop_thread(
    tmp_path: Path, mode: str, buffering: int, loop_kind: str
) -> None:
    # sync_open is user code once patched (slow wrappers, mocks with side effects):
    # 25.1 always calls it in the executor. (upstream test_slow_file relies on it.)
    if buffering == 0 and "b" not in mode:
        mode += "b"
    p = tmp_path / "f"
    p.write_text("x\n")
    threads: list[str] = []

    def recording_open(*a: Any, **kw: Any) -> Any:
        threads.append(threading.current_thread().name)
        return builtins.open(*a, **kw)

    loop_thread = threading.current_thread().name
    with mock.patch("aiofiles.threadpool.sync_open", side_effect=recording_open):
        async with aiofiles.open(p, mode, buffering=buffering):
            pass
    assert len(threads) == 1
    assert threads[0] != loop_thread


async def test_await_twice_returns_same_object(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    cm = aiofiles.open(p)
    f1 = await cm
    f2 = await cm
    assert f1 is f2
    assert cm._obj is f1
    await f1.close()


async def test_async_with_closes_and_clears_obj(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    cm = aiofiles.open(p)
    async with cm as f:
        assert not f.closed
        assert not f._file.closed
        assert cm._obj is f
    assert f._file.closed
    assert f.closed
    assert cm._obj is None


async def test_async_with_calls_file_exit_with_exception_info(
    tmp_path: Path, loop_kind: str
) -> None:
    # spec=io.BytesIO makes the mock dispatch like a BytesIO (AsyncBufferedIOBase)
    sync = mock.MagicMock(spec=io.BytesIO)
    sync.__exit__.return_value = True  # even a suppressing __exit__ must not suppress
    err = KeyError("boom")
    with mock.patch("aiofiles.threadpool.sync_open", return_value=sync):
        with pytest.raises(KeyError):
            async with aiofiles.open("x", "rb"):
                raise err
    sync.__exit__.assert_called_once()
    exc_type, exc, tb = sync.__exit__.call_args[0]
    assert exc_type is KeyError
    assert exc is err
    assert tb is not None


async def test_async_with_exit_without_exception(loop_kind: str) -> None:
    sync = mock.MagicMock(spec=io.BytesIO)
    with mock.patch("aiofiles.threadpool.sync_open", return_value=sync):
        async with aiofiles.open("x", "rb") as f:
            assert f._file is sync
    sync.__exit__.assert_called_once_with(None, None, None)


async def test_exception_in_block_propagates_and_closes(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    holder = []
    with pytest.raises(ZeroDivisionError):
        async with aiofiles.open(p) as f:
            holder.append(f)
            1 / 0
    assert holder[0]._file.closed


async def test_cancel_inside_block_still_closes(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    holder: list[Any] = []
    entered = asyncio.Event()

    async def worker() -> None:
        async with aiofiles.open(p) as f:
            holder.append(f)
            entered.set()
            await asyncio.sleep(30)

    task = asyncio.ensure_future(worker())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert holder[0]._file.closed


async def test_cancel_during_io_inside_block_still_closes(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"x" * 1000)
    holder: list[Any] = []

    async def worker() -> None:
        async with aiofiles.open(p, "rb") as f:
            holder.append(f)
            while True:
                await f.seek(0)
                await f.read()

    task = asyncio.ensure_future(worker())
    for _ in range(20):
        await asyncio.sleep(0.001)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert holder[0]._file.closed


# ---------------------------------------------------------------------------
# Errors identical to builtins.open
# ---------------------------------------------------------------------------


def _exc_sig(e: BaseException) -> tuple[Any, ...]:
    return (type(e), getattr(e, "errno", None), str(e))


def _error_cases(tmp: Path) -> list[tuple[str, tuple[Any, ...], dict[str, Any]]]:
    existing = tmp / "existing"
    existing.write_text("x")
    d = tmp / "adir"
    d.mkdir(exist_ok=True)
    missing = tmp / "missing" / "deeper"
    return [
        ("bad-mode-z", (existing, "z"), {}),
        ("bad-mode-rw", (existing, "rw"), {}),
        ("bad-mode-rbt", (existing, "rbt"), {}),
        ("bad-mode-empty", (existing, ""), {}),
        ("bad-mode-double-plus", (existing, "r++"), {}),
        ("binary-encoding", (existing, "rb"), {"encoding": "utf-8"}),
        ("binary-errors", (existing, "rb"), {"errors": "strict"}),
        ("binary-newline", (existing, "rb"), {"newline": ""}),
        ("unbuffered-text", (existing, "r"), {"buffering": 0}),
        ("bad-newline", (existing, "r"), {"newline": "bad"}),
        ("unknown-encoding", (existing, "r"), {"encoding": "no-such-codec"}),
        ("missing-file", (tmp / "nope.txt",), {}),
        ("missing-dir", (missing, "w"), {}),
        ("directory", (d,), {}),
        ("directory-write", (d, "w"), {}),
        ("x-existing", (existing, "x"), {}),
        ("xb-existing", (existing, "xb"), {}),
        ("bad-file-type", (1.5,), {}),
        ("bad-fd", (987654,), {}),
        ("closefd-false-name", (existing,), {"closefd": False}),
        ("bad-mode-type", (existing, 5), {}),
        ("bad-buffering-type", (existing, "r"), {"buffering": "x"}),
        ("null-byte", (str(existing) + "\0",), {}),
    ]


_ERROR_IDS = [
    "bad-mode-z",
    "bad-mode-rw",
    "bad-mode-rbt",
    "bad-mode-empty",
    "bad-mode-double-plus",
    "binary-encoding",
    "binary-errors",
    "binary-newline",
    "unbuffered-text",
    "bad-newline",
    "unknown-encoding",
    "missing-file",
    "missing-dir",
    "directory",
    "directory-write",
    "x-existing",
    "xb-existing",
    "bad-file-type",
    "bad-fd",
    "closefd-false-name",
    "bad-mode-type",
    "bad-buffering-type",
    "null-byte",
]


@pytest.mark.parametrize("case", _ERROR_IDS)
async def test_errors_identical_to_builtin_open(
    tmp_path: Path, case: str, loop_kind: str
) -> None:
    cases = {c[0]: c for c in _error_cases(tmp_path)}
    _, args, kwargs = cases[case]
    with pytest.raises(BaseException) as expected:
        f = builtins.open(*args, **kwargs)
        f.close()
    cm = aiofiles.open(*args, **kwargs)  # must not raise before await
    with pytest.raises(BaseException) as got:
        f2 = await cm
        await f2.close()
    assert _exc_sig(got.value) == _exc_sig(expected.value)
    # the same through `async with`
    with pytest.raises(BaseException) as got2:
        async with aiofiles.open(*args, **kwargs):
            pass
    assert _exc_sig(got2.value) == _exc_sig(expected.value)


async def test_error_messages_from_contract(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    with pytest.raises(ValueError, match=r"^invalid mode: 'z'$"):
        await aiofiles.open(p, "z")
    with pytest.raises(
        ValueError, match=r"^binary mode doesn't take an encoding argument$"
    ):
        await aiofiles.open(p, "rb", encoding="utf-8")
    with pytest.raises(FileNotFoundError) as ei:
        await aiofiles.open(tmp_path / "missing")
    assert ei.value.errno == errno_mod.ENOENT
    assert ei.value.filename == tmp_path / "missing" or ei.value.filename == str(
        tmp_path / "missing"
    )
    with pytest.raises(IsADirectoryError):
        await aiofiles.open(tmp_path)
    with pytest.raises(FileExistsError):
        await aiofiles.open(p, "x")


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores permissions"
)
async def test_permission_error_identical(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    p.chmod(0)
    with pytest.raises(PermissionError) as expected:
        builtins.open(p)
    with pytest.raises(PermissionError) as got:
        await aiofiles.open(p)
    assert _exc_sig(got.value) == _exc_sig(expected.value)


async def test_failed_open_leaks_no_descriptor(tmp_path: Path, loop_kind: str) -> None:
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.exists():
        pytest.skip("no /proc")
    before = len(os.listdir(fd_dir))
    for _ in range(20):
        with pytest.raises(FileNotFoundError):
            await aiofiles.open(tmp_path / "missing")
        with pytest.raises(ValueError):
            await aiofiles.open(tmp_path / "missing", "rb", encoding="utf-8")
    after = len(os.listdir(fd_dir))
    assert after <= before + 2


# ---------------------------------------------------------------------------
# Differential: every method in every mode family vs the blocking file
# ---------------------------------------------------------------------------

BUFFERED_CORO = {
    "close", "flush", "isatty", "read", "read1", "readinto", "readline", "readlines",
    "seek", "seekable", "tell", "truncate", "writable", "write", "writelines",
}  # fmt: skip
FILEIO_CORO = {
    "close", "flush", "isatty", "read", "readall", "readinto", "readline", "readlines",
    "seek", "seekable", "tell", "truncate", "writable", "write", "writelines",
}  # fmt: skip
TEXT_CORO = {
    "close", "flush", "isatty", "read", "readable", "readline", "readlines", "seek",
    "seekable", "tell", "truncate", "writable", "write", "writelines",
}  # fmt: skip

SPEC: dict[type, tuple[set[str], set[str], set[str]]] = {
    binary.AsyncBufferedIOBase: (
        BUFFERED_CORO,
        {"detach", "fileno", "readable"},
        {"closed", "mode", "name", "raw"},
    ),
    binary.AsyncBufferedReader: (
        BUFFERED_CORO | {"peek"},
        {"detach", "fileno", "readable"},
        {"closed", "mode", "name", "raw"},
    ),
    binary.AsyncFileIO: (
        FILEIO_CORO,
        {"fileno", "readable"},
        {"closed", "mode", "name"},
    ),
    text.AsyncTextIOWrapper: (
        TEXT_CORO,
        {"detach", "fileno"},
        {
            "buffer",
            "closed",
            "encoding",
            "errors",
            "line_buffering",
            "mode",
            "name",
            "newlines",
        },
    ),
}

Op = tuple  # (name, *args)  args may be callables producing fresh values

BINARY_SCRIPT: list[Op] = [
    ("readable",),
    ("writable",),
    ("seekable",),
    ("isatty",),
    ("closed",),
    ("mode",),
    ("name",),
    ("raw",),
    ("fileno",),
    ("tell",),
    ("read", 3),
    ("tell",),
    ("read1", 2),
    ("peek", 1),
    ("readline",),
    ("tell",),
    ("readinto", lambda: bytearray(4)),
    ("readline", 3),
    ("readlines", 5),
    ("read1",),
    ("readlines",),
    ("read",),
    ("read", 5),
    ("read1", 5),
    ("readline",),
    ("seek", 0),
    ("readlines",),
    ("seek", 0),
    ("read", -1),
    ("seek", 3),
    ("readall",),
    ("seek", 0, 2),
    ("tell",),
    ("seek", -3, 2),
    ("seek", 2, 1),
    ("seek", -1),
    ("tell",),
    ("write", b"XYZ"),
    ("tell",),
    ("writelines", lambda: [b"1\n", b"2", bytearray(b"3\n")]),
    ("writelines", lambda: (x for x in [b"gen\n"])),
    ("flush",),
    ("tell",),
    ("seek", 0),
    ("read",),
    ("write", "not bytes"),
    ("truncate", 4),
    ("tell",),
    ("seek", 0),
    ("read",),
    ("seek", 2),
    ("truncate",),
    ("seek", 0),
    ("readinto", lambda: bytearray(10)),
    ("write", memoryview(b"mv")),
    ("seek", 0),
    ("read",),
    ("truncate", 100),
    ("seek", 0, 2),
    ("tell",),
    ("seek", 0),
    ("peek", 1),
    ("read", 0),
    ("readline", 0),
    ("closed",),
]

TEXT_SCRIPT: list[Op] = [
    ("readable",),
    ("writable",),
    ("seekable",),
    ("isatty",),
    ("closed",),
    ("mode",),
    ("name",),
    ("encoding",),
    ("errors",),
    ("line_buffering",),
    ("newlines",),
    ("buffer",),
    ("fileno",),
    ("tell",),
    ("read", 3),
    ("readline",),
    ("tell",),
    ("readline", 2),
    ("readline", -1),
    ("readlines", 5),
    ("newlines",),
    ("read",),
    ("read",),
    ("readline",),
    ("seek", 0),
    ("readlines",),
    ("newlines",),
    ("seek", 0),
    ("read", -1),
    ("seek", 0, 2),
    ("tell",),
    ("seek", 3, 1),
    ("seek", 0, 1),
    ("seek", -1),
    ("write", "h\u00e9llo\r\nw\u00f6rld\n"),
    ("tell",),
    ("writelines", lambda: ["a\n", "b", "c\r"]),
    ("writelines", lambda: (x for x in ["gen\n"])),
    ("flush",),
    ("tell",),
    ("seek", 0),
    ("read",),
    ("write", b"bytes"),
    ("truncate", 5),
    ("seek", 0),
    ("read",),
    ("seek", 2),
    ("truncate",),
    ("tell",),
    ("seek", 0),
    ("read",),
    ("newlines",),
    ("closed",),
]

TEXT_MODES = ["r", "r+", "w", "w+", "a", "a+", "x", "x+"]
BINARY_MODES = ["rb", "rb+", "wb", "wb+", "ab", "ab+", "xb", "xb+"]
TEXT_VARIANTS: list[dict[str, Any]] = [
    {"encoding": "utf-8"},
    {"encoding": "latin-1", "errors": "replace"},
    {"encoding": "utf-8", "newline": ""},
    {"encoding": "utf-8", "newline": "\r\n"},
    {"encoding": "ascii", "errors": "surrogateescape", "newline": "\n"},
    {"encoding": "utf-8", "buffering": 1},
    {"encoding": "utf-8", "buffering": 5},
]


def _outcome_exc(e: BaseException) -> tuple[Any, ...]:
    return ("raised", type(e), getattr(e, "errno", None), str(e))


def _normalise(name: str, value: Any, fobj: Any, buf: Any) -> Any:
    if name in ("raw", "buffer"):
        return ("object", type(value).__name__)
    if name == "fileno":
        return ("fd", isinstance(value, int))
    if name == "peek":
        return ("peek", bytes(value[:1]), len(value) > 0)
    if name == "readinto":
        return ("readinto", value, bytes(buf))
    return value


def _prepare_args(op: Op) -> tuple[str, list[Any]]:
    name = op[0]
    args = [a() if callable(a) else a for a in op[1:]]
    return name, args


def _applicable(cls: type, script: list[Op]) -> list[Op]:
    coro, plain, props = SPEC[cls]
    allowed = coro | plain | props
    return [op for op in script if op[0] in allowed]


def run_sync_script(f: Any, cls: type, script: list[Op]) -> list[Any]:
    props = SPEC[cls][2]
    out = []
    for op in script:
        name, args = _prepare_args(op)
        buf = args[0] if name == "readinto" else None
        try:
            attr = getattr(f, name)
            value = attr if name in props else attr(*args)
            out.append((name, _normalise(name, value, f, buf)))
        except Exception as e:
            out.append((name, _outcome_exc(e)))
    return out


async def run_async_script(f: Any, cls: type, script: list[Op]) -> list[Any]:
    coro, _plain, props = SPEC[cls]
    out = []
    for op in script:
        name, args = _prepare_args(op)
        buf = args[0] if name == "readinto" else None
        try:
            if name in props:
                value = getattr(f, name)
            else:
                res = getattr(f, name)(*args)
                if name in coro:
                    assert inspect.isawaitable(res), (
                        f"{name} did not return an awaitable"
                    )
                    value = await res
                else:
                    assert not inspect.isawaitable(res), f"{name} returned an awaitable"
                    value = res
            out.append((name, _normalise(name, value, f, buf)))
        except AssertionError:
            raise
        except Exception as e:
            out.append((name, _outcome_exc(e)))
    return out


def _reset(p: Path, mode: str) -> None:
    if "x" in mode:
        if p.exists():
            p.unlink()
    else:
        p.write_bytes(CONTENT)


def _compare(sync_out: list[Any], async_out: list[Any]) -> None:
    assert len(sync_out) == len(async_out)
    for i, (s, a) in enumerate(zip(sync_out, async_out, strict=True)):
        assert a == s, f"step {i} ({s[0]}): sync={s[1]!r} async={a[1]!r}"


async def _differential(
    p: Path, mode: str, open_kwargs: dict[str, Any], cls: type, script: list[Op]
) -> None:
    script = _applicable(cls, script)
    _reset(p, mode)
    with builtins.open(p, mode, **open_kwargs) as sf:
        sync_out = run_sync_script(sf, cls, script)
    sync_disk = p.read_bytes()

    _reset(p, mode)
    async with aiofiles.open(p, mode, **open_kwargs) as af:
        assert type(af) is cls
        async_out = await run_async_script(af, cls, script)
    async_disk = p.read_bytes()

    _compare(sync_out, async_out)
    assert async_disk == sync_disk


def _binary_cls(mode: str, buffering: int) -> type:
    if buffering == 0:
        return binary.AsyncFileIO
    if mode in ("wb", "ab", "xb"):
        return binary.AsyncBufferedIOBase
    return binary.AsyncBufferedReader


@pytest.mark.parametrize("mode", TEXT_MODES)
@pytest.mark.parametrize("variant", range(len(TEXT_VARIANTS)))
async def test_text_methods_match_blocking_file(
    tmp_path: Path, mode: str, variant: int, loop_kind: str
) -> None:
    await _differential(
        tmp_path / "f",
        mode,
        TEXT_VARIANTS[variant],
        text.AsyncTextIOWrapper,
        TEXT_SCRIPT,
    )


@pytest.mark.parametrize("mode", BINARY_MODES)
@pytest.mark.parametrize("buffering", [-1, 0, 4])
async def test_binary_methods_match_blocking_file(
    tmp_path: Path,
    mode: str,
    buffering: int,
    loop_kind: str,
) -> None:
    cls = _binary_cls(mode, buffering)
    await _differential(
        tmp_path / "f", mode, {"buffering": buffering}, cls, BINARY_SCRIPT
    )


async def test_read_default_arguments(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_bytes(CONTENT)
    async with aiofiles.open(p, "rb") as f:
        assert await f.read() == CONTENT
        await f.seek(0)
        assert await f.readline() == b"first line\n"
        assert await f.read1() == CONTENT[len(b"first line\n") :]
        await f.seek(0)
        assert await f.readlines() == io.BytesIO(CONTENT).readlines()
        assert await f.seek(0) == 0
        assert await f.tell() == 0
        assert await f.read(5) == CONTENT[:5]
    async with aiofiles.open(p, "rb", buffering=0) as f:
        assert await f.readall() == CONTENT


async def test_write_returns_count_and_truncate_returns_size(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    async with aiofiles.open(p, "w", encoding="utf-8") as f:
        assert await f.write("h\u00e9llo") == 5
        assert await f.writelines(["a", "b"]) is None
        assert await f.flush() is None
        assert await f.truncate(3) == 3
    async with aiofiles.open(p, "wb") as f:
        assert await f.write(b"12345") == 5
        assert await f.truncate(2) == 2
    assert p.read_bytes() == b"12"


async def test_read1_on_write_only_file_raises_unsupported(
    tmp_path: Path, loop_kind: str
) -> None:
    async with aiofiles.open(tmp_path / "f", "wb") as f:
        with pytest.raises(io.UnsupportedOperation):
            await f.read1()
        with pytest.raises(io.UnsupportedOperation):
            await f.read()
    async with aiofiles.open(tmp_path / "f", "w") as f:
        with pytest.raises(io.UnsupportedOperation):
            await f.read()
    async with aiofiles.open(tmp_path / "f", "r") as f:
        with pytest.raises(io.UnsupportedOperation):
            await f.write("x")


async def test_properties_reflect_sync_object(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_bytes(CONTENT)
    async with aiofiles.open(
        p, "r", encoding="latin-1", errors="ignore", newline=None
    ) as f:
        assert f.name == f._file.name
        assert f.mode == "r"
        assert f.encoding == "latin-1"
        assert f.errors == "ignore"
        assert f.line_buffering is False
        assert f.buffer is f._file.buffer
        assert f.newlines is None
        await f.read()
        assert f.newlines == f._file.newlines
        assert f.closed is False
        assert f.fileno() == f._file.fileno()
        assert await f.readable() is True
    assert f.closed is True
    async with aiofiles.open(str(p), "rb+") as f:
        assert f.raw is f._file.raw
        assert f.name == str(p)
        assert f.mode == "rb+"
        assert f.readable() is True
        assert await f.writable() is True
        assert await f.seekable() is True
        assert await f.isatty() is False
    async with aiofiles.open(p, "ab", buffering=0) as f:
        assert f.mode == "ab"
        assert f.readable() is False
        assert await f.writable() is True


async def test_detach_is_plain_and_returns_underlying(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_bytes(CONTENT)
    f = await aiofiles.open(p, "r", encoding="utf-8")
    buf = f._file.buffer
    d = f.detach()
    assert not inspect.isawaitable(d)
    assert d is buf
    d.close()
    f = await aiofiles.open(p, "rb")
    raw = f._file.raw
    d = f.detach()
    assert d is raw
    d.close()


# ---------------------------------------------------------------------------
# Close, double close, use after close, detach
# ---------------------------------------------------------------------------

CLOSED_CALLS: list[tuple[str, Callable[[str], tuple[Any, ...]]]] = [
    ("read", lambda m: ()),
    ("read", lambda m: (2,)),
    ("read1", lambda m: ()),
    ("readall", lambda m: ()),
    ("readinto", lambda m: (bytearray(2),)),
    ("readline", lambda m: ()),
    ("readlines", lambda m: ()),
    ("peek", lambda m: (1,)),
    ("seek", lambda m: (0,)),
    ("tell", lambda m: ()),
    ("truncate", lambda m: ()),
    ("write", lambda m: (b"x",) if "b" in m else ("x",)),
    ("writelines", lambda m: ([b"x"],) if "b" in m else (["x"],)),
    ("flush", lambda m: ()),
    ("isatty", lambda m: ()),
    ("seekable", lambda m: ()),
    ("writable", lambda m: ()),
    ("readable", lambda m: ()),
    ("fileno", lambda m: ()),
]

CLOSE_MODES = [
    ("r", -1),
    ("w", -1),
    ("r+", -1),
    ("a", -1),
    ("rb", -1),
    ("wb", -1),
    ("rb+", -1),
    ("ab", -1),
    ("rb", 0),
    ("wb", 0),
    ("rb+", 0),
]


def _cls_for(mode: str, buffering: int) -> type:
    if "b" not in mode:
        return text.AsyncTextIOWrapper
    return _binary_cls(mode, buffering)


@pytest.mark.parametrize("mode,buffering", CLOSE_MODES)
async def test_use_after_close_matches_blocking_file(
    tmp_path: Path,
    mode: str,
    buffering: int,
    loop_kind: str,
) -> None:
    p = tmp_path / "f"
    p.write_bytes(CONTENT)
    cls = _cls_for(mode, buffering)
    coro, plain, _ = SPEC[cls]
    sf = builtins.open(p, mode, buffering=buffering)
    sf.close()
    af = await aiofiles.open(p, mode, buffering=buffering)
    assert await af.close() is None
    assert af.closed
    assert await af.close() is None  # double close is a no-op
    for name, argf in CLOSED_CALLS:
        if name not in coro and name not in plain:
            continue
        args = argf(mode)
        try:
            expected: Any = ("ok", getattr(sf, name)(*args))
        except Exception as e:
            expected = _outcome_exc(e)
        try:
            res = getattr(af, name)(*argf(mode))
            if name in coro:
                res = await res
            got: Any = ("ok", res)
        except Exception as e:
            got = _outcome_exc(e)
        assert got == expected, name


@pytest.mark.parametrize("mode,buffering", CLOSE_MODES)
async def test_main_io_after_close_raises_value_error(
    tmp_path: Path,
    mode: str,
    buffering: int,
    loop_kind: str,
) -> None:
    p = tmp_path / "f"
    p.write_bytes(CONTENT)
    async with aiofiles.open(p, mode, buffering=buffering) as f:
        pass
    with pytest.raises(ValueError):
        await f.seek(0)
    with pytest.raises(ValueError):
        await f.tell()
    with pytest.raises(ValueError):
        await f.readlines()
    with pytest.raises(ValueError):
        await f.writelines([])
    with pytest.raises(ValueError):
        await f.isatty()
    with pytest.raises(ValueError):
        f.fileno()
    with pytest.raises(ValueError):
        async for _ in f:
            pass
    await f.close()
    await f.close()


async def test_text_closed_message_from_contract(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    async with aiofiles.open(p) as f:
        pass
    for coro in (
        f.read(),
        f.readline(),
        f.readlines(),
        f.seek(0),
        f.tell(),
        f.write("x"),
    ):
        with pytest.raises(ValueError, match=r"^I/O operation on closed file\.$"):
            await coro


async def test_close_inside_async_with_then_exit(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    async with aiofiles.open(p, "w") as f:
        await f.write("x")
        await f.close()
        assert f.closed
    assert p.read_text() == "x"


@pytest.mark.parametrize("mode", ["r", "rb", "rb+"])
async def test_after_detach_io_raises_and_exit_raises(
    tmp_path: Path, mode: str, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_bytes(CONTENT)
    sf = builtins.open(p, mode)
    sraw = sf.detach()
    with pytest.raises(ValueError) as sync_read:
        sf.read()
    sraw.close()

    under: list[Any] = []
    with pytest.raises(ValueError) as exit_err:
        async with aiofiles.open(p, mode) as f:
            under.append(f.detach())
            with pytest.raises(ValueError) as got:
                await f.read()
            assert _exc_sig(got.value) == _exc_sig(sync_read.value)
            with pytest.raises(ValueError):
                await f.readline()
            with pytest.raises(ValueError):
                await f.seek(0)
            with pytest.raises(ValueError):
                await f.tell()
    assert str(exit_err.value) == str(sync_read.value)
    under[0].close()


# ---------------------------------------------------------------------------
# Async iteration
# ---------------------------------------------------------------------------

ITER_CONTENTS = [
    b"",
    b"\n",
    b"one line no newline",
    b"a\nb\nc\n",
    b"a\r\nb\rc\n\n\nlast",
    b"x" * 100_000 + b"\n" + b"y" * 10,
]


@pytest.mark.parametrize("content", range(len(ITER_CONTENTS)))
@pytest.mark.parametrize(
    "mode,kwargs",
    [
        ("r", {}),
        ("r", {"newline": ""}),
        ("rb", {}),
        ("rb", {"buffering": 0}),
        ("rb+", {}),
    ],
)
async def test_async_iteration_matches_sync_iteration(
    tmp_path: Path,
    content: int,
    mode: str,
    kwargs: dict[str, Any],
    loop_kind: str,
) -> None:
    p = tmp_path / "f"
    p.write_bytes(ITER_CONTENTS[content])

    def read_sync() -> list[Any]:
        with builtins.open(p, mode, **kwargs) as sf:
            return list(sf)

    # off the loop: FileIO.readline on a long line is slow and would trip the
    # conftest's blocked-loop detector
    expected = await asyncio.to_thread(read_sync)
    async with aiofiles.open(p, mode, **kwargs) as f:
        assert f.__aiter__() is f
        got = [line async for line in f]
        assert got == expected
        # exhausted: iterating again yields nothing
        assert [line async for line in f] == []
        # __anext__ at EOF raises StopAsyncIteration
        with pytest.raises(StopAsyncIteration):
            await f.__anext__()


async def test_anext_uses_readline(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("a\nb\n")
    async with aiofiles.open(p) as f:
        assert await f.__anext__() == "a\n"
        assert await f.readline() == "b\n"
        with pytest.raises(StopAsyncIteration):
            await f.__anext__()
        assert await f.readline() == ""


async def test_async_iteration_on_write_only_file_raises(
    tmp_path: Path, loop_kind: str
) -> None:
    async with aiofiles.open(tmp_path / "f", "w") as f:
        with pytest.raises(io.UnsupportedOperation):
            async for _ in f:
                pass


async def test_empty_line_ends_iteration_with_empty_sentinels(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"x\n")
    async with aiofiles.open(p, "rb") as f:
        assert [line async for line in f] == [b"x\n"]
        assert await f.readline() == b""
    async with aiofiles.open(p, "r") as f:
        assert [line async for line in f] == ["x\n"]
        assert await f.readline() == ""


# ---------------------------------------------------------------------------
# wrap() on in-memory objects
# ---------------------------------------------------------------------------


async def test_wrap_bytesio_and_stringio(loop_kind: str) -> None:
    b = aiofiles.threadpool.wrap(io.BytesIO())
    assert type(b) is binary.AsyncBufferedIOBase
    assert b._loop is asyncio.get_running_loop()
    await b.write(b"abc")
    await b.seek(0)
    assert await b.read() == b"abc"
    assert b._file.getvalue() == b"abc"
    s = aiofiles.threadpool.wrap(io.StringIO(), loop=asyncio.get_running_loop())
    assert type(s) is text.AsyncTextIOWrapper
    await s.write("abc")
    await s.seek(0)
    assert await s.read() == "abc"
    assert [line async for line in s] == []


async def test_stored_loop_wins_over_running_loop(loop_kind: str) -> None:
    other = asyncio.new_event_loop()
    try:
        f = binary.AsyncBufferedIOBase(io.BytesIO(), loop=other, executor=None)
        assert f._loop is other
    finally:
        other.close()
    g = binary.AsyncBufferedIOBase(io.BytesIO(), loop=None, executor=None)
    assert g._loop is asyncio.get_running_loop()


# ---------------------------------------------------------------------------
# Standard streams
# ---------------------------------------------------------------------------


async def test_stdout_with_capsys(
    capsys: pytest.CaptureFixture[str], loop_kind: str
) -> None:
    await aiofiles.stdout.write("hello ")
    await aiofiles.stdout.write("world\n")
    await aiofiles.stdout.flush()
    await aiofiles.stderr.write("oops\n")
    await aiofiles.stderr.flush()
    out, err = capsys.readouterr()
    assert out == "hello world\n"
    assert err == "oops\n"


async def test_stdout_bytes_with_capsys(
    capsys: pytest.CaptureFixture[str], loop_kind: str
) -> None:
    await aiofiles.stdout_bytes.write(b"raw bytes\n")
    await aiofiles.stdout_bytes.flush()
    await aiofiles.stderr_bytes.write(b"raw err\n")
    await aiofiles.stderr_bytes.flush()
    out, err = capsys.readouterr()
    assert out == "raw bytes\n"
    assert err == "raw err\n"


async def test_stdio_loop_is_running_loop(loop_kind: str) -> None:
    loop = asyncio.get_running_loop()
    for obj in (
        aiofiles.stdin,
        aiofiles.stdout,
        aiofiles.stderr,
        aiofiles.stdin_bytes,
        aiofiles.stdout_bytes,
        aiofiles.stderr_bytes,
    ):
        assert obj._loop is loop


async def test_stdio_follows_redirection(
    monkeypatch: pytest.MonkeyPatch, loop_kind: str
) -> None:
    first = io.StringIO()
    second = io.StringIO()
    monkeypatch.setattr(sys, "stdout", first)
    await aiofiles.stdout.write("one")
    monkeypatch.setattr(sys, "stdout", second)
    await aiofiles.stdout.write("two")
    assert first.getvalue() == "one"
    assert second.getvalue() == "two"
    assert aiofiles.stdout._file is second


async def test_stdin_text(monkeypatch: pytest.MonkeyPatch, loop_kind: str) -> None:
    monkeypatch.setattr(
        sys,
        "stdin",
        io.TextIOWrapper(io.BytesIO(b"line1\nline2\nlast"), encoding="utf-8"),
    )
    assert await aiofiles.stdin.readline() == "line1\n"
    assert [line async for line in aiofiles.stdin] == ["line2\n", "last"]
    assert await aiofiles.stdin.read() == ""


async def test_stdin_bytes(monkeypatch: pytest.MonkeyPatch, loop_kind: str) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"b1\nb2\n"), encoding="utf-8")
    )
    assert await aiofiles.stdin_bytes.read(3) == b"b1\n"
    assert [line async for line in aiofiles.stdin_bytes] == [b"b2\n"]


def test_stdio_across_two_asyncio_runs(capsys: pytest.CaptureFixture[str]) -> None:
    async def emit(s: str) -> None:
        await aiofiles.stdout.write(s)
        await aiofiles.stdout.flush()
        await aiofiles.stdout_bytes.write(s.upper().encode())
        await aiofiles.stdout_bytes.flush()

    asyncio.run(emit("a"))
    asyncio.run(emit("b"))
    if uvloop is not None:
        loop = uvloop.new_event_loop()
        try:
            loop.run_until_complete(emit("c"))
        finally:
            loop.close()
        asyncio.run(emit("d"))
    out = capsys.readouterr().out
    assert out == ("aAbBcCdD" if uvloop is not None else "aAbB")


def test_stdin_across_two_asyncio_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(b"1\n2\n"), encoding="utf-8")
    )
    assert asyncio.run(aiofiles.stdin.readline()) == "1\n"
    assert asyncio.run(aiofiles.stdin.readline()) == "2\n"


# ---------------------------------------------------------------------------
# Indirect classes
# ---------------------------------------------------------------------------


async def test_indirect_buffered_looks_up_every_call(loop_kind: str) -> None:
    holder = [io.BytesIO(b"one")]
    calls = []

    def indirect() -> io.BytesIO:
        calls.append(1)
        return holder[0]

    f = binary.AsyncIndirectBufferedIOBase("holder", None, None, indirect)
    assert f._file is holder[0]
    assert await f.read() == b"one"
    holder[0] = io.BytesIO(b"two")
    assert f._file is holder[0]
    assert await f.read() == b"two"
    assert f.closed is False
    holder[0].close()
    assert f.closed is True
    n = len(calls)
    holder[0] = io.BytesIO(b"three")
    assert f.readable() is True
    assert len(calls) > n
    # the setter ignores the value
    f._file = io.BytesIO(b"ignored")
    assert await f.read() == b"three"
    assert repr(f).endswith(" wrapping " + repr(holder[0]))


async def test_indirect_text_looks_up_every_call(loop_kind: str) -> None:
    holder = [io.StringIO("first")]
    f = text.AsyncTextIndirectIOWrapper("name", None, None, indirect=lambda: holder[0])
    assert await f.read() == "first"
    holder[0] = io.StringIO()
    await f.write("second")
    assert holder[0].getvalue() == "second"
    assert f._loop is asyncio.get_running_loop()


async def test_indirect_reader_and_fileio(tmp_path: Path, loop_kind: str) -> None:
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.write_bytes(b"AAA")
    b.write_bytes(b"BBB")
    fa, fb = builtins.open(a, "rb"), builtins.open(b, "rb")
    ra, rb = builtins.open(a, "rb", buffering=0), builtins.open(b, "rb", buffering=0)
    try:
        holder = [fa]
        f = binary.AsyncIndirectBufferedReader("x", None, None, lambda: holder[0])
        assert await f.peek(1) != b""
        assert await f.read(1) == b"A"
        holder[0] = fb
        assert await f.read() == b"BBB"
        assert f.name == fb.name
        holder2 = [ra]
        g = binary.AsyncIndirectFileIO("y", None, None, lambda: holder2[0])
        assert await g.readall() == b"AAA"
        holder2[0] = rb
        assert await g.read() == b"BBB"
        assert g.fileno() == rb.fileno()
    finally:
        for x in (fa, fb, ra, rb):
            x.close()


# ---------------------------------------------------------------------------
# utils decorators on a third-party AsyncBase subclass
# ---------------------------------------------------------------------------


class _Thing:
    def __init__(self) -> None:
        self.threads: list[int] = []
        self._rolled = False
        self.state = "fresh"

    def compute(self, a: int, b: int = 1) -> int:
        self.threads.append(threading.get_ident())
        return a * 10 + b

    def fail(self) -> None:
        self.threads.append(threading.get_ident())
        raise KeyError("thing")

    def direct(self, x: str) -> str:
        self.threads.append(threading.get_ident())
        return x.upper()

    def maybe(self, x: int) -> int:
        self.threads.append(threading.get_ident())
        return x + 1

    @property
    def size(self) -> int:
        return 42


@delegate_to_executor("compute", "fail")
@proxy_method_directly("direct")
@proxy_property_directly("size", "state")
@cond_delegate_to_executor("maybe")
class _ThirdParty(AsyncBase):
    pass


async def test_utils_decorators_on_third_party_subclass(loop_kind: str) -> None:
    assert inspect.iscoroutinefunction(_ThirdParty.compute)
    assert inspect.iscoroutinefunction(_ThirdParty.fail)
    assert inspect.iscoroutinefunction(_ThirdParty.maybe)
    assert not inspect.iscoroutinefunction(_ThirdParty.direct)
    assert isinstance(
        inspect.getattr_static(_ThirdParty, "size"), property
    ) or inspect.isdatadescriptor(inspect.getattr_static(_ThirdParty, "size"))

    thing = _Thing()
    f = _ThirdParty(thing, loop=None, executor=None)
    me = threading.get_ident()
    assert await f.compute(4) == 41
    assert await f.compute(4, b=7) == 47
    assert thing.threads[-1] != me
    with pytest.raises(KeyError):
        await f.fail()
    assert f.direct("x") == "X"
    assert thing.threads[-1] == me
    assert f.size == 42
    assert f.state == "fresh"
    thing.state = "changed"
    assert f.state == "changed"
    with pytest.raises(AttributeError):
        f.size = 1
    assert repr(f).endswith(" wrapping " + repr(thing))


async def test_utils_decorators_honour_executor(loop_kind: str) -> None:
    thing = _Thing()
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="h4ex") as ex:
        names: list[str] = []
        orig = thing.compute

        def compute(*a: Any, **kw: Any) -> int:
            names.append(threading.current_thread().name)
            return orig(*a, **kw)

        thing.compute = compute  # type: ignore[method-assign]
        f = _ThirdParty(thing, None, ex)
        assert await f.compute(1) == 11
    assert names and names[0].startswith("h4ex")


async def test_cond_delegate_to_executor(loop_kind: str) -> None:
    thing = _Thing()
    f = _ThirdParty(thing, loop=None, executor=None)
    me = threading.get_ident()
    assert await f.maybe(1) == 2
    assert thing.threads[-1] == me  # not rolled: on the loop thread
    thing._rolled = True
    assert await f.maybe(2) == 3
    assert thing.threads[-1] != me  # rolled: off the loop


@cond_delegate_to_executor("write", "read", "seek", "rollover")
@proxy_property_directly("closed")
class _MySpooled(AsyncBase):
    pass


async def test_cond_delegate_with_spooled_file(loop_kind: str) -> None:
    sp = tempfile.SpooledTemporaryFile(max_size=5)
    f = _MySpooled(sp, loop=None, executor=None)
    assert await f.write(b"abc") == 3
    await f.seek(0)
    assert await f.read() == b"abc"
    assert not sp._rolled
    await f.write(b"defghij")
    assert sp._rolled
    await f.seek(0)
    assert await f.read() == b"abcdefghij"
    sp.close()
    assert f.closed


async def test_utils_decorators_on_indirect_subclass(loop_kind: str) -> None:
    holder = [_Thing()]

    @delegate_to_executor("compute")
    @proxy_method_directly("direct")
    class Ind(AsyncIndirectBase):
        pass

    f = Ind("thing", None, None, lambda: holder[0])
    assert await f.compute(2) == 21
    holder[0] = _Thing()
    assert f.direct("a") == "A"
    assert holder[0].threads


# ---------------------------------------------------------------------------
# The context manager used the ways asyncio users use awaitables
# ---------------------------------------------------------------------------


async def test_open_with_gather_wait_for_and_ensure_future(
    tmp_path: Path, loop_kind: str
) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.write_text("A")
    b.write_text("B")
    fa, fb = await asyncio.gather(aiofiles.open(a), aiofiles.open(b))
    assert [await fa.read(), await fb.read()] == ["A", "B"]
    fc = await asyncio.wait_for(aiofiles.open(a), 5)
    assert await fc.read() == "A"
    fd_ = await asyncio.ensure_future(aiofiles.open(b))
    assert await fd_.read() == "B"
    for f in (fa, fb, fc, fd_):
        await f.close()


async def test_closefd_false_and_opener(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"abc")
    fd = os.open(p, os.O_RDONLY)
    try:
        async with aiofiles.open(fd, "rb", closefd=False) as f:
            assert await f.read() == b"abc"
        os.fstat(fd)  # still open
    finally:
        os.close(fd)
    opened: list[int] = []

    def opener(path: str, flags: int) -> int:
        fd = os.open(path, flags)
        opened.append(fd)
        return fd

    async with aiofiles.open(p, "rb", opener=opener) as f:
        assert f.fileno() == opened[0]
        assert await f.read() == b"abc"


async def test_wrap_stores_explicit_loop_and_executor(loop_kind: str) -> None:
    loop = asyncio.get_running_loop()
    with concurrent.futures.ThreadPoolExecutor(1) as ex:
        f = aiofiles.threadpool.wrap(io.BytesIO(b"q"), loop=loop, executor=ex)
        assert f._loop is loop
        assert f._executor is ex
        assert await f.read() == b"q"


@pytest.mark.parametrize(
    "mode,buffering", [("r", -1), ("rb", -1), ("wb", -1), ("rb", 0), ("rb+", -1)]
)
async def test_repr_every_class(
    tmp_path: Path, mode: str, buffering: int, loop_kind: str
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"x")
    async with aiofiles.open(p, mode, buffering=buffering) as f:
        assert repr(f) == object.__repr__(f) + " wrapping " + repr(f._file)


# ---------------------------------------------------------------------------
# Nothing hangs, nothing leaks
# ---------------------------------------------------------------------------


def _fds_on(path: Path) -> list[int]:
    """This process's descriptors open on ``path`` (not the descriptors other
    threads open meanwhile for other work, which a count would include)."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{name}") == str(path):
                found.append(int(name))
        except OSError:
            pass  # closed meanwhile
    return found


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc")
async def test_cancel_blocked_read_returns_at_once(loop_kind: str) -> None:
    r, w = os.pipe()
    f = await aiofiles.open(r, "rb", buffering=0)
    try:
        task = asyncio.ensure_future(f.read(10))
        await asyncio.sleep(0.05)
        assert not task.done()
        task.cancel()
        t0 = asyncio.get_running_loop().time()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, 2)
        assert asyncio.get_running_loop().time() - t0 < 1
    finally:
        os.write(w, b"unblock")  # let the worker thread finish its read
        os.close(w)
        await asyncio.sleep(0.05)
        await f.close()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs mkfifo")
async def test_cancel_during_open_leaks_nothing_after_gc(
    tmp_path: Path, loop_kind: str, young_gc: None
) -> None:
    import gc

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    gc.collect()
    task = asyncio.ensure_future(aiofiles.open(fifo, "rb"))
    await asyncio.sleep(0.05)
    assert not task.done()  # blocked in open() until a writer appears
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(task, 2)
    # unblock the worker thread: open the writer side once the reader is waiting
    deadline = asyncio.get_running_loop().time() + 5
    while True:
        try:
            wfd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.01)
    os.close(wfd)
    deadline = asyncio.get_running_loop().time() + 10  # the worker may be slow to run
    while _fds_on(fifo) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
        gc.collect()
    assert _fds_on(fifo) == [], "the cancelled open left its descriptor open"


@pytest.mark.allow_slow_callbacks  # the assertion below reports the stall itself
@pytest.mark.parametrize("how", ["readline", "iterate", "readlines"])
async def test_unbuffered_long_line_does_not_stall_the_loop(
    tmp_path: Path, how: str, loop_kind: str
) -> None:
    # FileIO.readline reads one byte per system call: a 200 kB line costs
    # ~0.2-0.5 s of CPU, which must be spent off the loop thread (25.1: < 0.05 s
    # stalls here, from GIL hand-offs only).
    p = tmp_path / "f"
    p.write_bytes(b"x" * 200_000 + b"\n" + b"tail")
    async with aiofiles.open(p, "rb", buffering=0) as f:

        async def work() -> None:
            if how == "readline":
                await f.readline()
            elif how == "iterate":
                [line async for line in f]
            else:
                await f.readlines()

        # The loop thread's own CPU time: what ran on it, whatever else the
        # machine is doing (a wall-clock gap would also count GIL waits under
        # load). No ticker runs meanwhile: it would spend loop CPU itself.
        cpu = time.thread_time()
        await work()
        cpu = time.thread_time() - cpu
    assert cpu < 0.05, (
        f"the loop thread spent {cpu:.3f}s of CPU during {how} of an unbuffered file"
    )


WRITE_CASES = [
    ("wb", -1),
    ("wb", 0),
    ("wb", 4096),
    ("ab", -1),
    ("wb+", -1),
    ("w", -1),
    ("a", -1),
    ("w+", -1),
    ("w", 1),
]


@pytest.mark.parametrize("mode,buffering", WRITE_CASES)
async def test_written_data_reaches_the_os_when_the_blocking_file_would(
    tmp_path: Path, mode: str, buffering: int, loop_kind: str
) -> None:
    # Other processes, os.stat() and crash recovery see what the blocking file has
    # handed to the OS; a drop-in must hand it over at the same calls.
    p = tmp_path / "f"
    chunks = [b"a" * 10, b"b\n" * 2500, b"c" * 100_000, b"d" * 3, b"e\n"]
    if "b" not in mode:
        chunks = [c.decode() for c in chunks]  # type: ignore[misc]

    def sync_sizes() -> list[int]:
        sizes = []
        with builtins.open(p, mode, buffering=buffering) as f:
            for c in chunks:
                f.write(c)
                sizes.append(os.path.getsize(p))
            f.flush()
            sizes.append(os.path.getsize(p))
        return sizes

    expected = await asyncio.to_thread(sync_sizes)
    p.unlink()
    got = []
    async with aiofiles.open(p, mode, buffering=buffering) as f:
        for c in chunks:
            await f.write(c)
            got.append(os.path.getsize(p))
        await f.flush()
        got.append(os.path.getsize(p))
    assert got == expected


_EFBIG_SCRIPT = r"""
import asyncio, os, resource, signal, sys
import aiofiles

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))
path, mode, buffering = sys.argv[1], sys.argv[2], int(sys.argv[3])
chunks = [b"x" * 6000] * 5 + [b"y" * 10]
if "b" not in mode:
    chunks = [c.decode() for c in chunks]

def outcome(fn):
    try:
        return ("ok", fn())
    except Exception as e:
        return ("raised", type(e).__name__, getattr(e, "errno", None))

def sync():
    out = []
    f = open(path, mode, buffering=buffering)
    for c in chunks:
        out.append(outcome(lambda: f.write(c)))
    out.append(outcome(f.flush))
    out.append(outcome(f.close))
    return out

async def run_async():
    out = []
    f = await aiofiles.open(path, mode, buffering=buffering)
    for c in chunks:
        out.append(await aoutcome(f.write(c)))
    out.append(await aoutcome(f.flush()))
    out.append(await aoutcome(f.close()))
    return out

async def aoutcome(coro):
    try:
        return ("ok", await coro)
    except Exception as e:
        return ("raised", type(e).__name__, getattr(e, "errno", None))

a = sync()
os.remove(path)
b = asyncio.run(run_async())
print(repr(a))
print(repr(b))
"""


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
@pytest.mark.parametrize("mode,buffering", [("wb", -1), ("wb", 0), ("w", -1)])
def test_write_errors_surface_on_the_same_call(
    tmp_path: Path, mode: str, buffering: int
) -> None:
    import subprocess

    src_dir = str(Path(aiofiles.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = src_dir + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            _EFBIG_SCRIPT,
            str(tmp_path / "f"),
            mode,
            str(buffering),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    sync_line, async_line = out.stdout.splitlines()
    assert "raised" in sync_line  # the limit was hit
    assert async_line == sync_line


async def test_many_concurrent_opens_and_reads(tmp_path: Path, loop_kind: str) -> None:
    paths = []
    for i in range(50):
        p = tmp_path / f"f{i}"
        p.write_text(f"content {i}\n" * 10)
        paths.append(p)

    async def one(p: Path) -> list[str]:
        async with aiofiles.open(p) as f:
            return [line async for line in f]

    results = await asyncio.gather(*(one(p) for p in paths))
    for i, lines in enumerate(results):
        assert lines == [f"content {i}\n"] * 10


async def test_concurrent_calls_on_one_file_all_complete(
    tmp_path: Path, loop_kind: str
) -> None:
    p = tmp_path / "f"
    async with aiofiles.open(p, "wb") as f:
        await asyncio.gather(*(f.write(b"%03d\n" % i) for i in range(100)))
    data = p.read_bytes().splitlines()
    assert sorted(data) == [b"%03d" % i for i in range(100)]


# ---------------------------------------------------------------------------
# Random operation sequences against the blocking file (hypothesis)
# ---------------------------------------------------------------------------

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover
    st = None

if st is not None:
    _bin_ops = st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("read1"), st.integers(-1, 40)),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("readlines"), st.integers(-1, 60)),
        st.tuples(st.just("peek"), st.integers(0, 10)),
        st.tuples(st.just("readinto"), st.integers(0, 30)),
        st.tuples(st.just("write"), st.binary(max_size=40)),
        st.tuples(st.just("writelines"), st.lists(st.binary(max_size=10), max_size=4)),
        st.tuples(st.just("seek"), st.integers(0, 120), st.sampled_from([0])),
        st.tuples(st.just("seek"), st.integers(-50, 50), st.sampled_from([1, 2])),
        st.tuples(st.just("tell")),
        st.tuples(st.just("truncate"), st.one_of(st.none(), st.integers(0, 120))),
        st.tuples(st.just("flush")),
    )
    _text_ops = st.one_of(
        st.tuples(st.just("read"), st.integers(-1, 40)),
        st.tuples(st.just("readline"), st.integers(-1, 40)),
        st.tuples(st.just("readlines"), st.integers(-1, 60)),
        st.tuples(
            st.just("write"),
            st.text(alphabet="ab\u00e9\u20ac\n\r\t ", max_size=30),
        ),
        st.tuples(
            st.just("writelines"),
            st.lists(st.text(alphabet="xy\u00f6\n\r", max_size=8), max_size=4),
        ),
        st.tuples(st.just("seek0")),
        st.tuples(st.just("seekend")),
        st.tuples(st.just("seektold")),
        st.tuples(st.just("tell")),
        st.tuples(st.just("truncate")),
        st.tuples(st.just("flush")),
    )

    def _run_ops_sync(f: Any, ops: list[tuple[Any, ...]], is_text: bool) -> list[Any]:
        out: list[Any] = []
        told = 0
        for op in ops:
            name = op[0]
            try:
                if name == "readinto":
                    buf = bytearray(op[1])
                    out.append((name, f.readinto(buf), bytes(buf)))
                elif name == "peek":
                    out.append((name, f.peek(op[1])[:1]))
                elif name == "seek0":
                    out.append((name, f.seek(0)))
                elif name == "seekend":
                    out.append((name, f.seek(0, 2)))
                elif name == "seektold":
                    out.append((name, f.seek(told)))
                elif name == "tell":
                    told = f.tell()
                    out.append((name, told))
                else:
                    out.append((name, getattr(f, name)(*op[1:])))
            except Exception as e:
                out.append((name, _outcome_exc(e)))
        return out

    async def _run_ops_async(
        f: Any, ops: list[tuple[Any, ...]], is_text: bool
    ) -> list[Any]:
        out: list[Any] = []
        told = 0
        for op in ops:
            name = op[0]
            try:
                if name == "readinto":
                    buf = bytearray(op[1])
                    out.append((name, await f.readinto(buf), bytes(buf)))
                elif name == "peek":
                    out.append((name, (await f.peek(op[1]))[:1]))
                elif name == "seek0":
                    out.append((name, await f.seek(0)))
                elif name == "seekend":
                    out.append((name, await f.seek(0, 2)))
                elif name == "seektold":
                    out.append((name, await f.seek(told)))
                elif name == "tell":
                    told = await f.tell()
                    out.append((name, told))
                else:
                    out.append((name, await getattr(f, name)(*op[1:])))
            except Exception as e:
                out.append((name, _outcome_exc(e)))
        return out

    def _random_differential(
        tmp: Path,
        mode: str,
        kwargs: dict[str, Any],
        initial: bytes,
        ops: list[tuple[Any, ...]],
        is_text: bool,
    ) -> None:
        p = tmp / "rand"
        p.write_bytes(initial)
        with builtins.open(p, mode, **kwargs) as sf:
            expected = _run_ops_sync(sf, ops, is_text)
        disk_expected = p.read_bytes()

        async def go() -> tuple[list[Any], bytes]:
            p.write_bytes(initial)
            async with aiofiles.open(p, mode, **kwargs) as af:
                got = await _run_ops_async(af, ops, is_text)
            return got, p.read_bytes()

        runners: list[Callable[[], Any]] = [lambda: asyncio.run(go())]
        if uvloop is not None:

            def with_uvloop() -> Any:
                loop = uvloop.new_event_loop()
                try:
                    return loop.run_until_complete(go())
                finally:
                    loop.close()

            runners.append(with_uvloop)
        for run in runners:
            got, disk = run()
            assert got == expected
            assert disk == disk_expected

    _SETTINGS = settings(
        max_examples=40,  # x 33 modes/options, each example on both loops
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )

    @pytest.mark.parametrize("mode", ["rb", "rb+", "wb+", "ab+", "wb", "ab"])
    @pytest.mark.parametrize("buffering", [-1, 0, 8])
    @_SETTINGS
    @given(
        initial=st.binary(max_size=80).map(lambda b: b.replace(b"\x00", b"\n")),
        ops=st.lists(_bin_ops, max_size=25),
    )
    def test_random_binary_ops_match_blocking_file(
        tmp_path: Path, mode: str, buffering: int, initial: bytes, ops: list[Any]
    ) -> None:
        if buffering == 0:
            ops = [op for op in ops if op[0] not in ("read1", "peek")]
        elif mode in ("wb", "ab"):
            ops = [op for op in ops if op[0] != "peek"]
        _random_differential(
            tmp_path, mode, {"buffering": buffering}, initial, ops, is_text=False
        )

    @pytest.mark.parametrize("mode", ["r", "r+", "w+", "a+", "w"])
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"encoding": "utf-8"},
            {"encoding": "utf-8", "newline": ""},
            {"encoding": "latin-1", "newline": "\r\n"},
        ],
        ids=["utf8", "utf8-nl", "latin1-crlf"],
    )
    @_SETTINGS
    @given(
        initial=st.text(alphabet="ab\u00e9\n\r", max_size=60),
        ops=st.lists(_text_ops, max_size=25),
    )
    def test_random_text_ops_match_blocking_file(
        tmp_path: Path, mode: str, kwargs: dict[str, Any], initial: str, ops: list[Any]
    ) -> None:
        _random_differential(
            tmp_path,
            mode,
            kwargs,
            initial.encode(kwargs["encoding"], "replace"),
            ops,
            is_text=True,
        )
