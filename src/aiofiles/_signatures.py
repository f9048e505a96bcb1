"""The call signatures of the functions in :mod:`aiofiles.os` and
:mod:`aiofiles.ospath`, for type checkers.

Those functions are made at import time by wrapping their :mod:`os` namesakes
(``base.wrap``), which a type checker cannot follow precisely: each takes the
blocking function's parameters plus keyword ``loop`` and ``executor``, and
``ParamSpec`` cannot add keyword parameters. So each module-level function there
is annotated with one of the protocols here, written from the standard library's
signatures (typeshed's ``os`` stubs). Nothing here runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, AnyStr, Protocol, overload

if TYPE_CHECKING:
    import os
    from asyncio import AbstractEventLoop
    from collections.abc import Coroutine
    from concurrent.futures import Executor
    from typing import Any

    from _typeshed import (
        BytesPath,
        FileDescriptorLike,
        FileDescriptorOrPath,
        GenericPath,
        StrOrBytesPath,
        StrPath,
    )

    _Loop = AbstractEventLoop | None
    _Executor = Executor | None


# -- aiofiles.os --------------------------------------------------------------------


class Stat(Protocol):
    def __call__(
        self,
        path: FileDescriptorOrPath,
        *,
        dir_fd: int | None = None,
        follow_symlinks: bool = True,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, os.stat_result]: ...


class LStat(Protocol):
    def __call__(
        self,
        path: StrOrBytesPath,
        *,
        dir_fd: int | None = None,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, os.stat_result]: ...


class FStat(Protocol):
    def __call__(
        self, fd: int, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, os.stat_result]: ...


class SrcDst(Protocol):
    """``rename`` and ``replace``."""

    def __call__(
        self,
        src: StrOrBytesPath,
        dst: StrOrBytesPath,
        *,
        src_dir_fd: int | None = None,
        dst_dir_fd: int | None = None,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Renames(Protocol):
    def __call__(
        self,
        old: StrOrBytesPath,
        new: StrOrBytesPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Link(Protocol):
    def __call__(
        self,
        src: StrOrBytesPath,
        dst: StrOrBytesPath,
        *,
        src_dir_fd: int | None = None,
        dst_dir_fd: int | None = None,
        follow_symlinks: bool = True,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class PathDirFd(Protocol):
    """``remove``, ``unlink`` and ``rmdir``."""

    def __call__(
        self,
        path: StrOrBytesPath,
        *,
        dir_fd: int | None = None,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Mkdir(Protocol):
    def __call__(
        self,
        path: StrOrBytesPath,
        mode: int = 0o777,
        *,
        dir_fd: int | None = None,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Makedirs(Protocol):
    def __call__(
        self,
        name: StrOrBytesPath,
        mode: int = 0o777,
        exist_ok: bool = False,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Removedirs(Protocol):
    def __call__(
        self, name: StrOrBytesPath, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, None]: ...


class Symlink(Protocol):
    def __call__(
        self,
        src: StrOrBytesPath,
        dst: StrOrBytesPath,
        target_is_directory: bool = False,
        *,
        dir_fd: int | None = None,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Readlink(Protocol):
    def __call__(
        self,
        path: GenericPath[AnyStr],
        *,
        dir_fd: int | None = None,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, AnyStr]: ...


class Listdir(Protocol):
    @overload
    def __call__(
        self,
        path: StrPath | None = None,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, list[str]]: ...
    @overload
    def __call__(
        self, path: BytesPath, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, list[bytes]]: ...
    @overload
    def __call__(
        self, path: int, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, list[str]]: ...


class Scandir(Protocol):
    @overload
    def __call__(
        self, path: None = None, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, os._ScandirIterator[str]]: ...
    @overload
    def __call__(
        self, path: int, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, os._ScandirIterator[str]]: ...
    @overload
    def __call__(
        self,
        path: GenericPath[AnyStr],
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, os._ScandirIterator[AnyStr]]: ...


class Access(Protocol):
    def __call__(
        self,
        path: FileDescriptorOrPath,
        mode: int,
        *,
        dir_fd: int | None = None,
        effective_ids: bool = False,
        follow_symlinks: bool = True,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, bool]: ...


class Getcwd(Protocol):
    def __call__(
        self, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, str]: ...


class Sendfile(Protocol):
    def __call__(
        self,
        out_fd: FileDescriptorLike,
        in_fd: FileDescriptorLike,
        offset: int | None,
        count: int,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, int]: ...


class Statvfs(Protocol):
    def __call__(
        self,
        path: FileDescriptorOrPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, os.statvfs_result]: ...


class Chmod(Protocol):
    def __call__(
        self,
        path: FileDescriptorOrPath,
        mode: int,
        *,
        dir_fd: int | None = None,
        follow_symlinks: bool = ...,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Chown(Protocol):
    def __call__(
        self,
        path: FileDescriptorOrPath,
        uid: int,
        gid: int,
        *,
        dir_fd: int | None = None,
        follow_symlinks: bool = True,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Lchown(Protocol):
    def __call__(
        self,
        path: StrOrBytesPath,
        uid: int,
        gid: int,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Utime(Protocol):
    def __call__(
        self,
        path: FileDescriptorOrPath,
        times: tuple[int, int] | tuple[float, float] | None = None,
        *,
        ns: tuple[int, int] = ...,
        dir_fd: int | None = None,
        follow_symlinks: bool = True,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Truncate(Protocol):
    def __call__(
        self,
        path: FileDescriptorOrPath,
        length: int,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class FTruncate(Protocol):
    def __call__(
        self, fd: int, length: int, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, None]: ...


class Sync(Protocol):
    """``fsync`` and ``fdatasync``."""

    def __call__(
        self, fd: FileDescriptorLike, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, None]: ...


class CopyFileRange(Protocol):
    def __call__(
        self,
        src: int,
        dst: int,
        count: int,
        offset_src: int | None = None,
        offset_dst: int | None = None,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, int]: ...


# -- aiofiles.ospath ------------------------------------------------------------


class PathTest(Protocol):
    """``exists``, ``isfile``, ``isdir``, ``islink``, ``ismount``, ``lexists``,
    ``isjunction``: a path (or descriptor) in, ``bool`` out."""

    def __call__(
        self,
        path: FileDescriptorOrPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, bool]: ...


class GetTime(Protocol):
    """``getatime``, ``getctime``, ``getmtime``."""

    def __call__(
        self,
        filename: FileDescriptorOrPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, float]: ...


class GetSize(Protocol):
    def __call__(
        self,
        filename: FileDescriptorOrPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, int]: ...


class Samefile(Protocol):
    def __call__(
        self,
        f1: FileDescriptorOrPath,
        f2: FileDescriptorOrPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, bool]: ...


class Sameopenfile(Protocol):
    def __call__(
        self, fp1: int, fp2: int, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, bool]: ...


class Abspath(Protocol):
    @overload
    def __call__(
        self,
        path: os.PathLike[AnyStr],
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, AnyStr]: ...
    @overload
    def __call__(
        self, path: AnyStr, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, AnyStr]: ...


class Realpath(Protocol):
    @overload
    def __call__(
        self,
        path: os.PathLike[AnyStr],
        *,
        strict: bool = False,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, AnyStr]: ...
    @overload
    def __call__(
        self,
        path: AnyStr,
        *,
        strict: bool = False,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, AnyStr]: ...
