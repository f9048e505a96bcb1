"""Every ``aiofiles.os`` and ``aiofiles.ospath`` function answers or raises exactly
what its blocking namesake does, for good calls and for bad ones: unknown or
misplaced keywords, wrong types, too many or too few arguments.

Each call runs twice, in two identical sandboxes (the current directory is
moved into each): once blocking, once through the async function. Results are
compared after removing the sandbox's own path (and, for stat results, the
fields that differ between two files made one after the other).
"""

from __future__ import annotations

import asyncio
import os
import os.path
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aiofiles.os
import aiofiles.ospath


class _Sandbox:
    """A directory with a file, an empty directory, a directory with a file, a
    symlink, a dangling symlink; and two descriptors of the file."""

    def __init__(self, root: Path) -> None:
        root.mkdir()
        self.root = root
        (root / "f").write_bytes(b"abc")
        (root / "d").mkdir()
        (root / "e").mkdir()
        (root / "e" / "x").write_bytes(b"x")
        (root / "l").symlink_to("f")
        (root / "dl").symlink_to("missing")
        self.fd = os.open(root / "f", os.O_RDWR)
        self.fd2 = os.open(root / "f", os.O_RDONLY)
        self.out = os.open(root / "out", os.O_RDWR | os.O_CREAT)
        self.dirfd = os.open(root, os.O_RDONLY)

    def close(self) -> None:
        for fd in (self.fd, self.fd2, self.out, self.dirfd):
            os.close(fd)


Args = tuple[tuple[Any, ...], dict[str, Any]]
Variant = Callable[[_Sandbox], Args]


class _Weird:
    """A path-like object whose ``__fspath__`` returns the wrong type."""

    def __fspath__(self) -> Any:
        return 1


def _path_variants(good: tuple[Any, ...]) -> list[Variant]:
    """Calls around one good call ``good`` of a function of a path."""
    rest = good[1:]
    return [
        lambda s: (good, {}),
        lambda s: ((), {}),
        lambda s: (good, {"bogus": 1}),
        lambda s: (good, {"follow_symlinks": False}),
        lambda s: (good, {"follow_symlinks": True}),
        lambda s: (good, {"follow_symlinks": 1}),
        lambda s: (good, {"dir_fd": None}),
        lambda s: (good, {"dir_fd": s.dirfd}),
        lambda s: (good, {"dir_fd": "x"}),
        lambda s: ((*good, 1, 2, 3, 4), {}),
        lambda s: ((None, *rest), {}),
        lambda s: ((1.5, *rest), {}),
        lambda s: ((object(), *rest), {}),
        lambda s: ((_Weird(), *rest), {}),
        lambda s: ((bytearray(b"f"), *rest), {}),
        lambda s: (("f\0", *rest), {}),
        lambda s: ((b"f", *rest), {}),
        lambda s: ((Path("f"), *rest), {}),
        lambda s: (("l", *rest), {}),
        lambda s: (("dl", *rest), {}),
        lambda s: (("d", *rest), {}),
        lambda s: (("missing", *rest), {}),
        lambda s: (("f/x", *rest), {}),
        lambda s: ((s.fd, *rest), {}),
        lambda s: ((-1, *rest), {}),
        lambda s: ((), {"path": good[0]}),
    ]


def _fd_variants(good: Callable[[_Sandbox], tuple[Any, ...]]) -> list[Variant]:
    """Calls around one good call of a function of descriptors."""
    return [
        lambda s: (good(s), {}),
        lambda s: ((), {}),
        lambda s: (good(s), {"bogus": 1}),
        lambda s: (good(s), {"follow_symlinks": False}),
        lambda s: ((*good(s), 1, 2, 3, 4), {}),
        lambda s: ((None, *good(s)[1:]), {}),
        lambda s: (("f", *good(s)[1:]), {}),
        lambda s: ((1.5, *good(s)[1:]), {}),
        lambda s: ((-1, *good(s)[1:]), {}),
        lambda s: ((10_000, *good(s)[1:]), {}),
    ]


# name -> (blocking function, async function, calls)
CASES: dict[str, tuple[Callable[..., Any], Callable[..., Any], list[Variant]]] = {}


def _case(name: str, blocking: Any, asynchronous: Any, variants: list[Variant]) -> None:
    CASES[name] = (blocking, asynchronous, variants)


for _name, _good in {
    "stat": ("f",),
    "lstat": ("f",),
    "remove": ("f",),
    "unlink": ("f",),
    "rmdir": ("d",),
    "removedirs": ("d",),
    "mkdir": ("new",),
    "makedirs": ("new/deeper",),
    "readlink": ("l",),
    "listdir": ("e",),
    "scandir": ("e",),
    "access": ("f", os.R_OK),
    "chmod": ("f", 0o640),
    "utime": ("f",),
    "truncate": ("f", 1),
    "rename": ("f", "g"),
    "renames": ("f", "g/h"),
    "replace": ("f", "e/x"),
    "symlink": ("f", "s2"),
    "link": ("f", "h"),
    "statvfs": (".",),
    "chown": ("f", -1, -1),
    "lchown": ("l", -1, -1),
}.items():
    if hasattr(os, _name) and hasattr(aiofiles.os, _name):
        _case(
            f"os.{_name}",
            getattr(os, _name),
            getattr(aiofiles.os, _name),
            _path_variants(_good),
        )

