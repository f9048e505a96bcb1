"""``aiofiles.pathlib`` against ``pathlib``: names, signatures, results and errors.

The parity test fails on any I/O method of the running Python's ``pathlib.Path``
that ``aiofiles.pathlib.Path`` lacks, or takes other arguments. Queries run the
blocking method and its coroutine on the same tree; methods that change the
file system run on two identical trees, and the outcomes (result, or exception
type, errno and message with the tree's root masked) and the trees afterwards
are compared. glob/rglob/iterdir/walk are compared with pathlib's results.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import os
import pathlib
import pickle
import sys
import time
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aiofiles._executor
import aiofiles._fastpath
import aiofiles.pathlib
from aiofiles import _offload
from aiofiles.pathlib import (
    Path,
    PosixPath,
    PurePath,
    PurePosixPath,
    PureWindowsPath,
    WindowsPath,
)

# -- the tree --------------------------------------------------------------------------


def build(root: pathlib.Path) -> pathlib.Path:
    root.mkdir()
    for d in ("d1", "d1/sub", "d1/sub/deep", "d2", "D3", "empty"):
        (root / d).mkdir()
    for f, text in {
        "a.txt": "alpha\n",
        "b.TXT": "beta\n",
        "d1/c.txt": "gamma",
        "d1/sub/e.py": "print()",
        "d1/sub/deep/f.txt": "deep",
        "d2/g.md": "# g",
        "D3/h.txt": "h",
        ".hidden": "x",
        "latin.txt": "caf\xe9",
    }.items():
        (root / f).write_text(text, encoding="latin-1" if "latin" in f else "utf-8")
    (root / "link_d2").symlink_to("d2")
    (root / "link_a").symlink_to("a.txt")
    (root / "dangling").symlink_to("missing-target")
    (root / "d1" / "loop").symlink_to("..")
    os.mkfifo(root / "fifo")
    return root


@pytest.fixture
def tree(tmp_path: pathlib.Path) -> pathlib.Path:
    return build(tmp_path / "t")


@pytest.fixture
def twins(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    return build(tmp_path / "a"), build(tmp_path / "b")


def snapshot(root: pathlib.Path) -> list[Any]:
    out = []
    for top, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            p = os.path.join(top, name)
            st = os.lstat(p)
            content = None
            if os.path.islink(p):
                content = mask(os.readlink(p), root)
            elif os.path.isfile(p):
                content = pathlib.Path(p).read_bytes()
            out.append((os.path.relpath(p, root), st.st_mode, content))
    return out


def mask(value: Any, root: Any) -> Any:
    return str(value).replace(str(root), "<root>")


def outcome_sync(fn: Callable[[], Any], root: Any) -> Any:
    try:
        result = fn()
    except Exception as exc:
        return ("raised", type(exc), getattr(exc, "errno", None), mask(exc, root))
    if isinstance(result, pathlib.PurePath):
        return ("path", mask(result, root))
    return ("ok", result)


async def outcome_async(coro: Any, root: Any) -> Any:
    try:
        result = await coro
    except Exception as exc:
        return ("raised", type(exc), getattr(exc, "errno", None), mask(exc, root))
    if isinstance(result, pathlib.PurePath):
        assert isinstance(result, Path), type(result)
        return ("path", mask(result, root))
    return ("ok", result)


# -- names, signatures, classes -----------------------------------------------------

IO_NAMES = sorted(
    name
    for name in set(dir(pathlib.Path)) - set(dir(pathlib.PurePath))
    if not name.startswith("_")
)
ITERATORS = {"iterdir", "glob", "rglob", "walk"}
PROPERTIES = {"info"}  # 3.14+
NOT_COROUTINES = ITERATORS | PROPERTIES | {"open", "from_uri"}  # open: aiofiles.open's


def test_every_io_method_of_pathlib_is_there() -> None:
    missing = [name for name in IO_NAMES if not hasattr(Path, name)]
    assert missing == [], f"aiofiles.pathlib.Path lacks {missing}"
    assert hasattr(Path, "walk")  # on every Python


@pytest.mark.parametrize("name", IO_NAMES)
def test_same_arguments_as_pathlib(name: str) -> None:
    if name in PROPERTIES:
        assert isinstance(getattr(Path, name), property)
        assert isinstance(getattr(pathlib.Path, name), property)
        return
    ours = inspect.signature(getattr(Path, name))
    theirs = inspect.signature(getattr(pathlib.Path, name))
    assert [(p.name, p.kind, p.default) for p in ours.parameters.values()] == [
        (p.name, p.kind, p.default) for p in theirs.parameters.values()
    ]


@pytest.mark.parametrize("name", IO_NAMES)
def test_io_methods_are_coroutines(name: str) -> None:
    method = getattr(Path, name)
    assert inspect.iscoroutinefunction(method) == (name not in NOT_COROUTINES)


def test_walk_signature_everywhere() -> None:
    params = inspect.signature(Path.walk).parameters
    assert [(p.name, p.default) for p in params.values()] == [
        ("self", inspect.Parameter.empty),
        ("top_down", True),
        ("on_error", None),
        ("follow_symlinks", False),
    ]


def test_pure_operations_return_our_classes() -> None:
    p = Path("/usr/lib/python3/x.tar.gz")
    assert type(p) is PosixPath
    derived = [
        p.parent,
        p / "y",
        "z" / p,
        p.with_name("n"),
        p.with_suffix(".zip"),
        p.with_stem("s"),
        p.joinpath("a", "b"),
        p.relative_to("/usr"),
        *p.parents,
    ]
    assert all(type(d) is PosixPath for d in derived)
    assert p.name == "x.tar.gz" and p.suffixes == [".tar", ".gz"]
    assert type(PurePath("a")) is PurePosixPath
    assert type(PurePosixPath("a") / "b") is PurePosixPath
    assert type(PureWindowsPath("c:/a").parent) is PureWindowsPath
    assert PureWindowsPath("c:/a").drive == "c:"
    assert isinstance(p, pathlib.PurePosixPath) and not isinstance(p, pathlib.Path)
    assert p == pathlib.PosixPath(str(p)) and hash(p) == hash(pathlib.PosixPath(str(p)))
    assert os.fspath(p) == str(p) == "/usr/lib/python3/x.tar.gz"
    assert repr(Path("a")) == "PosixPath('a')"
    assert Path() == Path(".") and Path("a", Path("b"), "c") == Path("a/b/c")


def test_pickle_round_trip() -> None:
    p = Path("/a/b")
    q = pickle.loads(pickle.dumps(p))
    assert q == p and type(q) is PosixPath


def test_windows_path_cannot_be_made_here() -> None:
    with pytest.raises(NotImplementedError) as theirs:
        pathlib.WindowsPath("x")
    with pytest.raises(type(theirs.value)) as ours:
        WindowsPath("x")
    assert str(ours.value) == str(theirs.value)


def test_module_surface() -> None:
    assert sorted(aiofiles.pathlib.__all__) == [
        "Path",
        "PathInfo",
        "PosixPath",
        "PurePath",
        "PurePosixPath",
        "PureWindowsPath",
        "WindowsPath",
    ]
    for name in aiofiles.pathlib.__all__:
        assert getattr(aiofiles.pathlib, name).__module__ == "aiofiles.pathlib"


# -- queries: the same tree ------------------------------------------------------------

ENTRIES = [
    "a.txt",
    "d1",
    "link_d2",
    "link_a",
    "dangling",
    "fifo",
    "missing",
    "a.txt/x",
    "d1/loop",
]
QUERIES: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("stat", (), {}),
    ("stat", (), {"follow_symlinks": False}),
    ("lstat", (), {}),
    ("exists", (), {}),
    ("is_dir", (), {}),
    ("is_file", (), {}),
    ("is_symlink", (), {}),
    ("is_socket", (), {}),
    ("is_fifo", (), {}),
    ("is_block_device", (), {}),
    ("is_char_device", (), {}),
    ("is_mount", (), {}),
    ("read_bytes", (), {}),
    ("read_text", (), {}),
    ("read_text", ("latin-1",), {}),
    ("read_text", (), {"encoding": "ascii", "errors": "replace"}),
    ("owner", (), {}),
    ("group", (), {}),
    ("readlink", (), {}),
    ("resolve", (), {}),
    ("resolve", (True,), {}),
    ("absolute", (), {}),
    ("expanduser", (), {}),
]
if sys.version_info >= (3, 12):
    QUERIES += [("exists", (), {"follow_symlinks": False}), ("is_junction", (), {})]
if sys.version_info >= (3, 13):
    QUERIES += [
        ("is_dir", (), {"follow_symlinks": False}),
        ("is_file", (), {"follow_symlinks": False}),
        ("owner", (), {"follow_symlinks": False}),
        ("read_text", (), {"newline": ""}),
    ]


@pytest.mark.parametrize(("method", "args", "kwargs"), QUERIES)
async def test_queries(
    loop_kind: str,
    tree: pathlib.Path,
    method: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> None:
    for entry in ENTRIES:
        if entry == "fifo" and method.startswith("read_"):
            continue  # opening a FIFO with no writer blocks (both of them)
        theirs = outcome_sync(
            lambda e=entry: getattr(pathlib.Path(tree, e), method)(*args, **kwargs),
            tree,
        )
        ours = await outcome_async(
            getattr(Path(tree, entry), method)(*args, **kwargs), tree
        )
        assert ours == theirs, (entry, method)


async def test_relative_queries(
    loop_kind: str, tree: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    for entry in ("a.txt", "d1/../a.txt", ".", "link_a"):
        for method in ("absolute", "resolve", "readlink", "exists"):
            theirs = outcome_sync(getattr(pathlib.Path(entry), method), tree)
            assert await outcome_async(getattr(Path(entry), method)(), tree) == theirs
    assert await Path("~/x").expanduser() == pathlib.Path("~/x").expanduser()
    assert await Path.cwd() == pathlib.Path.cwd()
    assert type(await Path.cwd()) is PosixPath
    assert await Path.home() == pathlib.Path.home()
    assert type(await PosixPath.home()) is PosixPath


async def test_home_without_a_home(
    loop_kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", "/nonexistent-home")
    assert await Path.home() == pathlib.Path.home()


async def test_samefile(loop_kind: str, tree: pathlib.Path) -> None:
    a = Path(tree, "a.txt")
    for other in (
        tree / "a.txt",
        str(tree / "a.txt"),
        Path(tree, "link_a"),
        Path(tree, "d1"),
        tree / "missing",
    ):
        # pathlib would call .stat() of one of ours (a coroutine): give it its own
        plain = pathlib.Path(other) if isinstance(other, Path) else other
        theirs = outcome_sync(lambda o=plain: pathlib.Path(a).samefile(o), tree)
        assert await outcome_async(a.samefile(other), tree) == theirs


# -- changes: two identical trees -------------------------------------------------------


def target(root: pathlib.Path, name: str) -> Any:
    return root / name


CHANGES: list[
    tuple[str, str, Callable[[pathlib.Path], tuple[Any, ...]], dict[str, Any]]
] = [
    ("write_text", "new.txt", lambda r: ("héllo\n",), {}),
    (
        "write_text",
        "a.txt",
        lambda r: ("x",),
        {"encoding": "latin-1", "newline": "\r\n"},
    ),
    ("write_text", "nodir/new.txt", lambda r: ("x",), {}),
    ("write_text", "d1", lambda r: ("x",), {}),
    ("write_bytes", "new.bin", lambda r: (b"\x00\x01",), {}),
    ("write_bytes", "a.txt", lambda r: (bytearray(b"ab"),), {}),
    ("touch", "new", lambda r: (), {}),
    ("touch", "a.txt", lambda r: (), {"exist_ok": False}),
    ("touch", "a.txt", lambda r: (), {}),
    ("touch", "m600", lambda r: (0o600,), {}),
    ("mkdir", "nd", lambda r: (), {}),
    ("mkdir", "d1", lambda r: (), {}),
    ("mkdir", "d1", lambda r: (), {"exist_ok": True}),
    ("mkdir", "x/y/z", lambda r: (), {}),
    ("mkdir", "x/y/z", lambda r: (0o700,), {"parents": True}),
    ("mkdir", "a.txt", lambda r: (), {"exist_ok": True}),
    ("unlink", "a.txt", lambda r: (), {}),
    ("unlink", "missing", lambda r: (), {}),
    ("unlink", "missing", lambda r: (), {"missing_ok": True}),
    ("unlink", "d1", lambda r: (), {}),
    ("unlink", "link_d2", lambda r: (), {}),
    ("rmdir", "empty", lambda r: (), {}),
    ("rmdir", "d1", lambda r: (), {}),
    ("rmdir", "a.txt", lambda r: (), {}),
    ("rename", "a.txt", lambda r: (r / "renamed.txt",), {}),
    ("rename", "a.txt", lambda r: (str(r / "d1"),), {}),
    ("rename", "missing", lambda r: (r / "x",), {}),
    ("rename", "a.txt", lambda r: (5,), {}),
    ("replace", "a.txt", lambda r: (None,), {}),
    ("rename", "d2", lambda r: (Path(r, "d2moved"),), {}),
    ("replace", "a.txt", lambda r: (r / "b.TXT",), {}),
    ("replace", "d1", lambda r: (r / "empty",), {}),
    ("chmod", "a.txt", lambda r: (0o640,), {}),
    ("chmod", "link_a", lambda r: (0o600,), {"follow_symlinks": False}),
    ("chmod", "missing", lambda r: (0o600,), {}),
    ("lchmod", "link_a", lambda r: (0o600,), {}),
    ("lchmod", "a.txt", lambda r: (0o600,), {}),
    ("symlink_to", "newlink", lambda r: ("a.txt",), {}),
    (
        "symlink_to",
        "newlink",
        lambda r: (Path(r, "d1"),),
        {"target_is_directory": True},
    ),
    ("symlink_to", "a.txt", lambda r: ("d1",), {}),
    ("hardlink_to", "hard", lambda r: (r / "a.txt",), {}),
    ("hardlink_to", "hard", lambda r: (r / "missing",), {}),
    ("hardlink_to", "a.txt", lambda r: (Path(r, "d1", "c.txt"),), {}),
]
if sys.version_info >= (3, 14):
    CHANGES += [
        ("copy", "a.txt", lambda r: (r / "copy.txt",), {}),
        ("copy", "a.txt", lambda r: (str(r / "d2" / "c"),), {}),
        ("copy", "a.txt", lambda r: (str(r / "d1"),), {}),
        ("copy", "a.txt", lambda r: (r / "a.txt",), {}),
        ("copy", "d2", lambda r: (r / "d2copy",), {}),
        ("copy", "link_a", lambda r: (r / "lc",), {"follow_symlinks": False}),
        ("copy", "a.txt", lambda r: (r / "pm",), {"preserve_metadata": True}),
        ("copy", "missing", lambda r: (r / "x",), {}),
        ("copy", "a.txt", lambda r: (r / "x",), {"bogus": 1}),
        ("copy", "a.txt", lambda r: (5,), {}),
        ("move_into", "a.txt", lambda r: (None,), {}),
        ("copy_into", "a.txt", lambda r: (r / "d2",), {}),
        ("copy_into", "d2", lambda r: (str(r / "empty"),), {}),
        ("copy_into", "a.txt", lambda r: (r / "nodir",), {}),
        ("move", "a.txt", lambda r: (r / "moved.txt",), {}),
        ("move", "d1", lambda r: (r / "d2" / "inner",), {}),
        ("move", "d1", lambda r: (r / "d1" / "sub" / "x",), {}),
        ("move", "missing", lambda r: (str(r / "x"),), {}),
        ("move_into", "a.txt", lambda r: (r / "d2",), {}),
        ("move_into", "d2", lambda r: (str(r / "empty"),), {}),
        ("move_into", "a.txt", lambda r: (r / "a.txt",), {}),
    ]
if sys.version_info >= (3, 15):
    CHANGES += [
        ("mkdir", "p/q/r", lambda r: (0o700,), {"parents": True, "parent_mode": 0o750}),
        ("mkdir", "p/q", lambda r: (), {"parent_mode": 0o700}),
    ]
if sys.version_info < (3, 12):
    CHANGES += [
        ("link_to", "a.txt", lambda r: (r / "hard2",), {}),
        ("link_to", "missing", lambda r: (r / "hard3",), {}),
    ]


@pytest.mark.parametrize(("method", "entry", "make_args", "kwargs"), CHANGES)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
async def test_changes(
    loop_kind: str,
    twins: tuple[pathlib.Path, pathlib.Path],
    method: str,
    entry: str,
    make_args: Callable[[pathlib.Path], tuple[Any, ...]],
    kwargs: dict[str, Any],
) -> None:
    a, b = twins
    theirs = outcome_sync(
        lambda: getattr(pathlib.Path(a, entry), method)(*make_args(a), **kwargs), a
    )
    ours = await outcome_async(
        getattr(Path(b, entry), method)(*make_args(b), **kwargs), b
    )
    assert ours == theirs
    assert snapshot(b) == snapshot(a)


async def test_open_returns_an_aiofiles_file(
    loop_kind: str, tree: pathlib.Path
) -> None:
    p = Path(tree, "new.txt")
    async with p.open("w", encoding="utf-8") as f:
        await f.write("héllo\n")
    assert type(f).__module__.startswith("aiofiles.threadpool")
    f2 = await p.open("rb")
    try:
        assert await f2.read() == "héllo\n".encode()
    finally:
        await f2.close()
    async with Path(tree, "a.txt").open(newline="") as f3:
        assert await f3.read() == "alpha\n"
    with pytest.raises(FileNotFoundError) as theirs:
        pathlib.Path(tree, "missing").open()
    with pytest.raises(FileNotFoundError) as ours:
        await Path(tree, "missing").open()
    assert ours.value.filename == theirs.value.filename


# -- iterators ------------------------------------------------------------------------


async def collect(it: Any) -> list[Any]:
    out = [x async for x in it]
    assert all(type(x) is PosixPath for x in out)
    return out


async def test_iterdir(loop_kind: str, tree: pathlib.Path) -> None:
    for entry in ("", "d1", "empty"):
        got = await collect(Path(tree, entry).iterdir())
        assert got == list(pathlib.Path(tree, entry).iterdir())
    for bad in ("missing", "a.txt"):
        with pytest.raises(OSError) as theirs:
            list(pathlib.Path(tree, bad).iterdir())
        with pytest.raises(type(theirs.value)):
            await collect(Path(tree, bad).iterdir())


PATTERNS = [
    "*",
    "*.txt",
    "*.TXT",
    "**",
    "**/*",
    "**/*.txt",
    "d*/**/*.py",
    "d1/*",
    "*/",
    "**/",
    "d1/sub/**",
    "?[0-9]",
    ".*",
    "link_d2/*",
    "missing/*",
]


@pytest.mark.parametrize("pattern", PATTERNS)
async def test_glob_and_rglob_equal_pathlib(
    loop_kind: str, tree: pathlib.Path, pattern: str
) -> None:
    for method in ("glob", "rglob"):
        options: list[dict[str, Any]] = [{}]
        if sys.version_info >= (3, 12):
            options += [{"case_sensitive": False}, {"case_sensitive": True}]
        if sys.version_info >= (3, 13):
            options += [{"recurse_symlinks": True}]
        for kw in options:
            expected = sorted(
                map(str, getattr(pathlib.Path(tree), method)(pattern, **kw))
            )
            got = await collect(getattr(Path(tree), method)(pattern, **kw))
            assert sorted(map(str, got)) == expected, (method, kw)


async def test_glob_relative_root(
    loop_kind: str, tree: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    for top in (".", "d1", ""):
        expected = sorted(map(str, pathlib.Path(top).rglob("*")))
        assert sorted(map(str, await collect(Path(top).rglob("*")))) == expected


@pytest.mark.parametrize("pattern", ["", "/abs/*"])
async def test_glob_bad_patterns(
    loop_kind: str, tree: pathlib.Path, pattern: str
) -> None:
    with pytest.raises((ValueError, NotImplementedError)) as theirs:
        list(pathlib.Path(tree).glob(pattern))
    with pytest.raises(type(theirs.value)) as ours:
        await collect(Path(tree).glob(pattern))
    assert str(ours.value) == str(theirs.value)


def reference_walk(
    top: pathlib.Path, top_down: bool = True, follow_symlinks: bool = False
) -> list[Any]:
    """pathlib.Path.walk's results (its own on 3.12+; 3.12's rules before)."""
    if sys.version_info >= (3, 12):
        return list(top.walk(top_down, None, follow_symlinks))
    out: list[Any] = []
    for dirpath, dirs, files in os.walk(top, top_down, None, follow_symlinks):
        if not follow_symlinks:
            links = [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]
            dirs[:] = [d for d in dirs if d not in links]
            files = files + links
            # os.walk lists entries in the same scandir order: restore it
            order = {e: i for i, e in enumerate(os.listdir(dirpath))}
            files.sort(key=order.__getitem__)
        out.append((pathlib.Path(dirpath), list(dirs), files))
    if not top_down:
        return out
    return out


@pytest.mark.parametrize("top_down", [True, False])
@pytest.mark.parametrize("follow_symlinks", [False, True])
async def test_path_walk(
    loop_kind: str, tree: pathlib.Path, top_down: bool, follow_symlinks: bool
) -> None:
    top = tree / "d1" if follow_symlinks else tree  # d1/loop loops when followed
    if follow_symlinks:
        (tree / "d1" / "loop").unlink()
    expected = reference_walk(top, top_down, follow_symlinks)
    got = [x async for x in Path(top).walk(top_down, None, follow_symlinks)]
    assert [(str(p), d, f) for p, d, f in got] == [
        (str(p), d, f) for p, d, f in expected
    ]
    assert all(type(p) is PosixPath for p, _, _ in got)


async def test_path_walk_pruning_and_errors(loop_kind: str, tree: pathlib.Path) -> None:
    root = Path(tree)
    seen = []
    async for dirpath, dirnames, _filenames in root.walk():
        seen.append(dirpath)
        if dirpath == root:
            assert dirpath is root  # the path itself, as pathlib yields it
            dirnames.remove("d1")
    assert Path(tree, "d1") not in seen and Path(tree, "d2") in seen
    errors: list[OSError] = []
    assert [x async for x in Path(tree, "missing").walk(on_error=errors.append)] == []
    assert [type(e) for e in errors] == [FileNotFoundError]


async def test_path_walk_relative(
    loop_kind: str, tree: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    got = [str(p) async for p, _, _ in Path().walk()]
    assert got == [str(p) for p, _, _ in reference_walk(pathlib.Path())]


# -- batching -------------------------------------------------------------------------------


@pytest.fixture
def wide(tmp_path: pathlib.Path) -> pathlib.Path:
    root = tmp_path / "wide"
    root.mkdir()
    for i in range(5000):
        (root / f"f{i:04}.txt").touch()
    return root


async def test_iterators_fetch_in_batches(
    loop_kind: str, wide: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops = 0
    real = _offload.submit

    def counting(*args: Any, **kwargs: Any) -> None:
        nonlocal hops
        hops += 1
        real(*args, **kwargs)

    monkeypatch.setattr(_offload, "submit", counting)
    for make in (
        lambda: Path(wide).iterdir(),
        lambda: Path(wide).glob("*.txt"),
        lambda: Path(wide).rglob("*"),
    ):
        hops = 0
        assert len(await collect(make())) == 5000
        # batches end after RESULTS_BATCH paths or RESULTS_SECONDS: far fewer
        # hops than entries, even on a slow machine
        assert hops <= 5000 // 50
    hops = 0
    assert sum([len(f) async for _, _, f in Path(wide).walk()]) == 5000
    assert hops == 1


async def test_concurrent_reads_and_writes(loop_kind: str, tree: pathlib.Path) -> None:
    paths = [Path(tree, f"n{i}.txt") for i in range(50)]
    await asyncio.gather(*(p.write_text(str(i)) for i, p in enumerate(paths)))
    texts = await asyncio.gather(*(p.read_text() for p in paths))
    assert texts == [str(i) for i in range(50)]


# -- one-shot calls: coalesced hops, small cached files read on the loop ------------------


class HopCounter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = _offload.submit

        def counting(*args: Any, **kwargs: Any) -> None:
            self.count += 1
            real(*args, **kwargs)

        monkeypatch.setattr(_offload, "submit", counting)


async def test_each_call_is_its_own_job(
    loop_kind: str, tree: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hops = HopCounter(monkeypatch)
    names = [f"n{i}" for i in range(50)] + ["a.txt", "d1", "missing"]
    got = await asyncio.gather(*(Path(tree, n).exists() for n in names))
    assert got == [pathlib.Path(tree, n).exists() for n in names]
    assert hops.count == len(names)
    # errors stay with their own call
    results = await asyncio.gather(
        *(Path(tree, n).stat() for n in ("a.txt", "missing", "d1")),
        return_exceptions=True,
    )
    assert isinstance(results[1], FileNotFoundError)
    assert results[0] == os.stat(tree / "a.txt") and results[2] == os.stat(tree / "d1")


async def test_cancelled_caller_does_not_disturb_the_others(
    loop_kind: str, tree: pathlib.Path
) -> None:
    tasks = [
        asyncio.ensure_future(Path(tree, "d1", n).exists()) for n in ("c.txt", "x")
    ]
    tasks[0].cancel()
    assert await tasks[1] is False
    with pytest.raises(asyncio.CancelledError):
        await tasks[0]


TEXTS = [
    b"plain\n",
    b"windows\r\nlines\r\nand\rmac\n",
    b"\xef\xbb\xbfwith a BOM\n",
    b"caf\xe9 latin-1\n",
    b"",
    b"\xff\xfe\x00\x00",
]
READS: list[tuple[tuple[Any, ...], dict[str, Any]]] = [
    ((), {}),
    (("utf-8",), {}),
    (("utf-8-sig",), {}),
    (("latin-1",), {}),
    (("utf-8", "replace"), {}),
    (("utf-16",), {}),
    (("no-such-codec",), {}),
    ((), {"errors": "no-such-handler"}),
]
if sys.version_info >= (3, 13):
    READS += [((), {"newline": ""}), (("utf-8",), {"newline": "\r"})]


async def test_small_cached_files_are_read_on_the_loop(
    loop_kind: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = []
    for i, data in enumerate(TEXTS):
        (tmp_path / f"t{i}").write_bytes(data)
        files.append(tmp_path / f"t{i}")
    big = tmp_path / "big"
    big.write_bytes(b"x" * (aiofiles.pathlib.INLINE_MAX + 1))
    for f in files:  # warm the caches, as pathlib's own reads would
        f.read_bytes()
    hops = HopCounter(monkeypatch)
    for f in files:
        assert await Path(f).read_bytes() == f.read_bytes()
        for args, kwargs in READS:
            theirs = outcome_sync(
                lambda f=f, a=args, k=kwargs: f.read_text(*a, **k), tmp_path
            )
            ours = await outcome_async(Path(f).read_text(*args, **kwargs), tmp_path)
            assert ours == theirs, (f.read_bytes(), args, kwargs)
        await asyncio.sleep(0.002)  # a new loop iteration: a new inline budget
    inline = aiofiles.pathlib._NOWAIT is not None and aiofiles._fastpath.enabled
    if inline:
        assert hops.count == 0  # every one of them was read on the loop
    assert await Path(big).read_bytes() == big.read_bytes()  # too big: a hop
    if inline:
        assert hops.count == 1


async def test_inline_reads_leave_the_loop_room(
    loop_kind: str, tmp_path: pathlib.Path
) -> None:
    """A gather of many cached reads lets other callbacks run in between."""

    def make() -> None:
        for i in range(400):
            (tmp_path / f"f{i}").write_text(f"file {i}\n" + "x" * 4000)

    await _offload.run(make)  # set-up must not block the loop either
    paths = [Path(tmp_path, f"f{i}") for i in range(400)]
    loop = asyncio.get_running_loop()
    ticks = 0

    def tick() -> None:
        nonlocal ticks
        ticks += 1
        if not reads.done():
            loop.call_soon(tick)

    reads = asyncio.ensure_future(asyncio.gather(*(p.read_text() for p in paths)))
    loop.call_soon(tick)
    texts = await reads
    assert texts == [f"file {i}\n" + "x" * 4000 for i in range(400)]
    assert ticks >= 3


def test_iterators_build_paths_the_fast_way_and_right() -> None:
    """Paths from iterators skip re-parsing on the Pythons we test, and agree."""
    assert aiofiles.pathlib._adopt is aiofiles.pathlib._adopt_fast
    for text in ("/a/b/c.txt", "x", ".", "a/./b//c", "/"):
        source = pathlib.Path(text)
        fast = aiofiles.pathlib._adopt_fast(PosixPath, source)
        assert type(fast) is PosixPath
        assert (str(fast), fast.parts, fast.name, hash(fast), fast) == (
            str(source),
            source.parts,
            source.name,
            hash(source),
            PosixPath(text),
        )


# -- 3.14+: copy/move with our paths, and Path.info -------------------------------------


@pytest.mark.skipif(sys.version_info < (3, 14), reason="copy and move are 3.14+")
async def test_copy_and_move_take_our_paths(loop_kind: str, tree: pathlib.Path) -> None:
    src = Path(tree, "a.txt")
    copied = await src.copy(Path(tree, "c1.txt"))
    assert type(copied) is PosixPath and copied == Path(tree, "c1.txt")
    assert (tree / "c1.txt").read_text() == "alpha\n"
    into = await src.copy_into(Path(tree, "d2"))
    assert type(into) is PosixPath and into == Path(tree, "d2", "a.txt")
    moved = await Path(tree, "c1.txt").move(Path(tree, "d2", "m.txt"))
    assert type(moved) is PosixPath and not (tree / "c1.txt").exists()
    moved = await moved.move_into(Path(tree, "empty"))
    assert moved == Path(tree, "empty", "m.txt") and await moved.is_file()
    assert (tree / "empty" / "m.txt").read_text() == "alpha\n"


@pytest.mark.skipif(sys.version_info < (3, 14), reason="Path.info is 3.14+")
async def test_info_answers_as_pathlibs(loop_kind: str, tree: pathlib.Path) -> None:
    for entry in [*ENTRIES, "fifo", "dangling", "missing"]:
        theirs = pathlib.Path(tree, entry).info
        info = Path(tree, entry).info
        assert isinstance(info, aiofiles.pathlib.PathInfo)
        for follow in (True, False):
            for name in ("exists", "is_dir", "is_file"):
                method = getattr(info, name)
                assert inspect.iscoroutinefunction(method)
                assert await method(follow_symlinks=follow) == getattr(theirs, name)(
                    follow_symlinks=follow
                ), (entry, name, follow)
        assert await info.is_symlink() == theirs.is_symlink()
    p = Path(tree, "a.txt")
    assert p.info is p.info  # made once per path object, as pathlib's
    listed = {q.name: q async for q in Path(tree).iterdir()}
    for q in pathlib.Path(tree).iterdir():
        assert await listed[q.name].info.is_dir() == q.info.is_dir()
        assert await listed[q.name].info.is_symlink() == q.info.is_symlink()


# -- calls on FIFOs hold no bounded worker; calls on one path keep their order --------


def _release_fifo(path: pathlib.Path, data: bytes = b"") -> None:
    """Open ``path`` for writing once a reader has it open, write, close."""
    deadline = time.monotonic() + 10
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: no reader yet
            assert time.monotonic() < deadline, "the reader never opened the FIFO"
            time.sleep(0.001)
            continue
        try:
            os.write(fd, data) if data else None
        finally:
            os.close(fd)
        return


async def test_a_fifo_read_does_not_hold_up_other_paths(
    loop_kind: str, tree: pathlib.Path
) -> None:
    reader = asyncio.ensure_future(Path(tree, "fifo").read_bytes())
    other = asyncio.ensure_future(Path(tree, "a.txt").exists())  # same iteration
    assert await asyncio.wait_for(other, 10) is True
    assert not reader.done()
    await _offload.run(_release_fifo, tree / "fifo", b"x")
    assert await asyncio.wait_for(reader, 10) == b"x"


async def test_fifo_reads_do_not_exhaust_the_pool(
    loop_kind: str, tmp_path: pathlib.Path
) -> None:
    count = aiofiles._executor.DEFAULT_MAX_WORKERS + 4
    fifos = [tmp_path / f"fifo{i}" for i in range(count)]
    for fifo in fifos:
        os.mkfifo(fifo)
    readers = []
    for fifo in fifos:  # one per loop iteration: each its own job in any design
        readers.append(asyncio.ensure_future(Path(fifo).read_text()))
        await asyncio.sleep(0)
        await asyncio.sleep(0)
    try:
        assert await asyncio.wait_for(Path(tmp_path).exists(), 10) is True
        assert await asyncio.wait_for(Path(tmp_path, "x").write_text("y"), 10) == 1
    finally:
        for fifo in fifos:
            await asyncio.get_running_loop().run_in_executor(
                None, _release_fifo, fifo, b"z"
            )
    assert await asyncio.wait_for(asyncio.gather(*readers), 20) == ["z"] * count


async def test_a_fifos_reader_and_writer_meet(
    loop_kind: str, tree: pathlib.Path
) -> None:
    fifo = Path(tree, "fifo")
    got = await asyncio.wait_for(
        asyncio.gather(fifo.read_bytes(), fifo.write_bytes(b"hello")), 10
    )
    assert got == [b"hello", 5]


async def test_a_cancelled_write_lands_before_the_next_call(
    loop_kind: str, tmp_path: pathlib.Path
) -> None:
    """The blocking equivalent: the cancelled write finishes, then the next one."""
    p = Path(tmp_path, "out.txt")
    big = "a" * (64 * 1024 * 1024)
    for _ in range(3):
        task = asyncio.ensure_future(p.write_text(big))
        deadline = time.monotonic() + 10
        while not os.path.exists(p) or os.path.getsize(p) == 5:  # its job started
            assert time.monotonic() < deadline
            await asyncio.sleep(0.0005)
        task.cancel()
        assert await p.write_text("small") == 5
        assert pathlib.Path(p).read_text() == "small"
        assert await p.read_text() == "small"
        with pytest.raises(asyncio.CancelledError):
            await task


# Calls on a few paths, some cancelled once started, against the blocking calls
# made one after another (hypothesis): the order of Rule 5 makes them agree.

_NAMES = ("f", "g", "d", "d/f")
_ORDER_OPS = [
    ("write_text", lambda r: ("one",)),
    ("write_text", lambda r: ("two two",)),
    ("write_bytes", lambda r: (b"three",)),
    ("read_text", lambda r: ()),
    ("exists", lambda r: ()),
    ("unlink", lambda r: ()),
    ("mkdir", lambda r: ()),
    ("rmdir", lambda r: ()),
    ("touch", lambda r: ()),
    ("rename", lambda r: (r / "g",)),
    ("replace", lambda r: (r / "f",)),
]
if sys.version_info >= (3, 14):
    _ORDER_OPS += [
        ("copy", lambda r: (r / "g",)),
        ("move", lambda r: (r / "f",)),
    ]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(range(len(_ORDER_OPS))),
            st.sampled_from(_NAMES),
            st.booleans(),
        ),
        max_size=10,
    )
)
def test_calls_on_one_path_keep_their_order(ops: list[tuple[int, str, bool]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as top:
        a, b = pathlib.Path(top, "a"), pathlib.Path(top, "b")
        a.mkdir()
        b.mkdir()
        expected = []
        for i, name, cancel in ops:
            method, make = _ORDER_OPS[i]
            got = outcome_sync(
                functools.partial(
                    lambda n, m, mk: getattr(pathlib.Path(a, n), m)(*mk(a)),
                    name,
                    method,
                    make,
                ),
                a,
            )
            expected.append(None if cancel else got)

        async def run() -> list[Any]:
            out: list[Any] = []
            tasks = []
            for i, name, cancel in ops:
                method, make = _ORDER_OPS[i]
                coro = getattr(Path(b, name), method)(*make(b))
                if cancel:
                    task = asyncio.ensure_future(coro)
                    await asyncio.sleep(0)  # the call is made: it takes its place
                    task.cancel()
                    tasks.append(task)
                    out.append(None)
                else:
                    out.append(await outcome_async(coro, b))
            await asyncio.gather(*tasks, return_exceptions=True)
            for name in _NAMES:  # each waits for the changes made before it
                await Path(b, name).exists()
            return out

        ours = asyncio.run(run())
        assert ours == expected
        assert snapshot(b) == snapshot(a)
