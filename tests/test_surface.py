"""The public surface of aiofiles 25.1, pinned from the contract.

Written from ``../shared/reference/aiofiles-api.md`` alone: module names and their
``__all__``, importable names, coroutine vs plain method vs read-only property per
class, signatures, the ``open()`` mode -> class mapping, the ``wrap`` registry and
the standard-stream objects. Behaviour lives in ``test_compat_behaviour.py``.
"""

from __future__ import annotations

import asyncio
import builtins
import collections.abc
import contextlib
import importlib
import inspect
import io
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

import aiofiles
import aiofiles.base
import aiofiles.os
import aiofiles.ospath
import aiofiles.tempfile
import aiofiles.tempfile.temptypes
import aiofiles.threadpool
import aiofiles.threadpool.binary
import aiofiles.threadpool.text
import aiofiles.threadpool.utils

P = inspect.Parameter
POK = P.POSITIONAL_OR_KEYWORD
KWO = P.KEYWORD_ONLY
EMPTY = P.empty

# ---------------------------------------------------------------------------
# Modules, __all__ and importable names
# ---------------------------------------------------------------------------

OS_ALL_ALWAYS = [
    "path",
    "stat",
    "rename",
    "renames",
    "replace",
    "remove",
    "unlink",
    "mkdir",
    "makedirs",
    "rmdir",
    "removedirs",
    "symlink",
    "readlink",
    "listdir",
    "scandir",
    "access",
    "wrap",
    "getcwd",
]
OS_ALL_OPTIONAL = ["link", "sendfile", "statvfs"]
OS_ALL = OS_ALL_ALWAYS + [n for n in OS_ALL_OPTIONAL if hasattr(os, n)]

OSPATH_ALL = [
    "abspath",
    "getatime",
    "getctime",
    "getmtime",
    "getsize",
    "exists",
    "isdir",
    "isfile",
    "islink",
    "ismount",
    "samefile",
    "sameopenfile",
]

EXPECTED_ALL = {
    "aiofiles": [
        "open",
        "tempfile",
        "stdin",
        "stdout",
        "stderr",
        "stdin_bytes",
        "stdout_bytes",
        "stderr_bytes",
    ],
    "aiofiles.threadpool": [
        "open",
        "stdin",
        "stdout",
        "stderr",
        "stdin_bytes",
        "stdout_bytes",
        "stderr_bytes",
    ],
    "aiofiles.os": OS_ALL,
    "aiofiles.ospath": OSPATH_ALL,
    "aiofiles.tempfile": [
        "NamedTemporaryFile",
        "TemporaryFile",
        "SpooledTemporaryFile",
        "TemporaryDirectory",
    ],
}

MODULES_WITHOUT_ALL = [
    "aiofiles.threadpool.binary",
    "aiofiles.threadpool.text",
    "aiofiles.threadpool.utils",
    "aiofiles.base",
]

OTHER_NAMES = {
    "aiofiles": ["base", "threadpool", "open", "tempfile"],
    "aiofiles.threadpool": [
        "sync_open",
        "wrap",
        "AsyncBufferedIOBase",
        "AsyncBufferedReader",
        "AsyncFileIO",
        "AsyncIndirectBufferedIOBase",
        "AsyncTextIOWrapper",
        "AsyncTextIndirectIOWrapper",
        "AiofilesContextManager",
        "binary",
        "text",
        "utils",
    ],
    "aiofiles.threadpool.binary": [
        "AsyncBufferedIOBase",
        "AsyncBufferedReader",
        "AsyncFileIO",
        "AsyncIndirectBufferedIOBase",
        "AsyncIndirectBufferedReader",
        "AsyncIndirectFileIO",
    ],
    "aiofiles.threadpool.text": ["AsyncTextIOWrapper", "AsyncTextIndirectIOWrapper"],
    "aiofiles.threadpool.utils": [
        "delegate_to_executor",
        "proxy_method_directly",
        "proxy_property_directly",
        "cond_delegate_to_executor",
    ],
    "aiofiles.base": [
        "AsyncBase",
        "AsyncIndirectBase",
        "AiofilesContextManager",
        "wrap",
    ],
    "aiofiles.os": ["path"],
    "aiofiles.ospath": ["wrap"],
    "aiofiles.tempfile": ["wrap", "temptypes"],
    "aiofiles.tempfile.temptypes": [
        "AsyncSpooledTemporaryFile",
        "AsyncTemporaryDirectory",
    ],
}


