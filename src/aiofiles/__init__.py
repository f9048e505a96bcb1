"""aiofiles: file support for asyncio, a drop-in for aiofiles 25.1 that serves
cached reads and small writes on the loop and never stalls it."""

from . import base as base
from . import tempfile as tempfile
from . import threadpool as threadpool
from .threadpool import (
    open,
    stderr,
    stderr_bytes,
    stdin,
    stdin_bytes,
    stdout,
    stdout_bytes,
)

__all__ = [
    "open",
    "tempfile",
    "stdin",
    "stdout",
    "stderr",
    "stdin_bytes",
    "stdout_bytes",
    "stderr_bytes",
]

_submodules = (base, threadpool)
