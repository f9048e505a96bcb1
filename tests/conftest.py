"""Test plumbing: every ``async def`` test runs once per event loop kind.

A tiny runner of our own (no pytest-asyncio needed for our tests): each coroutine
test is parametrized with ``loop_kind`` in ``("asyncio", "uvloop")`` and run in a
fresh loop with asyncio debug mode on. Debug mode is our blocking-call detector:
any callback or task step that holds the loop longer than ``SLOW_CALLBACK`` is
logged by asyncio, and the test fails (see ``_run``).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from typing import Any

import pytest

try:
    import uvloop
except ImportError:  # pragma: no cover - uvloop is a test dependency
    uvloop = None

LOOP_KINDS = ["asyncio", "uvloop"]
SLOW_CALLBACK = 1.0  # seconds: catches gross blocking, not a loaded machine's noise


def new_loop(kind: str) -> asyncio.AbstractEventLoop:
    if kind == "uvloop":
        if uvloop is None:
            pytest.skip("uvloop is not installed")
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


class _SlowCallbackCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.reports: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        msg = record.getMessage()
        if msg.startswith("Executing") and " took " in msg:
            self.reports.append(msg)


def run_in_loop(kind: str, coro_fn: Any, /, *args: Any, **kwargs: Any) -> Any:
    """Run ``coro_fn(*args, **kwargs)`` to completion in a fresh loop of ``kind``."""
    loop = new_loop(kind)
    loop.set_debug(True)
    loop.slow_callback_duration = SLOW_CALLBACK
    catcher = _SlowCallbackCatcher()
    logger = logging.getLogger("asyncio")
    logger.addHandler(catcher)
    try:
        asyncio.set_event_loop(loop)
        result = loop.run_until_complete(coro_fn(*args, **kwargs))
        loop.run_until_complete(loop.shutdown_asyncgens())
        return result, catcher.reports
    finally:
        logger.removeHandler(catcher)
        asyncio.set_event_loop(None)
        loop.close()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "allow_slow_callbacks: do not fail on asyncio slow-callback reports"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if inspect.iscoroutinefunction(metafunc.function):
        if "loop_kind" not in metafunc.fixturenames:
            metafunc.fixturenames.append("loop_kind")
        metafunc.parametrize("loop_kind", LOOP_KINDS)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    fn = pyfuncitem.obj
    if not inspect.iscoroutinefunction(fn):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    kwargs = {
        name: pyfuncitem.funcargs[name] for name in names if name in pyfuncitem.funcargs
    }
    kind = pyfuncitem.callspec.params["loop_kind"]  # declared or not
    _, reports = run_in_loop(kind, fn, **kwargs)
    if reports and not pyfuncitem.get_closest_marker("allow_slow_callbacks"):
        pytest.fail("the event loop was blocked:\n" + "\n".join(reports))
    return True


async def warm_pool(workers: int = 1) -> None:
    """Leave ``workers`` idle threads in the pool, so that a meet (``_offload``
    Rule 6) has a worker to meet."""
    from aiofiles import _offload
    from aiofiles._executor import get_pool

    await asyncio.gather(*(_offload.run(time.sleep, 0.001) for _ in range(workers)))
    await asyncio.sleep(0.01)
    assert get_pool().statistics().idle >= 1
