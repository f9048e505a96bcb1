"""Non-blocking answers about paths, where the OS can give them (Linux 5.12+).

Rules:

Rule 1. ``openat2(path, O_PATH, RESOLVE_CACHED)`` fails with ``EAGAIN`` instead of
        touching the disk when any component of ``path`` is not in the kernel's
        lookup cache. When it succeeds, the inode is in memory, so ``fstat`` of
        that descriptor (or ``open`` of a regular file for reading) does not
        block. That is the only licence this module gives to run on the loop.
Rule 2. Every answer is either exact or ``None`` ("don't know: go off the
        loop"). Errors are never raised from here: a missing file, a refusal,
        a kernel without ``openat2``, a platform without ``ctypes``: all
        ``None``, and the caller's ordinary off-loop path then raises the exact
        error the blocking call raises.
Rule 3. The feature switches itself off for the process on the first ``ENOSYS``,
        ``EPERM`` (seccomp filters in containers answer so) or ``EINVAL``.
Rule 4. Each answer on the loop is paid for from the loop's budget (``_budget``) by the time it took, like an inline
        open: a long run of cached stats yields to the loop regularly.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Coroutine
from time import perf_counter
from typing import Any, TypeVar

_R = TypeVar("_R")

_O_PATH = getattr(os, "O_PATH", 0)
_RESOLVE_CACHED = 0x20
_SYS_OPENAT2 = 437  # the same number on every Linux architecture
_AT_FDCWD = -100

_syscall: Any = None
_how_follow: Any = None
_how_nofollow: Any = None
enabled = False


def _init() -> None:
    global _syscall, _how_follow, _how_nofollow, enabled
    if not sys.platform.startswith("linux") or not _O_PATH:
        return
    try:
        import ctypes

        class OpenHow(ctypes.Structure):
            _fields_ = [
                ("flags", ctypes.c_uint64),
                ("mode", ctypes.c_uint64),
                ("resolve", ctypes.c_uint64),
            ]

        libc = ctypes.PyDLL(None, use_errno=True)
        syscall = libc.syscall
        syscall.restype = ctypes.c_long
        flags = _O_PATH | os.O_CLOEXEC
        how_follow = OpenHow(flags, 0, _RESOLVE_CACHED)
        how_nofollow = OpenHow(flags | os.O_NOFOLLOW, 0, _RESOLVE_CACHED)
        size = ctypes.c_size_t(ctypes.sizeof(OpenHow))
        at_fdcwd = ctypes.c_int(_AT_FDCWD)
        number = ctypes.c_long(_SYS_OPENAT2)
        get_errno = ctypes.get_errno
        byref = ctypes.byref

        def call(path: bytes, follow: bool) -> int:
            how = how_follow if follow else how_nofollow
            fd = syscall(number, at_fdcwd, path, byref(how), size)
            return fd if fd >= 0 else -get_errno()

        _syscall = call
    except Exception:
        return
    enabled = True


def _disable() -> None:
    global enabled
    enabled = False


def _fspath(path: Any) -> bytes | None:
    if isinstance(path, str):
        try:
            return os.fsencode(path)
        except UnicodeError:
            return None
    if isinstance(path, bytes):
        return path
    if hasattr(path, "__fspath__"):
        try:
            return _fspath(os.fspath(path))
        except Exception:  # Rule 2: the off-loop call raises it, exactly
            return None
    return None


def cached_stat(path: Any, follow_symlinks: bool = True) -> os.stat_result | None:
    """``os.stat(path)`` if it is certain not to block, else ``None`` (Rule 2)."""
    if not enabled:
        return None
    raw = _fspath(path)
    if raw is None or b"\0" in raw:
        return None
    fd = _syscall(raw, follow_symlinks)
    if fd < 0:
        if -fd in (38, 1, 22):  # ENOSYS, EPERM, EINVAL: Rule 3
            _disable()
        return None
    try:
        return os.fstat(fd)
    except OSError:
        return None
    finally:
        os.close(fd)


def stat_first(
    func: Callable[..., _R],
    derive: Callable[[os.stat_result], _R] | None = None,
    *,
    follow: bool = True,
    follow_keyword: bool = False,
) -> Callable[..., Coroutine[Any, Any, _R]]:
    """``base.wrap(func)``, answering on the loop when a cached ``stat`` can.

    ``func(path)`` must be a function of ``os.stat(path)`` (``follow=False``:
    of ``os.lstat``); ``derive`` computes it from the stat result (``None``: the
    result is the stat result itself). ``follow_keyword``: ``func`` takes a
    ``follow_symlinks=`` keyword (``os.stat`` does), which the fast path then
    honours. Calls with any other arguments (``dir_fd``, descriptors, keywords
    ``func`` does not take) take the ordinary off-loop path, which raises what
    ``func`` raises, and so does every call with an explicit ``executor=``: the
    caller asked for that executor.
    """
    from ._budget import STAT_COST, pause, spent
    from ._budget import charge_since as spend_since
    from .base import wrap

    slow = wrap(func)

    @functools.wraps(slow)
    async def run(*args: Any, **kwargs: Any) -> _R:
        if len(args) == 1 and enabled and kwargs.get("executor") is None:
            follows = follow
            if kwargs.keys() - {"loop", "executor"}:
                if not follow_keyword or (
                    kwargs.keys() - {"loop", "executor", "follow_symlinks"}
                ):
                    return await slow(*args, **kwargs)
                follow_symlinks = kwargs["follow_symlinks"]
                if type(follow_symlinks) is not bool:
                    return await slow(*args, **kwargs)  # its truth may raise
                follows = follow and follow_symlinks
            if spent():
                await pause()  # many inline stats in a row: let others run
            start = perf_counter()
            st = cached_stat(args[0], follows)
            spend_since(start, STAT_COST)
            if st is not None:
                return st if derive is None else derive(st)  # type: ignore[return-value]
        return await slow(*args, **kwargs)

    run.__signature__ = slow.__signature__  # type: ignore[attr-defined]
    return run


_init()
