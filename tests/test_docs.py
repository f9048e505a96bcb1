"""The documentation says only what is true of the code, and the site renders it.

- Every dotted ``aiofiles.x.y`` name in README.md, CHANGELOG.md, docs/*.md and the
  package's docstrings resolves (import, then getattr).
- Every ``python`` code block of README.md and docs/*.md, and every example in a
  docstring, runs, in a temporary directory, on asyncio. A block may declare what
  it needs in an HTML comment just before it::

      <!-- docs-test: {"files": {"log.txt": "a\\n"}, "then": "await main()"} -->

  ``files`` are created first (``dirs`` too), ``then`` runs after the block in
  the block's namespace (top-level ``await`` allowed), and
  ``<!-- docs-test: skip because ... -->`` marks a block that is deliberately not
  run. A block that defines ``async def main()`` (or ``test_*``) functions and
  does not call them has them awaited. Blocks made only of stub signatures
  (``async def f(...) -> T: ...``) are signature blocks of the API pages: each is
  checked against ``inspect.signature`` of the function its heading names.
- The built site (``mkdocs build --strict`` into a temporary directory) has no
  raw table rows, no raw Sphinx roles, no private names on the API pages and no
  broken internal links. This needs mkdocs and the docs dependency group; the
  test is skipped without them unless ``AIOFILES_DOCS_REQUIRED=1`` is set (the
  nox ``docs`` session sets it, so CI always runs it).
"""

from __future__ import annotations

import ast
import asyncio
import html
import importlib
import inspect
import json
import os
import pkgutil
import re
import subprocess
import sys
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

import aiofiles

ROOT = Path(__file__).resolve().parents[1]
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
DOC_FILES += sorted((ROOT / "docs" / "api").glob("*.md"))
NAME_FILES = [*DOC_FILES, ROOT / "CHANGELOG.md"]


def test_the_documents_are_here() -> None:
    """The other tests read these files; a run without them must not pass."""
    missing = [str(p.relative_to(ROOT)) for p in NAME_FILES if not p.is_file()]
    assert not missing, f"missing: {missing} (copy them next to tests/)"
    assert len(DOC_FILES) > 10


# -- the package's docstrings ----------------------------------------------------


def _modules() -> list[Any]:
    mods = [aiofiles]
    for info in pkgutil.walk_packages(aiofiles.__path__, "aiofiles."):
        mods.append(importlib.import_module(info.name))
    return mods


def _docstrings() -> list[tuple[str, str]]:
    """(qualified name, docstring) of every module, class, function and method
    defined in the package."""
    found: dict[str, str] = {}

    def add(name: str, obj: Any) -> None:
        doc = getattr(obj, "__doc__", None)
        if isinstance(doc, str) and doc.strip() and name not in found:
            found[name] = inspect.cleandoc(doc)

    for mod in _modules():
        add(mod.__name__, mod)
        for attr, obj in vars(mod).items():
            if getattr(obj, "__module__", None) != mod.__name__:
                continue
            if inspect.isclass(obj):
                add(f"{mod.__name__}.{attr}", obj)
                for m_name, m in vars(obj).items():
                    fn = getattr(m, "__func__", m)
                    if isinstance(m, property):
                        fn = m.fget
                    if inspect.isfunction(fn):
                        add(f"{mod.__name__}.{attr}.{m_name}", fn)
            elif inspect.isfunction(obj):
                add(f"{mod.__name__}.{attr}", obj)
    return sorted(found.items())


DOCSTRINGS = _docstrings()


# -- 1. dotted names resolve -------------------------------------------------------

_NAME = re.compile(r"(?<![\w/.])aiofiles(?:\.[A-Za-z_]\w*)+")


def _resolve(dotted: str) -> None:
    parts = dotted.split(".")
    obj: Any = None
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        rest = parts[i:]
        break
    else:  # pragma: no cover - "aiofiles" itself always imports
        raise AssertionError(dotted)
    for part in rest:
        obj = getattr(obj, part)


