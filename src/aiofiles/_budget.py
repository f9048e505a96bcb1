"""The loop's budget for inline work: how much the library may do on the event
loop thread before it lets other callbacks run.

Rules:

Rule 1. One budget per event loop, kept per thread (a thread runs one loop at a
        time; state found from another loop is reset on first use). Every kind
        of inline work pays from it: file reads and writes (by bytes moved plus
        a per-call cost), and opens, closes and cached stats (by the time they
        took, see Rule 3). Nothing else in the package keeps a budget.
Rule 2. While the budget is positive, inline work may run. Once it is spent, the
        refill is scheduled for the next loop iteration (``call_soon``), so one
        iteration does at most about ``CREDIT`` of inline work, and timers and
        I/O callbacks run in between.
Rule 3. Opens, closes and stats release the GIL inside the system call, and
        winning it back from busy workers can take far longer than the call:
        they are charged by the loop time they took (``charge_since``), at least
        a floor.
Rule 4. Tasks that wait for the refill (``pause``) queue in order; each refill
        wakes as many as it is likely to pay for (judged by the last timed
        charge), the rest on the iterations after. A waiter that was cancelled
        is skipped.
Rule 5. The budget never touches a file or the OS: it only says "now" or "later".
        Callers that hold a file's turn while they pause keep it (so order holds).
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections import deque
from time import perf_counter

CREDIT = 256 * 1024  #: inline work (bytes) one loop iteration may do
CALL_COST = 256  #: what each inline file call costs besides its bytes
OPEN_COST = 4 * 1024  #: floor for an inline open or close
STAT_COST = 2 * 1024  #: floor for a cached stat
PER_SECOND = CREDIT / 0.0005  #: time-charged calls: a full budget is 0.5 ms


class Budget:
    """One loop's budget and its queue of paused tasks."""

    __slots__ = (
        "_loop",
        "credit",
        "front",
        "last_cost",
        "scheduled",
        "scheduled_at",
        "waiters",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        # Weak: the per-thread budget outlives its loop, and must not keep a
        # closed loop (and all it holds) alive.
        self._loop = weakref.ref(loop) if loop is not None else None
        self.credit = CREDIT
        self.last_cost = OPEN_COST
        self.scheduled = False
        self.scheduled_at = 0.0
        self.front = 0  # woken waiters put back in front since the last refill
        self.waiters: deque[asyncio.Future[None]] = deque()

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        return self._loop() if self._loop is not None else None

    def schedule_refill(self) -> None:
        loop = self.loop
        if loop is None:
            return
        # A refill normally runs on the next iteration; one still pending a
        # second later was lost (an exception such as KeyboardInterrupt as the
        # callback started): schedule another (Rule 2).
        if self.scheduled and perf_counter() - self.scheduled_at < 1.0:
            return
        self.scheduled = True
        self.scheduled_at = perf_counter()
        loop.call_soon(self._refill)

    def _refill(self) -> None:
        self.scheduled = False
        self.front = 0
        self.credit = CREDIT
        waiters = self.waiters
        budget = CREDIT
        per = max(self.last_cost, OPEN_COST)
        while waiters and budget > 0:
            fut = waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                budget -= per
        if waiters:
            self.schedule_refill()


class _Local(threading.local):
    budget: Budget = Budget(None)


_local = _Local()


def current() -> Budget:
    """The running loop's budget (Rule 1)."""
    b = _local.budget
    loop = asyncio.get_running_loop()
    if b.loop is not loop:
        b = _local.budget = Budget(loop)
    return b


def allowed() -> bool:
    """May inline work run now? If not, the refill is scheduled (Rule 2)."""
    b = current()
    if b.credit > 0:
        return True
    b.schedule_refill()
    return False


def spent() -> bool:
    """Is the running loop's budget used up?"""
    return current().credit <= 0


def charge(cost: int) -> None:
    """Pay ``cost`` for inline work just done."""
    current().credit -= cost


def charge_since(start: float, floor: int) -> None:
    """Pay for an inline open, close or stat by the time since ``start`` (Rule 3)."""
    b = current()
    cost = int((perf_counter() - start) * PER_SECOND)
    if cost < floor:
        cost = floor
    b.credit -= cost
    b.last_cost = cost


async def pause() -> None:
    """Wait, in order, until the budget is refilled (at once if it is not spent)."""
    b = current()
    if b.credit > 0 and not b.waiters:
        return
    loop = asyncio.get_running_loop()
    first = True
    while True:
        fut: asyncio.Future[None] = loop.create_future()
        if first:
            b.waiters.append(fut)
        else:  # woken, but those woken before spent it all: back to the
            # front, behind the others woken with this task who found the same
            b.waiters.insert(b.front, fut)
            b.front += 1
        first = False
        b.schedule_refill()
        await fut
        if b.credit > 0:
            return
