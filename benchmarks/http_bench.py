"""A small HTTP/1.1 file server and a bounded load client, on 127.0.0.1 only.

The server (``python benchmarks/http_bench.py --serve ...``) answers ``GET /small``
and ``GET /big`` with a file, the way Quart's and Sanic's file responses do:
``aiofiles.os.stat`` for the length, then open, a loop of ``tell()`` +
``read(8192)`` up to the known end (Quart) or ``read(4096)`` until ``b""``
(Sanic), each chunk written to the transport followed by ``drain()``, then close.
``--impl blocking`` does the same with the built-in ``open()`` and ``os.stat``
inside the handler. The server prints its port, and stops when its standard input
closes or after ``--max-seconds``, whichever comes first.

The client (:func:`load`, used by ``run.py --http``) keeps N keep-alive
connections busy for a fixed time and counts the complete, verified responses.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
import time
from typing import Any

HOST = "127.0.0.1"
STYLES = {"quart": (8192, True), "sanic": (4096, False)}


# -- the server ----------------------------------------------------------------------


class _Blocking:
    """The built-in file behind async methods: the blocking call in a handler."""

    __slots__ = ("_f",)

    def __init__(self, f: Any) -> None:
        self._f = f

    async def tell(self) -> int:
        return self._f.tell()  # type: ignore[no-any-return]

    async def read(self, n: int = -1) -> bytes:
        return self._f.read(n)  # type: ignore[no-any-return]

    async def close(self) -> None:
        self._f.close()


def _file_api(impl: str) -> tuple[Any, Any, str]:
    if impl == "blocking":

        async def open_(path: str, mode: str) -> _Blocking:
            return _Blocking(open(path, mode))

        async def stat(path: str) -> os.stat_result:
            return os.stat(path)

        return open_, stat, "builtins"
    import aiofiles
    import aiofiles.os

    return aiofiles.open, aiofiles.os.stat, os.path.dirname(aiofiles.__file__)


async def _serve(args: argparse.Namespace) -> None:
    aopen, astat, where = _file_api(args.impl)
    files = {b"/small": args.small, b"/big": args.big}
    size, tell = STYLES[args.style]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    writers: set[asyncio.StreamWriter] = set()
    handlers: set[asyncio.Task[Any]] = set()

    async def handle(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        writers.add(writer)
        task = asyncio.current_task()
        if task is not None:
            handlers.add(task)
        try:
            while True:
                request = await reader.readline()
                if not request:
                    break
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass
                parts = request.split()
                path = files.get(parts[1]) if len(parts) > 1 else None
                if path is None:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                    await writer.drain()
                    continue
                end = (await astat(path)).st_size
                writer.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                    b"Content-Length: %d\r\n\r\n" % end
                )
                f = await aopen(path, "rb")
                try:
                    if tell:  # Quart: tell(), then read up to the known end
                        while (pos := await f.tell()) < end:
                            writer.write(await f.read(min(size, end - pos)))
                            await writer.drain()
                    else:  # Sanic: read(4096) until b""
                        while chunk := await f.read(size):
                            writer.write(chunk)
                            await writer.drain()
                finally:
                    await f.close()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writers.discard(writer)
            if task is not None:
                handlers.discard(task)
            writer.close()

    def wait_stdin() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_stdin, daemon=True).start()
    server = await asyncio.start_server(handle, HOST, 0, backlog=256)
    port = server.sockets[0].getsockname()[1]
    print(f"{port} {where}", flush=True)
    try:
        await asyncio.wait_for(stop.wait(), args.max_seconds)
    except asyncio.TimeoutError:
        pass
    server.close()
    # Let the handlers end by themselves (their connections are cut), so that
    # no file call is cancelled half-way at exit.
    for w in list(writers):
        w.transport.abort()
    if handlers:
        await asyncio.wait(list(handlers), timeout=5)


def serve_main(argv: list[str]) -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--serve", action="store_true")
    p.add_argument("--impl", choices=["blocking", "aiofiles"], required=True)
    p.add_argument("--src", default=None, help="put this directory first on sys.path")
    p.add_argument("--style", choices=list(STYLES), default="quart")
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    p.add_argument("--small", required=True)
    p.add_argument("--big", required=True)
    p.add_argument("--max-seconds", type=float, default=120.0)
    args = p.parse_args(argv)
    if args.src:
        sys.path.insert(0, args.src)
    if args.loop == "uvloop":
        import uvloop

        runner = uvloop.run
    else:
        runner = asyncio.run
    runner(_serve(args))


# -- the server process, from run.py ---------------------------------------------------


class Server:
    """A server subprocess; ``stop()`` closes its stdin and waits for it to exit."""

    def __init__(
        self,
        python: str,
        impl: str,
        style: str,
        loop: str,
        small: str,
        big: str,
        src: str | None,
        env: dict[str, str],
    ) -> None:
        cmd = [
            python,
            os.path.abspath(__file__),
            "--serve",
            "--impl",
            impl,
            "--style",
            style,
            "--loop",
            loop,
            "--small",
            small,
            "--big",
            big,
            "--max-seconds",
            "120",
        ]
        if src:
            cmd += ["--src", src]
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env
        )
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line:
            self.stop()
            raise RuntimeError(f"server did not start: {' '.join(cmd)}")
        port, self.where = line.split(" ", 1)
        self.port = int(port)
        self.where = self.where.strip()

    def stop(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- the client --------------------------------------------------------------------------


class _Client(asyncio.Protocol):
    """One keep-alive connection: a request, its whole response, the next request,
    until the deadline. Bodies are counted and checked, not kept (the client
    shares the machine with the server, so it does as little as it can)."""

    def __init__(self, request: bytes, expect: bytes, deadline: float) -> None:
        self.request = request
        self.expect = expect
        self.small = len(expect) <= 65536
        self.tail_want = expect[-64:]
        self.deadline = deadline
        self.loop = asyncio.get_running_loop()
        self.done: asyncio.Future[None] = self.loop.create_future()
        self.count = self.bad = 0
        self.head = b""
        self.remaining: int | None = None  # None: reading the head
        self.length = 0
        self.tail = b""
        self.body = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self._next()

    def _next(self) -> None:
        assert self.transport is not None
        if self.loop.time() >= self.deadline:
            self.transport.close()
            return
        self.transport.write(self.request)

    def data_received(self, data: bytes) -> None:
        view = memoryview(data)
        while len(view):
            if self.remaining is None:
                self.head += bytes(view)
                end = self.head.find(b"\r\n\r\n")
                if end < 0:
                    return
                view = memoryview(self.head)[end + 4 :]
                self.length = 0
                for line in self.head[:end].split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        self.length = int(line.split(b":", 1)[1])
                self.head = b""
                self.remaining = self.length
                self.tail = b""
                self.body = bytearray()
            take = view[: self.remaining]
            view = view[len(take) :]
            self.remaining -= len(take)
            if self.small:
                self.body += take
            elif len(take):
                self.tail = (self.tail + bytes(take[-64:]))[-64:]
            if self.remaining == 0:
                if self.length != len(self.expect) or (
                    self.body != self.expect
                    if self.small
                    else self.tail != self.tail_want
                ):
                    self.bad += 1
                self.count += 1
                self.remaining = None
                self._next()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_result(None)


async def load(port: int, path: str, expect: bytes, conns: int, seconds: float) -> dict:
    """Keep ``conns`` keep-alive connections busy for ``seconds``; count responses.

    Every response's length and last 64 bytes are checked against ``expect``
    (the whole body when it is small); a wrong one counts as ``bad``.
    """
    loop = asyncio.get_running_loop()
    request = f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()

    async def run(deadline: float) -> list[_Client]:
        clients = [_Client(request, expect, deadline) for _ in range(conns)]
        for c in clients:
            await loop.create_connection(lambda c=c: c, HOST, port)
        await asyncio.gather(*(c.done for c in clients))
        return clients

    warm = await run(loop.time() + 0.1)
    t0 = time.perf_counter()
    clients = await run(loop.time() + seconds)
    dt = time.perf_counter() - t0
    n = sum(c.count for c in clients)
    return {
        "requests": n,
        "seconds": dt,
        "rps": n / dt,
        "bad": sum(c.bad for c in clients + warm),
        "mib_s": n * len(expect) / dt / (1 << 20),
    }


if __name__ == "__main__":
    serve_main(sys.argv[1:])