def _absent_from_the_platform(dotted: str) -> bool:
    """Names the docs describe as present only where the standard library has
    them (``aiofiles.os.link``, ``aiofiles.ospath.isjunction``, ...)."""
    parts = dotted.split(".")
    stdlib = {
        ("aiofiles", "os", "path"): os.path,
        ("aiofiles", "ospath"): os.path,
        ("aiofiles", "os"): os,
    }
    for prefix, mod in stdlib.items():
        n = len(prefix)
        if tuple(parts[:n]) == prefix and len(parts) == n + 1:
            return not hasattr(mod, parts[n])
    if parts[:3] == ["aiofiles", "pathlib", "Path"] and len(parts) == 4:
        import pathlib

        return not hasattr(pathlib.Path, parts[3])
    return False


def _mentions() -> dict[str, list[str]]:
    where: dict[str, list[str]] = {}
    for path in NAME_FILES:
        for name in _NAME.findall(path.read_text(encoding="utf-8")):
            where.setdefault(name, []).append(str(path.relative_to(ROOT)))
    for qualname, doc in DOCSTRINGS:
        for name in _NAME.findall(doc):
            where.setdefault(name, []).append(f"docstring of {qualname}")
    return where


def test_every_dotted_name_in_the_docs_resolves() -> None:
    mentions = _mentions()
    assert "aiofiles.os.walk" in mentions  # the scan finds what it must
    broken = []
    for name, places in sorted(mentions.items()):
        try:
            _resolve(name)
        except (ImportError, AttributeError) as exc:
            if not _absent_from_the_platform(name):
                broken.append(f"{name} ({', '.join(sorted(set(places)))}): {exc!r}")
    assert not broken, "names that do not resolve:\n" + "\n".join(broken)


def test_the_name_check_catches_a_missing_name() -> None:
    with pytest.raises(AttributeError):
        _resolve("aiofiles.os.no_such_function")
    with pytest.raises(AttributeError):
        _resolve("aiofiles.threadpool.AsyncTextIOWrapper.no_such_method")
    _resolve("aiofiles.os.path.exists")
    _resolve("aiofiles.threadpool.AsyncTextIOWrapper.read")


# -- 2. code blocks run --------------------------------------------------------------

_FENCE = re.compile(
    r"(?:<!--\s*docs-test:(?P<directive>.*?)-->\s*\n)?"
    r"^(?P<indent>[ \t]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```",
    re.S | re.M,
)


@dataclass
class Block:
    where: str
    code: str
    directive: dict[str, Any] = field(default_factory=dict)
    skip: str | None = None


def _markdown_blocks() -> list[Block]:
    blocks = []
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            if m.group("lang") not in ("python", "py"):
                continue
            line = text.count("\n", 0, m.start("body"))
            where = f"{path.relative_to(ROOT)}:{line}"
            code = textwrap.dedent(m.group("body"))
            block = Block(where, code)
            raw = (m.group("directive") or "").strip()
            if raw.startswith("skip"):
                block.skip = raw
            elif raw:
                block.directive = json.loads(raw)
            blocks.append(block)
    return blocks


def _docstring_blocks() -> list[Block]:
    """Examples in docstrings: reST literal blocks (a paragraph ending in ``::``
    followed by an indented block) and fenced ``python`` blocks."""
    blocks = []
    for qualname, doc in DOCSTRINGS:
        lines = doc.splitlines()
        i = 0
        while i < len(lines):
            if lines[i].rstrip().endswith("::") and not lines[i].lstrip().startswith(
                ".."
            ):
                j = i + 1
                while j < len(lines) and not lines[j].strip():
                    j += 1
                body = []
                base = len(lines[i]) - len(lines[i].lstrip())
                while j < len(lines) and (
                    not lines[j].strip()
                    or len(lines[j]) - len(lines[j].lstrip()) > base
                ):
                    body.append(lines[j])
                    j += 1
                code = textwrap.dedent("\n".join(body)).strip("\n")
                if code:
                    blocks.append(
                        Block(
                            f"docstring of {qualname}",
                            code,
                            _DOCSTRING_SETUP.get(qualname, {}),
                        )
                    )
                i = j
            else:
                i += 1
        for m in _FENCE.finditer(doc):
            if m.group("lang") in ("python", "py"):
                blocks.append(
                    Block(
                        f"docstring of {qualname}",
                        textwrap.dedent(m.group("body")),
                        _DOCSTRING_SETUP.get(qualname, {}),
                    )
                )
    return blocks


