"""``aiofiles.os`` against :mod:`os`: same results, same errors, loop-friendly.

Queries run the blocking call and its async twin on the same tree and compare the
results exactly. Calls that change the file system run on two identical trees,
and the outcome (result or exception type, errno and message, with the tree's
root masked) and the resulting trees are compared.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import os
import stat as stat_mod
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aiofiles.os
import aiofiles.ospath

# Async tests take ``loop_kind`` (the event loop they run on; see conftest).

# -- helpers ----------------------------------------------------------------


class Ctx:
    """One copy of the test tree, plus descriptors to close at the end."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.fds: list[int] = []

    def p(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def fd(self, name: str, flags: int = os.O_RDONLY) -> int:
        fd = os.open(self.p(name), flags)
        self.fds.append(fd)
        return fd

    def close(self) -> None:
        for fd in self.fds:
            try:
                os.close(fd)
            except OSError:
                pass


def make_tree(root: Path) -> Ctx:
    root.mkdir()
    (root / "file.txt").write_bytes(b"hello world\n" * 100)
    (root / "empty").write_bytes(b"")
    (root / "dir" / "sub").mkdir(parents=True)
    (root / "dir" / "sub" / "inner.txt").write_text("inner")
    (root / "dir" / "a.txt").write_text("a")
    (root / "emptydir").mkdir()
    os.symlink("file.txt", root / "link")
    os.symlink("missing", root / "dangling")
    os.symlink("dir", root / "dirlink")
    return Ctx(root)


@pytest.fixture
def tree(tmp_path: Path) -> Any:
    """One test tree, built before the loop starts (the loop is timed)."""
    ctx = make_tree(tmp_path / "t")
    yield ctx
    ctx.close()


@pytest.fixture
def twins(tmp_path: Path) -> Any:
    """Two identical trees with the same mtimes: ``(want, got)``."""
    want, got = make_tree(tmp_path / "want"), make_tree(tmp_path / "got")
    for dirpath, dirnames, filenames in os.walk(want.root):
        for entry in dirnames + filenames:
            src = os.path.join(dirpath, entry)
            dst = os.path.join(got.root, os.path.relpath(src, want.root))
            if not os.path.islink(src):
                os.utime(src, ns=(10**9, 10**9))
                os.utime(dst, ns=(10**9, 10**9))
    yield want, got
    want.close()
    got.close()


def snapshot(root: Path, since_ns: int) -> list[tuple[str, str, Any]]:
    """The tree under ``root``; mtimes set at or after ``since_ns`` read "recent"."""
    out: list[tuple[str, str, Any]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in sorted(dirnames + filenames):
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if stat_mod.S_ISLNK(st.st_mode):
                out.append((rel, "link", os.readlink(full)))
            elif stat_mod.S_ISDIR(st.st_mode):
                out.append((rel, "dir", stat_mod.S_IMODE(st.st_mode)))
            else:
                with open(full, "rb") as f:
                    data = f.read()
                mtime = "recent" if st.st_mtime_ns >= since_ns else st.st_mtime_ns
                out.append((rel, "file", (data, stat_mod.S_IMODE(st.st_mode), mtime)))
    return sorted(out)


def mask(value: Any, root: str) -> Any:
    if isinstance(value, str):
        return value.replace(root, "<root>")
    if isinstance(value, bytes):
        return value.replace(os.fsencode(root), b"<root>")
    if isinstance(value, (list, tuple)):
        return type(value)(mask(v, root) for v in value)
    return value


def outcome_sync(fn: Callable[..., Any], args: tuple, kwargs: dict, root: str) -> Any:
    try:
        return ("ok", mask(fn(*args, **kwargs), root))
    except Exception as exc:
        return ("err", type(exc), getattr(exc, "errno", None), mask(str(exc), root))


async def outcome_async(
    fn: Callable[..., Any], args: tuple, kwargs: dict, root: str
) -> Any:
    try:
        return ("ok", mask(await fn(*args, **kwargs), root))
    except Exception as exc:
        return ("err", type(exc), getattr(exc, "errno", None), mask(str(exc), root))


class CountingExecutor(concurrent.futures.ThreadPoolExecutor):
    """An executor that remembers the threads its jobs ran in."""

    def __init__(self) -> None:
        super().__init__(max_workers=2, thread_name_prefix="counting-executor")
        self.submitted = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


# -- the surface ------------------------------------------------------------

EXPECTED_ALL = [
    "path",
    "stat",
    "rename",
    "renames",
    "replace",
    "remove",
    "unlink",
    "mkdir",
    "makedirs",
    "rmdir",
    "removedirs",
    "symlink",
    "readlink",
    "listdir",
    "scandir",
    "access",
    "wrap",
    "getcwd",
]
for _name in ("link", "sendfile", "statvfs"):
    if hasattr(os, _name):
        EXPECTED_ALL.append(_name)

EXTRAS = [
    name
    for name in (
        "lstat",
        "fstat",
        "chmod",
        "chown",
        "lchown",
        "utime",
        "truncate",
        "ftruncate",
        "fsync",
        "fdatasync",
        "copy_file_range",
    )
    if hasattr(os, name)
]

FUNCTIONS = [n for n in EXPECTED_ALL if n not in ("path", "wrap")] + EXTRAS


def test_all_is_exact() -> None:
    assert aiofiles.os.__all__ == EXPECTED_ALL


def test_path_is_ospath() -> None:
    assert aiofiles.os.path is aiofiles.ospath


def test_wrap_is_exported() -> None:
    import aiofiles.base

    assert aiofiles.os.wrap is aiofiles.base.wrap


def test_extras_exist_but_stay_out_of_all() -> None:
    for name in EXTRAS:
        assert inspect.iscoroutinefunction(getattr(aiofiles.os, name)), name
        assert name not in aiofiles.os.__all__
    for name in ("lchown", "copy_file_range", "fdatasync"):
        assert hasattr(aiofiles.os, name) == hasattr(os, name)


def test_no_walk_written_here() -> None:
    # Directory walking is another module's job; scandir stays the blocking one.
    assert aiofiles.os.scandir.__wrapped__ is os.scandir


@pytest.mark.parametrize("name", FUNCTIONS)
def test_signature(name: str) -> None:
    fn = getattr(aiofiles.os, name)
    assert inspect.iscoroutinefunction(fn)
    assert fn.__name__ == getattr(os, name).__name__
    sig = inspect.signature(fn)
    for extra in ("loop", "executor"):
        param = sig.parameters[extra]
        assert param.kind is inspect.Parameter.KEYWORD_ONLY
        assert param.default is None
    try:
        original = inspect.signature(getattr(os, name))
    except ValueError:  # a builtin without a usable text signature (os.utime)
        return
    mine = [p for p in sig.parameters.values() if p.name not in ("loop", "executor")]
    assert mine == list(original.parameters.values())


# -- queries: same tree, exact results ----------------------------------------

Setup = Callable[[Ctx], tuple[tuple, dict]]

QUERIES: list[tuple[str, str, Setup]] = [
    ("stat", "file", lambda c: ((c.p("file.txt"),), {})),
    ("stat", "dir", lambda c: ((c.p("dir"),), {})),
    ("stat", "link", lambda c: ((c.p("link"),), {})),
    ("stat", "nofollow", lambda c: ((c.p("link"),), {"follow_symlinks": False})),
    ("stat", "bytes", lambda c: ((os.fsencode(c.p("file.txt")),), {})),
    ("stat", "pathlike", lambda c: ((Path(c.p("file.txt")),), {})),
    ("stat", "fd", lambda c: ((c.fd("file.txt"),), {})),
    ("stat", "missing", lambda c: ((c.p("nope"),), {})),
    ("stat", "dangling", lambda c: ((c.p("dangling"),), {})),
    ("stat", "nul", lambda c: ((c.p("a\0b"),), {})),
    ("stat", "badtype", lambda c: ((1.5,), {})),
    ("stat", "badkw", lambda c: ((c.p("file.txt"),), {"bogus": 1})),
    ("stat", "noargs", lambda c: ((), {})),
    ("stat", "notdir", lambda c: ((c.p("file.txt", "x"),), {})),
    ("stat", "empty", lambda c: (("",), {})),
    ("stat", "slash_file", lambda c: ((c.p("file.txt") + "/",), {})),
    ("stat", "slash_dirlink", lambda c: ((c.p("dirlink") + "/",), {})),
    ("stat", "dotdot", lambda c: ((c.p("dir", "sub", "..", "a.txt"),), {})),
    ("stat", "doubleslash", lambda c: ((c.p() + "//dir//sub",), {})),
    (
        "stat",
        "nofollow_dirlink",
        lambda c: ((c.p("dirlink"),), {"follow_symlinks": False}),
    ),
    (
        "stat",
        "nofollow_dangling",
        lambda c: ((c.p("dangling"),), {"follow_symlinks": False}),
    ),
    ("stat", "follow_false_pos", lambda c: ((c.p("link"),), {"follow_symlinks": 0})),
    ("stat", "dir_fd", lambda c: (("file.txt",), {"dir_fd": c.fd(".")})),
    ("lstat", "link", lambda c: ((c.p("link"),), {})),
    ("lstat", "slash_dirlink", lambda c: ((c.p("dirlink") + "/",), {})),
    ("lstat", "dirlink", lambda c: ((c.p("dirlink"),), {})),
    ("lstat", "bytes", lambda c: ((os.fsencode(c.p("link")),), {})),
    ("lstat", "empty", lambda c: (("",), {})),
    ("lstat", "dangling", lambda c: ((c.p("dangling"),), {})),
    ("lstat", "missing", lambda c: ((c.p("nope"),), {})),
    ("fstat", "fd", lambda c: ((c.fd("file.txt"),), {})),
    ("fstat", "badfd", lambda c: ((987654,), {})),
    ("fstat", "badtype", lambda c: (("x",), {})),
    ("readlink", "link", lambda c: ((c.p("link"),), {})),
    ("readlink", "bytes", lambda c: ((os.fsencode(c.p("dirlink")),), {})),
    ("readlink", "pathlike", lambda c: ((Path(c.p("dangling")),), {})),
    ("readlink", "notlink", lambda c: ((c.p("file.txt"),), {})),
    ("readlink", "missing", lambda c: ((c.p("nope"),), {})),
    ("listdir", "root", lambda c: ((c.p(),), {})),
    ("listdir", "bytes", lambda c: ((os.fsencode(c.p("dir")),), {})),
    ("listdir", "fd", lambda c: ((c.fd("dir"),), {})),
    ("listdir", "empty", lambda c: ((c.p("emptydir"),), {})),
    ("listdir", "file", lambda c: ((c.p("file.txt"),), {})),
    ("listdir", "missing", lambda c: ((c.p("nope"),), {})),
    ("access", "read", lambda c: ((c.p("file.txt"), os.R_OK), {})),
    ("access", "rwx", lambda c: ((c.p("file.txt"), os.R_OK | os.W_OK | os.X_OK), {})),
    ("access", "exists", lambda c: ((c.p("dir"), os.F_OK), {})),
    ("access", "missing", lambda c: ((c.p("nope"), os.F_OK), {})),
    (
        "access",
        "nofollow",
        lambda c: ((c.p("dangling"), os.F_OK), {"follow_symlinks": False}),
    ),
    ("access", "badmode", lambda c: ((c.p("file.txt"), "r"), {})),
    ("getcwd", "plain", lambda c: ((), {})),
    ("getcwd", "extra", lambda c: ((1,), {})),
]
if hasattr(os, "statvfs"):
    QUERIES += [
        ("statvfs", "missing", lambda c: ((c.p("nope"),), {})),
        ("statvfs", "badtype", lambda c: ((None,), {})),
    ]


@pytest.mark.parametrize(
    ("name", "setup"),
    [pytest.param(n, s, id=f"{n}-{i}") for n, i, s in QUERIES],
)
async def test_query_matches_os(
    tree: Ctx, name: str, setup: Setup, loop_kind: str
) -> None:
    args, kwargs = setup(tree)
    root = str(tree.root)
    expected = outcome_sync(getattr(os, name), args, kwargs, root)
    got = await outcome_async(getattr(aiofiles.os, name), args, kwargs, root)
    assert got == expected


async def test_stat_errors_keep_filename(tmp_path: Path, loop_kind: str) -> None:
    missing = str(tmp_path / "nope")
    with pytest.raises(FileNotFoundError) as info:
        await aiofiles.os.stat(missing)
    assert info.value.filename == missing
    assert info.value.errno == 2


@pytest.mark.skipif(not hasattr(os, "statvfs"), reason="no os.statvfs")
async def test_statvfs(tmp_path: Path, loop_kind: str) -> None:
    got = await aiofiles.os.statvfs(str(tmp_path))
    want = os.statvfs(str(tmp_path))
    assert type(got) is type(want)
    # Free-space counters move with other activity on the disk; the rest is fixed.
    for field in ("f_bsize", "f_frsize", "f_blocks", "f_files", "f_flag", "f_namemax"):
        assert getattr(got, field) == getattr(want, field), field
    assert got.f_fsid == want.f_fsid


async def test_scandir_returns_the_blocking_iterator(tree: Ctx, loop_kind: str) -> None:
    ctx = tree
    want_it = os.scandir(ctx.root)
    got_it = await aiofiles.os.scandir(ctx.root)
    try:
        assert type(got_it) is type(want_it)
        assert not hasattr(got_it, "__aiter__")

        def entries(it: Any) -> list[tuple[str, str, bool, bool, bool]]:
            return sorted(
                (e.name, e.path, e.is_dir(), e.is_file(), e.is_symlink()) for e in it
            )

        assert entries(got_it) == entries(want_it)
    finally:
        got_it.close()
        want_it.close()
    with pytest.raises(FileNotFoundError):
        await aiofiles.os.scandir(ctx.p("nope"))
    with pytest.raises(NotADirectoryError):
        await aiofiles.os.scandir(ctx.p("file.txt"))
    # No argument: the current directory, as os.scandir() does.
    with await aiofiles.os.scandir() as it:
        names = sorted(e.name for e in it)
    assert names == sorted(os.listdir())


async def test_getcwd_follows_chdir(tmp_path: Path, loop_kind: str) -> None:
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert await aiofiles.os.getcwd() == os.getcwd() == str(tmp_path)
    finally:
        os.chdir(old)


# -- mutations: two identical trees, same outcome, same tree after ------------

MUTATIONS: list[tuple[str, str, Setup]] = [
    ("rename", "file", lambda c: ((c.p("file.txt"), c.p("moved.txt")), {})),
    ("rename", "dir", lambda c: ((c.p("dir"), c.p("dir2")), {})),
    ("rename", "onto_file", lambda c: ((c.p("empty"), c.p("file.txt")), {})),
    ("rename", "onto_nonempty_dir", lambda c: ((c.p("emptydir"), c.p("dir")), {})),
    ("rename", "missing", lambda c: ((c.p("nope"), c.p("x")), {})),
    ("rename", "dir_onto_file", lambda c: ((c.p("dir"), c.p("file.txt")), {})),
    (
        "renames",
        "deep",
        lambda c: ((c.p("dir", "sub", "inner.txt"), c.p("n1", "n2", "i.txt")), {}),
    ),
    ("renames", "missing", lambda c: ((c.p("nope"), c.p("a", "b")), {})),
    ("replace", "file", lambda c: ((c.p("empty"), c.p("file.txt")), {})),
    ("replace", "missing", lambda c: ((c.p("nope"), c.p("file.txt")), {})),
    ("replace", "file_onto_dir", lambda c: ((c.p("empty"), c.p("emptydir")), {})),
    ("remove", "file", lambda c: ((c.p("file.txt"),), {})),
    ("remove", "link", lambda c: ((c.p("link"),), {})),
    ("remove", "dir", lambda c: ((c.p("dir"),), {})),
    ("remove", "missing", lambda c: ((c.p("nope"),), {})),
    ("unlink", "file", lambda c: ((c.p("empty"),), {})),
    ("unlink", "dangling", lambda c: ((c.p("dangling"),), {})),
    ("unlink", "dir", lambda c: ((c.p("emptydir"),), {})),
    ("unlink", "missing", lambda c: ((c.p("nope"),), {})),
    ("mkdir", "new", lambda c: ((c.p("new"),), {})),
    ("mkdir", "mode", lambda c: ((c.p("new"), 0o700), {})),
    ("mkdir", "mode_kw", lambda c: ((c.p("new"),), {"mode": 0o750})),
    ("mkdir", "exists", lambda c: ((c.p("dir"),), {})),
    ("mkdir", "noparent", lambda c: ((c.p("a", "b"),), {})),
    ("mkdir", "bytes", lambda c: ((os.fsencode(c.p("newb")),), {})),
    ("makedirs", "deep", lambda c: ((c.p("a", "b", "c"),), {})),
    ("makedirs", "exists", lambda c: ((c.p("dir", "sub"),), {})),
    ("makedirs", "exist_ok", lambda c: ((c.p("dir", "sub"),), {"exist_ok": True})),
    ("makedirs", "exist_ok_file", lambda c: ((c.p("file.txt"),), {"exist_ok": True})),
    ("makedirs", "mode", lambda c: ((c.p("m1", "m2"), 0o711), {})),
    ("rmdir", "empty", lambda c: ((c.p("emptydir"),), {})),
    ("rmdir", "nonempty", lambda c: ((c.p("dir"),), {})),
    ("rmdir", "file", lambda c: ((c.p("file.txt"),), {})),
    ("rmdir", "missing", lambda c: ((c.p("nope"),), {})),
    ("removedirs", "chain", lambda c: ((c.p("emptydir"),), {})),
    ("removedirs", "nonempty", lambda c: ((c.p("dir"),), {})),
    ("symlink", "new", lambda c: (("file.txt", c.p("newlink")), {})),
    (
        "symlink",
        "dir",
        lambda c: (("dir", c.p("newlink")), {"target_is_directory": True}),
    ),
    ("symlink", "exists", lambda c: (("file.txt", c.p("link")), {})),
    ("symlink", "noparent", lambda c: (("file.txt", c.p("a", "b")), {})),
    ("chmod", "file", lambda c: ((c.p("file.txt"), 0o600), {})),
    ("chmod", "dir", lambda c: ((c.p("dir"), 0o711), {})),
    ("chmod", "fd", lambda c: ((c.fd("empty"), 0o640), {})),
    ("chmod", "missing", lambda c: ((c.p("nope"), 0o600), {})),
    ("chmod", "badmode", lambda c: ((c.p("file.txt"), "x"), {})),
    ("utime", "ns", lambda c: ((c.p("file.txt"),), {"ns": (10**18, 2 * 10**18)})),
    ("utime", "times", lambda c: ((c.p("empty"), (1000.5, 2000.25)), {})),
    ("utime", "missing", lambda c: ((c.p("nope"), (1, 2)), {})),
    ("utime", "both", lambda c: ((c.p("empty"), (1, 2)), {"ns": (1, 2)})),
    ("truncate", "shrink", lambda c: ((c.p("file.txt"), 5), {})),
    ("truncate", "grow", lambda c: ((c.p("empty"), 100), {})),
    ("truncate", "negative", lambda c: ((c.p("file.txt"), -1), {})),
    ("truncate", "dir", lambda c: ((c.p("dir"), 0), {})),
    ("truncate", "missing", lambda c: ((c.p("nope"), 0), {})),
    ("fsync", "fd", lambda c: ((c.fd("file.txt", os.O_RDWR),), {})),
    ("fsync", "badfd", lambda c: ((987654,), {})),
]
if hasattr(os, "link"):
    MUTATIONS += [
        ("link", "new", lambda c: ((c.p("file.txt"), c.p("hard")), {})),
        ("link", "exists", lambda c: ((c.p("file.txt"), c.p("empty")), {})),
        ("link", "missing", lambda c: ((c.p("nope"), c.p("hard")), {})),
        ("link", "dir", lambda c: ((c.p("dir"), c.p("hard")), {})),
    ]
if hasattr(os, "chown"):
    MUTATIONS += [
        ("chown", "self", lambda c: ((c.p("file.txt"), os.getuid(), os.getgid()), {})),
        ("chown", "keep", lambda c: ((c.p("dir"), -1, -1), {})),
        ("chown", "missing", lambda c: ((c.p("nope"), -1, -1), {})),
    ]
if hasattr(os, "lchown"):
    MUTATIONS += [
        ("lchown", "link", lambda c: ((c.p("dangling"), os.getuid(), os.getgid()), {})),
        ("lchown", "missing", lambda c: ((c.p("nope"), -1, -1), {})),
    ]
if hasattr(os, "ftruncate"):
    MUTATIONS += [
        ("ftruncate", "shrink", lambda c: ((c.fd("file.txt", os.O_RDWR), 7), {})),
        ("ftruncate", "readonly", lambda c: ((c.fd("file.txt"), 7), {})),
        ("ftruncate", "badfd", lambda c: ((987654, 0), {})),
    ]
if hasattr(os, "fdatasync"):
    MUTATIONS += [
        ("fdatasync", "fd", lambda c: ((c.fd("file.txt", os.O_RDWR),), {})),
        ("fdatasync", "badfd", lambda c: ((987654,), {})),
    ]
if hasattr(os, "sendfile"):
    MUTATIONS += [
        (
            "sendfile",
            "copy",
            lambda c: ((c.fd("empty", os.O_WRONLY), c.fd("file.txt"), 0, 500), {}),
        ),
        (
            "sendfile",
            "offset",
            lambda c: ((c.fd("empty", os.O_WRONLY), c.fd("file.txt"), 1190, 500), {}),
        ),
        ("sendfile", "badfd", lambda c: ((987654, c.fd("file.txt"), 0, 10), {})),
    ]
if hasattr(os, "copy_file_range"):
    MUTATIONS += [
        (
            "copy_file_range",
            "copy",
            lambda c: ((c.fd("file.txt"), c.fd("empty", os.O_WRONLY), 300), {}),
        ),
        (
            "copy_file_range",
            "offsets",
            lambda c: ((c.fd("file.txt"), c.fd("empty", os.O_WRONLY), 30, 12, 4), {}),
        ),
        ("copy_file_range", "badfd", lambda c: ((987654, 987655, 1), {})),
    ]


@pytest.mark.parametrize(
    ("name", "setup"),
    [pytest.param(n, s, id=f"{n}-{i}") for n, i, s in MUTATIONS],
)
async def test_mutation_matches_os(
    twins: tuple[Ctx, Ctx], name: str, setup: Setup, loop_kind: str
) -> None:
    want_ctx, got_ctx = twins
    since_ns = time.time_ns() - 10**9
    w_args, w_kwargs = setup(want_ctx)
    g_args, g_kwargs = setup(got_ctx)
    # The blocking twin runs in a thread of its own: fsync and friends can
    # hold a thread for a second on a busy disk, and this is the test's call.
    expected = await asyncio.to_thread(
        outcome_sync, getattr(os, name), w_args, w_kwargs, str(want_ctx.root)
    )
    got = await outcome_async(
        getattr(aiofiles.os, name), g_args, g_kwargs, str(got_ctx.root)
    )
    assert got == expected
    want_tree = snapshot(want_ctx.root, since_ns)
    await asyncio.sleep(0)  # keep each step of the loop short: it is timed
    assert snapshot(got_ctx.root, since_ns) == want_tree


# -- executor, loop, concurrency ------------------------------------------------


def _call_for(name: str, ctx: Ctx) -> tuple[tuple, dict]:
    """Arguments that make ``name`` succeed on a fresh tree."""
    for table in (QUERIES, MUTATIONS):
        for n, _, setup in table:
            if n == name:
                return setup(ctx)
    if name == "scandir":
        return (ctx.p(),), {}
    if name == "statvfs":
        return (ctx.p(),), {}
    raise AssertionError(f"no arguments known for {name}")


@pytest.mark.parametrize("name", FUNCTIONS)
async def test_executor_is_honoured(tree: Ctx, name: str, loop_kind: str) -> None:
    ctx = tree
    executor = CountingExecutor()
    try:
        args, kwargs = _call_for(name, ctx)
        try:
            result = await getattr(aiofiles.os, name)(
                *args, executor=executor, **kwargs
            )
        except OSError:
            pass  # some first cases are error cases; the executor ran them all the same
        else:
            if name == "scandir":
                result.close()
        assert executor.submitted == 1
    finally:
        executor.shutdown(wait=False)  # every job was awaited; do not block the loop


async def test_runs_off_the_loop_thread(tmp_path: Path, loop_kind: str) -> None:
    seen: list[str] = []
    fn = aiofiles.os.wrap(lambda: seen.append(threading.current_thread().name))
    await fn()
    assert seen and seen[0] != threading.current_thread().name
    executor = CountingExecutor()
    try:
        await fn(executor=executor)
    finally:
        executor.shutdown(wait=False)  # every job was awaited; do not block the loop
    assert seen[1].startswith("counting-executor")


async def test_loop_argument_is_accepted(tmp_path: Path, loop_kind: str) -> None:
    loop = asyncio.get_running_loop()
    assert await aiofiles.os.stat(str(tmp_path), loop=loop) == os.stat(tmp_path)
    assert await aiofiles.os.listdir(str(tmp_path), loop=None, executor=None) == []


@pytest.fixture
def fifty_files(tmp_path: Path) -> Path:
    for i in range(50):
        (tmp_path / f"f{i}").write_bytes(b"x" * i)
    return tmp_path


async def test_many_at_once(fifty_files: Path, loop_kind: str) -> None:
    tmp_path = fifty_files
    sizes = await asyncio.gather(
        *(aiofiles.os.stat(str(tmp_path / f"f{i}")) for i in range(50))
    )
    assert [s.st_size for s in sizes] == list(range(50))


async def test_cancelled_call_does_not_hurt_the_loop(
    tmp_path: Path, loop_kind: str
) -> None:
    task = asyncio.ensure_future(aiofiles.os.makedirs(str(tmp_path / "a" / "b")))
    await asyncio.sleep(0)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    # The thread finishes the call anyway (it may be slow to get a CPU).
    deadline = asyncio.get_running_loop().time() + 10
    while not (tmp_path / "a" / "b").is_dir():
        assert asyncio.get_running_loop().time() < deadline, "makedirs never ran"
        await asyncio.sleep(0.01)
    assert await aiofiles.os.listdir(str(tmp_path)) == ["a"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
async def test_exception_is_the_same_object_kind(
    tmp_path: Path, loop_kind: str
) -> None:
    target = tmp_path / "d"
    target.mkdir()
    with pytest.raises(FileExistsError) as got:
        await aiofiles.os.mkdir(str(target))
    with pytest.raises(FileExistsError) as want:
        os.mkdir(str(target))
    assert got.value.args == want.value.args
    assert got.value.filename == want.value.filename
    assert got.value.strerror == want.value.strerror
