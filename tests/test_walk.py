"""``aiofiles._walk``: ``ascandir`` and ``walk`` against ``os.scandir`` and ``os.walk``.

Same results in the same order (pruning, ``onerror``, ``followlinks``, bytes),
batched hops (counted by wrapping ``_offload.submit``), cancellation that loses
nothing, and a loop that is never blocked (the conftest's detector, plus a
ticker that measures the longest stall).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import threading
import time
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aiofiles import _offload, _walk
from aiofiles.os import ascandir, walk
from conftest import cpu_wait

# -- fixtures and helpers -------------------------------------------------------------


def build_tree(root: Path) -> Path:
    """A tree with every kind of entry os.walk distinguishes."""
    root.mkdir(exist_ok=True)
    for d in ("a", "a/aa", "a/aa/aaa", "a/ab", "b", "b/ba", "c", "skip", "skip/deep"):
        (root / d).mkdir()
    for f in ("top.txt", "a/x.txt", "a/aa/y.txt", "a/aa/aaa/z.txt", "b/ba/w.txt"):
        (root / f).write_text(f)
    (root / "skip/deep/hidden.txt").write_text("h")
    (root / "link_to_b").symlink_to("b")  # a symlink to a directory
    (root / "a/link_to_file").symlink_to("../top.txt")
    (root / "dangling").symlink_to("does-not-exist")
    os.mkfifo(root / "fifo")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return build_tree(tmp_path / "tree")


# The two big trees are made once per module: no test changes them.


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One directory with 5,000 entries (some of them directories)."""
    root = tmp_path_factory.mktemp("walk") / "wide"
    root.mkdir()
    for i in range(5000):
        if i % 50 == 0:
            (root / f"d{i:04}").mkdir()
        else:
            (root / f"f{i:04}").touch()
    return root


def build_bushy(d: Path, depth: int) -> Path:
    """Directories of 3 files and 4 subdirectories, ``depth`` levels below ``d``."""
    d.mkdir()
    for i in range(3):
        (d / f"f{i}").touch()
    if depth:
        for i in range(4):
            build_bushy(d / f"d{i}", depth - 1)
    return d


@pytest.fixture(scope="module")
def bushy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,365 small directories, 5 levels below the top, 3 files each."""
    return build_bushy(tmp_path_factory.mktemp("walk") / "bushy", 5)


@pytest.fixture(scope="module")
def small_bushy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """85 small directories, 3 levels below the top."""
    return build_bushy(tmp_path_factory.mktemp("walk") / "small_bushy", 3)


class Hops:
    """Counts the jobs sent off the loop."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = _offload.submit

        def counting(*args: Any, **kwargs: Any) -> None:
            self.count += 1
            real(*args, **kwargs)

        monkeypatch.setattr(_offload, "submit", counting)


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> Hops:
    return Hops(monkeypatch)


@pytest.fixture
def cpu_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """A walk job reads ahead for a couple of milliseconds of the worker's time.

    How many directories that is depends on the worker getting a CPU: on a busy
    machine it is preempted and its jobs end early, with more hops. Tests that
    count hops measure the budget on the worker thread's CPU clock instead.
    """
    monkeypatch.setattr(
        _walk, "time", types.SimpleNamespace(perf_counter=time.thread_time)
    )


async def collect(it: Any) -> list[Any]:
    return [x async for x in it]


def os_walk_pruned(
    top: Any, prune: Callable[[Any, list[Any]], None], **kwargs: Any
) -> list[Any]:
    out = []
    for dirpath, dirnames, filenames in os.walk(top, **kwargs):
        out.append((dirpath, list(dirnames), list(filenames)))
        prune(dirpath, dirnames)
    return out


async def walk_pruned(
    top: Any, prune: Callable[[Any, list[Any]], None], **kwargs: Any
) -> list[Any]:
    out = []
    async for dirpath, dirnames, filenames in walk(top, **kwargs):
        out.append((dirpath, list(dirnames), list(filenames)))
        prune(dirpath, dirnames)
    return out


