"""aiofiles: file support for asyncio, a drop-in replacement for aiofiles 25.1
that serves buffered reads and writes on the event loop when they cannot block,
and runs everything else in worker threads."""

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
