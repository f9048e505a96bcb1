"""Directory listing and walking off the event loop: ``ascandir`` and ``walk``.

``aiofiles.os`` exports both; ``aiofiles.pathlib`` builds ``Path.walk`` on the
same engine.

Rules:

Rule 1. Every system call (``scandir`` and its iteration, ``DirEntry.is_dir`` and
        ``is_symlink``, ``islink``) runs in a worker through ``_offload``. The
        loop thread only moves names and lists around.
Rule 2. Work is batched. One worker job returns hundreds of entries
        (``ascandir``) or lists many directories (``walk``), so the price of a
        thread hop is paid per batch, not per entry or per directory.
Rule 3. ``walk`` yields what ``os.walk`` yields, in the same order. It honours
        pruning of ``dirnames`` (top-down), checks ``islink`` before it enters a
        directory it was not told about, and calls ``onerror`` on the loop thread
        at the point ``os.walk`` would.
Rule 4. Read-ahead. A job lists the directory the walk needs now and then, while
        its budget lasts (a couple of milliseconds, a few thousand entries), the
        directories the walk will need next, in walk order:
        the subdirectories of the ones it just listed and the directories already
        waiting on the stack. Listings of directories the caller then prunes are
        dropped unseen, errors included.
Rule 5. A listing read ahead is used only if the consumer has not yielded to the
        event loop since the job that read it began (``_Pacer`` tells). A consumer
        that awaits between steps, for instance to change the tree through
        aiofiles, therefore gets every directory listed after its previous step,
        as ``os.walk`` lists it, one hop per directory; one that runs straight
        through gets the read-ahead. (A consumer that changes the tree with
        *blocking* calls and never awaits can see a listing taken up to one
        batch before its change.)
Rule 6. Worker jobs are pure: they build new objects and never touch state the
        loop owns, so a job whose awaiting task was cancelled changes nothing.
        ``AsyncScandirIterator`` keeps the future of a cancelled batch and hands
        its entries out on the next call, so cancellation never loses entries and
        never lets two workers iterate one ``os.scandir`` at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import sys
import time
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any, AnyStr, Generic, overload

from . import _offload

__all__ = ["AsyncScandirIterator", "ascandir", "walk"]

SCANDIR_BATCH = 512  #: entries per worker job in ``ascandir``
READ_AHEAD_SECONDS = 0.002  #: how long one ``walk`` job may read ahead
READ_AHEAD_ENTRIES = 4096  #: and how many entries it may list, at most

# How walk decides what is a directory and what to enter (os.walk's followlinks).
NOFOLLOW = 0  # is_dir() follows links; symlinked dirs are listed, not entered
FOLLOW = 1  # is_dir() follows links; symlinked dirs are entered
LINKS_AS_FILES = 2  # is_dir(follow_symlinks=False): pathlib.Path.walk's default


# -- ascandir -------------------------------------------------------------------


def _read_entries(
    path: Any, it: Any, batch: int
) -> tuple[Any, list[os.DirEntry[Any]], bool]:
    """Worker: open ``path`` if ``it`` is None, then read up to ``batch`` entries.

    Each entry's ``is_dir()`` and ``is_symlink()`` are asked here, so the answers
    are cached in the entry and the caller's later calls do no I/O. The iterator
    is closed here once it is exhausted.
    """
    if it is None:
        it = os.scandir(path)
    entries: list[os.DirEntry[Any]] = []
    try:
        for entry in it:
            try:
                entry.is_dir()
                entry.is_symlink()
            except OSError:
                pass  # the caller's own call will raise it again
            entries.append(entry)
            if len(entries) >= batch:
                return it, entries, False
    except BaseException:
        it.close()
        raise
    it.close()
    return it, entries, True


class AsyncScandirIterator(Generic[AnyStr]):
    """The async counterpart of ``os.scandir()``'s iterator.

    Use it with ``async for``, ideally inside ``async with`` (which closes the
    directory early if the loop is left early). Entries arrive from a worker
    thread in batches of 512, with ``is_dir()`` and ``is_symlink()`` already
    answered, so calling them on the loop does no I/O. ``stat()`` is not
    prefetched: on Linux it is a system call, so ask for it off the loop
    (``await aiofiles.os.stat(entry.path)``).
    """

    __slots__ = ("_done", "_entries", "_executor", "_it", "_path", "_pending")

    def __init__(
        self,
        path: Any,
        executor: concurrent.futures.Executor | None = None,
    ) -> None:
        self._path = path
        self._executor = executor
        self._it: Any = None  # the os.scandir iterator, once a worker opened it
        self._entries: list[os.DirEntry[AnyStr]] = []  # reversed: pop() is next
        self._done = False
        self._pending: asyncio.Future[Any] | None = None

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._path!r}>"

    async def _fill(self) -> None:
        fut = self._pending
        if fut is None:
            loop = asyncio.get_running_loop()
            path, it = self._path, self._it
            fut = _offload.start(
                loop,
                self._executor,
                lambda: _read_entries(path, it, SCANDIR_BATCH),
            )
            self._pending = fut
        try:
            # Rule 6: a cancelled caller leaves the batch in _pending for the next.
            it, entries, done = await asyncio.shield(fut)
        except asyncio.CancelledError:
            raise
        except BaseException:
            self._pending = None
            self._done = True
            raise
        self._pending = None
        self._it = it
        entries.reverse()
        self._entries = entries
        self._done = done

    async def __aenter__(self) -> AsyncScandirIterator[AnyStr]:
        if self._it is None and not self._done:
            await self._fill()  # open now, so errors show here, as with os.scandir
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc_val: BaseException | None,
        exc_tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def __aiter__(self) -> AsyncScandirIterator[AnyStr]:
        return self

    async def __anext__(self) -> os.DirEntry[AnyStr]:
        entries = self._entries
        if entries:
            return entries.pop()
        if self._done:
            raise StopAsyncIteration
        await self._fill()
        if self._entries:
            return self._entries.pop()
        raise StopAsyncIteration

    async def aclose(self) -> None:
        """Close the directory (off the loop); later iteration stops at once."""
        self._entries = []
        if self._done:
            return
        self._done = True
        fut = self._pending
        if fut is not None:
            self._pending = None
            try:
                it = (await asyncio.shield(fut))[0]
            except asyncio.CancelledError:
                raise
            except BaseException:
                return  # the failed job closed its iterator
        else:
            it = self._it
        if it is not None:
            await _offload.run(it.close, executor=self._executor)


@overload
def ascandir(
    path: int = ..., *, executor: concurrent.futures.Executor | None = None
) -> AsyncScandirIterator[str]: ...
@overload
def ascandir(
    path: AnyStr | os.PathLike[AnyStr],
    *,
    executor: concurrent.futures.Executor | None = None,
) -> AsyncScandirIterator[AnyStr]: ...
def ascandir(
    path: Any = ".", *, executor: concurrent.futures.Executor | None = None
) -> AsyncScandirIterator[Any]:
    """List a directory without blocking the loop: ``os.scandir``, async.

    ``path`` is what ``os.scandir`` takes (a str, bytes or path-like path, or a
    directory file descriptor). Nothing happens until
    the result is entered with ``async with`` or iterated with ``async for``;
    an error ``os.scandir`` would raise is raised there:

    ```python
    import aiofiles.os

    async with aiofiles.os.ascandir(path) as entries:
        async for entry in entries:
            if entry.is_file():  # answered in the worker: no I/O here
                ...
    ```
    """
    return AsyncScandirIterator(path, executor)


# -- walk -------------------------------------------------------------------------


class _Listing:
    """One directory as a worker listed it (built in the worker, then read-only)."""

    __slots__ = (
        "ahead",
        "dirs",
        "error",
        "into",
        "is_link",
        "links",
        "nondirs",
        "path",
        "stamp",
    )

    def __init__(self, path: Any, stamp: int, is_link: bool = False) -> None:
        self.path = path
        self.stamp = stamp  # the _Pacer epoch this listing is valid for
        # A job asked to check found a symlink: skip it (while fresh; a stale
        # one is asked again, like any stale listing).
        self.is_link = is_link
        self.dirs: list[Any] = []
        self.nondirs: list[Any] = []
        self.links: set[Any] = set()  # top-down, NOFOLLOW: dirs that are symlinks
        self.into: list[Any] = []  # bottom-up: paths to enter, as os.walk picks them
        self.ahead: dict[Any, _Listing] = {}  # read-ahead: name (or path) -> listing
        self.error: OSError | None = None  # set: call onerror, yield nothing


class _Pending:
    """A directory on the walk's stack that still has to be listed."""

    __slots__ = ("check_link", "path")

    def __init__(self, path: Any, check_link: bool) -> None:
        self.path = path
        self.check_link = check_link  # ask islink() first, as os.walk does?


