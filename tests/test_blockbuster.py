"""Ordinary file work through the library under BlockBuster, the blocking-call
detector many applications run in their tests: with its default configuration
it must report nothing, on asyncio and on uvloop. The detector itself is left
as it is (nothing patched, nothing disabled); a last test shows it does catch a
real blocking call in the same setting.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

import aiofiles
import aiofiles.os
import aiofiles.ospath
import aiofiles.pathlib
import aiofiles.shutil
import aiofiles.tempfile

blockbuster = pytest.importorskip("blockbuster")

ROUNDS = 12  # the pool's threads race the loop: repeat to see rare interleavings


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    for i, d in enumerate((root, root / "a", root / "a" / "b")):
        (d / f"f{i}.txt").write_text(f"file {i}\n")


async def _workload(tmp: Path, round_: int) -> None:
    data = b"".join(b"line %d of the binary file\n" % i for i in range(3000))
    text = "".join(f"ligne {i} \u00e9\u20ac\n" for i in range(3000))
    src = tmp / "data.bin"
    txt = tmp / "data.txt"

    # open for writing, write, writelines, flush, close
    async with aiofiles.open(src, "wb") as f:
        await f.write(data[:1000])
        await f.writelines([data[1000:2000], data[2000:5000]])
        await f.flush()
        await f.write(data[5000:])
    f = await aiofiles.open(txt, "w", encoding="utf-8")
    await f.write(text[:100])
    await f.writelines([text[100:5000], text[5000:]])
    await f.flush()
    await f.close()
    async with aiofiles.open(tmp / "append.log", "a") as f:
        for i in range(50):
            await f.write(f"entry {i}\n")

    # reads of every kind, binary
    async with aiofiles.open(src, "rb") as f:
        assert await f.read(10) == data[:10]
        assert await f.readline() == data[10 : data.index(b"\n", 10) + 1]
        assert len(await f.read1(100)) <= 100
        assert await f.peek(1)
        buf = bytearray(64)
        assert await f.readinto(buf) == 64
        await f.seek(0)
        assert await f.read() == data
        await f.seek(0)
        assert await f.readlines() == data.splitlines(keepends=True)
        await f.seek(0)
        assert [line async for line in f] == data.splitlines(keepends=True)
        assert await f.tell() == len(data)
    async with aiofiles.open(src, "rb", buffering=0) as raw:
        assert await raw.read(7) == data[:7]
        assert await raw.readall() == data[7:]

    # reads of every kind, text
    async with aiofiles.open(txt, encoding="utf-8") as f:
        assert await f.read(5) == text[:5]
        assert await f.readline() == text[5 : text.index("\n") + 1]
        rest = text[text.index("\n") + 1 :]
        assert await f.read() == rest
        await f.seek(0)
        assert await f.readlines() == text.splitlines(keepends=True)
        await f.seek(0)
        assert [line async for line in f] == text.splitlines(keepends=True)

    # update mode
    async with aiofiles.open(tmp / "upd.bin", "w+b") as f:
        await f.write(data[:500])
        await f.seek(0)
        assert await f.read(500) == data[:500]

    # aiofiles.os, aiofiles.ospath
    st = await aiofiles.os.stat(src)
    assert st.st_size == len(data)
    assert await aiofiles.ospath.exists(src)
    assert not await aiofiles.ospath.exists(tmp / "missing")
    assert await aiofiles.ospath.getsize(txt) == len(text.encode())

    # tempfile
    async with aiofiles.tempfile.TemporaryFile("w+b") as t:
        await t.write(data[:4000])
        await t.seek(0)
        assert await t.read() == data[:4000]
    async with aiofiles.tempfile.NamedTemporaryFile("w+", dir=tmp) as t:
        await t.write(text[:300])
        await t.seek(0)
        assert await t.readline() == text[: text.index("\n") + 1]
    async with aiofiles.tempfile.SpooledTemporaryFile(max_size=1000) as t:
        await t.write(data[:800])
        await t.write(data[800:3000])  # rolls over to a real file
        await t.seek(0)
        assert await t.read() == data[:3000]
    async with aiofiles.tempfile.TemporaryDirectory(dir=tmp) as d:
        async with aiofiles.open(os.path.join(d, "x"), "wb") as f:
            await f.write(b"x")

    # aiofiles.pathlib
    p = aiofiles.pathlib.Path(tmp / "via_path.txt")
    await p.write_text("hello path\n")
    assert await p.exists()
    assert await p.read_text() == "hello path\n"
    await p.write_bytes(data[:2000])
    assert await p.read_bytes() == data[:2000]

    # aiofiles.shutil, walk
    await aiofiles.shutil.copyfile(src, tmp / f"copy{round_}.bin")
    async with aiofiles.open(tmp / f"copy{round_}.bin", "rb") as f:
        assert await f.read() == data
    seen = set()
    async for dirpath, _dirs, files in aiofiles.os.walk(tmp / "tree"):
        seen.update(os.path.join(dirpath, name) for name in files)
    assert len(seen) == 3


async def test_ordinary_file_work_makes_no_blocking_call_on_the_loop(
    tmp_path: Path,
) -> None:
    _tree(tmp_path / "tree")
    with blockbuster.blockbuster_ctx():
        for round_ in range(ROUNDS):
            await _workload(tmp_path, round_)
            # other tasks at the same time: shared files, queued calls
            await asyncio.gather(
                *(_workload(tmp_path / f"t{i}", round_) for i in range(3))
            )


@pytest.fixture(autouse=True)
def _task_dirs(tmp_path: Path) -> None:
    for i in range(3):
        _tree(tmp_path / f"t{i}" / "tree")


async def test_blockbuster_catches_a_real_blocking_read_in_the_same_setting(
    tmp_path: Path,
) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"blocking")
    with blockbuster.blockbuster_ctx():
        with pytest.raises(blockbuster.BlockingError):
            with open(p, "rb") as f:
                f.read()
        # ... while the library's read of the same file passes
        async with aiofiles.open(p, "rb") as f:
            assert await f.read() == b"blocking"