# Docstrings cannot carry an HTML comment: the setup their examples need is here.
_DOCSTRING_SETUP: dict[str, dict[str, Any]] = {
    "aiofiles._walk.ascandir": {
        "before": "path = '.'",
        "dirs": ["sub"],
        "files": {"a.txt": "a"},
    },
    "aiofiles._walk.walk": {"before": "top = '.'", "dirs": [".git", "src"]},
    "aiofiles.pathlib": {"dirs": ["data", "src"], "files": {"data/report.txt": "r"}},
}


def _is_signature_block(code: str) -> bool:
    tree = ast.parse(code)
    return bool(tree.body) and all(
        isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        and len(node.body) == 1
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
        and node.body[0].value.value is Ellipsis
        for node in tree.body
    )


ALL_BLOCKS = _markdown_blocks() + _docstring_blocks()
RUN_BLOCKS = [b for b in ALL_BLOCKS if not _is_signature_block(b.code)]


def test_few_blocks_are_skipped() -> None:
    skipped = [b.where for b in RUN_BLOCKS if b.skip]
    assert len(RUN_BLOCKS) >= 20
    assert len(skipped) <= 3, skipped


async def _run_block(block: Block) -> None:
    d = block.directive
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for source in filter(None, [d.get("before"), block.code, d.get("then")]):
        code = compile(
            source, block.where, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
        )
        result = eval(code, namespace)
        if inspect.iscoroutine(result):
            await result
    if d.get("then") is None:
        tree = ast.parse(block.code)
        called = {
            n.func.id
            for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)
        }
        for node in tree.body:
            if (
                isinstance(node, ast.AsyncFunctionDef)
                and (node.name == "main" or node.name.startswith("test_"))
                and node.name not in called
                and not node.args.args
            ):
                await namespace[node.name]()


def _uses_asyncio_run(code: str) -> bool:
    return "asyncio.run(" in code


@pytest.mark.parametrize("block", RUN_BLOCKS, ids=[b.where for b in RUN_BLOCKS])
def test_code_block_runs(
    block: Block, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    if block.skip:
        pytest.skip(block.skip)
    monkeypatch.chdir(tmp_path)
    for d in block.directive.get("dirs", []):
        (tmp_path / d).mkdir(parents=True, exist_ok=True)
    for name, content in block.directive.get("files", {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content)
    if _uses_asyncio_run(block.code):  # the block runs its own loop
        exec(compile(block.code, block.where, "exec"), {"__name__": "__main__"})
    else:
        asyncio.run(_run_block(block))


# -- 3. signature blocks match the code --------------------------------------------

_HEADING_ID = re.compile(r"^#+ .*\{ *#(?P<id>aiofiles[\w.]+) *\}\s*$", re.M)


def _signature_blocks() -> list[tuple[str, str, str]]:
    """(where, dotted name from the heading above, code) of each signature block."""
    found = []
    for path in DOC_FILES:
        text = path.read_text(encoding="utf-8")
        for m in _FENCE.finditer(text):
            code = textwrap.dedent(m.group("body"))
            if m.group("lang") != "python" or not _is_signature_block(code):
                continue
            headings = list(_HEADING_ID.finditer(text, 0, m.start()))
            where = f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start())}"
            assert headings, f"{where}: a signature block needs a heading with an id"
            found.append((where, headings[-1].group("id"), code))
    return found


SIGNATURE_BLOCKS = _signature_blocks()


def _documented(code: str) -> list[tuple[str, Any, Any]]:
    fn = ast.parse(code).body[0]
    assert isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
    a = fn.args
    P = inspect.Parameter
    out: list[tuple[str, Any, Any]] = []
    positional = [(p, P.POSITIONAL_ONLY) for p in a.posonlyargs]
    positional += [(p, P.POSITIONAL_OR_KEYWORD) for p in a.args]
    defaults = [P.empty] * (len(positional) - len(a.defaults)) + [
        ast.literal_eval(d) for d in a.defaults
    ]
    for (p, kind), default in zip(positional, defaults, strict=True):
        out.append((p.arg, kind, default))
    if a.vararg:
        out.append((a.vararg.arg, P.VAR_POSITIONAL, P.empty))
    for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        out.append(
            (p.arg, P.KEYWORD_ONLY, P.empty if d is None else ast.literal_eval(d))
        )
    if a.kwarg:
        out.append((a.kwarg.arg, P.VAR_KEYWORD, P.empty))
    return out


