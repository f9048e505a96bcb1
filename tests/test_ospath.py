"""``aiofiles.ospath`` against :mod:`os.path`: same results, same errors."""

from __future__ import annotations

import concurrent.futures
import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aiofiles.base
import aiofiles.os
import aiofiles.ospath

# Async tests take ``loop_kind`` (the event loop they run on; see conftest).

EXPECTED_ALL = [
    "abspath",
    "getatime",
    "getctime",
    "getmtime",
    "getsize",
    "exists",
    "isdir",
    "isfile",
    "islink",
    "ismount",
    "samefile",
    "sameopenfile",
]
EXTRAS = [n for n in ("lexists", "realpath", "isjunction") if hasattr(os.path, n)]
FUNCTIONS = EXPECTED_ALL + EXTRAS


def test_all_is_exact() -> None:
    assert aiofiles.ospath.__all__ == EXPECTED_ALL


def test_wrap_is_exported() -> None:
    assert aiofiles.ospath.wrap is aiofiles.base.wrap


def test_extras_exist_but_stay_out_of_all() -> None:
    for name in EXTRAS:
        assert inspect.iscoroutinefunction(getattr(aiofiles.ospath, name))
        assert name not in aiofiles.ospath.__all__
    assert hasattr(aiofiles.ospath, "isjunction") == hasattr(os.path, "isjunction")


def test_reachable_as_os_path() -> None:
    assert aiofiles.os.path.exists is aiofiles.ospath.exists


@pytest.mark.parametrize("name", FUNCTIONS)
def test_signature(name: str) -> None:
    fn = getattr(aiofiles.ospath, name)
    assert inspect.iscoroutinefunction(fn)
    assert fn.__name__ == getattr(os.path, name).__name__
    assert fn.__doc__ == getattr(os.path, name).__doc__
    sig = inspect.signature(fn)
    for extra in ("loop", "executor"):
        param = sig.parameters[extra]
        assert param.kind is inspect.Parameter.KEYWORD_ONLY
        assert param.default is None
    original = inspect.signature(getattr(os.path, name))
    mine = [p for p in sig.parameters.values() if p.name not in ("loop", "executor")]
    assert mine == list(original.parameters.values())


def make_tree(root: Path) -> Path:
    root.mkdir()
    (root / "file.txt").write_bytes(b"x" * 1234)
    (root / "empty").write_bytes(b"")
    (root / "dir").mkdir()
    os.symlink("file.txt", root / "link")
    os.symlink("missing", root / "dangling")
    os.symlink("dir", root / "dirlink")
    os.utime(
        root / "file.txt", ns=(1_111_111_111_123_456_789, 1_222_222_222_987_654_321)
    )
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """The test tree, built before the loop starts (the loop is timed)."""
    return make_tree(tmp_path / "t")


Setup = Callable[[Path, list[int]], tuple[tuple, dict]]


def _fd(fds: list[int], path: Path) -> int:
    fd = os.open(path, os.O_RDONLY)
    fds.append(fd)
    return fd


