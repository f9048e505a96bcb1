"""Developer and CI tasks. CI runs exactly these sessions (see ``.ci/run``).

    nox                      # everything CI runs
    nox -s tests-3.12        # one Python (builds the wheel first)
    nox -t tests             # the suite on all six Pythons
    nox -s pins              # pip installs this version next to its dependents
    nox -s lint typing docs  # the checks that do not need every Python
    nox -s format            # rewrite files with ruff (not run by default)
    nox -s coverage          # suite under coverage on an editable install

The test sessions never import ``src/``: ``build`` makes an sdist and a wheel from
it, and each ``tests-*`` session installs that wheel into a fresh virtual
environment and runs a copy of ``tests/`` from a directory where ``src/`` is out
of reach. CPython 3.14 and 3.15 come from Debian sid: ``tests-3.14`` and
``tests-3.15`` do the same inside a sid root that ``.ci/sid`` builds and mounts
(as root), with the same wheel.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import nox
from nox.command import CommandFailed

ROOT = Path(__file__).resolve().parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]  # found on the machine (PATH, pyenv)
SID_PYTHONS = ["3.14", "3.15"]  # Debian sid's, in the root .ci/sid builds
SID = ROOT / ".ci" / "sid"
SID_ROOT = ROOT / ".nox" / "_sid"
SID_WORK = "/aiofiles-ci"  # inside the root: per-Python venv, suite, wheel
TOOLS_PYTHON = "3.12"  # the interpreter lint, typing, build and docs run on
DIST = ROOT / ".nox" / "_dist"  # where `build` leaves the sdist and the wheel
PYRIGHT_VERSION = "1.1.414"  # from the npm registry; used only where node exists
# Seconds per test. On a hang pytest-timeout prints every thread's stack and ends
# that pytest run ("thread" method: the signal method cannot interrupt uvloop).
TEST_TIMEOUT = 120
# The sessions that test the built wheel require `build`. `.ci/run` builds once,
# then runs the other sessions in two nox processes at a time, with
# AIOFILES_WHEEL_BUILT=1 so that those use that build rather than each making
# its own (two builds at once would empty .nox/_dist under each other).
BUILT = [] if os.environ.get("AIOFILES_WHEEL_BUILT") == "1" else ["build"]

nox.options.default_venv_backend = "venv"
nox.options.download_python = "never"  # no network but package registries
nox.options.error_on_missing_interpreters = True
nox.options.sessions = [
    "build",
    "pins",
    *(f"tests-{v}" for v in PYTHONS + SID_PYTHONS),
    "lint",
    "typing",
    "docs",
]


def _group(*names: str) -> tuple[str, ...]:
    return nox.project.dependency_groups(PYPROJECT, *names)


@contextlib.contextmanager
def _step(session: nox.Session, what: str) -> Iterator[None]:
    """Log how long one step of a session took."""
    start = time.perf_counter()
    try:
        yield
    finally:
        session.log(f"[time] {what}: {time.perf_counter() - start:.1f}s")


class _Checks:
    """Run several commands, report every failure, fail the session once at the end."""

    def __init__(self, session: nox.Session) -> None:
        self.session = session
        self.failed: list[str] = []

    def run(self, what: str, *args: str, **kwargs: Any) -> None:
        with _step(self.session, what):
            try:
                self.session.run(*args, **kwargs)
            except CommandFailed:
                self.failed.append(what)

    def finish(self) -> None:
        if self.failed:
            self.session.error("failed: " + ", ".join(self.failed))


def _wheel() -> Path:
    wheels = sorted(DIST.glob("aiofiles-*.whl"))
    if len(wheels) != 1:
        raise RuntimeError(f"expected one wheel in {DIST}, found {len(wheels)}")
    return wheels[0]


@nox.session(python=TOOLS_PYTHON)
def build(session: nox.Session) -> None:
    """Build the sdist, then the wheel from the sdist; check what they hold."""
    shutil.rmtree(DIST, ignore_errors=True)
    session.install(*_group("build"))
    with _step(session, "python -m build"):
        session.run("python", "-m", "build", "--outdir", str(DIST), str(ROOT))
    with _step(session, "twine check"):
        session.run("twine", "check", "--strict", *map(str, sorted(DIST.iterdir())))
    names = zipfile.ZipFile(_wheel()).namelist()
    wanted = ["aiofiles/__init__.py", "aiofiles/py.typed"]
    missing = [n for n in wanted if n not in names]
    if not any(".dist-info/" in n and n.endswith("/LICENSE") for n in names):
        missing.append("*.dist-info/**/LICENSE")
    stray = [n for n in names if n.split("/")[0] in {"tests", "benchmarks", "docs"}]
    if missing or stray:
        session.error(f"wheel contents: missing {missing}, unexpected {stray}")
    session.log(f"built {', '.join(p.name for p in sorted(DIST.iterdir()))}")


# Checks that `import aiofiles` found the installed wheel, not a source tree.
_IMPORT_CHECK = (
    "import sys, aiofiles, uvloop; f = aiofiles.__file__;"
    " print('testing', f, 'on Python', sys.version.split()[0]);"
    " assert f.startswith(sys.prefix), 'aiofiles not imported from the venv'"
)
_PYTEST = ("-m", "pytest", "-p", "no:cacheprovider",
           f"--timeout={TEST_TIMEOUT}", "--timeout-method=thread")  # fmt: skip


def _copy_suite(suite: Path) -> None:
    """A copy of the suite in a directory of its own, with what it reads."""
    shutil.rmtree(suite, ignore_errors=True)
    suite.mkdir(parents=True)
    shutil.copytree(
        ROOT / "tests",
        suite / "tests",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    shutil.copy2(ROOT / "pyproject.toml", suite / "pyproject.toml")  # pytest config
    # tests/test_docs.py checks the documents against the installed wheel
    for name in ("README.md", "CHANGELOG.md", "mkdocs.yml"):
        shutil.copy2(ROOT / name, suite / name)
    shutil.copytree(
        ROOT / "docs",
        suite / "docs",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )


def _pytest(session: nox.Session, python: Callable[..., None], basetemp: str) -> None:
    """Run pytest through ``python(*args)``; no tests collected is a failure.

    ``basetemp``: the session's own directory for ``tmp_path`` (pytest empties it
    first), so that two sessions running at once never share pytest's.
    """
    with _step(session, "pytest"):
        try:
            python(*_PYTEST, f"--basetemp={basetemp}", *session.posargs)
        except CommandFailed as exc:
            if exc.return_code == 5:
                session.error("pytest collected no tests (exit code 5)")
            raise


@nox.session(python=PYTHONS, requires=BUILT, tags=["tests"])
def tests(session: nox.Session) -> None:
    """Run the suite against the installed wheel, on asyncio and on uvloop."""
    with _step(session, "install wheel and test dependencies"):
        session.install(*_group("test"))
        session.install("--no-deps", "--force-reinstall", str(_wheel()))
    # Neither the clone's root nor src/ is on sys.path of the copy, so
    # `import aiofiles` can only find the installed wheel.
    suite = Path(session.create_tmp()).resolve() / "suite"
    _copy_suite(suite)
    session.chdir(suite)
    session.run("python", "-c", _IMPORT_CHECK)
    _pytest(session, partial(session.run, "python"), str(suite.parent / "pytest-tmp"))
    with _step(session, "examples/copy_lines.py"):
        session.run("python", str(ROOT / "examples" / "copy_lines.py"))


def _sid_tests(version: str) -> None:
    """Register ``tests-<version>``: the ``tests`` session, in the sid root."""

    @nox.session(
        name=f"tests-{version}", venv_backend="none", requires=BUILT, tags=["tests"]
    )
    def tests_sid(session: nox.Session) -> None:
        # `.ci/sid exec` mounts what the root needs for one command and unmounts
        # it when the command ends (or is interrupted): give it time to.
        def sid(*args: str, cwd: str = "/") -> None:
            session.run(
                "bash", str(SID), "exec", "-C", cwd, *args,
                env={"SID_HOST_PYTHON": sys.executable},
                external=True, interrupt_timeout=60, terminate_timeout=30,
            )  # fmt: skip

        session.run("bash", str(SID), "build", external=True)  # reused when complete
        work = f"{SID_WORK}/{version}"
        host_work = SID_ROOT / work.lstrip("/")
        shutil.rmtree(host_work, ignore_errors=True)
        (host_work / "dist").mkdir(parents=True)
        wheel = shutil.copy2(_wheel(), host_work / "dist")
        suite = host_work / "suite"
        _copy_suite(suite)
        shutil.copytree(ROOT / "examples", suite / "examples")
        shutil.copy2(ROOT / "LICENSE", suite / "LICENSE")  # the example's input
        python = f"{work}/venv/bin/python"
        with _step(session, "create venv, install wheel and test dependencies"):
            sid(f"python{version}", "-m", "venv", f"{work}/venv")
            sid(python, "-m", "pip", "install", "-q", *_group("test"))
            sid(python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall",
                f"{work}/dist/{Path(wheel).name}")  # fmt: skip
        sid(python, "-c", _IMPORT_CHECK, cwd=f"{work}/suite")
        _pytest(
            session, partial(sid, python, cwd=f"{work}/suite"), f"{work}/pytest-tmp"
        )
        with _step(session, "examples/copy_lines.py"):
            sid(python, "examples/copy_lines.py", cwd=f"{work}/suite")


for _version in SID_PYTHONS:
    _sid_tests(_version)


@nox.session(python=TOOLS_PYTHON, requires=BUILT)
def pins(session: nox.Session) -> None:
    """pip's resolver: the built wheel's version against dependents' requirements."""
    session.install("packaging>=24")
    with _step(session, ".ci/check_version_pins.py"):
        session.run(
            "python", str(ROOT / ".ci" / "check_version_pins.py"), str(_wheel())
        )