# -- walk: same results as os.walk ----------------------------------------------------


@pytest.mark.parametrize("topdown", [True, False])
@pytest.mark.parametrize("followlinks", [False, True])
@pytest.mark.parametrize("path_kind", ["str", "bytes", "pathlike"])
async def test_walk_equals_os_walk(
    loop_kind: str, tree: Path, topdown: bool, followlinks: bool, path_kind: str
) -> None:
    top: Any = {"str": str(tree), "bytes": os.fsencode(tree), "pathlike": tree}[
        path_kind
    ]
    expected = list(os.walk(top, topdown, None, followlinks))
    assert await collect(walk(top, topdown, None, followlinks)) == expected
    assert (
        await collect(walk(top, topdown=topdown, followlinks=followlinks)) == expected
    )


async def test_walk_relative_and_dot(
    loop_kind: str, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    for top in (".", "a", "a/", "./b", b"."):
        assert await collect(walk(top)) == list(os.walk(top))


async def test_walk_big_trees(loop_kind: str, wide: Path, bushy: Path) -> None:
    for top in (wide, bushy):
        for topdown in (True, False):
            assert await collect(walk(top, topdown)) == list(os.walk(top, topdown))


@pytest.mark.parametrize("followlinks", [False, True])
async def test_walk_topdown_pruning(
    loop_kind: str, tree: Path, followlinks: bool
) -> None:
    def prune(dirpath: Any, dirnames: list[Any]) -> None:
        # drop some, reorder the rest: walk must follow the edited list
        dirnames[:] = sorted((d for d in dirnames if d != "skip"), reverse=True)

    expected = os_walk_pruned(tree, prune, followlinks=followlinks)
    assert await walk_pruned(tree, prune, followlinks=followlinks) == expected
    assert not any("skip" in str(p) for p, _, _ in expected)


async def test_walk_prune_everything(loop_kind: str, bushy: Path) -> None:
    def prune(dirpath: Any, dirnames: list[Any]) -> None:
        dirnames.clear()

    assert await walk_pruned(bushy, prune) == os_walk_pruned(bushy, prune)


async def test_walk_names_added_by_the_caller(loop_kind: str, tree: Path) -> None:
    """Names the caller adds are entered unless they are symlinks (os.walk's islink)."""

    def prune(dirpath: Any, dirnames: list[Any]) -> None:
        if dirpath == str(tree):
            dirnames[:] = ["link_to_b", "a", "missing", "a"]

    errors: list[Any] = []
    expected_errors: list[Any] = []
    expected = os_walk_pruned(tree, prune, onerror=expected_errors.append)
    got = await walk_pruned(tree, prune, onerror=errors.append)
    assert got == expected
    assert [(type(e), e.errno, e.filename) for e in errors] == [
        (type(e), e.errno, e.filename) for e in expected_errors
    ]


async def test_walk_onerror(loop_kind: str, tree: Path) -> None:
    for top in (tree / "missing", tree / "top.txt", tree / "dangling"):
        errors: list[OSError] = []
        expected: list[OSError] = []
        assert await collect(walk(top, onerror=errors.append)) == list(
            os.walk(top, onerror=expected.append)
        )
        assert [(type(e), e.errno, e.filename, str(e)) for e in errors] == [
            (type(e), e.errno, e.filename, str(e)) for e in expected
        ]
        assert errors  # each of them is an error
        assert await collect(walk(top)) == []  # no onerror: silently nothing


async def test_walk_onerror_can_stop_the_walk(loop_kind: str, tree: Path) -> None:
    def fail(error: OSError) -> None:
        raise RuntimeError("stop") from error

    with pytest.raises(RuntimeError, match="stop"):
        await collect(walk(tree / "missing", onerror=fail))


async def test_walk_directory_renamed_during_the_walk(
    loop_kind: str, tree: Path
) -> None:
    """os.walk's test_walk_bad_dir: a directory renamed between steps is reported.

    The consumer awaits between steps, so the walk lists each directory after
    the previous step, exactly as os.walk does.
    """
    errors: list[OSError] = []
    it = walk(tree, onerror=errors.append)
    root, dirs, _files = await it.__anext__()
    assert errors == []
    await _offload.run(os.rename, tree / "a", tree / "a.new")
    try:
        roots = [r async for r, _, _ in it]
    finally:
        os.rename(tree / "a.new", tree / "a")
    assert [e.filename for e in errors] == [os.path.join(root, "a")]
    assert os.path.join(root, "a") not in roots
    assert os.path.join(root, "a.new") not in roots
    for other in dirs:
        if other not in ("a", "link_to_b"):
            assert os.path.join(root, other) in roots


async def test_walk_rereads_after_the_consumer_awaits(
    loop_kind: str, tree: Path
) -> None:
    """Listings read ahead are dropped once the consumer yields to the loop."""
    seen = []
    async for dirpath, _dirnames, filenames in walk(tree):
        seen.append((dirpath, sorted(filenames)))
        if dirpath == str(tree):
            # a blocking change, then an await: the walk must see the change
            (tree / "a" / "aa" / "new.txt").touch()
            await asyncio.sleep(0)
    assert (str(tree / "a" / "aa"), ["new.txt", "y.txt"]) in seen


async def test_walk_symlink_swapped_in_is_not_followed(
    loop_kind: str, tree: Path
) -> None:
    """bpo-23605: a directory replaced by a symlink during a step is not entered."""
    outside = tree.parent / "outside"
    outside.mkdir()
    (outside / "secret.txt").touch()
    seen = []
    async for dirpath, _dirnames, _filenames in walk(tree):
        seen.append(dirpath)
        if dirpath == str(tree):
            await _offload.run(os.rename, tree / "b", tree.parent / "b.moved")
            await _offload.run(os.symlink, outside, tree / "b")
    assert not any(p.startswith(str(tree / "b")) for p in seen)


# -- walk: batching and the loop ------------------------------------------------------


async def test_walk_wide_directory_in_few_hops(
    loop_kind: str, wide: Path, hops: Hops, cpu_budget: None
) -> None:
    count = sum([len(d) + len(f) async for _, d, f in walk(wide)])
    assert count == 5000
    # one hop lists the 5,000 entries; its 100 empty subdirectories are read
    # ahead, a couple of milliseconds' worth per hop: a few hops in all
    assert hops.count <= 10


async def test_walk_many_small_directories_in_few_hops(
    loop_kind: str, bushy: Path, hops: Hops, cpu_budget: None
) -> None:
    dirs = 0
    async for _ in walk(bushy):
        dirs += 1
    assert dirs == 1365
    assert hops.count <= dirs // 10  # read-ahead: about 2 ms of listing per hop


async def test_walk_consumer_that_awaits_gets_one_hop_per_directory(
    loop_kind: str, small_bushy: Path, hops: Hops
) -> None:
    steps = []
    async for step in walk(small_bushy):
        steps.append(step)
        await asyncio.sleep(0)
    assert steps == list(os.walk(small_bushy))
    assert len(steps) == 85
    # the first hop reads ahead (nothing is known yet); then one per directory
    assert len(steps) - 1 <= hops.count <= len(steps) + 1


async def test_walk_with_an_executor(loop_kind: str, tree: Path) -> None:
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        assert await collect(walk(tree, executor=pool)) == list(os.walk(tree))


async def test_walk_never_stalls_the_loop(
    loop_kind: str, bushy: Path, wide: Path, young_gc: None
) -> None:
    """Between two ticks of a 1 ms ticker, the loop thread spends little CPU.

    Its CPU time, not the wall time between ticks: on a busy machine the loop
    thread also waits for a CPU, and for the GIL while a preempted worker holds
    it. A synchronous ``os.walk`` of ``bushy`` costs some 25 ms of CPU at once;
    a walk's steps here, 1 to 3 ms at most. (``young_gc``: no collection of the
    whole test process's heap lands between two ticks.)
    """
    worst_cpu = worst_held = 0.0
    running = True

    async def ticker() -> None:
        nonlocal worst_cpu, worst_held
        last = (time.thread_time(), time.perf_counter(), cpu_wait())
        while running:
            await asyncio.sleep(0.001)
            now = (time.thread_time(), time.perf_counter(), cpu_wait())
            worst_cpu = max(worst_cpu, now[0] - last[0])
            # the wall time less the wait for a CPU: a gross check that also
            # counts time asleep (the conftest's detector is the fine one)
            worst_held = max(worst_held, (now[1] - last[1]) - (now[2] - last[2]))
            last = now

    task = asyncio.ensure_future(ticker())
    await asyncio.sleep(0.01)
    for top in (bushy, wide):
        async for _ in walk(top):
            pass
    running = False
    await task
    assert worst_cpu < 0.01, f"the loop thread ran {worst_cpu:.3f} s between ticks"
    assert worst_held < 0.5, f"the loop was held {worst_held:.3f} s between ticks"


async def test_walk_audit_and_laziness(loop_kind: str, tree: Path) -> None:
    it = walk(tree)  # nothing happens yet, as with os.walk
    await it.aclose()
    with pytest.raises(TypeError):
        await collect(walk(42))  # type: ignore[call-overload]


# -- ascandir ----------------------------------------------------------------------------


def names(entries: Any) -> list[Any]:
    return [e.name for e in entries]


@pytest.mark.parametrize("path_kind", ["str", "bytes", "pathlike", "fd"])
async def test_ascandir_equals_os_scandir(
    loop_kind: str, tree: Path, path_kind: str
) -> None:
    fd = os.open(tree, os.O_RDONLY) if path_kind == "fd" else None
    try:
        top: Any = {"str": str(tree), "bytes": os.fsencode(tree), "pathlike": tree}.get(
            path_kind, fd
        )
        with os.scandir(top) as it:
            expected = [(e.name, e.path, e.is_dir(), e.is_symlink()) for e in it]
        async with ascandir(top) as entries:
            got = [(e.name, e.path, e.is_dir(), e.is_symlink()) async for e in entries]
        assert got == expected
    finally:
        if fd is not None:
            os.close(fd)


async def test_ascandir_default_is_cwd(
    loop_kind: str, tree: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tree)
    assert sorted(names(await collect(ascandir()))) == sorted(os.listdir("."))


async def test_ascandir_answers_are_cached(loop_kind: str, tree: Path) -> None:
    """is_dir()/is_symlink() were asked in the worker: no I/O on the loop later."""
    async with ascandir(tree) as it:
        entries = {e.name: e async for e in it}
    (tree / "link_to_b").unlink()  # the target's stat was cached already
    os.rename(tree / "b", tree / "b2")
    assert entries["link_to_b"].is_dir() and entries["link_to_b"].is_symlink()
    assert entries["b"].is_dir() and not entries["b"].is_symlink()
    assert not entries["dangling"].is_dir() and entries["dangling"].is_symlink()


async def test_ascandir_errors(loop_kind: str, tree: Path) -> None:
    for bad in (tree / "missing", tree / "top.txt"):
        with pytest.raises(OSError) as expected:
            os.scandir(bad)
        with pytest.raises(type(expected.value)) as got:
            async with ascandir(bad):
                pass
        assert (got.value.errno, got.value.filename) == (
            expected.value.errno,
            expected.value.filename,
        )
        with pytest.raises(type(expected.value)):
            await collect(ascandir(bad))  # also without async with


async def test_ascandir_batches(loop_kind: str, wide: Path, hops: Hops) -> None:
    got = names(await collect(ascandir(wide)))
    assert sorted(got) == sorted(os.listdir(wide))
    assert hops.count == -(-5000 // _walk.SCANDIR_BATCH) + (
        5000 % _walk.SCANDIR_BATCH == 0
    )


async def test_ascandir_early_exit_closes(loop_kind: str, wide: Path) -> None:
    async with ascandir(wide) as it:
        async for _ in it:
            break
    assert await collect(it) == []  # closed: nothing more
    await it.aclose()  # twice is fine


class GatedExecutor(concurrent.futures.Executor):
    """Runs jobs in a thread, each only once ``gate`` is set."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.pool = concurrent.futures.ThreadPoolExecutor(1)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        def gated() -> Any:
            self.gate.wait(10)
            return fn(*args, **kwargs)

        return self.pool.submit(gated)

    def shutdown(self, wait: bool = True, **kwargs: Any) -> None:
        self.gate.set()
        self.pool.shutdown(wait)


async def test_ascandir_cancelled_batch_is_not_lost(loop_kind: str, wide: Path) -> None:
    gated = GatedExecutor()
    try:
        it = ascandir(wide, executor=gated)
        task = asyncio.ensure_future(it.__anext__())
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        gated.gate.set()
        got = names(await collect(it))
        assert sorted(got) == sorted(os.listdir(wide))
    finally:
        gated.shutdown()


async def test_ascandir_repr(loop_kind: str, tree: Path) -> None:
    it = ascandir(tree)
    assert repr(str(tree)) in repr(it)
    await it.aclose()


def test_module_surface() -> None:
    assert _walk.__all__ == ["AsyncScandirIterator", "ascandir", "walk"]


def test_walk_is_reached_through_aiofiles_os() -> None:
    """The names the docs show: ``aiofiles.os.walk`` and ``aiofiles.os.ascandir``."""
    import aiofiles.os

    assert callable(aiofiles.os.walk)
    assert callable(aiofiles.os.ascandir)
    assert aiofiles.os.walk.__module__ == "aiofiles._walk"


def _linked_tree(root: Path) -> Path:
    """Directories with symlinks to directories at several depths (no cycle)."""
    top = root / "top"
    for i in range(4):
        for j in range(3):
            d = top / f"d{i}" / f"e{j}"
            d.mkdir(parents=True)
            (d / "f.txt").write_text("x")
    (top / "target" / "inner").mkdir(parents=True)
    (top / "target" / "inner" / "g.txt").write_text("y")
    (top / "d0" / "to_target").symlink_to(top / "target")
    (top / "d1" / "e1" / "to_target").symlink_to(top / "target")
    (top / "d2" / "up").symlink_to(top / "d3")
    (top / "to_d1").symlink_to(top / "d1")
    (top / "target" / "inner" / "back_to_d2").symlink_to(top / "d2" / "e0")
    return top


@pytest.mark.parametrize("followlinks", [False, True])
@pytest.mark.parametrize("topdown", [True, False])
@pytest.mark.parametrize("pattern", ["every", "odd", "even", "third", "once", "twice"])
async def test_walk_with_directory_symlinks_and_awaits_equals_os_walk(
    loop_kind: str, tmp_path: Path, pattern: str, topdown: bool, followlinks: bool
) -> None:
    """A consumer awaiting between some steps (so read-ahead listings go stale
    next to fresh ones) gets what os.walk gives; it used to raise
    ``TypeError`` from ``islink(None)``."""
    top = _linked_tree(tmp_path)
    await_at: Callable[[int], bool] = {
        "every": lambda i: True,
        "odd": lambda i: i % 2 == 1,
        "even": lambda i: i % 2 == 0,
        "third": lambda i: i % 3 == 2,
        "once": lambda i: i == 1,
        "twice": lambda i: i in (0, 4),
    }[pattern]
    expected = list(os.walk(top, topdown=topdown, followlinks=followlinks))
    got = []
    step = 0
    async for entry in walk(top, topdown=topdown, followlinks=followlinks):
        got.append(entry)
        if await_at(step):
            await asyncio.sleep(0)
        step += 1
    assert got == expected