@pytest.mark.parametrize("modname", sorted(EXPECTED_ALL))
def test_all_is_exact(modname: str) -> None:
    mod = importlib.import_module(modname)
    got = list(mod.__all__)
    assert len(got) == len(set(got)), f"duplicates in {modname}.__all__: {got}"
    assert sorted(got) == sorted(EXPECTED_ALL[modname])


@pytest.mark.parametrize("modname", sorted(EXPECTED_ALL))
def test_all_names_resolve(modname: str) -> None:
    mod = importlib.import_module(modname)
    for name in mod.__all__:
        assert hasattr(mod, name), f"{modname}.{name} listed in __all__ but missing"


@pytest.mark.parametrize("modname", sorted(EXPECTED_ALL))
def test_star_import(modname: str) -> None:
    ns: dict[str, object] = {}
    exec(f"from {modname} import *", ns)
    ns.pop("__builtins__", None)
    assert sorted(ns) == sorted(EXPECTED_ALL[modname])


@pytest.mark.parametrize("modname", MODULES_WITHOUT_ALL)
def test_modules_without_all(modname: str) -> None:
    mod = importlib.import_module(modname)
    assert not hasattr(mod, "__all__")


@pytest.mark.parametrize(
    "modname,name",
    [(m, n) for m, names in sorted(OTHER_NAMES.items()) for n in names],
)
def test_importable_names(modname: str, name: str) -> None:
    mod = importlib.import_module(modname)
    assert hasattr(mod, name), f"{modname}.{name} is missing"
    # `from X import name` must also work
    ns: dict[str, object] = {}
    exec(f"from {modname} import {name}", ns)
    assert ns[name] is getattr(mod, name)


@pytest.mark.parametrize("optional", OS_ALL_OPTIONAL)
def test_os_optional_names_follow_os(optional: str) -> None:
    assert (optional in aiofiles.os.__all__) == hasattr(os, optional)
    if hasattr(os, optional):
        assert hasattr(aiofiles.os, optional)


def test_submodules_are_modules() -> None:
    assert isinstance(aiofiles.base, types.ModuleType)
    assert isinstance(aiofiles.threadpool, types.ModuleType)
    assert isinstance(aiofiles.tempfile, types.ModuleType)
    assert isinstance(aiofiles.threadpool.binary, types.ModuleType)
    assert isinstance(aiofiles.threadpool.text, types.ModuleType)
    assert isinstance(aiofiles.threadpool.utils, types.ModuleType)
    assert isinstance(aiofiles.tempfile.temptypes, types.ModuleType)
    assert aiofiles.threadpool.binary is sys.modules["aiofiles.threadpool.binary"]
    assert aiofiles.threadpool.text is sys.modules["aiofiles.threadpool.text"]
    assert aiofiles.threadpool.utils is sys.modules["aiofiles.threadpool.utils"]


def test_os_is_a_module_not_a_package() -> None:
    assert isinstance(aiofiles.os, types.ModuleType)
    assert not hasattr(aiofiles.os, "__path__")
    assert isinstance(aiofiles.ospath, types.ModuleType)
    assert not hasattr(aiofiles.ospath, "__path__")


def test_os_path_is_ospath() -> None:
    assert aiofiles.os.path is aiofiles.ospath
    import aiofiles.os as aos

    assert aos.path is sys.modules["aiofiles.ospath"]


def test_shared_objects_are_the_same() -> None:
    tp = aiofiles.threadpool
    assert aiofiles.open is tp.open
    for name in (
        "stdin",
        "stdout",
        "stderr",
        "stdin_bytes",
        "stdout_bytes",
        "stderr_bytes",
    ):
        assert getattr(aiofiles, name) is getattr(tp, name)
    assert tp.AsyncBufferedIOBase is aiofiles.threadpool.binary.AsyncBufferedIOBase
    assert tp.AsyncBufferedReader is aiofiles.threadpool.binary.AsyncBufferedReader
    assert tp.AsyncFileIO is aiofiles.threadpool.binary.AsyncFileIO
    assert (
        tp.AsyncIndirectBufferedIOBase
        is aiofiles.threadpool.binary.AsyncIndirectBufferedIOBase
    )
    assert tp.AsyncTextIOWrapper is aiofiles.threadpool.text.AsyncTextIOWrapper
    assert (
        tp.AsyncTextIndirectIOWrapper
        is aiofiles.threadpool.text.AsyncTextIndirectIOWrapper
    )
    assert tp.AiofilesContextManager is aiofiles.base.AiofilesContextManager