CASES: list[tuple[str, str, Setup]] = [
    ("abspath", "abs", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("abspath", "rel", lambda r, fds: (("some/../rel",), {})),
    ("abspath", "dots", lambda r, fds: ((str(r) + "/./dir/../file.txt",), {})),
    ("abspath", "bytes", lambda r, fds: ((b"x/y",), {})),
    ("abspath", "pathlike", lambda r, fds: ((r / "dir",), {})),
    ("abspath", "empty", lambda r, fds: (("",), {})),
    ("abspath", "badtype", lambda r, fds: ((None,), {})),
    ("getatime", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("getatime", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("getctime", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("getctime", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("getmtime", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("getmtime", "link", lambda r, fds: ((str(r / "link"),), {})),
    ("getmtime", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("getmtime", "badtype", lambda r, fds: (([],), {})),
    ("getsize", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("getsize", "empty", lambda r, fds: ((str(r / "empty"),), {})),
    ("getsize", "fd", lambda r, fds: ((_fd(fds, r / "file.txt"),), {})),
    ("getsize", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("getsize", "dangling", lambda r, fds: ((str(r / "dangling"),), {})),
    ("exists", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("exists", "dir", lambda r, fds: ((r / "dir",), {})),
    ("exists", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("exists", "dangling", lambda r, fds: ((str(r / "dangling"),), {})),
    ("exists", "nul", lambda r, fds: ((str(r / "a\0b"),), {})),
    ("exists", "fd", lambda r, fds: ((_fd(fds, r / "file.txt"),), {})),
    ("exists", "badfd", lambda r, fds: ((987654,), {})),
    ("exists", "badtype", lambda r, fds: ((None,), {})),
    ("exists", "noargs", lambda r, fds: ((), {})),
    ("exists", "empty", lambda r, fds: (("",), {})),
    ("exists", "slash_file", lambda r, fds: ((str(r / "file.txt") + "/",), {})),
    ("exists", "slash_dangling", lambda r, fds: ((str(r / "dangling") + "/",), {})),
    ("exists", "bytes", lambda r, fds: ((os.fsencode(r / "link"),), {})),
    ("getsize", "dirlink", lambda r, fds: ((str(r / "dirlink"),), {})),
    ("getsize", "empty", lambda r, fds: (("",), {})),
    ("getsize", "nul", lambda r, fds: ((str(r / "a\0b"),), {})),
    ("getatime", "link", lambda r, fds: ((str(r / "link"),), {})),
    ("getctime", "dangling", lambda r, fds: ((str(r / "dangling"),), {})),
    ("isdir", "dir", lambda r, fds: ((str(r / "dir"),), {})),
    ("isdir", "slash_dirlink", lambda r, fds: ((str(r / "dirlink") + "/",), {})),
    ("isdir", "empty", lambda r, fds: ((b"",), {})),
    ("isfile", "slash_file", lambda r, fds: ((str(r / "file.txt") + "/",), {})),
    ("isfile", "fd", lambda r, fds: ((_fd(fds, r / "file.txt"),), {})),
    ("islink", "dirlink", lambda r, fds: ((str(r / "dirlink"),), {})),
    ("islink", "slash_dirlink", lambda r, fds: ((str(r / "dirlink") + "/",), {})),
    ("islink", "pathlike", lambda r, fds: ((r / "link",), {})),
    ("islink", "badtype", lambda r, fds: ((None,), {})),
    ("lexists", "slash_dangling", lambda r, fds: ((str(r / "dangling") + "/",), {})),
    ("lexists", "nul", lambda r, fds: ((str(r / "a\0b"),), {})),
    ("isdir", "dirlink", lambda r, fds: ((str(r / "dirlink"),), {})),
    ("isdir", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("isdir", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("isdir", "bytes", lambda r, fds: ((os.fsencode(r / "dir"),), {})),
    ("isfile", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("isfile", "link", lambda r, fds: ((str(r / "link"),), {})),
    ("isfile", "dir", lambda r, fds: ((str(r / "dir"),), {})),
    ("isfile", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("islink", "link", lambda r, fds: ((str(r / "link"),), {})),
    ("islink", "dangling", lambda r, fds: ((str(r / "dangling"),), {})),
    ("islink", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("islink", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("ismount", "root", lambda r, fds: (("/",), {})),
    ("ismount", "proc", lambda r, fds: (("/proc",), {})),
    ("ismount", "dir", lambda r, fds: ((str(r / "dir"),), {})),
    ("ismount", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("ismount", "bytes", lambda r, fds: ((b"/",), {})),
    ("samefile", "same", lambda r, fds: ((str(r / "file.txt"), str(r / "link")), {})),
    ("samefile", "other", lambda r, fds: ((str(r / "file.txt"), str(r / "empty")), {})),
    (
        "samefile",
        "missing",
        lambda r, fds: ((str(r / "file.txt"), str(r / "nope")), {}),
    ),
    ("samefile", "one_arg", lambda r, fds: ((str(r / "file.txt"),), {})),
    (
        "sameopenfile",
        "same",
        lambda r, fds: ((_fd(fds, r / "file.txt"), _fd(fds, r / "link")), {}),
    ),
    (
        "sameopenfile",
        "other",
        lambda r, fds: ((_fd(fds, r / "file.txt"), _fd(fds, r / "empty")), {}),
    ),
    ("sameopenfile", "badfd", lambda r, fds: ((987654, 987655), {})),
    ("lexists", "dangling", lambda r, fds: ((str(r / "dangling"),), {})),
    ("lexists", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ("lexists", "file", lambda r, fds: ((str(r / "file.txt"),), {})),
    ("realpath", "link", lambda r, fds: ((str(r / "link"),), {})),
    (
        "realpath",
        "dirlink",
        lambda r, fds: ((str(r / "dirlink") + "/../file.txt",), {}),
    ),
    ("realpath", "missing", lambda r, fds: ((str(r / "nope" / "x"),), {})),
    ("realpath", "strict", lambda r, fds: ((str(r / "nope"),), {"strict": True})),
    ("realpath", "strict_ok", lambda r, fds: ((str(r / "link"),), {"strict": True})),
    ("realpath", "bytes", lambda r, fds: ((os.fsencode(r / "link"),), {})),
]
if hasattr(os.path, "isjunction"):
    CASES += [
        ("isjunction", "dir", lambda r, fds: ((str(r / "dir"),), {})),
        ("isjunction", "missing", lambda r, fds: ((str(r / "nope"),), {})),
    ]


def _outcome_sync(fn: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    try:
        return ("ok", fn(*args, **kwargs))
    except Exception as exc:
        return ("err", type(exc), getattr(exc, "errno", None), str(exc))


@pytest.mark.parametrize(
    ("name", "setup"),
    [pytest.param(n, s, id=f"{n}-{i}") for n, i, s in CASES],
)
async def test_matches_os_path(
    tree: Path, name: str, setup: Setup, loop_kind: str
) -> None:
    root = tree
    fds: list[int] = []
    try:
        args, kwargs = setup(root, fds)
        expected = _outcome_sync(getattr(os.path, name), args, kwargs)
        try:
            got = ("ok", await getattr(aiofiles.ospath, name)(*args, **kwargs))
        except Exception as exc:
            got = ("err", type(exc), getattr(exc, "errno", None), str(exc))
        assert got == expected
        if got[0] == "ok":
            assert type(got[1]) is type(expected[1])
    finally:
        for fd in fds:
            os.close(fd)


def test_every_function_has_cases() -> None:
    assert {n for n, _, _ in CASES} == set(FUNCTIONS)


async def test_relative_paths_use_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, loop_kind: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("here").write_text("x")
    assert await aiofiles.ospath.abspath("here") == str(tmp_path / "here")
    assert await aiofiles.ospath.exists("here") is True
    assert await aiofiles.ospath.getsize("here") == 1


@pytest.mark.parametrize("name", FUNCTIONS)
async def test_executor_is_honoured(tree: Path, name: str, loop_kind: str) -> None:
    root = tree
    fds: list[int] = []
    submitted: list[Any] = []

    class Counting(concurrent.futures.ThreadPoolExecutor):
        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            submitted.append(fn)
            return super().submit(fn, *args, **kwargs)

    executor = Counting(max_workers=1)
    try:
        args, kwargs = next(s(root, fds) for n, _, s in CASES if n == name)
        await getattr(aiofiles.ospath, name)(*args, executor=executor, **kwargs)
    finally:
        executor.shutdown(wait=False)  # every job was awaited; do not block the loop
        for fd in fds:
            os.close(fd)
    assert len(submitted) == 1
