"""``aiofiles.tempfile``: the four constructors, ``wrap``, the spooled file and the
temporary directory, checked against :mod:`tempfile`.

Async tests take ``loop_kind`` (the event loop they run on; see conftest).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
import io
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aiofiles.tempfile
from aiofiles.base import AiofilesContextManager
from aiofiles.tempfile import temptypes
from aiofiles.threadpool.binary import (
    AsyncBufferedIOBase,
    AsyncBufferedReader,
    AsyncFileIO,
)
from aiofiles.threadpool.text import AsyncTextIOWrapper

PY312 = sys.version_info >= (3, 12)
HAVE_PROC_FD = os.path.isdir("/proc/self/fd")
REAL_TEMPORARY_DIRECTORY = tempfile.TemporaryDirectory


class CountingExecutor(concurrent.futures.ThreadPoolExecutor):
    """An executor that counts the jobs it was given."""

    def __init__(self) -> None:
        super().__init__(max_workers=2, thread_name_prefix="counting-executor")
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


# -- the surface ----------------------------------------------------------------


def test_all_is_exact() -> None:
    assert aiofiles.tempfile.__all__ == [
        "NamedTemporaryFile",
        "TemporaryFile",
        "SpooledTemporaryFile",
        "TemporaryDirectory",
    ]


def _params(fn: Callable[..., Any]) -> list[tuple[str, Any, Any]]:
    return [
        (p.name, p.kind, p.default) for p in inspect.signature(fn).parameters.values()
    ]


POK = inspect.Parameter.POSITIONAL_OR_KEYWORD
KW = inspect.Parameter.KEYWORD_ONLY


def test_signatures() -> None:
    common = [
        ("buffering", POK, -1),
        ("encoding", POK, None),
        ("newline", POK, None),
        ("suffix", POK, None),
        ("prefix", POK, None),
        ("dir", POK, None),
    ]
    tail = [("loop", POK, None), ("executor", POK, None)]
    assert _params(aiofiles.tempfile.TemporaryFile) == [
        ("mode", POK, "w+b"),
        *common,
        *tail,
    ]
    named = [("mode", POK, "w+b"), *common, ("delete", POK, True)]
    if PY312:
        named.append(("delete_on_close", POK, True))
    assert _params(aiofiles.tempfile.NamedTemporaryFile) == named + tail
    assert _params(aiofiles.tempfile.SpooledTemporaryFile) == [
        ("max_size", POK, 0),
        ("mode", POK, "w+b"),
        *common,
        *tail,
    ]
    directory = [
        ("suffix", POK, None),
        ("prefix", POK, None),
        ("dir", POK, None),
        *tail,
        ("ignore_cleanup_errors", KW, False),
    ]
    if PY312:
        directory.append(("delete", KW, True))
    assert _params(aiofiles.tempfile.TemporaryDirectory) == directory
    assert _params(aiofiles.tempfile.wrap) == [
        ("base_io_obj", POK, inspect.Parameter.empty),
        ("file", POK, inspect.Parameter.empty),
        ("loop", KW, None),
        ("executor", KW, None),
    ]


def test_constructors_are_plain_functions() -> None:
    for name in aiofiles.tempfile.__all__:
        fn = getattr(aiofiles.tempfile, name)
        assert inspect.isfunction(fn) and not inspect.iscoroutinefunction(fn)


def test_wrap_is_a_singledispatch_of_its_own() -> None:
    import aiofiles.threadpool

    wrap = aiofiles.tempfile.wrap
    assert hasattr(wrap, "register") and hasattr(wrap, "registry")
    assert wrap is not aiofiles.threadpool.wrap
    with pytest.raises(TypeError, match="Unsupported IO type"):
        wrap(object(), object())
    assert wrap.dispatch(io.TextIOWrapper) is not wrap.dispatch(object)
    for io_type in (io.BufferedWriter, io.BufferedReader, io.BufferedRandom, io.FileIO):
        assert wrap.dispatch(io_type) is not wrap.dispatch(object)


def test_wrap_picks_the_class(tmp_path: Path) -> None:
    target = tmp_path / "f"
    cases: list[tuple[str, int, type]] = [
        ("w", -1, AsyncTextIOWrapper),
        ("wb", -1, AsyncBufferedIOBase),
        ("rb", -1, AsyncBufferedReader),
        ("r+b", -1, AsyncBufferedReader),
        ("rb", 0, AsyncFileIO),
    ]
    for mode, buffering, cls in cases:
        with open(target, mode, buffering=buffering) as f:
            marker = object()
            wrapped = aiofiles.tempfile.wrap(f, marker, loop=None, executor=None)
            assert type(wrapped) is cls
            assert wrapped._file is marker


SPOOLED_COROUTINES = (
    "close fileno flush isatty read readline readlines rollover seek tell truncate "
    "write writelines"
).split()
SPOOLED_PROPERTIES = "closed encoding mode name newlines".split()


def test_spooled_class_surface() -> None:
    cls = temptypes.AsyncSpooledTemporaryFile
    from aiofiles.base import AsyncBase

    assert issubclass(cls, AsyncBase)
    for name in SPOOLED_COROUTINES:
        assert inspect.iscoroutinefunction(getattr(cls, name)), name
    for name in SPOOLED_PROPERTIES:
        assert isinstance(inspect.getattr_static(cls, name), property), name
    assert cls.__module__ == "aiofiles.tempfile.temptypes"


def test_directory_class_surface() -> None:
    cls = temptypes.AsyncTemporaryDirectory
    for name in ("cleanup", "close"):
        assert inspect.iscoroutinefunction(getattr(cls, name)), name
    assert isinstance(inspect.getattr_static(cls, "name"), property)
    assert cls.__module__ == "aiofiles.tempfile.temptypes"


def test_nothing_happens_until_awaited(tmp_path: Path) -> None:
    # Built outside any loop and never awaited: no file, no error yet.
    for cm in (
        aiofiles.tempfile.TemporaryFile(dir=str(tmp_path)),
        aiofiles.tempfile.NamedTemporaryFile(dir=str(tmp_path)),
        aiofiles.tempfile.SpooledTemporaryFile(dir=str(tmp_path)),
        aiofiles.tempfile.TemporaryDirectory(dir=str(tmp_path)),
    ):
        assert isinstance(cm, AiofilesContextManager)
        cm._coro.close()
    assert list(tmp_path.iterdir()) == []


# -- TemporaryFile and NamedTemporaryFile in every mode family -------------------

# (mode, buffering, async class, sample data)
MODES: list[tuple[str, int, type, Any]] = [
    ("w+b", -1, AsyncBufferedReader, b"bytes\nmore\n"),
    ("wb+", -1, AsyncBufferedReader, b"bytes\n"),
    ("wb", -1, AsyncBufferedIOBase, b"bytes\n"),
    ("ab", -1, AsyncBufferedIOBase, b"bytes\n"),
    ("ab+", -1, AsyncBufferedReader, b"bytes\n"),
    ("xb", -1, AsyncBufferedIOBase, b"bytes\n"),
    ("rb", -1, AsyncBufferedReader, None),
    ("r+b", -1, AsyncBufferedReader, b"bytes\n"),
    ("w+b", 0, AsyncFileIO, b"raw\nbytes\n"),
    ("wb", 0, AsyncFileIO, b"raw\n"),
    ("w+", -1, AsyncTextIOWrapper, "text\nlines\n"),
    ("w", -1, AsyncTextIOWrapper, "text\n"),
    ("a+", -1, AsyncTextIOWrapper, "text\n"),
    ("r+", -1, AsyncTextIOWrapper, "text\n"),
    ("wt", -1, AsyncTextIOWrapper, "text\n"),
    ("w+", 1, AsyncTextIOWrapper, "line buffered\n"),
]


def _mode_id(case: tuple[str, int, type, Any]) -> str:
    return f"{case[0]}-{case[1]}"


async def _exercise(f: Any, mode: str, data: Any) -> None:
    """Write ``data``, read it back where the mode allows, close."""
    if data is not None:
        assert await f.write(data) == len(data)
        await f.flush()
        assert await f.tell() == len(data.encode() if isinstance(data, str) else data)
    if "+" in mode or "r" in mode:
        await f.seek(0)
        got = await f.read()
        assert got == (data if data is not None else b"")
        if data is not None:
            await f.seek(0)
            lines = [line async for line in f]
            if isinstance(data, bytes):
                assert lines == io.BytesIO(data).readlines()
            else:
                assert lines == io.StringIO(data).readlines()


@pytest.mark.parametrize("case", MODES, ids=_mode_id)
async def test_temporary_file_modes(
    tmp_path: Path, case: tuple, loop_kind: str
) -> None:
    mode, buffering, cls, data = case
    with tempfile.TemporaryFile(mode=mode, buffering=buffering, dir=tmp_path) as ref:
        ref_type = type(ref.file if hasattr(ref, "file") else ref)
        ref_mode = ref.mode
    async with aiofiles.tempfile.TemporaryFile(
        mode=mode, buffering=buffering, dir=str(tmp_path)
    ) as f:
        assert type(f) is cls
        inner = (
            f._file.file
            if isinstance(f._file, tempfile._TemporaryFileWrapper)
            else f._file
        )
        assert type(inner) is ref_type
        assert f._loop is asyncio.get_running_loop()
        assert f.mode == ref_mode
        await _exercise(f, mode, data)
        assert not hasattr(f, "delete") or sys.version_info < (3, 12)
    assert f._file.closed
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", MODES, ids=_mode_id)
async def test_named_temporary_file_modes(
    tmp_path: Path, case: tuple, loop_kind: str
) -> None:
    mode, buffering, cls, data = case
    async with aiofiles.tempfile.NamedTemporaryFile(
        mode=mode, buffering=buffering, dir=str(tmp_path), suffix=".s", prefix="p."
    ) as f:
        assert type(f) is cls
        assert isinstance(f._file, tempfile._TemporaryFileWrapper)
        name = f.name
        assert isinstance(name, str)
        assert os.path.dirname(name) == str(tmp_path)
        assert os.path.basename(name).startswith("p.") and name.endswith(".s")
        assert os.path.exists(name)
        await _exercise(f, mode, data)
        if sys.version_info < (3, 12):
            assert f.delete is True
        else:
            assert not hasattr(f, "delete")
    assert f._file.closed
    assert not os.path.exists(name)


async def test_temporary_file_default_mode(tmp_path: Path, loop_kind: str) -> None:
    f = await aiofiles.tempfile.TemporaryFile(dir=str(tmp_path))
    try:
        assert type(f) is AsyncBufferedReader
        with tempfile.TemporaryFile(dir=str(tmp_path)) as blocking:
            assert f.mode == blocking.mode  # whatever the standard library reports
        await f.write(b"abc")
        await f.seek(0)
        assert await f.read() == b"abc"
    finally:
        await f.close()
    assert f._file.closed


async def test_temporary_file_text_options(tmp_path: Path, loop_kind: str) -> None:
    async with aiofiles.tempfile.TemporaryFile(
        "w+", encoding="utf-16", newline="\r\n", dir=str(tmp_path)
    ) as f:
        assert f.encoding == "utf-16"
        await f.write("a\nb\n")
        await f.flush()
        fd = f.fileno()
        assert os.pread(fd, 100, 0) == "a\r\nb\r\n".encode("utf-16")


async def test_named_delete_false_keeps_the_file(
    tmp_path: Path, loop_kind: str
) -> None:
    async with aiofiles.tempfile.NamedTemporaryFile(
        "w", delete=False, dir=str(tmp_path)
    ) as f:
        await f.write("kept")
        if sys.version_info < (3, 12):
            assert f.delete is False
    assert Path(f.name).read_text() == "kept"


async def test_named_await_and_close(tmp_path: Path, loop_kind: str) -> None:
    f = await aiofiles.tempfile.NamedTemporaryFile(dir=str(tmp_path))
    assert os.path.exists(f.name)
    await f.close()
    assert not os.path.exists(f.name)
    await f.close()  # a second close is a no-op


@pytest.mark.skipif(not PY312, reason="delete_on_close is Python 3.12+")
async def test_named_delete_on_close(tmp_path: Path, loop_kind: str) -> None:
    async with aiofiles.tempfile.NamedTemporaryFile(
        "w+", delete_on_close=False, dir=str(tmp_path)
    ) as f:
        await f.write("x")
        await f.close()
        # Closed but not deleted: another opener can read it, as the docs show.
        assert Path(f.name).read_text() == "x"
    assert not os.path.exists(f.name)
    async with aiofiles.tempfile.NamedTemporaryFile(
        "w+", delete=True, delete_on_close=True, dir=str(tmp_path)
    ) as f:
        await f.close()
        assert not os.path.exists(f.name)


@pytest.mark.skipif(PY312, reason="before Python 3.12 there is no delete_on_close")
def test_named_has_no_delete_on_close_before_312() -> None:
    with pytest.raises(TypeError):
        aiofiles.tempfile.NamedTemporaryFile(delete_on_close=False)  # type: ignore[call-arg]


async def test_positional_arguments(tmp_path: Path, loop_kind: str) -> None:
    loop = asyncio.get_running_loop()
    executor = CountingExecutor()
    try:
        args: list[Any] = ["w+", -1, "utf-8", None, ".x", "p", str(tmp_path), True]
        if PY312:
            args.append(True)
        async with aiofiles.tempfile.NamedTemporaryFile(*args, loop, executor) as f:
            assert f.name.endswith(".x")
            assert f._executor is executor
            assert f._loop is loop
        async with aiofiles.tempfile.TemporaryFile(
            "w+b", -1, None, None, None, None, str(tmp_path), loop, executor
        ) as g:
            assert g._executor is executor
        async with aiofiles.tempfile.SpooledTemporaryFile(
            10, "w+b", -1, None, None, None, None, str(tmp_path), loop, executor
        ) as s:
            assert s._executor is executor
            assert s._file._max_size == 10
        async with aiofiles.tempfile.TemporaryDirectory(
            "sfx", "pfx", str(tmp_path), loop, executor
        ) as d:
            assert os.path.basename(d).startswith("pfx") and d.endswith("sfx")
    finally:
        executor.shutdown(wait=False)  # every job was awaited; do not block the loop


async def test_constructor_errors_are_the_standard_librarys(
    tmp_path: Path, loop_kind: str
) -> None:
    missing = str(tmp_path / "nope")
    calls: list[Callable[..., Any]] = [
        aiofiles.tempfile.TemporaryFile,
        aiofiles.tempfile.NamedTemporaryFile,
    ]
    for fn in calls:
        sync = getattr(tempfile, fn.__name__)
        with pytest.raises(FileNotFoundError) as want:
            sync(dir=missing)
        with pytest.raises(FileNotFoundError) as got:
            await fn(dir=missing)
        assert got.value.errno == want.value.errno
        with pytest.raises(ValueError) as want_v:
            sync(mode="wz", dir=str(tmp_path))
        with pytest.raises(ValueError) as got_v:
            await fn(mode="wz", dir=str(tmp_path))
        assert str(got_v.value) == str(want_v.value)
        with pytest.raises(ValueError) as want_v:
            sync(mode="wb", encoding="utf-8", dir=str(tmp_path))
        with pytest.raises(ValueError) as got_v:
            await fn(mode="wb", encoding="utf-8", dir=str(tmp_path))
        assert str(got_v.value) == str(want_v.value)
    with pytest.raises(FileNotFoundError):
        await aiofiles.tempfile.TemporaryDirectory(dir=missing)
    assert sorted(os.listdir(tmp_path)) == []


async def test_executor_is_honoured(tmp_path: Path, loop_kind: str) -> None:
    executor = CountingExecutor()
    try:
        async with aiofiles.tempfile.TemporaryFile(
            dir=str(tmp_path), executor=executor
        ) as f:
            made = executor.submitted
            assert made >= 1
            assert f._executor is executor
            await f.write(b"x" * 100_000)
            await f.flush()
        assert executor.submitted > made  # the exit ran there too
        before = executor.submitted
        async with aiofiles.tempfile.NamedTemporaryFile(
            dir=str(tmp_path), executor=executor
        ) as f:
            assert f._executor is executor
        assert executor.submitted >= before + 2
        before = executor.submitted
        async with aiofiles.tempfile.TemporaryDirectory(
            dir=str(tmp_path), executor=executor
        ) as d:
            assert os.path.isdir(d)
        assert not os.path.exists(d)
        assert executor.submitted == before + 2  # create, cleanup
    finally:
        executor.shutdown(wait=False)  # every job was awaited; do not block the loop


# -- SpooledTemporaryFile ---------------------------------------------------------


async def test_spooled_in_memory_until_rollover(loop_kind: str) -> None:
    executor = CountingExecutor()
    try:
        async with aiofiles.tempfile.SpooledTemporaryFile(
            max_size=10, executor=executor
        ) as f:
            assert type(f) is temptypes.AsyncSpooledTemporaryFile
            assert isinstance(f._file, tempfile.SpooledTemporaryFile)
            assert type(f._file._file) is io.BytesIO
            made = executor.submitted
            assert made == 1
            assert await f.write(b"0123456789") == 10  # tell() == 10: not > 10
            assert await f.tell() == 10
            await f.seek(0)
            assert await f.read() == b"0123456789"
            await f.seek(0)
            assert await f.readline() == b"0123456789"
            assert await f.readlines() == []
            await f.flush()
            assert await f.isatty() is False
            assert await f.truncate(10) in (None, 10)
            assert f.name is None
            assert f.closed is False
            assert f.mode == "w+b"
            assert not f._file._rolled
            assert executor.submitted == made  # all of it on the loop thread
            await f.seek(0, 2)
            assert await f.write(b"X") == 1  # tell() == 11 > 10: rolls over
            assert f._file._rolled
            assert type(f._file._file) is not io.BytesIO
            assert isinstance(f.name, (int, str))
            assert executor.submitted == made + 1  # the rollover
            assert await f.tell() == 11
            await f.seek(0)
            assert await f.read() == b"0123456789X"
            assert executor.submitted == made + 4  # off the loop from now on
        assert f.closed
    finally:
        executor.shutdown(wait=False)  # every job was awaited; do not block the loop


async def test_spooled_text_mode(loop_kind: str) -> None:
    async with aiofiles.tempfile.SpooledTemporaryFile(
        max_size=20, mode="w+", encoding="utf-8", newline=""
    ) as f:
        assert type(f._file._file) is io.TextIOWrapper
        assert f.encoding == "utf-8"
        await f.write("héllo\r\n")
        await f.writelines(["a\n", "b\n"])
        assert not f._file._rolled
        assert f.newlines is None or isinstance(f.newlines, (str, tuple))
        await f.seek(0)
        assert [line async for line in f] == ["héllo\r\n", "a\n", "b\n"]
        await f.write("x" * 30)
        assert f._file._rolled
        await f.seek(0)
        assert (await f.read()).endswith("x" * 30)


async def test_spooled_max_size_zero_never_rolls_over_on_write(loop_kind: str) -> None:
    async with aiofiles.tempfile.SpooledTemporaryFile() as f:
        await f.write(b"x" * 1_000_000)
        assert not f._file._rolled
        await f.rollover()
        assert f._file._rolled
        await f.rollover()  # again: nothing happens
        await f.seek(0)
        assert len(await f.read()) == 1_000_000


async def test_spooled_writelines_rolls_over(loop_kind: str) -> None:
    async with aiofiles.tempfile.SpooledTemporaryFile(max_size=5) as f:
        assert await f.writelines([b"ab", b"cd"]) is None
        assert not f._file._rolled
        await f.writelines([b"ef"])
        assert f._file._rolled
        await f.seek(0)
        assert await f.read() == b"abcdef"


async def test_spooled_fileno_rolls_over(loop_kind: str) -> None:
    async with aiofiles.tempfile.SpooledTemporaryFile(max_size=100) as f:
        await f.write(b"abc")
        fd = await f.fileno()
        assert f._file._rolled
        assert os.pread(fd, 10, 0) == b"abc"
        assert await f.tell() == 3


async def test_spooled_truncate_past_max_size_rolls_over(loop_kind: str) -> None:
    async with aiofiles.tempfile.SpooledTemporaryFile(max_size=5) as f:
        await f.write(b"abc")
        await f.truncate(2)
        assert not f._file._rolled
        await f.truncate(50)
        assert f._file._rolled
        await f.seek(0)
        assert await f.read() == b"ab" + b"\0" * 48


SpoolOp = Callable[[Any], Any]

# A script of operations run on the standard library's spooled file and ours.
SCRIPT: list[tuple[str, tuple]] = [
    ("write", (b"line one\n",)),
    ("tell", ()),
    ("writelines", ([b"two\n", b"three\n"],)),
    ("seek", (0,)),
    ("readline", ()),
    ("readline", (3,)),
    ("read", (4,)),
    ("readlines", ()),
    ("seek", (-6, 2)),
    ("read", ()),
    ("seek", (0,)),
    ("readlines", (5,)),
    ("truncate", (None,)),
    ("tell", ()),
    ("seek", (4,)),
    ("truncate", ()),
    ("seek", (0,)),
    ("read", (None,)),
    ("write", (b"0123456789" * 3,)),
    ("flush", ()),
    ("isatty", ()),
    ("tell", ()),
    ("seek", (0,)),
    ("read", ()),
]


@pytest.mark.parametrize("max_size", [0, 12, 30, 1000])
async def test_spooled_matches_the_standard_library(
    max_size: int, loop_kind: str
) -> None:
    ref = tempfile.SpooledTemporaryFile(max_size=max_size)
    async with aiofiles.tempfile.SpooledTemporaryFile(max_size=max_size) as f:
        for name, args in SCRIPT:
            want = getattr(ref, name)(*args)
            got = await getattr(f, name)(*args)
            assert got == want, (name, args)
            assert f._file._rolled == ref._rolled, (name, args)
            assert f.closed == ref.closed
            assert f.mode == ref.mode
        ref.close()
    assert f.closed and ref.closed
    for op in ("read", "write", "tell", "seek"):
        args = {"write": (b"x",), "seek": (0,)}.get(op, ())
        with pytest.raises(ValueError):
            getattr(ref, op)(*args)
        with pytest.raises(ValueError):
            await getattr(f, op)(*args)
    await f.close()  # a second close is a no-op


@pytest.mark.parametrize("rolled", [False, True])
async def test_spooled_errors_match(rolled: bool, loop_kind: str) -> None:
    ref = tempfile.SpooledTemporaryFile(mode="w+")
    f = await aiofiles.tempfile.SpooledTemporaryFile(mode="w+")
    if rolled:
        ref.rollover()
        await f.rollover()
    try:
        for op, args in [("write", (b"bytes",)), ("seek", (1, 1)), ("seek", ("x",))]:
            with pytest.raises(Exception) as want:
                getattr(ref, op)(*args)
            with pytest.raises(Exception) as got:
                await getattr(f, op)(*args)
            assert type(got.value) is type(want.value)
            assert str(got.value) == str(want.value)
    finally:
        ref.close()
        await f.close()


async def test_spooled_in_memory_calls_stay_on_the_loop_thread(loop_kind: str) -> None:
    loop_thread = threading.get_ident()
    seen: list[int] = []

    class Probe(io.BytesIO):
        def write(self, b: Any) -> int:
            seen.append(threading.get_ident())
            return super().write(b)

        def read(self, size: int | None = -1) -> bytes:
            seen.append(threading.get_ident())
            return super().read(size)

    f = await aiofiles.tempfile.SpooledTemporaryFile(max_size=100)
    f._file._file = Probe()
    await f.write(b"abc")
    await f.seek(0)
    await f.read()
    assert seen == [loop_thread, loop_thread]
    await f.close()


async def test_spooled_calls_keep_their_order_across_rollover(loop_kind: str) -> None:
    # A write that triggers a rollover and the calls made right after it must
    # not overtake it (or run while the buffer is being copied).
    async with aiofiles.tempfile.SpooledTemporaryFile(max_size=4) as f:
        results = await asyncio.gather(
            f.write(b"abcdef"),
            f.write(b"gh"),
            f.tell(),
            f.seek(0),
            f.read(),
        )
        assert results == [6, 2, 8, 0, b"abcdefgh"]
        assert f._file._rolled


async def test_spooled_await_and_repr(loop_kind: str) -> None:
    f = await aiofiles.tempfile.SpooledTemporaryFile(max_size=3, mode="w+b")
    assert f._loop is asyncio.get_running_loop()
    assert " wrapping " in repr(f)
    await f.close()
    assert f.closed


# -- TemporaryDirectory --------------------------------------------------------


async def test_directory_async_with_gives_the_path(
    tmp_path: Path, loop_kind: str
) -> None:
    async with aiofiles.tempfile.TemporaryDirectory(
        suffix="-s", prefix="p-", dir=str(tmp_path)
    ) as d:
        assert isinstance(d, str)
        assert os.path.isdir(d)
        assert os.path.basename(d).startswith("p-") and d.endswith("-s")
        (Path(d) / "sub").mkdir()
        (Path(d) / "sub" / "f").write_text("x")
    assert not os.path.exists(d)


async def test_directory_await(tmp_path: Path, loop_kind: str) -> None:
    cm = aiofiles.tempfile.TemporaryDirectory(dir=str(tmp_path))
    assert isinstance(cm, AiofilesContextManager)
    d = await cm
    assert type(d) is temptypes.AsyncTemporaryDirectory
    assert await cm is d
    assert isinstance(d._file, tempfile.TemporaryDirectory)
    assert os.path.isdir(d.name)
    (Path(d.name) / "f").write_text("x")
    await d.cleanup()
    assert not os.path.exists(d.name)
    await d.cleanup()  # again: nothing to do, no error (as the standard library)
    d2 = await aiofiles.tempfile.TemporaryDirectory(dir=str(tmp_path))
    await d2.close()
    assert not os.path.exists(d2.name)
    assert list(tmp_path.iterdir()) == []


async def test_directory_removed_when_the_block_raises(
    tmp_path: Path, loop_kind: str
) -> None:
    with pytest.raises(KeyError):
        async with aiofiles.tempfile.TemporaryDirectory(dir=str(tmp_path)) as d:
            raise KeyError(d)
    assert not os.path.exists(d)


async def test_directory_removed_when_the_block_is_cancelled(
    tmp_path: Path, loop_kind: str
) -> None:
    entered = asyncio.Event()
    paths: list[str] = []

    async def body() -> None:
        async with aiofiles.tempfile.TemporaryDirectory(dir=str(tmp_path)) as d:
            paths.append(d)
            entered.set()
            await asyncio.sleep(30)

    task = asyncio.ensure_future(body())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not os.path.exists(paths[0])


async def test_files_closed_when_the_block_is_cancelled(
    tmp_path: Path, loop_kind: str
) -> None:
    entered = asyncio.Event()
    files: list[Any] = []

    async def body(cm: Any) -> None:
        async with cm as f:
            files.append(f)
            entered.set()
            await asyncio.sleep(30)

    for cm in (
        aiofiles.tempfile.TemporaryFile(dir=str(tmp_path)),
        aiofiles.tempfile.NamedTemporaryFile(dir=str(tmp_path)),
        aiofiles.tempfile.SpooledTemporaryFile(dir=str(tmp_path)),
    ):
        entered.clear()
        task = asyncio.ensure_future(body(cm))
        await entered.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert files[-1].closed
    assert list(tmp_path.iterdir()) == []


# -- cancellation during a constructor leaks nothing -------------------------------


class Recorder:
    """Replaces a :mod:`tempfile` constructor and keeps every product alive,
    so that a product nobody closed shows up as an open descriptor."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
        self.products: list[Any] = []
        self.made = threading.Event()
        original = getattr(tempfile, name)

        @functools.wraps(original)
        def record(*args: Any, **kwargs: Any) -> Any:
            product = original(*args, **kwargs)
            self.products.append(product)
            self.made.set()
            return product

        monkeypatch.setattr(tempfile, name, record)