_case(
    "os.getcwd",
    os.getcwd,
    aiofiles.os.getcwd,
    [
        lambda s: ((), {}),
        lambda s: (("x",), {}),
        lambda s: ((), {"bogus": 1}),
    ],
)
for _name, _good_fd in {
    "fstat": lambda s: (s.fd,),
    "fsync": lambda s: (s.fd,),
    "fdatasync": lambda s: (s.fd,),
    "ftruncate": lambda s: (s.fd, 1),
    "sendfile": lambda s: (s.out, s.fd2, 0, 3),
    "copy_file_range": lambda s: (s.fd2, s.out, 3),
}.items():
    if hasattr(os, _name) and hasattr(aiofiles.os, _name):
        _case(
            f"os.{_name}",
            getattr(os, _name),
            getattr(aiofiles.os, _name),
            _fd_variants(_good_fd),
        )

for _name in [
    "getatime",
    "getctime",
    "getmtime",
    "getsize",
    "exists",
    "isdir",
    "isfile",
    "islink",
    "ismount",
    "abspath",
    "lexists",
    "realpath",
    "isjunction",
]:
    if hasattr(os.path, _name) and hasattr(aiofiles.ospath, _name):
        _case(
            f"ospath.{_name}",
            getattr(os.path, _name),
            getattr(aiofiles.ospath, _name),
            _path_variants(("f",)),
        )
_case(
    "ospath.samefile",
    os.path.samefile,
    aiofiles.ospath.samefile,
    _path_variants(("f", "l")),
)
_case(
    "ospath.sameopenfile",
    os.path.sameopenfile,
    aiofiles.ospath.sameopenfile,
    _fd_variants(lambda s: (s.fd, s.fd2)),
)


def _normal(value: Any, sandbox: _Sandbox) -> Any:
    """What may be compared between the two sandboxes."""
    root = str(sandbox.root)
    if isinstance(value, os.stat_result):
        return ("stat", value.st_mode, value.st_size, value.st_nlink)
    if isinstance(value, float):
        return "float"
    if hasattr(os, "statvfs_result") and isinstance(value, os.statvfs_result):
        return "statvfs"
    if isinstance(value, str):
        return value.replace(root, "<sandbox>")
    if isinstance(value, bytes):
        return value.replace(os.fsencode(root), b"<sandbox>")
    if isinstance(value, list):
        return sorted(_normal(v, sandbox) for v in value)
    if type(value).__name__ == "ScandirIterator":
        with value:
            return ("scandir", sorted(e.name for e in value))
    return value


def _outcome(
    func: Callable[..., Any], args: Any, kwargs: Any, sandbox: _Sandbox
) -> tuple[str, Any]:
    try:
        return "ok", _normal(func(*args, **kwargs), sandbox)
    except Exception as exc:  # the point: compare what is raised
        return type(exc).__name__, str(exc).replace(str(sandbox.root), "<sandbox>")


def _listing(root: Path) -> list[tuple[str, bool, int]]:
    """The sandbox's state after a call: names, kinds and file sizes."""
    out = []
    for path in sorted(root.rglob("*")):
        link = path.is_symlink()
        size = path.lstat().st_size if path.is_file() and not link else -1
        out.append((str(path.relative_to(root)), link, size))
    return out


@pytest.mark.parametrize("name", sorted(CASES))
async def test_every_os_function_raises_what_the_blocking_call_raises(
    loop_kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    blocking, asynchronous, variants = CASES[name]
    mismatches = []
    for number, variant in enumerate(variants):
        # One sandbox at a time: the second gets the same descriptor numbers.
        a = _Sandbox(tmp_path / f"blocking{number}")
        try:
            monkeypatch.chdir(a.root)
            args, kwargs = variant(a)
            # the blocking twin in a thread: fsync/fdatasync may wait on the disk
            expected = await asyncio.to_thread(_outcome, blocking, args, kwargs, a)
        finally:
            a.close()
        b = _Sandbox(tmp_path / f"async{number}")
        try:
            monkeypatch.chdir(b.root)
            args, kwargs = variant(b)
            try:
                got: tuple[str, Any] = (
                    "ok",
                    _normal(await asynchronous(*args, **kwargs), b),
                )
            except Exception as exc:
                got = (type(exc).__name__, str(exc).replace(str(b.root), "<sandbox>"))
        finally:
            b.close()
        if got != expected:
            mismatches.append((number, args, kwargs, expected, got))
        elif _listing(a.root) != _listing(b.root):
            mismatches.append((number, args, kwargs, "changed other things"))
    assert not mismatches, "\n".join(map(repr, mismatches))


def test_every_function_is_covered() -> None:
    """No function of either module is left out of the comparison."""
    names = {
        f"os.{n}"
        for n in dir(aiofiles.os)
        if callable(getattr(aiofiles.os, n))
        and hasattr(os, n)
        and n not in {"wrap", "walk"}
    } | {
        f"ospath.{n}"
        for n in dir(aiofiles.ospath)
        if callable(getattr(aiofiles.ospath, n)) and hasattr(os.path, n) and n != "wrap"
    }
    assert names <= set(CASES), names - set(CASES)
    assert sys.modules["aiofiles.os"] is aiofiles.os
