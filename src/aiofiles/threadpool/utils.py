"""Class decorators that add forwarding methods by name.

Kept for third-party subclasses of ``aiofiles.base.AsyncBase`` that use them, as
aiofiles 25.1 allowed. This package's own classes write their methods out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

_C = TypeVar("_C", bound=type)


def delegate_to_executor(*attrs: str) -> Callable[[_C], _C]:
    """Add coroutine methods that run ``self._file.<name>(...)`` off the loop."""

    def decorate(cls: _C) -> _C:
        for name in attrs:
            setattr(cls, name, _delegating_method(name))
        return cls

    return decorate


def proxy_method_directly(*attrs: str) -> Callable[[_C], _C]:
    """Add plain methods that call ``self._file.<name>(...)`` on the spot."""

    def decorate(cls: _C) -> _C:
        for name in attrs:
            setattr(cls, name, _proxy_method(name))
        return cls

    return decorate


def proxy_property_directly(*attrs: str) -> Callable[[_C], _C]:
    """Add read-only properties returning ``self._file.<name>``."""

    def decorate(cls: _C) -> _C:
        for name in attrs:
            setattr(cls, name, _proxy_property(name))
        return cls

    return decorate


def cond_delegate_to_executor(*attrs: str) -> Callable[[_C], _C]:
    """Like ``delegate_to_executor``, but only once ``self._file._rolled`` is true
    (a spooled temporary file in memory is served on the loop thread)."""

    def decorate(cls: _C) -> _C:
        for name in attrs:
            setattr(cls, name, _conditional_method(name))
        return cls

    return decorate


def _off_loop(
    self: Any, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    method = getattr(self._file, name)
    run = getattr(self, "_run", None)
    if run is not None:
        return run(lambda: method(*args, **kwargs))
    from .. import _offload

    return _offload.run(
        method, *args, executor=getattr(self, "_executor", None), **kwargs
    )


def _delegating_method(name: str) -> Callable[..., Any]:
    async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return await _off_loop(self, name, args, kwargs)

    method.__name__ = method.__qualname__ = name
    return method


def _proxy_method(name: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._file, name)(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method


def _proxy_property(name: str) -> property:
    def getter(self: Any) -> Any:
        return getattr(self._file, name)

    getter.__name__ = name
    return property(getter)


def _conditional_method(name: str) -> Callable[..., Any]:
    async def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        if self._file._rolled:
            return await _off_loop(self, name, args, kwargs)
        return getattr(self._file, name)(*args, **kwargs)

    method.__name__ = method.__qualname__ = name
    return method