def _actual(dotted: str) -> list[tuple[str, Any, Any]] | None:
    module, _, name = dotted.rpartition(".")
    obj = getattr(importlib.import_module(module), name, None)
    if obj is None:
        return None
    sig = inspect.signature(obj)
    if any(p.kind is p.VAR_POSITIONAL for p in sig.parameters.values()):
        # Python cannot read the wrapped function's signature (``os.utime``):
        # the call-signature protocol the module annotates it with is the truth.
        from aiofiles import _signatures

        proto = importlib.import_module(module).__annotations__[name].rpartition(".")[2]
        params = list(
            inspect.signature(getattr(_signatures, proto).__call__).parameters.values()
        )[1:]
        return [(p.name, p.kind, p.default) for p in params]
    return [(p.name, p.kind, p.default) for p in sig.parameters.values()]


def test_signature_blocks_are_found() -> None:
    names = {name for _, name, _ in SIGNATURE_BLOCKS}
    assert {"aiofiles.os.stat", "aiofiles.ospath.exists", "aiofiles.os.utime"} <= names
    public = set(aiofiles.os.__all__) - {"path"} | {"lstat", "fstat", "chmod", "utime"}
    assert {f"aiofiles.os.{n}" for n in public} <= names


@pytest.mark.parametrize(
    ("where", "dotted", "code"), SIGNATURE_BLOCKS, ids=[s[1] for s in SIGNATURE_BLOCKS]
)
def test_signature_block_matches_the_code(where: str, dotted: str, code: str) -> None:
    actual = _actual(dotted)
    if actual is None:
        stdlib = os.path if ".ospath." in dotted else os
        assert not hasattr(stdlib, dotted.rpartition(".")[2]), (
            f"{where}: {dotted} missing"
        )
        return  # documented as present only where the platform has it
    documented = _documented(code)
    if sys.version_info >= (3, 15):
        # 3.15 made some os.path parameters positional-only and gave makedirs
        # a keyword-only parent_mode=; the pages show the signatures of 3.10-3.14.
        actual = _as_before_315(actual)
        documented = _as_before_315(documented)
    assert documented == actual, where


def _as_before_315(params: Any) -> Any:
    kinds = inspect.Parameter
    return [
        (
            name,
            kinds.POSITIONAL_OR_KEYWORD if kind is kinds.POSITIONAL_ONLY else kind,
            default,
        )
        for name, kind, default in params
        if name != "parent_mode"
    ]


# -- 4. the built site -----------------------------------------------------------------


