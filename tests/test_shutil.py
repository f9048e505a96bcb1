"""``aiofiles.shutil`` against ``shutil``: same results, same errors, safe rmtree.

Each operation runs blocking on one tree and async on an identical twin; the
outcomes (result, or exception type, errno and message with the root masked;
for ``shutil.Error`` the list of reasons) and the trees afterwards (names,
modes, sizes, contents, link targets, modification times) must be equal. As we
run as root, permission errors are made with ``chattr +i`` where it works.
"""

from __future__ import annotations

import asyncio
import os
import pathlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import aiofiles.shutil as ashutil
from aiofiles import _offload

# -- trees -----------------------------------------------------------------------------


def build(root: pathlib.Path, files_per_dir: int = 3) -> pathlib.Path:
    root.mkdir(parents=True)
    for d in ("d1", "d1/sub", "d1/sub/deep", "d2", "empty", "pkg"):
        (root / d).mkdir()
    for d in ("", "d1", "d1/sub", "d1/sub/deep", "d2"):
        for i in range(files_per_dir):
            (root / d / f"f{i}.txt").write_text(f"{d}/{i}\n" * (i + 1))
    (root / "pkg" / "mod.py").write_text("x = 1\n")
    (root / "pkg" / "mod.pyc").write_bytes(b"\x00")
    os.chmod(root / "d1" / "f1.txt", 0o600)
    os.chmod(root / "d2", 0o750)
    (root / "link_dir").symlink_to("d2")
    (root / "link_file").symlink_to("f0.txt")
    (root / "d1" / "up").symlink_to("../f1.txt")
    os.utime(root / "d1" / "f0.txt", ns=(1_000_000_000, 2_000_000_000))
    os.utime(root / "d1", ns=(3_000_000_000, 4_000_000_000))
    return root


def times_kept(src: Any, dst: Any) -> None:
    """Every entry of ``dst`` has the modification time of its ``src`` twin."""
    for top, dirs, files in os.walk(dst):
        for name in dirs + files:
            d = os.path.join(top, name)
            s = os.path.join(src, os.path.relpath(d, dst))
            if not os.path.lexists(s):
                continue  # was in dst before the copy
            link = os.path.islink(d)
            s_st = os.lstat(s) if link else os.stat(s)
            assert os.lstat(d).st_mtime_ns == s_st.st_mtime_ns, d


def dangle(root: pathlib.Path) -> None:
    (root / "dangling").symlink_to("nowhere")


def snapshot(root: Any, times: bool = False) -> list[Any]:
    root = os.fspath(root)
    out = []
    for top, dirs, files in os.walk(root):
        for name in sorted(dirs + files):
            p = os.path.join(top, name)
            st = os.lstat(p)
            if os.path.islink(p):
                content: Any = os.readlink(p).replace(root, "<root>")
            elif os.path.isfile(p):
                content = pathlib.Path(p).read_bytes()
            else:
                content = None
            out.append(
                (
                    os.path.relpath(p, root),
                    st.st_mode,
                    content,
                    st.st_mtime_ns if times else 0,
                )
            )
    return out


