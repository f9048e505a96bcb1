"""Async versions of the ``os`` functions that touch the file system.

Each function takes the arguments of its ``os`` namesake plus keyword-only
``loop=None`` and ``executor=None``, runs the call in a worker thread, and
returns or raises exactly what the blocking call would. The exceptions are
``stat`` and ``lstat`` of a path the kernel has cached (Linux 5.12+), which are
answered on the loop without blocking; with an ``executor=`` they always go to
it. ``scandir`` returns the blocking ``os.ScandirIterator``, as aiofiles 25.1
does (``ascandir`` is the non-blocking one). ``path`` is ``aiofiles.ospath``.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from . import ospath as path
from ._fastpath import stat_first
from ._walk import AsyncScandirIterator as AsyncScandirIterator
from ._walk import ascandir as ascandir
from ._walk import walk as walk
from .base import wrap

if TYPE_CHECKING:
    from . import _signatures as _sig

__all__ = [
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

# answered on the loop when the kernel caches allow
stat: _sig.Stat = stat_first(os.stat, follow_keyword=True)
rename: _sig.SrcDst = wrap(os.rename)
renames: _sig.Renames = wrap(os.renames)
replace: _sig.SrcDst = wrap(os.replace)
remove: _sig.PathDirFd = wrap(os.remove)
unlink: _sig.PathDirFd = wrap(os.unlink)
mkdir: _sig.Mkdir = wrap(os.mkdir)
makedirs: _sig.Makedirs = wrap(os.makedirs)
rmdir: _sig.PathDirFd = wrap(os.rmdir)
removedirs: _sig.Removedirs = wrap(os.removedirs)
symlink: _sig.Symlink = wrap(os.symlink)
readlink: _sig.Readlink = wrap(os.readlink)  # pyright: ignore[reportAssignmentType]
listdir: _sig.Listdir = wrap(os.listdir)  # type: ignore[assignment]
scandir: _sig.Scandir = wrap(os.scandir)  # type: ignore[assignment]
access: _sig.Access = wrap(os.access)
getcwd: _sig.Getcwd = wrap(os.getcwd)

if hasattr(os, "link"):
    __all__ += ["link"]
    link: _sig.Link = wrap(os.link)
if hasattr(os, "sendfile"):
    __all__ += ["sendfile"]
    sendfile: _sig.Sendfile = wrap(os.sendfile)
if hasattr(os, "statvfs"):
    __all__ += ["statvfs"]
    statvfs: _sig.Statvfs = wrap(os.statvfs)

# Beyond aiofiles 25.1: public, but kept out of ``__all__``, which stays the
# reference's exact list.
lstat: _sig.LStat = stat_first(os.lstat, follow=False)
fstat: _sig.FStat = wrap(os.fstat)
chmod: _sig.Chmod = wrap(os.chmod)
utime: _sig.Utime = wrap(os.utime)
truncate: _sig.Truncate = wrap(os.truncate)
fsync: _sig.Sync = wrap(os.fsync)
if hasattr(os, "chown"):
    chown: _sig.Chown = wrap(os.chown)
if hasattr(os, "lchown"):
    lchown: _sig.Lchown = wrap(os.lchown)
if hasattr(os, "ftruncate"):
    ftruncate: _sig.FTruncate = wrap(os.ftruncate)
if hasattr(os, "fdatasync"):
    fdatasync: _sig.Sync = wrap(os.fdatasync)
if hasattr(os, "copy_file_range"):
    copy_file_range: _sig.CopyFileRange = wrap(os.copy_file_range)