def disposed(product: Any) -> bool:
    if isinstance(product, REAL_TEMPORARY_DIRECTORY):
        return not os.path.exists(product.name)
    if isinstance(product, tempfile._TemporaryFileWrapper):
        return product.closed and not os.path.exists(product.name)
    return bool(product.closed)


KINDS: dict[str, Callable[[str, Any], Any]] = {
    "TemporaryFile": lambda d, ex: aiofiles.tempfile.TemporaryFile(dir=d, executor=ex),
    "NamedTemporaryFile": lambda d, ex: aiofiles.tempfile.NamedTemporaryFile(
        dir=d, executor=ex
    ),
    "SpooledTemporaryFile": lambda d, ex: aiofiles.tempfile.SpooledTemporaryFile(
        dir=d, executor=ex
    ),
    "TemporaryDirectory": lambda d, ex: aiofiles.tempfile.TemporaryDirectory(
        dir=d, executor=ex
    ),
}


class GatedExecutor(concurrent.futures.ThreadPoolExecutor):
    """Jobs wait for ``before`` to run, and for ``after`` to report."""

    def __init__(self) -> None:
        super().__init__(max_workers=4)
        self.started = threading.Event()
        self.before = threading.Event()
        self.after = threading.Event()
        self.futures: list[concurrent.futures.Future[Any]] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        def gated() -> Any:
            self.started.set()
            self.before.wait(10)
            try:
                return fn(*args, **kwargs)
            finally:
                self.after.wait(10)

        future = super().submit(gated)
        self.futures.append(future)
        return future

    async def drain(self) -> None:
        """Wait (without blocking the loop) until every job given so far is done."""
        for _ in range(2000):
            if all(f.done() for f in self.futures):
                break
            await asyncio.sleep(0.005)
        self.shutdown(wait=False)


