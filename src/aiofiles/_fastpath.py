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
"""

from __future__ import annotations

import os
import sys
from typing import Any

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

        libc = ctypes.CDLL(None, use_errno=True)
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
        return _fspath(os.fspath(path))
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


_init()
