"""The call signatures of the functions in ``aiofiles.os`` and
``aiofiles.ospath``, for type checkers.

Those functions are made at import time by wrapping their ``os`` namesakes
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
    """Call signature of ``aiofiles.os.stat``: ``os.stat`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.lstat``: ``os.lstat`` as a coroutine."""

    def __call__(
        self,
        path: StrOrBytesPath,
        *,
        dir_fd: int | None = None,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, os.stat_result]: ...


class FStat(Protocol):
    """Call signature of ``aiofiles.os.fstat``: ``os.fstat`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.renames``: ``os.renames`` as a coroutine."""

    def __call__(
        self,
        old: StrOrBytesPath,
        new: StrOrBytesPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Link(Protocol):
    """Call signature of ``aiofiles.os.link``: ``os.link`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.mkdir``: ``os.mkdir`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.makedirs``: ``os.makedirs`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.removedirs``: ``os.removedirs``
    as a coroutine."""

    def __call__(
        self, name: StrOrBytesPath, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, None]: ...


class Symlink(Protocol):
    """Call signature of ``aiofiles.os.symlink``: ``os.symlink`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.readlink``: ``os.readlink`` as a coroutine."""

    def __call__(
        self,
        path: GenericPath[AnyStr],
        *,
        dir_fd: int | None = None,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, AnyStr]: ...


class Listdir(Protocol):
    """Call signature of ``aiofiles.os.listdir``: ``os.listdir`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.scandir``: ``os.scandir`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.access``: ``os.access`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.getcwd``: ``os.getcwd`` as a coroutine."""

    def __call__(
        self, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, str]: ...


class Sendfile(Protocol):
    """Call signature of ``aiofiles.os.sendfile``: ``os.sendfile`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.statvfs``: ``os.statvfs`` as a coroutine."""

    def __call__(
        self,
        path: FileDescriptorOrPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, os.statvfs_result]: ...


class Chmod(Protocol):
    """Call signature of ``aiofiles.os.chmod``: ``os.chmod`` as a coroutine."""

    def __call__(
        self,
        path: FileDescriptorOrPath,
        mode: int,
        *,
        dir_fd: int | None = None,
        follow_symlinks: bool = True,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class Chown(Protocol):
    """Call signature of ``aiofiles.os.chown``: ``os.chown`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.lchown``: ``os.lchown`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.utime``: ``os.utime`` as a coroutine."""

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
    """Call signature of ``aiofiles.os.truncate``: ``os.truncate`` as a coroutine."""

    def __call__(
        self,
        path: FileDescriptorOrPath,
        length: int,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, None]: ...


class FTruncate(Protocol):
    """Call signature of ``aiofiles.os.ftruncate``: ``os.ftruncate`` as a coroutine."""

    def __call__(
        self, fd: int, length: int, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, None]: ...


class Sync(Protocol):
    """``fsync`` and ``fdatasync``."""

    def __call__(
        self, fd: FileDescriptorLike, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, None]: ...


class CopyFileRange(Protocol):
    """Call signature of ``aiofiles.os.copy_file_range``: ``os.copy_file_range``
    as a coroutine."""

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
    """Call signature of ``aiofiles.ospath.getsize``: ``os.path.getsize``
    as a coroutine."""

    def __call__(
        self,
        filename: FileDescriptorOrPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, int]: ...


class Samefile(Protocol):
    """Call signature of ``aiofiles.ospath.samefile``: ``os.path.samefile``
    as a coroutine."""

    def __call__(
        self,
        f1: FileDescriptorOrPath,
        f2: FileDescriptorOrPath,
        *,
        loop: _Loop = None,
        executor: _Executor = None,
    ) -> Coroutine[Any, Any, bool]: ...


class Sameopenfile(Protocol):
    """Call signature of ``aiofiles.ospath.sameopenfile``: ``os.path.sameopenfile``
    as a coroutine."""

    def __call__(
        self, fp1: int, fp2: int, *, loop: _Loop = None, executor: _Executor = None
    ) -> Coroutine[Any, Any, bool]: ...


class Abspath(Protocol):
    """Call signature of ``aiofiles.ospath.abspath``: ``os.path.abspath``
    as a coroutine."""

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
    """Call signature of ``aiofiles.ospath.realpath``: ``os.path.realpath``
    as a coroutine."""

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
