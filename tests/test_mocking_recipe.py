"""The aiofiles README mocking recipe, verbatim, and the variants people use.

Users mock real file I/O by patching ``aiofiles.threadpool.sync_open`` and
registering ``mock.MagicMock`` with the ``aiofiles.threadpool.wrap`` dispatcher.
Whatever the wrapped object's type, it must work through its ordinary methods.
"""

from __future__ import annotations

import asyncio
from typing import Any
from unittest import mock

import aiofiles
import aiofiles.threadpool

# --- the README recipe, verbatim -------------------------------------------
# fmt: off

aiofiles.threadpool.wrap.register(mock.MagicMock)(
    lambda *args, **kwargs: aiofiles.threadpool.AsyncBufferedIOBase(*args, **kwargs)
)


async def test_stuff(loop_kind: str) -> None:
    write_data = 'data'
    read_file_chunks = [
        b'file chunks 1',
        b'file chunks 2',
        b'file chunks 3',
        b'',
    ]
    file_chunks_iter = iter(read_file_chunks)

    mock_file_stream = mock.MagicMock(
        read=lambda *args, **kwargs: next(file_chunks_iter)
    )

    with mock.patch('aiofiles.threadpool.sync_open', return_value=mock_file_stream) as mock_open:  # noqa: F841
        async with aiofiles.open('filename', 'w') as f:
            await f.write(write_data)
            assert await f.read() == b'file chunks 1'

        mock_file_stream.write.assert_called_once_with(write_data)
# fmt: on


# --- the short form of the recipe from the contract ------------------------


async def test_write_recipe(loop_kind: str) -> None:
    data = "some data"
    mock_file = mock.MagicMock()
    with mock.patch(
        "aiofiles.threadpool.sync_open", return_value=mock_file
    ) as mock_open:
        async with aiofiles.open("f", "w") as f:
            assert isinstance(f, aiofiles.threadpool.AsyncBufferedIOBase)
            assert f._file is mock_file
            await f.write(data)
    mock_file.write.assert_called_once_with(data)
    mock_open.assert_called_once_with(
        "f",
        mode="w",
        buffering=-1,
        encoding=None,
        errors=None,
        newline=None,
        closefd=True,
        opener=None,
    )
    # leaving `async with` ran the mock's __exit__ with no exception
    mock_file.__exit__.assert_called_once_with(None, None, None)


# --- reading variants -------------------------------------------------------


async def test_read_all_chunks_until_empty(loop_kind: str) -> None:
    chunks = iter([b"a" * 3, b"b" * 3, b""])
    mock_file = mock.MagicMock(read=lambda *a, **kw: next(chunks))
    got = []
    with mock.patch("aiofiles.threadpool.sync_open", return_value=mock_file):
        async with aiofiles.open("f", "rb") as f:
            while True:
                chunk = await f.read(3)
                if not chunk:
                    break
                got.append(chunk)
    assert got == [b"aaa", b"bbb"]


async def test_read_return_value(loop_kind: str) -> None:
    mock_file = mock.MagicMock()
    mock_file.read.return_value = b"payload"
    with mock.patch("aiofiles.threadpool.sync_open", return_value=mock_file):
        async with aiofiles.open("f", "rb") as f:
            assert await f.read() == b"payload"
            assert await f.read(4) == b"payload"
    assert mock_file.read.call_args_list == [mock.call(), mock.call(4)]


async def test_read_with_awaited_open(loop_kind: str) -> None:
    mock_file = mock.MagicMock()
    mock_file.read.return_value = "text"
    with mock.patch("aiofiles.threadpool.sync_open", return_value=mock_file):
        f = await aiofiles.open("f")
        assert await f.read() == "text"
        await f.close()
    mock_file.close.assert_called_once_with()


async def test_async_iteration_over_mock(loop_kind: str) -> None:
    mock_file = mock.MagicMock()
    mock_file.readline.side_effect = [b"line 1\n", b"line 2\n", b""]
    with mock.patch("aiofiles.threadpool.sync_open", return_value=mock_file):
        async with aiofiles.open("f", "rb") as f:
            lines = [line async for line in f]
    assert lines == [b"line 1\n", b"line 2\n"]
    assert mock_file.readline.call_count == 3


