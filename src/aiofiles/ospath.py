"""Async versions of :mod:`os.path` functions that touch the file system.

Each function takes the arguments of its :mod:`os.path` namesake plus keyword
``loop=None`` and ``executor=None``, runs the call off the event loop, and returns
or raises exactly what the blocking call would.
"""

from __future__ import annotations

from os import path as _path

from .base import wrap

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

abspath = wrap(_path.abspath)
getatime = wrap(_path.getatime)
getctime = wrap(_path.getctime)
getmtime = wrap(_path.getmtime)
getsize = wrap(_path.getsize)
exists = wrap(_path.exists)
isdir = wrap(_path.isdir)
isfile = wrap(_path.isfile)
islink = wrap(_path.islink)
ismount = wrap(_path.ismount)
samefile = wrap(_path.samefile)
sameopenfile = wrap(_path.sameopenfile)

# Beyond aiofiles 25.1: public, but kept out of ``__all__``, which stays the
# reference's exact list.
lexists = wrap(_path.lexists)
realpath = wrap(_path.realpath)
if hasattr(_path, "isjunction"):  # Python 3.12+
    isjunction = wrap(_path.isjunction)