class _Page(HTMLParser):
    """The visible text (outside <script>, <style>, <pre>/<code>), the links and
    the ids of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.all_text: list[str] = []  # code included
        self.links: list[str] = []
        self.ids: set[str] = set()
        self._hidden = 0
        self._script = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag in ("script", "style", "pre"):
            self._hidden += 1
        if tag in ("script", "style"):
            self._script += 1
        if tag in ("p", "div", "li", "td", "th", "tr", "br", "h1", "h2", "h3", "h4"):
            self.text.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "pre") and self._hidden:
            self._hidden -= 1
        if tag in ("script", "style") and self._script:
            self._script -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)
        if not self._script:
            self.all_text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


_RAW_ROW = re.compile(r"^\s*\|.*\|\s*$", re.M)
_RAW_ROLE = re.compile(r":(?:class|func|meth|mod|attr|data|exc|obj):`?")
_PRIVATE = re.compile(r"(?<![\w.])(?:aiofiles\.)?(?:[\w]+\.)*_[A-Za-z]\w*")


def site_problems(site: Path) -> list[str]:
    """Everything wrong with the built site in ``site``."""
    problems = []
    pages = {p: _parse(p) for p in site.rglob("*.html")}
    for path, page in sorted(pages.items()):
        rel = path.relative_to(site)
        if rel == Path("404.html"):
            continue  # served at any depth, so its links are root-relative
        text = "".join(page.text)
        for row in _RAW_ROW.findall(text):
            problems.append(f"{rel}: raw table row: {row.strip()[:80]}")
        for role in _RAW_ROLE.findall(text):
            problems.append(f"{rel}: raw Sphinx role {role}")
        if rel.parts[0] == "api":  # signatures included
            for name in sorted(set(_PRIVATE.findall("".join(page.all_text)))):
                if name not in ("__init__",) and not name.startswith("__"):
                    problems.append(f"{rel}: private name {name}")
        for href in page.links:
            url = urlsplit(href)
            if url.scheme or href.startswith(("//", "mailto:")):
                continue
            target = (path.parent / unquote(url.path)).resolve() if url.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                problems.append(f"{rel}: broken link {href}")
            elif url.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(url.fragment) not in ids:
                    problems.append(f"{rel}: broken anchor {href}")
    return problems


def _mkdocs_available() -> bool:
    try:
        import mkdocs  # noqa: F401
        import mkdocstrings  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not _mkdocs_available():
        if os.environ.get("AIOFILES_DOCS_REQUIRED") == "1":
            pytest.fail(
                "AIOFILES_DOCS_REQUIRED=1 but mkdocs/mkdocstrings are not installed"
            )
        pytest.skip("mkdocs is not installed (the nox docs session runs this test)")
    if not (ROOT / "mkdocs.yml").is_file():
        pytest.fail("mkdocs.yml is missing next to tests/")
    site = tmp_path_factory.mktemp("site")
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site


def test_the_built_site_is_clean(built_site: Path) -> None:
    problems = site_problems(built_site)
    assert not problems, "\n".join(problems)


def test_the_built_site_has_the_api_pages(built_site: Path) -> None:
    raw = (built_site / "api" / "os" / "index.html").read_text(encoding="utf-8")
    os_page = html.unescape(re.sub(r"<[^>]+>", "", raw))
    for name in ("stat", "makedirs", "exists", "getsize", "utime"):
        assert f"async def {name}(" in os_page, name
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    titles = {doc.get("title", "") for doc in index["docs"]}
    assert {"stat", "walk", "exists"} <= {t.strip("` ") for t in titles}, sorted(
        titles
    )[:50]
    assert (built_site / "changelog" / "index.html").is_file()


def test_the_site_check_finds_what_it_must(tmp_path: Path) -> None:
    """Raw pipes, roles, private names and broken links are each reported."""
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "index.html").write_text(
        "<p>| a | b |</p><p>see :func:`walk` and _StrOrBytesPath</p>"
        '<a href="../nowhere/">x</a><a href="#missing">y</a><a href="https://x.org/">z</a>'
        "<pre>| code | is fine |</pre><pre>opener: _Opener</pre>"
    )
    problems = site_problems(tmp_path)
    assert any("raw table row" in p for p in problems), problems
    assert any("raw Sphinx role" in p for p in problems), problems
    assert any("private name _StrOrBytesPath" in p for p in problems), problems
    assert any("private name _Opener" in p for p in problems), problems
    assert any("broken link ../nowhere/" in p for p in problems), problems
    assert any("broken anchor #missing" in p for p in problems), problems
    assert not any("code" in p or "x.org" in p for p in problems), problems


# -- 5. the README is the package's long description ----------------------------------

_MD_LINK = re.compile(r"!?\[[^\]]*\]\((?P<target>[^)\s]+)[^)]*\)")


def test_the_readme_has_no_relative_links() -> None:
    """README.md is also the long description shown by package indexes, where a
    relative link or image is broken: it names files by their path instead.
    (The benchmark figures between ``<!-- figures -->`` and ``<!-- /figures -->``
    are written by the benchmark tooling and checked apart from the rest.)"""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text = re.sub(r"<!-- figures -->.*?<!-- /figures -->", "", text, flags=re.S)
    relative = [
        m.group(0)
        for m in _MD_LINK.finditer(text)
        if not urlsplit(m.group("target")).scheme
    ]
    assert not relative, relative


# -- 6. tests cited by the docs exist ------------------------------------------------

_CITED_TEST = re.compile(r"::(test_[\w*]+)")


def test_every_test_the_docs_cite_exists() -> None:
    defined = set()
    for path in (ROOT / "tests").rglob("*.py"):
        defined |= set(re.findall(r"def (test_\w+)", path.read_text(encoding="utf-8")))
    missing = []
    for path in NAME_FILES:
        for name in _CITED_TEST.findall(path.read_text(encoding="utf-8")):
            pattern = re.compile(re.escape(name).replace(r"\*", r"\w*") + "$")
            if not any(pattern.match(d) for d in defined):
                missing.append(f"{path.relative_to(ROOT)}: {name}")
    assert not missing, missing