def _list_one(
    path: Any, check_link: bool, topdown: bool, mode: int, stamp: int
) -> _Listing:
    """Worker: list one directory the way ``os.walk`` does."""
    if check_link and os.path.islink(path):
        return _Listing(path, stamp, is_link=True)
    listing = _Listing(path, stamp)
    try:
        scandir_it = os.scandir(path)
    except OSError as error:
        listing.error = error
        return listing
    dirs, nondirs = listing.dirs, listing.nondirs
    want_links = topdown and mode == NOFOLLOW
    with scandir_it:
        while True:
            try:
                try:
                    entry = next(scandir_it)
                except StopIteration:
                    break
            except OSError as error:
                listing.error = error
                return listing
            try:
                if mode == LINKS_AS_FILES:
                    is_dir = entry.is_dir(follow_symlinks=False)
                else:
                    is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                nondirs.append(entry.name)
                continue
            dirs.append(entry.name)
            if want_links or (not topdown and mode == NOFOLLOW):
                try:
                    is_symlink = entry.is_symlink()
                except OSError:
                    is_symlink = False
                if want_links:
                    if is_symlink:
                        listing.links.add(entry.name)
                elif not is_symlink:
                    listing.into.append(entry.path)
            elif not topdown:
                listing.into.append(entry.path)
    return listing