def test_threadpool_wrap_is_not_base_wrap() -> None:
    # threadpool.wrap is the file dispatcher; base.wrap wraps a blocking function.
    assert aiofiles.threadpool.wrap is not aiofiles.base.wrap
    assert aiofiles.tempfile.wrap is not aiofiles.threadpool.wrap


def test_sync_open_is_builtin_open() -> None:
    assert aiofiles.threadpool.sync_open is builtins.open


def _run_python(code: str) -> str:
    src_dir = str(Path(aiofiles.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = src_dir + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_aiofiles_loads_base_and_threadpool_not_os() -> None:
    out = _run_python(
        "import sys, aiofiles\n"
        "print(aiofiles.__file__)\n"
        "for m in ('aiofiles.base', 'aiofiles.threadpool', 'aiofiles.os', 'aiofiles.ospath'):\n"
        "    print(m, m in sys.modules)\n"
        "print(hasattr(aiofiles, 'base'), hasattr(aiofiles, 'threadpool'))\n"
    )
    lines = out.splitlines()
    assert Path(lines[0]).resolve() == Path(aiofiles.__file__).resolve()
    assert lines[1:] == [
        "aiofiles.base True",
        "aiofiles.threadpool True",
        "aiofiles.os False",
        "aiofiles.ospath False",
        "True True",
    ]


def test_import_aiofiles_os_in_fresh_interpreter() -> None:
    out = _run_python(
        "import aiofiles.os, sys\n"
        "print(aiofiles.os.path is aiofiles.ospath, 'aiofiles.ospath' in sys.modules)\n"
        "from aiofiles.os import path\n"
        "print(path is aiofiles.ospath)\n"
    )
    assert out.split() == ["True", "True", "True"]


def test_import_each_module_alone_in_fresh_interpreter() -> None:
    for mod in (
        "aiofiles.threadpool",
        "aiofiles.threadpool.binary",
        "aiofiles.threadpool.text",
        "aiofiles.threadpool.utils",
        "aiofiles.base",
        "aiofiles.ospath",
        "aiofiles.tempfile",
        "aiofiles.tempfile.temptypes",
    ):
        _run_python(f"import {mod}")


# ---------------------------------------------------------------------------
# File classes: coroutine methods, plain methods, read-only properties
# ---------------------------------------------------------------------------

BUFFERED_CORO = [
    "close",
    "flush",
    "isatty",
    "read",
    "read1",
    "readinto",
    "readline",
    "readlines",
    "seek",
    "seekable",
    "tell",
    "truncate",
    "writable",
    "write",
    "writelines",
]
BUFFERED_PLAIN = ["detach", "fileno", "readable"]
BUFFERED_PROPS = ["closed", "mode", "name", "raw"]

FILEIO_CORO = [
    "close",
    "flush",
    "isatty",
    "read",
    "readall",
    "readinto",
    "readline",
    "readlines",
    "seek",
    "seekable",
    "tell",
    "truncate",
    "writable",
    "write",
    "writelines",
]
FILEIO_PLAIN = ["fileno", "readable"]
FILEIO_PROPS = ["closed", "mode", "name"]

TEXT_CORO = [
    "close",
    "flush",
    "isatty",
    "read",
    "readable",
    "readline",
    "readlines",
    "seek",
    "seekable",
    "tell",
    "truncate",
    "writable",
    "write",
    "writelines",
]
TEXT_PLAIN = ["detach", "fileno"]
TEXT_PROPS = [
    "buffer",
    "closed",
    "encoding",
    "errors",
    "line_buffering",
    "mode",
    "name",
    "newlines",
]

binary = aiofiles.threadpool.binary
text = aiofiles.threadpool.text

TABLE = {
    binary.AsyncBufferedIOBase: (BUFFERED_CORO, BUFFERED_PLAIN, BUFFERED_PROPS),
    binary.AsyncBufferedReader: (
        [*BUFFERED_CORO, "peek"],
        BUFFERED_PLAIN,
        BUFFERED_PROPS,
    ),
    binary.AsyncFileIO: (FILEIO_CORO, FILEIO_PLAIN, FILEIO_PROPS),
    text.AsyncTextIOWrapper: (TEXT_CORO, TEXT_PLAIN, TEXT_PROPS),
    binary.AsyncIndirectBufferedIOBase: (BUFFERED_CORO, BUFFERED_PLAIN, BUFFERED_PROPS),
    binary.AsyncIndirectBufferedReader: (
        [*BUFFERED_CORO, "peek"],
        BUFFERED_PLAIN,
        BUFFERED_PROPS,
    ),
    binary.AsyncIndirectFileIO: (FILEIO_CORO, FILEIO_PLAIN, FILEIO_PROPS),
    text.AsyncTextIndirectIOWrapper: (TEXT_CORO, TEXT_PLAIN, TEXT_PROPS),
}

# Names the contract does NOT list for a class (absent upstream too).
ABSENT = {
    binary.AsyncBufferedIOBase: ["peek", "readall"],
    binary.AsyncIndirectBufferedIOBase: ["peek", "readall"],
    binary.AsyncFileIO: ["read1", "peek", "detach", "raw"],
    binary.AsyncIndirectFileIO: ["read1", "peek", "detach", "raw"],
    text.AsyncTextIOWrapper: ["read1", "peek", "readinto", "readall", "raw"],
    text.AsyncTextIndirectIOWrapper: ["read1", "peek", "readinto", "readall", "raw"],
}


def _table_rows(kind_index: int) -> list[tuple[type, str]]:
    return [(cls, name) for cls, spec in TABLE.items() for name in spec[kind_index]]


def _id(val: object) -> str:
    return val.__name__ if isinstance(val, type) else str(val)


@pytest.mark.parametrize("cls,name", _table_rows(0), ids=_id)
def test_coroutine_methods(cls: type, name: str) -> None:
    attr = getattr(cls, name)
    assert inspect.iscoroutinefunction(attr), f"{cls.__name__}.{name} is not async"


@pytest.mark.parametrize("cls,name", _table_rows(1), ids=_id)
def test_plain_methods(cls: type, name: str) -> None:
    static = inspect.getattr_static(cls, name)
    assert not isinstance(static, property)
    attr = getattr(cls, name)
    assert callable(attr)
    assert not inspect.iscoroutinefunction(attr), f"{cls.__name__}.{name} is async"


@pytest.mark.parametrize("cls,name", _table_rows(2), ids=_id)
def test_read_only_properties(cls: type, name: str) -> None:
    static = inspect.getattr_static(cls, name)
    assert inspect.isdatadescriptor(static), f"{cls.__name__}.{name} is not a property"
    assert not inspect.iscoroutinefunction(static)


@pytest.mark.parametrize(
    "cls,name", [(c, n) for c, names in ABSENT.items() for n in names], ids=_id
)
def test_names_not_in_the_table_are_absent(cls: type, name: str) -> None:
    assert not hasattr(cls, name)


def test_readable_quirk() -> None:
    assert inspect.iscoroutinefunction(text.AsyncTextIOWrapper.readable)
    assert inspect.iscoroutinefunction(text.AsyncTextIndirectIOWrapper.readable)
    assert not inspect.iscoroutinefunction(binary.AsyncBufferedIOBase.readable)
    assert not inspect.iscoroutinefunction(binary.AsyncBufferedReader.readable)
    assert not inspect.iscoroutinefunction(binary.AsyncFileIO.readable)


@pytest.mark.parametrize("cls", list(TABLE), ids=_id)
def test_file_classes_async_context_manager_protocol(cls: type) -> None:
    # 25.1's file objects are NOT async context managers; this project adds
    # `async with f:` on purpose (issue 5). Either way the protocol must be whole.
    has_enter = hasattr(cls, "__aenter__")
    assert has_enter == hasattr(cls, "__aexit__")
    if has_enter:
        assert inspect.iscoroutinefunction(cls.__aenter__)
        assert inspect.iscoroutinefunction(cls.__aexit__)


@pytest.mark.parametrize("cls", list(TABLE), ids=_id)
def test_file_classes_are_async_iterators(cls: type) -> None:
    assert hasattr(cls, "__aiter__")
    assert inspect.iscoroutinefunction(cls.__anext__)


def test_class_hierarchy() -> None:
    base = aiofiles.base
    assert issubclass(binary.AsyncBufferedReader, binary.AsyncBufferedIOBase)
    assert issubclass(base.AsyncIndirectBase, base.AsyncBase)
    for cls in (
        binary.AsyncBufferedIOBase,
        binary.AsyncBufferedReader,
        binary.AsyncFileIO,
        text.AsyncTextIOWrapper,
    ):
        assert issubclass(cls, base.AsyncBase)
    for cls in (
        binary.AsyncIndirectBufferedIOBase,
        binary.AsyncIndirectBufferedReader,
        binary.AsyncIndirectFileIO,
        text.AsyncTextIndirectIOWrapper,
    ):
        assert issubclass(cls, base.AsyncIndirectBase)


def test_indirect_reader_extends_indirect_buffered_base() -> None:
    # The contract's table shows AsyncBufferedReader(AsyncBufferedIOBase); 25.1 builds
    # the Indirect pair the same way (isinstance checks on stdio-like objects rely on it).
    assert issubclass(
        binary.AsyncIndirectBufferedReader, binary.AsyncIndirectBufferedIOBase
    )


def test_classes_live_in_the_modules_users_import_them_from() -> None:
    for cls in TABLE:
        mod = sys.modules[cls.__module__]
        assert getattr(mod, cls.__name__) is cls


SYNC_INSTANCES = [
    (text.AsyncTextIOWrapper, io.TextIOWrapper(io.BytesIO(b"x"), encoding="utf-8")),
    (binary.AsyncBufferedIOBase, io.BytesIO(b"x")),
    (binary.AsyncBufferedReader, io.BufferedReader(io.BytesIO(b"abc"))),
]


@pytest.mark.parametrize("cls,sync", SYNC_INSTANCES, ids=_id)
def test_construction_keyword_and_positional(cls: type, sync: object) -> None:
    a = cls(sync, loop=None, executor=None)
    b = cls(sync, None, None)
    assert a._file is sync and b._file is sync
    assert a._executor is None and b._executor is None
    # no __slots__: users (and tests) set attributes on file objects
    a.some_attribute = 1
    assert a.some_attribute == 1
    assert hasattr(a, "__dict__")


def test_base_constructor_signatures() -> None:
    sig = inspect.signature(aiofiles.base.AsyncBase.__init__)
    assert list(sig.parameters)[2:4] == ["loop", "executor"]
    sig = inspect.signature(aiofiles.base.AsyncIndirectBase.__init__)
    assert list(sig.parameters)[:5] == ["self", "name", "loop", "executor", "indirect"]


def test_properties_are_read_only_on_instances() -> None:
    f = text.AsyncTextIOWrapper(
        io.TextIOWrapper(io.BytesIO(b"x"), encoding="utf-8"), loop=None, executor=None
    )
    for name in TEXT_PROPS:
        with pytest.raises(AttributeError):
            setattr(f, name, None)
    b = binary.AsyncBufferedReader(io.BufferedReader(io.BytesIO(b"x")), None, None)
    for name in ("closed", "raw"):
        with pytest.raises(AttributeError):
            setattr(b, name, None)


def test_repr_is_default_repr_plus_wrapping() -> None:
    sync = io.BytesIO(b"x")
    f = binary.AsyncBufferedIOBase(sync, loop=None, executor=None)
    assert repr(f) == object.__repr__(f) + " wrapping " + repr(sync)
    assert repr(f).endswith(" wrapping " + repr(f._file))


# ---------------------------------------------------------------------------
# AiofilesContextManager
# ---------------------------------------------------------------------------


def test_context_manager_bases() -> None:
    cm = aiofiles.base.AiofilesContextManager
    assert issubclass(cm, collections.abc.Awaitable)
    assert issubclass(cm, contextlib.AbstractAsyncContextManager)
    assert collections.abc.Awaitable in cm.__mro__
    assert contextlib.AbstractAsyncContextManager in cm.__mro__


def test_context_manager_slots() -> None:
    assert aiofiles.base.AiofilesContextManager.__slots__ == ("_coro", "_obj")


def test_context_manager_runtime_subscriptable() -> None:
    cm = aiofiles.base.AiofilesContextManager
    alias = cm[text.AsyncTextIOWrapper]
    assert alias is not None
    assert cm[binary.AsyncBufferedReader] is not None
    assert inspect.iscoroutinefunction(cm.__aenter__)
    assert inspect.iscoroutinefunction(cm.__aexit__)


async def test_open_returns_context_manager(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    cm = aiofiles.open(p)
    assert isinstance(cm, aiofiles.base.AiofilesContextManager)
    f = await cm
    await f.close()


# ---------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------


def _params(fn: object) -> list[tuple[str, object, object]]:
    sig = inspect.signature(fn)  # type: ignore[arg-type]
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


def test_open_signature() -> None:
    assert not inspect.iscoroutinefunction(aiofiles.open)
    assert _params(aiofiles.open) == [
        ("file", POK, EMPTY),
        ("mode", POK, "r"),
        ("buffering", POK, -1),
        ("encoding", POK, None),
        ("errors", POK, None),
        ("newline", POK, None),
        ("closefd", POK, True),
        ("opener", POK, None),
        ("loop", KWO, None),
        ("executor", KWO, None),
    ]


def test_threadpool_wrap_is_singledispatch() -> None:
    w = aiofiles.threadpool.wrap
    assert callable(w.register)
    assert callable(w.dispatch)
    assert isinstance(w.registry, collections.abc.Mapping)
    assert _params(w) == [
        ("file", POK, EMPTY),
        ("loop", KWO, None),
        ("executor", KWO, None),
    ]
    keys = set(w.registry)
    assert {
        object,
        io.TextIOBase,
        io.BufferedWriter,
        io.BufferedIOBase,
        io.BufferedReader,
        io.BufferedRandom,
        io.FileIO,
    } <= keys


def test_threadpool_wrap_unsupported_type() -> None:
    obj = object()
    with pytest.raises(TypeError) as ei:
        aiofiles.threadpool.wrap(obj)
    assert str(ei.value) == f"Unsupported io type: {obj}."

    class Weird:
        def __str__(self) -> str:
            return "weird-thing"

    with pytest.raises(TypeError, match=r"^Unsupported io type: weird-thing\.$"):
        aiofiles.threadpool.wrap(Weird(), loop=None, executor=None)


def test_threadpool_wrap_registry_mapping(tmp_path: Path) -> None:
    w = aiofiles.threadpool.wrap
    p = tmp_path / "f"
    p.write_bytes(b"data")
    cases = [
        (io.StringIO("x"), text.AsyncTextIOWrapper),
        (io.BytesIO(b"x"), binary.AsyncBufferedIOBase),
        (open(p, "wb"), binary.AsyncBufferedIOBase),
        (open(p, "rb"), binary.AsyncBufferedReader),
        (open(p, "rb+"), binary.AsyncBufferedReader),
        (open(p, "rb", buffering=0), binary.AsyncFileIO),
        (open(p, "r", encoding="utf-8"), text.AsyncTextIOWrapper),
    ]
    try:
        for sync, cls in cases:
            wrapped = w(sync, loop=None, executor=None)
            assert type(wrapped) is cls, (sync, type(wrapped))
            assert wrapped._file is sync
    finally:
        for sync, _ in cases:
            sync.close()


def test_threadpool_wrap_register_user_type() -> None:
    class MyFile:
        def read(self) -> str:
            return "mine"

    w = aiofiles.threadpool.wrap

    @w.register(MyFile)
    def _(file: object, *, loop: object = None, executor: object = None) -> object:
        return text.AsyncTextIOWrapper(file, loop=loop, executor=executor)

    f = w(MyFile())
    assert type(f) is text.AsyncTextIOWrapper
    assert MyFile in w.registry


def test_base_wrap_signature() -> None:
    assert [p[0] for p in _params(aiofiles.base.wrap)] == ["func"]


def _tempfile_expected() -> dict[str, list[tuple[str, object, object]]]:
    named = [
        ("mode", POK, "w+b"),
        ("buffering", POK, -1),
        ("encoding", POK, None),
        ("newline", POK, None),
        ("suffix", POK, None),
        ("prefix", POK, None),
        ("dir", POK, None),
        ("delete", POK, True),
    ]
    if sys.version_info >= (3, 12):
        named.append(("delete_on_close", POK, True))
    named += [("loop", POK, None), ("executor", POK, None)]
    return {
        "TemporaryFile": [
            ("mode", POK, "w+b"),
            ("buffering", POK, -1),
            ("encoding", POK, None),
            ("newline", POK, None),
            ("suffix", POK, None),
            ("prefix", POK, None),
            ("dir", POK, None),
            ("loop", POK, None),
            ("executor", POK, None),
        ],
        "NamedTemporaryFile": named,
        "SpooledTemporaryFile": [
            ("max_size", POK, 0),
            ("mode", POK, "w+b"),
            ("buffering", POK, -1),
            ("encoding", POK, None),
            ("newline", POK, None),
            ("suffix", POK, None),
            ("prefix", POK, None),
            ("dir", POK, None),
            ("loop", POK, None),
            ("executor", POK, None),
        ],
        "TemporaryDirectory": [
            ("suffix", POK, None),
            ("prefix", POK, None),
            ("dir", POK, None),
            ("loop", POK, None),
            ("executor", POK, None),
            # the standard library's own options, keyword-only after 25.1's
            ("ignore_cleanup_errors", inspect.Parameter.KEYWORD_ONLY, False),
            *(
                [("delete", inspect.Parameter.KEYWORD_ONLY, True)]
                if sys.version_info >= (3, 12)
                else []
            ),
        ],
    }


@pytest.mark.parametrize("name", sorted(_tempfile_expected()))
def test_tempfile_signatures(name: str) -> None:
    fn = getattr(aiofiles.tempfile, name)
    assert not inspect.iscoroutinefunction(fn)
    assert _params(fn) == _tempfile_expected()[name]


def test_named_temporary_file_delete_on_close_only_on_312() -> None:
    names = inspect.signature(aiofiles.tempfile.NamedTemporaryFile).parameters
    assert ("delete_on_close" in names) == (sys.version_info >= (3, 12))


def test_tempfile_wrap_signature() -> None:
    w = aiofiles.tempfile.wrap
    assert callable(w.register) and callable(w.dispatch)
    assert _params(w) == [
        ("base_io_obj", POK, EMPTY),
        ("file", POK, EMPTY),
        ("loop", KWO, None),
        ("executor", KWO, None),
    ]


def test_temptypes_classes() -> None:
    tt = aiofiles.tempfile.temptypes
    spooled = tt.AsyncSpooledTemporaryFile
    for name in (
        "close",
        "fileno",
        "flush",
        "isatty",
        "read",
        "readline",
        "readlines",
        "rollover",
        "seek",
        "tell",
        "truncate",
        "write",
        "writelines",
    ):
        assert inspect.iscoroutinefunction(getattr(spooled, name)), name
    for name in ("closed", "encoding", "mode", "name", "newlines"):
        assert inspect.isdatadescriptor(inspect.getattr_static(spooled, name)), name
    tdir = tt.AsyncTemporaryDirectory
    assert inspect.isdatadescriptor(inspect.getattr_static(tdir, "name"))
    assert inspect.iscoroutinefunction(tdir.cleanup)
    assert inspect.iscoroutinefunction(tdir.close)


def _os_functions() -> list[tuple[str, str]]:
    rows = [("aiofiles.os", n) for n in OS_ALL if n not in ("path", "wrap")]
    rows += [("aiofiles.ospath", n) for n in OSPATH_ALL]
    return rows


@pytest.mark.parametrize("modname,name", _os_functions())
def test_os_functions_are_coroutines_with_loop_executor(
    modname: str, name: str
) -> None:
    fn = getattr(importlib.import_module(modname), name)
    assert inspect.iscoroutinefunction(fn), f"{modname}.{name} is not async"
    params = inspect.signature(fn).parameters
    assert "loop" in params and "executor" in params, (
        f"{modname}.{name}{inspect.signature(fn)}"
    )
    assert params["loop"].kind is KWO and params["loop"].default is None
    assert params["executor"].kind is KWO and params["executor"].default is None


@pytest.mark.parametrize("modname,name", _os_functions())
def test_os_function_signatures_keep_the_wrapped_parameters(
    modname: str, name: str
) -> None:
    fn = getattr(importlib.import_module(modname), name)
    orig = getattr(os if modname == "aiofiles.os" else os.path, name)
    try:
        orig_params = inspect.signature(orig).parameters
    except (TypeError, ValueError):
        pytest.skip(f"os signature of {name} not introspectable")
    params = inspect.signature(fn).parameters
    kinds = {p.kind for p in params.values()}
    if P.VAR_POSITIONAL in kinds and P.VAR_KEYWORD in kinds:
        return  # generic (*args, loop=None, executor=None, **kwargs) is acceptable
    rest = [
        (p.name, p.kind, p.default)
        for p in params.values()
        if p.name not in ("loop", "executor")
    ]
    assert rest == [(p.name, p.kind, p.default) for p in orig_params.values()]


@pytest.mark.parametrize("modname", ["aiofiles.base", "aiofiles.os", "aiofiles.ospath"])
def test_module_wrap_makes_coroutine_functions(modname: str) -> None:
    w = importlib.import_module(modname).wrap

    def blocking(a: int, b: int = 2) -> int:
        return a + b

    run = w(blocking)
    assert inspect.iscoroutinefunction(run)

    async def go() -> list[int]:
        loop = asyncio.get_running_loop()
        return [
            await run(1),
            await run(1, b=5),
            await run(1, loop=loop),
            await run(2, executor=None),
            await run(3, loop=loop, executor=None),
        ]

    assert asyncio.run(go()) == [3, 6, 3, 4, 5]


# ---------------------------------------------------------------------------
# open(): mode -> class
# ---------------------------------------------------------------------------

TEXT_MODES = ["r", "rt", "r+", "w", "wt", "w+", "a", "a+", "x", "x+"]
READER_MODES = ["rb", "rb+", "r+b", "wb+", "w+b", "ab+", "xb+"]
WRITER_MODES = ["wb", "ab", "xb"]
FILEIO_MODES = ["rb", "rb+", "wb", "wb+", "ab", "ab+", "xb", "xb+"]


def _prepare(tmp_path: Path, mode: str) -> Path:
    p = tmp_path / "f"
    if "x" not in mode:
        p.write_bytes(b"line1\nline2\n")
    return p


@pytest.mark.parametrize("mode", TEXT_MODES)
async def test_text_modes_give_text_wrapper(
    tmp_path: Path, mode: str, loop_kind: str
) -> None:
    async with aiofiles.open(_prepare(tmp_path, mode), mode) as f:
        assert type(f) is text.AsyncTextIOWrapper
        assert isinstance(f._file, io.TextIOWrapper)


@pytest.mark.parametrize("mode", READER_MODES)
async def test_reader_modes_give_buffered_reader(
    tmp_path: Path, mode: str, loop_kind: str
) -> None:
    async with aiofiles.open(_prepare(tmp_path, mode), mode) as f:
        assert type(f) is binary.AsyncBufferedReader


@pytest.mark.parametrize("mode", WRITER_MODES)
async def test_writer_modes_give_buffered_base(
    tmp_path: Path, mode: str, loop_kind: str
) -> None:
    async with aiofiles.open(_prepare(tmp_path, mode), mode) as f:
        assert type(f) is binary.AsyncBufferedIOBase
        assert isinstance(f._file, io.BufferedWriter)


@pytest.mark.parametrize("mode", FILEIO_MODES)
async def test_unbuffered_modes_give_fileio(
    tmp_path: Path, mode: str, loop_kind: str
) -> None:
    async with aiofiles.open(_prepare(tmp_path, mode), mode, buffering=0) as f:
        assert type(f) is binary.AsyncFileIO
        assert isinstance(f._file, io.FileIO)


async def test_open_accepts_fd_and_pathlike(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"abc")
    async with aiofiles.open(str(p), "rb") as f:
        assert await f.read() == b"abc"
    async with aiofiles.open(os.fsencode(p), "rb") as f:
        assert await f.read() == b"abc"
    fd = os.open(p, os.O_RDONLY)
    async with aiofiles.open(fd, "rb") as f:
        assert f.name == fd
        assert await f.read() == b"abc"


async def test_repr_of_opened_file(tmp_path: Path, loop_kind: str) -> None:
    p = tmp_path / "f"
    p.write_text("x")
    async with aiofiles.open(p) as f:
        r = repr(f)
        assert r.endswith(" wrapping " + repr(f._file))
        assert r.startswith("<aiofiles.threadpool.text.AsyncTextIOWrapper object at 0x")


# ---------------------------------------------------------------------------
# Standard streams
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["stdin", "stdout", "stderr"])
def test_text_stdio_classes(name: str) -> None:
    obj = getattr(aiofiles, name)
    assert type(obj) is text.AsyncTextIndirectIOWrapper


@pytest.mark.parametrize("name", ["stdin_bytes", "stdout_bytes", "stderr_bytes"])
def test_binary_stdio_classes(name: str) -> None:
    obj = getattr(aiofiles, name)
    assert type(obj) is binary.AsyncIndirectBufferedIOBase


def test_stdio_file_follows_sys(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", fake)
    assert aiofiles.stdout._file is fake
    assert aiofiles.stdout_bytes._file is fake.buffer
    # setter ignores the value
    aiofiles.stdout._file = io.StringIO()
    assert aiofiles.stdout._file is fake
