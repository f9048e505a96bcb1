"""Async versions of the ``os.path`` functions that touch the file system.

Each function takes the arguments of its ``os.path`` namesake plus keyword-only
``loop=None`` and ``executor=None``, and returns or raises exactly what the
blocking call would. The call runs in a worker thread, except that the
functions derived from a ``stat`` (``exists``, ``lexists``, ``isfile``,
``isdir``, ``islink``, ``getsize``, ``getatime``, ``getmtime``, ``getctime``)
answer on the loop, without blocking, when the kernel has the path cached
(Linux 5.12+) and no ``executor=`` is given.
"""

from __future__ import annotations

from operator import attrgetter
from os import path as _path
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import TYPE_CHECKING

from ._fastpath import stat_first
from .base import wrap as wrap  # importable from here, as in aiofiles 25.1

if TYPE_CHECKING:
    from . import _signatures as _sig

__all__ = [
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

# The stat-based ones answer on the loop when ``openat2(RESOLVE_CACHED)`` shows the
# path is in the kernel's caches (``_fastpath``); otherwise they go off the loop.
abspath: _sig.Abspath = wrap(_path.abspath)  # pyright: ignore[reportAssignmentType]
getatime: _sig.GetTime = stat_first(_path.getatime, attrgetter("st_atime"))
getctime: _sig.GetTime = stat_first(_path.getctime, attrgetter("st_ctime"))
getmtime: _sig.GetTime = stat_first(_path.getmtime, attrgetter("st_mtime"))
getsize: _sig.GetSize = stat_first(_path.getsize, attrgetter("st_size"))
exists: _sig.PathTest = stat_first(_path.exists, lambda st: True)
isdir: _sig.PathTest = stat_first(_path.isdir, lambda st: S_ISDIR(st.st_mode))
isfile: _sig.PathTest = stat_first(_path.isfile, lambda st: S_ISREG(st.st_mode))
islink: _sig.PathTest = stat_first(
    _path.islink, lambda st: S_ISLNK(st.st_mode), follow=False
)
ismount: _sig.PathTest = wrap(_path.ismount)
samefile: _sig.Samefile = wrap(_path.samefile)
sameopenfile: _sig.Sameopenfile = wrap(_path.sameopenfile)

# Beyond aiofiles 25.1: public, but kept out of ``__all__``, which stays the
# reference's exact list.
lexists: _sig.PathTest = stat_first(_path.lexists, lambda st: True, follow=False)
realpath: _sig.Realpath = wrap(_path.realpath)  # pyright: ignore[reportAssignmentType]
if hasattr(_path, "isjunction"):  # Python 3.12+
    isjunction: _sig.PathTest = wrap(_path.isjunction)  # pyright: ignore[reportAttributeAccessIssue]
