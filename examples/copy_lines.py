"""Copy a text file line by line with aiofiles, then check the copy.

    python examples/copy_lines.py [SOURCE [DEST]]

SOURCE defaults to the repository's LICENSE file; DEST defaults to a file in a
fresh temporary directory. Prints how many lines and bytes went through and how
long it took, and exits non-zero if the copy differs from the source.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

import aiofiles
import aiofiles.os
import aiofiles.tempfile


async def copy_lines(source: str, dest: str) -> int:
    """Copy ``source`` to ``dest`` one line at a time; return the line count."""
    count = 0
    async with (
        aiofiles.open(source, encoding="utf-8", newline="") as src,
        aiofiles.open(dest, "w", encoding="utf-8", newline="") as dst,
    ):
        async for line in src:
            await dst.write(line)
            count += 1
    return count


async def main(source: str, dest: str | None) -> int:
    async with aiofiles.tempfile.TemporaryDirectory() as tmp:
        if dest is None:
            dest = os.path.join(tmp, "copy.txt")
        start = time.perf_counter()
        lines = await copy_lines(source, dest)
        elapsed = time.perf_counter() - start
        size = await aiofiles.os.path.getsize(dest)
        async with aiofiles.open(source, "rb") as a, aiofiles.open(dest, "rb") as b:
            same = await a.read() == await b.read()
    ms = elapsed * 1e3
    print(f"copied {lines} lines ({size} bytes) from {source} in {ms:.1f} ms")
    if not same:
        print("error: the copy differs from the source", file=sys.stderr)
        return 1
    print("the copy is byte-for-byte identical")
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    default = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "LICENSE")
    source = args[0] if args else os.path.normpath(default)
    sys.exit(asyncio.run(main(source, args[1] if len(args) > 1 else None)))