def mask(value: Any, *roots: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return type(value)(mask(v, *roots) for v in value)
    text = str(value)
    for root in roots:
        text = text.replace(str(root), "<root>")
    return text


def outcome_sync(fn: Callable[[], Any], *roots: Any) -> Any:
    try:
        result = fn()
    except ashutil.Error as exc:
        return ("Error", type(exc), mask(exc.args[0], *roots))
    except Exception as exc:
        return ("raised", type(exc), getattr(exc, "errno", None), mask(exc, *roots))
    return ("ok", mask(result, *roots))


async def outcome_async(coro: Any, *roots: Any) -> Any:
    try:
        result = await coro
    except ashutil.Error as exc:
        return ("Error", type(exc), mask(exc.args[0], *roots))
    except Exception as exc:
        return ("raised", type(exc), getattr(exc, "errno", None), mask(exc, *roots))
    return ("ok", mask(result, *roots))


@pytest.fixture
def twins(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    a, b = tmp_path / "a", tmp_path / "b"
    build(a / "src")
    build(b / "src")
    return a, b


def can_chattr(tmp_path: pathlib.Path) -> bool:
    probe = tmp_path / "chattr-probe"
    probe.touch()
    try:
        subprocess.run(["chattr", "+i", probe], check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError):
        return False
    subprocess.run(["chattr", "-i", probe], check=True)
    probe.unlink()
    return True


@pytest.fixture
def immutable(tmp_path: pathlib.Path) -> Iterator[Callable[[pathlib.Path], None]]:
    """``immutable(path)``: make it undeletable, even by root, until the test ends."""
    if not can_chattr(tmp_path):
        pytest.skip("chattr +i does not work here")
    made: list[pathlib.Path] = []

    def make(path: pathlib.Path) -> None:
        subprocess.run(["chattr", "+i", path], check=True)
        made.append(path)

    yield make
    for path in made:
        subprocess.run(["chattr", "-i", path], check=False)


# -- one call each --------------------------------------------------------------------

SIMPLE: list[tuple[str, str, str, dict[str, Any]]] = [
    ("copyfile", "f0.txt", "new.txt", {}),
    ("copyfile", "f0.txt", "f1.txt", {}),
    ("copyfile", "f0.txt", "f0.txt", {}),
    ("copyfile", "f0.txt", "d1", {}),
    ("copyfile", "missing", "x", {}),
    ("copyfile", "d1", "x", {}),
    ("copyfile", "fifo", "x", {}),
    ("copyfile", "f0.txt", "nodir/x", {}),
    ("copyfile", "link_file", "x", {"follow_symlinks": False}),
    ("copy", "f0.txt", "d1", {}),
    ("copy", "d1/f1.txt", "new", {}),
    ("copy", "link_file", "x", {"follow_symlinks": False}),
    ("copy", "missing", "d1", {}),
    ("copy2", "d1/f0.txt", "d2", {}),
    ("copy2", "d1/f0.txt", "new", {}),
    ("copy2", "link_file", "x", {"follow_symlinks": False}),
    ("copy2", "f0.txt", "f0.txt", {}),
    ("copymode", "d1/f1.txt", "f2.txt", {}),
    ("copymode", "missing", "f2.txt", {}),
    ("copystat", "d1/f0.txt", "f2.txt", {}),
    ("copystat", "d1", "d2", {}),
    ("copystat", "f0.txt", "missing", {}),
]


@pytest.mark.parametrize(("name", "src", "dst", "kwargs"), SIMPLE)
async def test_single_calls(
    loop_kind: str,
    twins: tuple[pathlib.Path, pathlib.Path],
    name: str,
    src: str,
    dst: str,
    kwargs: dict[str, Any],
) -> None:
    a, b = twins
    for root in (a, b):
        os.mkfifo(root / "src" / "fifo")
    theirs = outcome_sync(
        lambda: getattr(shutil, name)(a / "src" / src, a / "src" / dst, **kwargs), a
    )
    ours = await outcome_async(
        getattr(ashutil, name)(b / "src" / src, b / "src" / dst, **kwargs), b
    )
    assert ours == theirs
    assert snapshot(b) == snapshot(a)


async def test_disk_usage(loop_kind: str, tmp_path: pathlib.Path) -> None:
    usage = await ashutil.disk_usage(tmp_path)
    assert type(usage) is type(shutil.disk_usage(tmp_path))
    assert usage.total == shutil.disk_usage(tmp_path).total
    with pytest.raises(FileNotFoundError):
        await ashutil.disk_usage(tmp_path / "missing")


def test_surface() -> None:
    assert ashutil.Error is shutil.Error
    assert ashutil.SameFileError is shutil.SameFileError
    assert ashutil.ignore_patterns is shutil.ignore_patterns
    for name in ashutil.__all__:
        assert hasattr(ashutil, name)
    assert ashutil.rmtree.avoids_symlink_attacks is shutil.rmtree.avoids_symlink_attacks


# -- copytree ----------------------------------------------------------------------------


def record_calls() -> tuple[list[Any], Callable[[str, str], object]]:
    calls: list[Any] = []
    lock = threading.Lock()

    def copy_function(src: str, dst: str) -> object:
        with lock:
            calls.append((os.fspath(src), os.fspath(dst)))
        return shutil.copy2(src, dst)

    return calls, copy_function


COPYTREE: list[dict[str, Any]] = [
    {},
    {"symlinks": True},
    {"ignore_dangling_symlinks": True},
    {"ignore": shutil.ignore_patterns("*.pyc", "deep")},
    {"copy_function": "copy"},
    {"copy_function": "record"},
    {"dirs_exist_ok": True},
    {"dst": "src/d1"},  # exists: FileExistsError
    {"existing": True, "dirs_exist_ok": True},
    {"src": "src/missing"},
    {"src": "src/f0.txt"},
    {"dst": "src/f0.txt/x"},
    {"symlinks": True, "dangle": True},
    {"dangle": True},
    {"dangle": True, "ignore_dangling_symlinks": True},
    {"fifo": True},  # shutil.Error with the message's characters (shutil's quirk)
]


@pytest.mark.parametrize(
    "case", COPYTREE, ids=lambda c: ",".join(map(str, c)) or "default"
)
async def test_copytree(
    loop_kind: str, twins: tuple[pathlib.Path, pathlib.Path], case: dict[str, Any]
) -> None:
    a, b = twins
    case = dict(case)
    src, dst = case.pop("src", "src"), case.pop("dst", "dst")
    if case.pop("dangle", False):
        dangle(a / "src")
        dangle(b / "src")
    if case.pop("fifo", False):
        os.mkfifo(a / "src" / "d2" / "pipe")
        os.mkfifo(b / "src" / "d2" / "pipe")
    if case.pop("existing", False):
        for root in (a, b):
            (root / "dst" / "d1" / "sub").mkdir(parents=True)
            (root / "dst" / "d1" / "f0.txt").write_text("old")
            (root / "dst" / "d1" / "keep.txt").write_text("kept")
    calls: dict[pathlib.Path, list[Any]] = {}
    choice = case.get("copy_function")
    kwargs = {a: dict(case), b: dict(case)}
    for root in (a, b):
        if choice == "copy":
            kwargs[root]["copy_function"] = shutil.copy
        elif choice == "record":
            calls[root], kwargs[root]["copy_function"] = record_calls()
    theirs = outcome_sync(lambda: shutil.copytree(a / src, a / dst, **kwargs[a]), a)
    ours = await outcome_async(ashutil.copytree(b / src, b / dst, **kwargs[b]), b)
    assert ours == theirs
    assert snapshot(b) == snapshot(a)
    if ours[0] == "ok" and choice != "copy" and dst == "dst":
        times_kept(b / src, b / dst)
    if choice == "record":
        assert sorted(mask(c, b) for c in calls[b]) == sorted(
            mask(c, a) for c in calls[a]
        )


async def test_copytree_collects_errors_like_shutil(
    loop_kind: str,
    twins: tuple[pathlib.Path, pathlib.Path],
    immutable: Callable[[pathlib.Path], None],
) -> None:
    """Files that cannot be written: every error, in shutil's order."""
    a, b = twins
    for root in (a, b):
        dangle(root / "src")
        shutil.copytree(root / "src", root / "dst", symlinks=True)
        for name in ("d1/sub/f1.txt", "d1/f2.txt", "f0.txt", "d2"):
            immutable(root / "dst" / name)
    theirs = outcome_sync(
        lambda: shutil.copytree(a / "src", a / "dst", dirs_exist_ok=True), a
    )
    ours = await outcome_async(
        ashutil.copytree(b / "src", b / "dst", dirs_exist_ok=True, concurrency=3), b
    )
    assert theirs[0] == "Error" and len(theirs[2]) >= 5
    assert ours == theirs


async def test_copytree_ignore_that_raises(
    loop_kind: str, twins: tuple[pathlib.Path, pathlib.Path]
) -> None:
    def ignore(src: str, names: list[str]) -> list[str]:
        if src.endswith("sub"):
            raise ValueError("no")
        return []

    a, b = twins
    theirs = outcome_sync(
        lambda: shutil.copytree(a / "src", a / "dst", ignore=ignore), a
    )
    ours = await outcome_async(ashutil.copytree(b / "src", b / "dst", ignore=ignore), b)
    assert ours == theirs
    assert ours[1] is ValueError


async def test_copytree_ignore_gets_the_same_calls(
    loop_kind: str, twins: tuple[pathlib.Path, pathlib.Path]
) -> None:
    seen: dict[pathlib.Path, list[Any]] = {}
    for root in twins:
        seen[root] = []

        def ignore(src: str, names: list[str], log: list[Any] = seen[root]) -> set[str]:
            log.append((src, sorted(names)))
            return set()

        if root is twins[0]:
            shutil.copytree(root / "src", root / "dst", ignore=ignore)
        else:
            await ashutil.copytree(root / "src", root / "dst", ignore=ignore)
    a, b = twins
    assert sorted(mask(x, b) for x in seen[b]) == sorted(mask(x, a) for x in seen[a])


async def test_copytree_copy_functions(loop_kind: str, tmp_path: pathlib.Path) -> None:
    src = build(tmp_path / "src")
    shutil.copytree(src, tmp_path / "ref")
    await ashutil.copytree(src, tmp_path / "d1", copy_function=ashutil.copy2)
    assert snapshot(tmp_path / "d1") == snapshot(tmp_path / "ref")
    times_kept(src, tmp_path / "d1")

    async def not_blocking(s: str, d: str) -> None: ...

    with pytest.raises(TypeError, match="blocking"):
        await ashutil.copytree(src, tmp_path / "d2", copy_function=not_blocking)  # type: ignore[arg-type]
    assert not (tmp_path / "d2").exists()
    with pytest.raises(ValueError, match="concurrency"):
        await ashutil.copytree(src, tmp_path / "d3", concurrency=0)


@pytest.fixture
def wide_tree(tmp_path: pathlib.Path) -> pathlib.Path:
    """12 directories of 40 files (most in a subdirectory): some 30 copy jobs."""
    src = tmp_path / "src"
    for d in range(12):
        (src / f"d{d:02}" / "inner").mkdir(parents=True)
        for f in range(40):
            (src / f"d{d:02}" / ("inner" if f % 3 else "") / f"f{f}").write_text("x")
    return src


async def test_copytree_big_tree_progress_and_concurrency(
    loop_kind: str,
    tmp_path: pathlib.Path,
    wide_tree: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    src = wide_tree
    in_flight = peak = 0
    real = _offload.submit

    def counting(loop: Any, executor: Any, fn: Any, on_done: Any) -> None:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)

        def done(ok: bool, value: Any) -> None:
            nonlocal in_flight
            in_flight -= 1
            on_done(ok, value)

        real(loop, executor, fn, done)

    monkeypatch.setattr(_offload, "submit", counting)
    reports: list[Any] = []
    loop_thread = threading.get_ident()

    def progress(path: str, done: int) -> None:
        assert threading.get_ident() == loop_thread
        reports.append((path, done))

    result = await ashutil.copytree(
        src, tmp_path / "dst", progress=progress, concurrency=3
    )
    assert result == tmp_path / "dst"
    assert 1 < peak <= 3

    def check() -> None:  # a few thousand system calls: off the loop too
        assert snapshot(tmp_path / "dst") == snapshot(src)
        times_kept(src, tmp_path / "dst")
        entries = sum(len(d) + len(f) for _, d, f in os.walk(src)) + 1
        assert [n for _, n in reports] == list(range(1, entries + 1))
        assert sorted(p for p, _ in reports) == sorted(
            [str(src)] + [os.path.join(t, n) for t, d, f in os.walk(src) for n in d + f]
        )

    await _offload.run(check)


async def test_copytree_progress_that_raises_stops_it(
    loop_kind: str, tmp_path: pathlib.Path
) -> None:
    src = build(tmp_path / "src")

    def progress(path: str, done: int) -> None:
        if done == 3:
            raise KeyError("enough")

    with pytest.raises(KeyError, match="enough"):
        await ashutil.copytree(src, tmp_path / "dst", progress=progress)


async def test_copytree_cancelled(loop_kind: str, tmp_path: pathlib.Path) -> None:
    src = tmp_path / "src"

    def make() -> None:
        for d in range(20):
            (src / f"d{d}").mkdir(parents=True)
            for f in range(50):
                (src / f"d{d}" / f"f{f}").write_text("x")

    await _offload.run(make)
    task: asyncio.Future[Any] | None = None

    def progress(path: str, done: int) -> None:
        if done == 100 and task is not None:
            task.cancel()

    task = asyncio.ensure_future(
        ashutil.copytree(src, tmp_path / "dst", progress=progress)
    )
    with pytest.raises(asyncio.CancelledError):
        await task
    copied = sum(len(f) for _, _, f in os.walk(tmp_path / "dst"))
    assert 0 < copied < 1000
    await asyncio.sleep(0.05)  # nothing goes on in the background
    assert sum(len(f) for _, _, f in os.walk(tmp_path / "dst")) == copied
    await _offload.run(shutil.rmtree, tmp_path)


# -- rmtree ------------------------------------------------------------------------------


def onerror_log(log: list[Any], root: Any) -> Callable[..., None]:
    def handler(func: Any, path: Any, info: Any) -> None:
        exc = info[1] if isinstance(info, tuple) else info
        log.append(
            (
                func.__name__,
                mask(path, root),
                type(exc),
                getattr(exc, "errno", None),
                mask(getattr(exc, "filename", None), root),
                isinstance(info, tuple),
            )
        )

    return handler


RMTREE_TARGETS = ["src", "src/missing", "src/link_dir", "src/f0.txt", "src/empty"]


@pytest.mark.parametrize("target", RMTREE_TARGETS)
@pytest.mark.parametrize("how", ["raise", "ignore_errors", "onerror", "onexc", "bytes"])
async def test_rmtree(
    loop_kind: str, twins: tuple[pathlib.Path, pathlib.Path], target: str, how: str
) -> None:
    if how == "onexc" and sys.version_info < (3, 12):
        pytest.skip("onexc is new in 3.12")
    a, b = twins
    logs: dict[pathlib.Path, list[Any]] = {a: [], b: []}
    kwargs: dict[pathlib.Path, dict[str, Any]] = {a: {}, b: {}}
    paths: dict[pathlib.Path, Any] = {a: a / target, b: b / target}
    for root in (a, b):
        if how == "ignore_errors":
            kwargs[root]["ignore_errors"] = True
        elif how in ("onerror", "onexc"):
            kwargs[root][how] = onerror_log(logs[root], root)
        elif how == "bytes":
            paths[root] = os.fsencode(paths[root])
    theirs = outcome_sync(lambda: shutil.rmtree(paths[a], **kwargs[a]), a)
    ours = await outcome_async(ashutil.rmtree(paths[b], **kwargs[b]), b)
    assert ours == theirs
    assert logs[b] == logs[a]
    assert snapshot(b) == snapshot(a)


@pytest.mark.parametrize("how", ["onerror", "raise"])
async def test_rmtree_errors_inside_the_tree(
    loop_kind: str,
    twins: tuple[pathlib.Path, pathlib.Path],
    immutable: Callable[[pathlib.Path], None],
    how: str,
) -> None:
    """Undeletable entries: the same onerror calls, in the same order."""
    a, b = twins
    logs: dict[pathlib.Path, list[Any]] = {a: [], b: []}
    for root in (a, b):
        immutable(root / "src" / "d1" / "sub" / "f1.txt")
        immutable(root / "src" / "d2" / "f0.txt")
        immutable(root / "src" / "empty")
    kwargs = {root: {"onerror": onerror_log(logs[root], root)} for root in (a, b)}
    if how == "raise":
        kwargs = {a: {}, b: {}}
    theirs = outcome_sync(lambda: shutil.rmtree(a / "src", **kwargs[a]), a)
    ours = await outcome_async(ashutil.rmtree(b / "src", **kwargs[b]), b)
    assert ours == theirs
    assert logs[b] == logs[a]
    assert snapshot(b) == snapshot(a)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="dir_fd is new in 3.11")
async def test_rmtree_dir_fd(
    loop_kind: str, twins: tuple[pathlib.Path, pathlib.Path]
) -> None:
    a, b = twins
    fds = {root: os.open(root, os.O_RDONLY) for root in (a, b)}
    try:
        for name in ("src", "missing"):
            theirs = outcome_sync(lambda n=name: shutil.rmtree(n, dir_fd=fds[a]), a)
            ours = await outcome_async(ashutil.rmtree(name, dir_fd=fds[b]), b)
            assert ours == theirs
    finally:
        for fd in fds.values():
            os.close(fd)
    assert snapshot(b) == snapshot(a)


async def test_rmtree_progress(loop_kind: str, tmp_path: pathlib.Path) -> None:
    src = await _offload.run(build, tmp_path / "src", 40)
    expected = {str(src)} | {
        os.path.join(t, n) for t, d, f in os.walk(src) for n in d + f
    }
    reports: list[Any] = []
    loop_thread = threading.get_ident()

    def progress(path: str, done: int) -> None:
        assert threading.get_ident() == loop_thread
        reports.append((path, done))

    await ashutil.rmtree(src, progress=progress)
    assert not src.exists()
    assert sorted(p for p, _ in reports) == sorted(expected)
    assert [n for _, n in reports] == list(range(1, len(expected) + 1))
    assert reports[-1][0] == str(src)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


async def test_rmtree_cancelled_keeps_the_rest_and_closes_everything(
    loop_kind: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ashutil, "RMTREE_SLICE", 0.0)  # 32 steps per job
    src = await _offload.run(build, tmp_path / "src", 60)
    before = open_fds()
    task: asyncio.Future[Any] | None = None

    def progress(path: str, done: int) -> None:
        if done == 50 and task is not None:
            task.cancel()

    task = asyncio.ensure_future(ashutil.rmtree(src, progress=progress))
    with pytest.raises(asyncio.CancelledError):
        await task
    assert src.exists()
    assert open_fds() == before


async def test_rmtree_progress_that_raises(
    loop_kind: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ashutil, "RMTREE_SLICE", 0.0)
    src = await _offload.run(build, tmp_path / "src", 60)
    before = open_fds()

    def progress(path: str, done: int) -> None:
        raise LookupError(path)

    with pytest.raises(LookupError):
        await ashutil.rmtree(src, progress=progress)
    assert src.exists() and open_fds() == before


def attack_tree(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path]:
    top = tmp_path / "top"
    outside = tmp_path / "outside"
    outside.mkdir(parents=True)
    for i in range(40):
        (outside / f"f{i}").write_text("precious")
    for k in range(10):
        for i in range(40):
            (top / f"victim{k}" / "inner").mkdir(parents=True, exist_ok=True)
            (top / f"victim{k}" / f"f{i}").write_text("junk")
            (top / f"victim{k}" / "inner" / f"f{i}").write_text("junk")
    return top, outside


async def test_rmtree_symlink_swapped_in_between_batches(
    loop_kind: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Directories replaced by symlinks to the outside while rmtree runs."""
    monkeypatch.setattr(ashutil, "RMTREE_SLICE", 0.0)
    top, outside = await _offload.run(attack_tree, tmp_path)
    swapped: list[str] = []

    def progress(path: str, done: int) -> None:
        for k in range(10):
            victim = top / f"victim{k}"
            if victim.is_dir() and not victim.is_symlink() and str(victim) not in path:
                os.rename(victim, tmp_path / f"moved{k}")
                victim.symlink_to(outside, target_is_directory=True)
                (victim / "inner").exists()
                swapped.append(str(victim))
                return

    errors: list[Any] = []
    await ashutil.rmtree(
        top, onerror=lambda *args: errors.append(args), progress=progress
    )
    assert swapped
    assert sorted(os.listdir(outside)) == sorted(f"f{i}" for i in range(40))
    assert all((outside / f"f{i}").read_text() == "precious" for i in range(40))


@pytest.mark.parametrize("which", ["shutil", "aiofiles"])
async def test_rmtree_symlink_swapped_in_at_the_worst_moment(
    loop_kind: str, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    """The swap happens between the lstat of a directory and its open()."""
    top, outside = await _offload.run(attack_tree, tmp_path)
    real_open = os.open
    swapped: list[Any] = []

    def racing_open(
        path: Any, flags: int, mode: int = 0o777, *, dir_fd: Any = None
    ) -> int:
        if (
            dir_fd is not None
            and str(path).startswith("victim")
            and path not in swapped
        ):
            swapped.append(path)
            os.rename(path, tmp_path / f"moved-{path}", src_dir_fd=dir_fd)
            os.symlink(outside, path, dir_fd=dir_fd)
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", racing_open)
    errors: list[Any] = []
    if which == "shutil":
        await _offload.run(
            shutil.rmtree, top, onerror=lambda *args: errors.append(args)
        )
    else:
        await ashutil.rmtree(top, onerror=lambda *args: errors.append(args))
    monkeypatch.setattr(os, "open", real_open)
    assert len(swapped) == 10
    assert [e[0] for e in errors].count(os.path.islink) == 10
    assert sorted(os.listdir(outside)) == sorted(f"f{i}" for i in range(40))
    assert sorted(os.listdir(top)) == [f"victim{k}" for k in range(10)]  # the links


@pytest.fixture
def big_tree(tmp_path: pathlib.Path) -> pathlib.Path:
    """1,220 entries, made before the loop starts: many of rmtree's batches."""
    src = tmp_path / "big"
    for d in range(20):
        (src / f"d{d}").mkdir(parents=True)
        for f in range(60):
            (src / f"d{d}" / f"f{f}").touch()
    return src


async def test_rmtree_big_tree(loop_kind: str, big_tree: pathlib.Path) -> None:
    await ashutil.rmtree(big_tree)
    assert not big_tree.exists()


# -- move ----------------------------------------------------------------------------------

MOVES = [
    ("f0.txt", "moved.txt"),
    ("f0.txt", "d2"),
    ("d1", "d1moved"),
    ("d1", "d2"),
    ("d1", "d1/sub"),
    ("link_dir", "d1"),
    ("missing", "x"),
    ("f0.txt", "f1.txt"),
    ("d2/f0.txt", "d1/f0.txt"),
    ("d1", "empty"),
    ("f1.txt", "nodir/x"),
]


@pytest.mark.parametrize(("src", "dst"), MOVES)
async def test_move_same_file_system(
    loop_kind: str, twins: tuple[pathlib.Path, pathlib.Path], src: str, dst: str
) -> None:
    a, b = twins
    (a / "src" / "d2" / "f0.txt").write_text("clash")
    (b / "src" / "d2" / "f0.txt").write_text("clash")
    theirs = outcome_sync(lambda: shutil.move(a / "src" / src, a / "src" / dst), a)
    ours = await outcome_async(ashutil.move(b / "src" / src, b / "src" / dst), b)
    assert ours == theirs
    assert snapshot(b) == snapshot(a)


@pytest.fixture
def other_fs(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    shm = pathlib.Path("/dev/shm")
    if not shm.is_dir() or os.stat(shm).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip("no second file system at /dev/shm")
    where = shm / f"aiofiles-test-{os.getpid()}-{tmp_path.name}"
    where.mkdir()
    yield where
    shutil.rmtree(where, ignore_errors=True)


@pytest.mark.parametrize("src", ["d1", "f0.txt", "link_file", "link_dir"])
async def test_move_across_file_systems(
    loop_kind: str,
    twins: tuple[pathlib.Path, pathlib.Path],
    other_fs: pathlib.Path,
    src: str,
) -> None:
    a, b = twins
    (other_fs / "a").mkdir()
    (other_fs / "b").mkdir()
    reports: list[Any] = []
    theirs = outcome_sync(
        lambda: shutil.move(a / "src" / src, other_fs / "a"), a, other_fs / "a"
    )
    ours = await outcome_async(
        ashutil.move(
            b / "src" / src,
            other_fs / "b",
            progress=lambda p, n: reports.append((p, n)),
        ),
        b,
        other_fs / "b",
    )
    assert ours == theirs
    assert snapshot(b) == snapshot(a)
    assert snapshot(other_fs / "b") == snapshot(other_fs / "a")
    assert reports and [n for _, n in reports] == list(range(1, len(reports) + 1))
    if src == "d1":
        assert len(reports) == 1 + sum(
            len(d) + len(f) for _, d, f in os.walk(other_fs / "b" / "d1")
        )


async def _until(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, what
        await asyncio.sleep(0.001)


async def test_cancelled_copyfile_finishes_the_copy(
    loop_kind: str, tmp_path: pathlib.Path
) -> None:
    """As documented: cancelling the awaiting task does not stop the copy."""
    data = os.urandom(1024) * 32 * 1024  # 32 MiB
    (tmp_path / "src").write_bytes(data)
    dst = tmp_path / "dst"
    task = asyncio.ensure_future(ashutil.copyfile(tmp_path / "src", dst))
    await _until(lambda: dst.exists(), "the copy never started")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await _until(lambda: dst.stat().st_size == len(data), "the copy never ended")
    assert dst.read_bytes() == data


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no terminals here")
@pytest.mark.parametrize("how", ["copyfile", "copy", "copy2", "copytree"])
async def test_copy_from_a_terminal_holds_no_bounded_place(
    loop_kind: str,
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    """A copy that reads a terminal waits until someone types: it must not take
    one of the pool's bounded places (with one place, nothing else could run)."""
    from aiofiles import _executor

    pool = _executor.WorkerPool(max_workers=1)
    monkeypatch.setattr(_executor, "_pool", pool)
    master, slave = os.openpty()
    try:
        tty = os.ttyname(slave)
        if how == "copytree":
            tree = tmp_path / "tree"
            tree.mkdir()
            (tree / "tty").symlink_to(tty)  # followed: copytree copies the device
            job = ashutil.copytree(tree, tmp_path / "out")
        else:
            job = getattr(ashutil, how)(tty, tmp_path / "out")
        task = asyncio.ensure_future(job)
        await _until(
            lambda: pool.statistics().workers >= 1 and not pool.statistics().idle,
            "the copy never started",
        )
        # (a busy machine may run the copy's thread late: wait until the copy
        # made its destination, so that it reads the terminal from then on)
        await _until(
            lambda: (tmp_path / "out").exists(), "the copy made no destination"
        )
        # A bounded job still runs (before, it waited behind the copy for ever).
        assert "out" in await asyncio.wait_for(_listdir(tmp_path), 20)
    finally:
        os.close(master)  # the terminal hangs up: the copy ends (with EIO)
        os.close(slave)
    with pytest.raises(OSError):
        await asyncio.wait_for(task, 30)


async def _listdir(path: pathlib.Path) -> list[str]:
    import aiofiles.os

    return await aiofiles.os.listdir(path)