def _list_many(
    requests: list[tuple[Any, bool]],
    topdown: bool,
    mode: int,
    read_ahead: bool,
    stamp: int,
) -> list[_Listing]:
    """Worker: list ``requests`` in order, each followed by its subtree (Rule 4).

    The first request is always listed; the rest, and everything read ahead,
    only if ``read_ahead`` and while the budget lasts. Short jobs matter twice:
    the loop thread waits for the GIL while a job runs Python code, and it
    handles what a job returns in one go. Returns one listing per request reached.
    """
    join = os.path.join
    clock = time.perf_counter
    deadline = clock() + READ_AHEAD_SECONDS
    budget = READ_AHEAD_ENTRIES if read_ahead else 0
    results: list[_Listing] = []
    spent = 0
    for path, check_link in requests:
        if results and (spent >= budget or clock() > deadline):
            break
        listing = _list_one(path, check_link, topdown, mode, stamp)
        results.append(listing)
        # Depth first, in the order the walk will visit them.
        todo: list[tuple[_Listing, Any, Any]] = []
        while True:
            spent += 1 + len(listing.dirs) + len(listing.nondirs)
            if not listing.is_link and listing.error is None:
                if topdown:
                    links, parent = listing.links, listing.path
                    for name in reversed(listing.dirs):
                        if name not in links:
                            todo.append((listing, name, join(parent, name)))
                else:
                    for sub in reversed(listing.into):
                        todo.append((listing, sub, sub))
            if not todo or spent >= budget or clock() > deadline:
                break
            parent_listing, key, sub = todo.pop()
            listing = _list_one(sub, False, topdown, mode, stamp)
            parent_listing.ahead[key] = listing
    return results