async def test_other_methods_and_properties_reach_the_mock(loop_kind: str) -> None:
    mock_file = mock.MagicMock()
    mock_file.seek.return_value = 7
    mock_file.tell.return_value = 7
    mock_file.readlines.return_value = [b"x\n"]
    mock_file.fileno.return_value = 42
    mock_file.name = "mocked-name"
    mock_file.mode = "rb"
    mock_file.closed = False
    with mock.patch("aiofiles.threadpool.sync_open", return_value=mock_file):
        async with aiofiles.open("f", "rb") as f:
            assert await f.seek(7) == 7
            assert await f.tell() == 7
            assert await f.readlines() == [b"x\n"]
            await f.writelines([b"a", b"b"])
            await f.flush()
            await f.truncate(3)
            assert f.fileno() == 42
            assert f.name == "mocked-name"
            assert f.mode == "rb"
            assert f.closed is False
            f.readable()
    mock_file.seek.assert_called_once_with(7)
    mock_file.writelines.assert_called_once_with([b"a", b"b"])
    mock_file.flush.assert_called_once_with()
    mock_file.truncate.assert_called_once_with(3)
    mock_file.readable.assert_called_once_with()


async def test_exception_inside_block_reaches_mock_exit(loop_kind: str) -> None:
    mock_file = mock.MagicMock()
    with mock.patch("aiofiles.threadpool.sync_open", return_value=mock_file):
        try:
            async with aiofiles.open("f", "w") as f:
                await f.write("x")
                raise RuntimeError("inside")
        except RuntimeError as e:
            assert str(e) == "inside"
        else:  # pragma: no cover
            raise AssertionError("exception was swallowed")
    exc_type, exc, _tb = mock_file.__exit__.call_args[0]
    assert exc_type is RuntimeError
    assert str(exc) == "inside"


async def test_mock_open_helper(loop_kind: str) -> None:
    m = mock.mock_open(read_data="hello\nworld\n")
    with mock.patch("aiofiles.threadpool.sync_open", m):
        async with aiofiles.open("some/path", "r") as f:
            assert await f.read() == "hello\nworld\n"
        async with aiofiles.open("some/path") as f:
            assert await f.readline() == "hello\n"
            assert [line async for line in f] == ["world\n"]
        async with aiofiles.open("out", "w") as f:
            await f.write("written")
    m.assert_any_call(
        "some/path",
        mode="r",
        buffering=-1,
        encoding=None,
        errors=None,
        newline=None,
        closefd=True,
        opener=None,
    )
    m().write.assert_called_once_with("written")


async def test_wrap_receives_file_and_loop_executor_keywords(loop_kind: str) -> None:
    class RecordingMock(mock.MagicMock):
        pass

    seen: list[tuple[Any, Any]] = []

    def make(*args: Any, **kwargs: Any) -> Any:
        seen.append((args, kwargs))
        return aiofiles.threadpool.AsyncBufferedIOBase(*args, **kwargs)

    aiofiles.threadpool.wrap.register(RecordingMock)(make)
    mock_file = RecordingMock()
    loop = asyncio.get_running_loop()
    with mock.patch("aiofiles.threadpool.sync_open", return_value=mock_file):
        async with aiofiles.open("f", "w", loop=loop) as f:
            await f.write("x")
    assert len(seen) == 1
    args, kwargs = seen[0]
    assert args == (mock_file,)
    assert set(kwargs) == {"loop", "executor"}
    assert kwargs["loop"] is loop
    assert kwargs["executor"] is None
    assert f._loop is loop


def test_recipe_from_plain_asyncio_run() -> None:
    mock_file = mock.MagicMock()
    mock_file.read.return_value = b"sync-world"

    async def main() -> bytes:
        with mock.patch("aiofiles.threadpool.sync_open", return_value=mock_file):
            async with aiofiles.open("f", "rb") as f:
                await f.write(b"w")
                return await f.read()

    assert asyncio.run(main()) == b"sync-world"
    assert asyncio.run(main()) == b"sync-world"
    assert mock_file.write.call_args_list == [mock.call(b"w"), mock.call(b"w")]
