"""Async versions of :mod:`os` functions that touch the file system.

Each function takes the arguments of its :mod:`os` namesake plus keyword
``loop=None`` and ``executor=None``, runs the call off the event loop, and returns
or raises exactly what the blocking call would. ``scandir`` returns the blocking
``os.ScandirIterator``, as aiofiles 25.1 does. ``path`` is :mod:`aiofiles.ospath`.
"""

from __future__ import annotations

import os

from . import ospath as path
from ._fastpath import stat_first
from ._walk import ascandir, walk  # beyond 25.1: async directory listing and walking
from .base import wrap

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

stat = stat_first(os.stat)  # answered on the loop when the kernel caches allow
rename = wrap(os.rename)
renames = wrap(os.renames)
replace = wrap(os.replace)
remove = wrap(os.remove)
unlink = wrap(os.unlink)
mkdir = wrap(os.mkdir)
makedirs = wrap(os.makedirs)
rmdir = wrap(os.rmdir)
removedirs = wrap(os.removedirs)
symlink = wrap(os.symlink)
readlink = wrap(os.readlink)
listdir = wrap(os.listdir)
scandir = wrap(os.scandir)
access = wrap(os.access)
getcwd = wrap(os.getcwd)

if hasattr(os, "link"):
    __all__ += ["link"]
    link = wrap(os.link)
if hasattr(os, "sendfile"):
    __all__ += ["sendfile"]
    sendfile = wrap(os.sendfile)
if hasattr(os, "statvfs"):
    __all__ += ["statvfs"]
    statvfs = wrap(os.statvfs)

# Beyond aiofiles 25.1: public, but kept out of ``__all__``, which stays the
# reference's exact list.
lstat = stat_first(os.lstat, follow=False)
fstat = wrap(os.fstat)
chmod = wrap(os.chmod)
utime = wrap(os.utime)
truncate = wrap(os.truncate)
fsync = wrap(os.fsync)
if hasattr(os, "chown"):
    chown = wrap(os.chown)
if hasattr(os, "lchown"):
    lchown = wrap(os.lchown)
if hasattr(os, "ftruncate"):
    ftruncate = wrap(os.ftruncate)
if hasattr(os, "fdatasync"):
    fdatasync = wrap(os.fdatasync)
if hasattr(os, "copy_file_range"):
    copy_file_range = wrap(os.copy_file_range)