class _Pacer:
    """Tells whether the consumer yielded to the event loop (Rule 5).

    ``arm()`` runs at every yield of the walk. It schedules ``_fire`` unless that
    is already scheduled; ``_fire`` runs at the first moment the task that
    drives the walk is suspended. If that is not the walk's own hop, the
    consumer awaited something: the epoch moves on and every listing read
    before becomes stale.
    """

    __slots__ = ("armed", "epoch", "hop_epoch", "hopping", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.epoch = 0
        self.hop_epoch = 0  # the epoch of the last hop
        self.armed = False
        self.hopping = False

    def _fire(self) -> None:
        self.armed = False
        if not self.hopping:
            self.epoch += 1

    def arm(self) -> None:
        if not self.armed:
            self.armed = True
            self.loop.call_soon(self._fire)


_MAX_REQUESTS = 64  # stack entries one job may be asked to list
_MAX_SCAN = 256  # stack entries looked at to find them


async def _fetch(
    first: tuple[Any, bool],
    stack: list[Any],
    pacer: _Pacer,
    topdown: bool,
    mode: int,
    executor: concurrent.futures.Executor | None,
) -> _Listing:
    """Hop: list ``first``; also read ahead if the consumer runs straight through.

    Stack entries that still need a listing are listed in the same job, in the
    order they will be popped; their results replace them on the stack.
    """
    epoch = pacer.epoch
    asks = [first]
    where: list[int] = []
    read_ahead = epoch == pacer.hop_epoch
    if read_ahead:
        check_children = topdown and mode == NOFOLLOW
        for i in range(len(stack) - 1, max(-1, len(stack) - 1 - _MAX_SCAN), -1):
            other = stack[i]
            kind = type(other)
            if kind is _Pending:
                asks.append((other.path, other.check_link))
            elif kind is _Listing and other.stamp != epoch:
                asks.append((other.path, check_children))
            else:
                continue
            where.append(i)
            if len(asks) >= _MAX_REQUESTS:
                break
    pacer.hop_epoch = epoch
    pacer.hopping = True
    try:
        results = await _offload.run(
            _list_many, asks, topdown, mode, read_ahead, epoch, executor=executor
        )
    finally:
        pacer.hopping = False
    for i, listing in zip(where, results[1:], strict=False):
        stack[i] = listing
    return results[0]


async def walk_tree(
    top: Any,
    topdown: bool,
    onerror: Callable[[OSError], object] | None,
    mode: int,
    executor: concurrent.futures.Executor | None,
    audit: tuple[Any, ...],
    wrap: Callable[[Any], Any] | None = None,
) -> AsyncIterator[tuple[Any, list[Any], list[Any]]]:
    """The engine of :func:`walk` and ``Path.walk``.

    Runs ``sys.audit(*audit)`` and ``os.fspath(top)`` at the first step, as a
    generator would; yields ``(wrap(dirpath), dirnames, filenames)``.

    The stack holds, in os.walk's order: ``_Pending`` directories still to be
    listed, ``_Listing`` directories listed ahead (stale ones are listed again),
    among them those found to be symlinks (``is_link``: skipped while fresh),
    and bottom-up, the tuples ready to be yielded.
    """
    sys.audit(*audit)
    pacer = _Pacer(asyncio.get_running_loop())
    join = os.path.join
    check_children = topdown and mode == NOFOLLOW
    stack: list[Any] = [_Pending(os.fspath(top), False)]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is tuple:
            if not pacer.armed:
                pacer.arm()
            yield item
            continue
        if kind is _Pending:
            listing = await _fetch(
                (item.path, item.check_link), stack, pacer, topdown, mode, executor
            )
        elif item.stamp != pacer.epoch:
            listing = await _fetch(
                (item.path, check_children), stack, pacer, topdown, mode, executor
            )
        else:
            listing = item
        if listing.is_link:
            continue
        if listing.error is not None:
            if onerror is not None:
                onerror(listing.error)
            continue
        path = listing.path
        dirs = listing.dirs
        ahead = listing.ahead
        if not topdown:
            stack.append((path if wrap is None else wrap(path), dirs, listing.nondirs))
            for sub in reversed(listing.into):
                stack.append(ahead.pop(sub, None) or _Pending(sub, False))
            continue
        if not pacer.armed:
            pacer.arm()
        yield (path if wrap is None else wrap(path)), dirs, listing.nondirs
        if not check_children:
            for name in reversed(dirs):
                stack.append(ahead.pop(name, None) or _Pending(join(path, name), False))
            continue
        # os.walk asks islink() here; a symlink seen in this listing is skipped
        # only while the listing is still fresh, else the worker asks again.
        fresh = listing.stamp == pacer.epoch
        links = listing.links
        for name in reversed(dirs):
            if fresh and name in links:
                continue
            stack.append(ahead.pop(name, None) or _Pending(join(path, name), True))


def walk(
    top: AnyStr | os.PathLike[AnyStr],
    topdown: bool = True,
    onerror: Callable[[OSError], object] | None = None,
    followlinks: bool = False,
    *,
    executor: concurrent.futures.Executor | None = None,
) -> AsyncIterator[tuple[AnyStr, list[AnyStr], list[AnyStr]]]:
    """Walk a directory tree without blocking the loop: ``os.walk``, async.

    Same arguments, same triples in the same order, same rules: top-down, the
    caller may edit ``dirnames`` in place before the next step to prune the walk
    or change its order; ``onerror`` is called (on the loop thread) with the
    ``OSError`` of a directory that cannot be listed; symlinked directories are
    entered only with ``followlinks=True``; bytes in, bytes out. As with
    ``os.walk``, nothing happens (not even the audit event) until the first step.

    Directories are listed in worker threads, many per thread round trip. While
    the consumer does not await between two steps, the listings it will need
    next are read ahead (a couple of milliseconds of work per batch), so a
    consumer that changes the tree with *blocking* calls and never awaits can see
    a listing up to one batch old; any await between two steps turns read-ahead
    off, and each directory is then listed after the previous step:

    ```python
    import aiofiles.os

    async for dirpath, dirnames, filenames in aiofiles.os.walk(top):
        dirnames[:] = [d for d in dirnames if d != ".git"]
    ```
    """
    mode = FOLLOW if followlinks else NOFOLLOW
    audit = ("os.walk", top, topdown, onerror, followlinks)
    return walk_tree(top, topdown, onerror, mode, executor, audit)