async def _wait_for(flag: threading.Event) -> None:
    for _ in range(1000):
        if flag.is_set():
            return
        await asyncio.sleep(0.005)
    raise AssertionError("timed out")


async def _settle(products: list[Any]) -> None:
    """Wait until the worker pool has nothing left to do (a cancelled task's
    constructor may still be running there) and every product is disposed of."""
    from aiofiles._executor import get_pool

    for _ in range(1000):
        stats = get_pool().statistics()
        if stats.idle == stats.workers and stats.backlog == 0:
            if all(disposed(p) for p in products):
                return
        await asyncio.sleep(0.005)


@pytest.mark.skipif(not HAVE_PROC_FD, reason="needs /proc/self/fd")
@pytest.mark.parametrize("what", list(KINDS))
@pytest.mark.parametrize("when", ["before_made", "after_made"])
async def test_cancel_during_constructor_leaks_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    what: str,
    when: str,
    loop_kind: str,
) -> None:
    recorder = Recorder(monkeypatch, what)
    executor = GatedExecutor()
    baseline = open_fds()
    try:
        task = asyncio.ensure_future(KINDS[what](str(tmp_path), executor))
        await _wait_for(executor.started)
        if when == "after_made":
            executor.before.set()
            await _wait_for(recorder.made)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        executor.before.set()
        executor.after.set()
    await executor.drain()
    await _settle(recorder.products)
    assert len(recorder.products) == 1
    assert all(disposed(p) for p in recorder.products)
    assert open_fds() == baseline
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not HAVE_PROC_FD, reason="needs /proc/self/fd")
@pytest.mark.parametrize("what", list(KINDS))
async def test_cancel_after_delivery_leaks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, loop_kind: str
) -> None:
    # The product reached the task, but the task was cancelled before it could
    # resume: simulated by a cancellation right after the offloaded call returns.
    from aiofiles import _offload

    recorder = Recorder(monkeypatch, what)
    real_run = _offload.run

    async def run_then_cancelled(*args: Any, **kwargs: Any) -> Any:
        result = await real_run(*args, **kwargs)
        if args and getattr(args[0], "__name__", "") == "job":
            asyncio.current_task().cancel()  # type: ignore[union-attr]
            await asyncio.sleep(0)
        return result

    monkeypatch.setattr(_offload, "run", run_then_cancelled)
    baseline = open_fds()
    with pytest.raises(asyncio.CancelledError):
        await KINDS[what](str(tmp_path), None)
    monkeypatch.setattr(_offload, "run", real_run)
    await _settle(recorder.products)
    assert len(recorder.products) == 1
    assert all(disposed(p) for p in recorder.products)
    assert open_fds() == baseline
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not HAVE_PROC_FD, reason="needs /proc/self/fd")
@pytest.mark.parametrize("what", list(KINDS))
async def test_cancel_at_any_moment_leaks_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, loop_kind: str
) -> None:
    recorder = Recorder(monkeypatch, what)
    baseline = open_fds()
    kept: list[Any] = []
    for i in range(60):
        task = asyncio.ensure_future(KINDS[what](str(tmp_path), None))
        for _ in range(i % 6):
            await asyncio.sleep(0)
        if i % 3 == 0:
            await asyncio.sleep(0.0002 * (i % 7))
        task.cancel()
        try:
            kept.append(await task)
        except asyncio.CancelledError:
            pass
    for obj in kept:  # the ones that finished before the cancel: ours to close
        await obj.close()
    await _settle(recorder.products)
    assert len(recorder.products) >= 1
    assert all(disposed(p) for p in recorder.products)
    assert open_fds() == baseline
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("mode", ["w+b", "w+"])
async def test_named_temporary_file_reads_are_served_on_the_loop(
    tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # NamedTemporaryFile's object is a _TemporaryFileWrapper; the engine learns
    # the file from the io object inside and serves cached reads without a hop.
    from aiofiles import _offload

    lines = [f"line {i}\n" for i in range(200)]
    data: Any = "".join(lines) if "b" not in mode else "".join(lines).encode()
    async with aiofiles.tempfile.NamedTemporaryFile(mode, dir=str(tmp_path)) as f:
        assert isinstance(f._file, tempfile._TemporaryFileWrapper)
        await f.write(data)
        await f.seek(0)  # flushes: the data is in the page cache
        hops: list[Any] = []
        real_submit = _offload.submit

        def counting_submit(*args: Any, **kwargs: Any) -> None:
            hops.append(args[2])
            real_submit(*args, **kwargs)

        monkeypatch.setattr(_offload, "submit", counting_submit)
        got = [line async for line in f]
        monkeypatch.setattr(_offload, "submit", real_submit)
        assert got == [x if "b" not in mode else x.encode() for x in lines]
        assert len(hops) <= 2, hops  # (at most a probe's miss or the end of file)
    assert not os.path.exists(f.name)


# -- TemporaryDirectory's options, the exit's executor, spooled files -------------------


async def test_directory_options_are_passed_through(
    tmp_path: Path, loop_kind: str
) -> None:
    if PY312:
        async with aiofiles.tempfile.TemporaryDirectory(
            dir=str(tmp_path), delete=False
        ) as kept:
            Path(kept, "f").write_text("x")
        assert Path(kept, "f").read_text() == "x"  # delete=False: still there
        made = await aiofiles.tempfile.TemporaryDirectory(
            dir=str(tmp_path), delete=False
        )
        assert made._file._delete is False
    # ignore_cleanup_errors reaches the standard library's object
    d = await aiofiles.tempfile.TemporaryDirectory(
        dir=str(tmp_path), ignore_cleanup_errors=True
    )
    assert d._file._ignore_cleanup_errors is True
    await d.cleanup()
    assert not os.path.exists(d.name)
    with pytest.raises(TypeError):
        aiofiles.tempfile.TemporaryDirectory(
            str(tmp_path), None, None, None, None, True
        )  # type: ignore[call-overload, misc]


async def test_directory_positional_loop_and_executor_as_in_25_1(
    tmp_path: Path, loop_kind: str
) -> None:
    executor = CountingExecutor()
    try:
        loop = asyncio.get_running_loop()
        async with aiofiles.tempfile.TemporaryDirectory(
            "-s", "p-", str(tmp_path), loop, executor
        ) as d:
            assert os.path.basename(d).startswith("p-") and d.endswith("-s")
        assert not os.path.exists(d)
        assert executor.submitted == 2  # made there, removed there
    finally:
        executor.shutdown(wait=False)


async def test_spooled_exit_uses_the_callers_executor(loop_kind: str) -> None:
    executor = CountingExecutor()
    try:
        async with aiofiles.tempfile.SpooledTemporaryFile(4, executor=executor) as f:
            await f.write(b"0123456789")  # past max_size: rolled over there
            assert f._file._rolled
            before = executor.submitted
        assert f.closed
        assert executor.submitted == before + 1  # the exit ran there too
    finally:
        executor.shutdown(wait=False)


async def test_spooled_file_is_an_async_context_manager(loop_kind: str) -> None:
    f = await aiofiles.tempfile.SpooledTemporaryFile(max_size=8)
    async with f as entered:
        assert entered is f
        await f.write(b"abc")
    assert f.closed
    g = await aiofiles.tempfile.SpooledTemporaryFile(max_size=2, mode="w+")
    with pytest.raises(KeyError):
        async with g:
            await g.write("abcdef")  # rolled over
            raise KeyError("body")
    assert g.closed


async def test_spooled_writelines_of_nothing_past_max_size(loop_kind: str) -> None:
    """Past ``max_size`` without a rollover (a seek), ``writelines([])`` does
    what the running Python's does (3.14 changed it: no lines, no rollover)."""
    with tempfile.SpooledTemporaryFile(max_size=4) as blocking:
        blocking.write(b"ab")
        blocking.seek(10)
        assert blocking.writelines([]) is None
        expected = (blocking._rolled, blocking.tell())
        blocking.seek(0)
        expected_data = blocking.read()
    async with aiofiles.tempfile.SpooledTemporaryFile(max_size=4) as f:
        await f.write(b"ab")
        await f.seek(10)
        assert await f.writelines([]) is None
        assert (f._file._rolled, await f.tell()) == expected
        await f.seek(0)
        assert await f.read() == expected_data


# A spooled file against the standard library's, call by call (hypothesis).

_SPOOLED_OPS = st.one_of(
    st.tuples(st.just("write"), st.binary(max_size=12)),
    st.tuples(st.just("writelines"), st.lists(st.binary(max_size=6), max_size=4)),
    st.tuples(st.just("seek"), st.integers(0, 40)),
    st.tuples(st.just("read"), st.integers(-1, 20)),
    st.tuples(st.just("readline"), st.integers(-1, 20)),
    st.tuples(st.just("truncate"), st.one_of(st.none(), st.integers(0, 40))),
    st.tuples(st.just("tell"), st.none()),
    st.tuples(st.just("rollover"), st.none()),
)


def _spooled_step(f: Any, op: str, arg: Any) -> Any:
    if arg is None and op in ("tell", "rollover"):
        return getattr(f, op)()
    return getattr(f, op)(arg)


@settings(max_examples=60, deadline=None)
@given(max_size=st.integers(0, 24), ops=st.lists(_SPOOLED_OPS, max_size=12))
def test_spooled_differential(max_size: int, ops: list[tuple[str, Any]]) -> None:
    expected: list[Any] = []
    with tempfile.SpooledTemporaryFile(max_size=max_size) as blocking:
        for op, arg in ops:
            try:
                expected.append(("ok", _spooled_step(blocking, op, arg)))
            except Exception as exc:
                expected.append(("raised", type(exc), str(exc)))
            expected.append(blocking._rolled)
        blocking.seek(0)
        expected.append(blocking.read())

    async def run() -> list[Any]:
        got: list[Any] = []
        async with aiofiles.tempfile.SpooledTemporaryFile(max_size=max_size) as f:
            for op, arg in ops:
                try:
                    got.append(("ok", await _spooled_step(f, op, arg)))
                except Exception as exc:
                    got.append(("raised", type(exc), str(exc)))
                got.append(f._file._rolled)
            await f.seek(0)
            got.append(await f.read())
        return got

    assert asyncio.run(run()) == expected