@nox.session(python=TOOLS_PYTHON)
def lint(session: nox.Session) -> None:
    """ruff check (flake8-async rules included) and ruff format --check."""
    session.install(*_group("lint"))
    checks = _Checks(session)
    checks.run("ruff check", "ruff", "check", "--output-format=concise", str(ROOT))
    checks.run(
        "ruff format --check",
        "ruff", "format", "--check", "--output-format=concise", str(ROOT),
    )  # fmt: skip
    checks.finish()


@nox.session(name="typing", python=TOOLS_PYTHON, requires=BUILT)
def typing_(session: nox.Session) -> None:
    """mypy --strict on src/ and tests/typing/; pyright too where node exists."""
    session.install(*_group("typing"))
    session.install("--no-deps", "--force-reinstall", str(_wheel()))
    session.chdir(ROOT)
    checks = _Checks(session)
    typing_tests = ROOT / "tests" / "typing"
    for version in PYTHONS + SID_PYTHONS:
        checks.run(
            f"mypy src (Python {version})",
            "mypy", "--strict", "--python-version", version, "src/aiofiles",
        )  # fmt: skip
        if typing_tests.is_dir():
            checks.run(
                f"mypy tests/typing (Python {version})",
                "mypy", "--strict", "--python-version", version, "tests/typing",
            )  # fmt: skip
    if not typing_tests.is_dir():
        session.log("tests/typing/ does not exist: no typing tests to check")

    node = shutil.which("node")
    npm = shutil.which("npm")
    if node is None or npm is None:
        session.warn("pyright: SKIPPED (node/npm not found on PATH)")
        checks.finish()
        return
    # pyright comes from the npm registry, installed inside the clone with an
    # npm cache inside the clone, so nothing is kept elsewhere between runs.
    prefix = ROOT / ".nox" / "_pyright" / PYRIGHT_VERSION
    pyright = prefix / "node_modules" / ".bin" / "pyright"
    if not pyright.exists():
        with _step(session, f"npm install pyright@{PYRIGHT_VERSION}"):
            session.run(
                npm, "install", "--silent", "--no-save", "--no-audit", "--no-fund",
                "--prefix", str(prefix), f"pyright@{PYRIGHT_VERSION}",
                env={"npm_config_cache": str(ROOT / ".nox" / "_npm-cache")},
                external=True,
            )  # fmt: skip
    python = str(Path(session.bin) / "python")
    checks.run("pyright", str(pyright), "--pythonpath", python, external=True)
    # Every public symbol must have a declared type (100%, or pyright exits 1).
    checks.run(
        "pyright --verifytypes",
        str(pyright), "--pythonpath", python,
        "--verifytypes", "aiofiles", "--ignoreexternal",
        external=True,
    )  # fmt: skip
    checks.finish()


@nox.session(python=TOOLS_PYTHON, requires=BUILT)
def docs(session: nox.Session) -> None:
    """Build the MkDocs site in strict mode, then check the built HTML, the names
    and the code examples of the documents (tests/test_docs.py)."""
    session.install(*_group("docs"))  # includes the test group
    session.install("--no-deps", "--force-reinstall", str(_wheel()))
    session.chdir(ROOT)
    with _step(session, "mkdocs build --strict"):
        session.run(
            "mkdocs", "build", "--strict", "--site-dir", str(ROOT / "site"),
            env={"NO_MKDOCS_2_WARNING": "1"},  # material's banner, not a finding
        )  # fmt: skip
    with _step(session, "tests/test_docs.py (built site, names, code blocks)"):
        session.run(
            "python", "-m", "pytest", "-p", "no:cacheprovider", "-q",
            "tests/test_docs.py",
            env={"AIOFILES_DOCS_REQUIRED": "1", "NO_MKDOCS_2_WARNING": "1"},
        )  # fmt: skip


@nox.session(name="format", python=TOOLS_PYTHON, default=False)
def format_(session: nox.Session) -> None:
    """Rewrite the tree with ruff's fixes and formatter."""
    session.install(*_group("lint"))
    session.run("ruff", "check", "--fix", str(ROOT))
    session.run("ruff", "format", str(ROOT))


@nox.session(python=TOOLS_PYTHON, default=False)
def coverage(session: nox.Session) -> None:
    """Run the suite under coverage on an editable install and print the report."""
    session.install(*_group("test"), "coverage>=7.6")
    session.install("-e", str(ROOT))
    session.chdir(ROOT)
    session.run("coverage", "erase")
    session.run("coverage", "run", "-m", "pytest", "-p", "no:cacheprovider")
    session.run("coverage", "report")


if __name__ == "__main__":  # `python noxfile.py` works like `nox`
    nox.main()
