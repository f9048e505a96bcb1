"""The typing tests: mypy --strict and pyright (strict) on ``tests/typing``.

The files in ``tests/typing`` are ``assert_type`` checks of what user code sees
(``open()`` by mode, tempfile constructors, ``aiofiles.os``...); they are never run.
A checker that is not installed skips its test; one that reports errors fails it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TYPING = ROOT / "tests" / "typing"
SRC = ROOT / "src"


def _run(
    cmd: list[str], env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


def test_mypy_strict() -> None:
    pytest.importorskip(
        "mypy", reason="mypy is not installed (dependency group 'typing')"
    )
    env = dict(os.environ, MYPYPATH=str(SRC))
    result = _run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-version",
            "3.10",
            "--config-file",
            str(ROOT / "pyproject.toml"),
            "--no-incremental",
            str(TYPING),
        ],
        env,
    )
    # The config's ``files`` (src/aiofiles) are replaced by the path given here;
    # src/ is still checked as the imported package.
    assert result.returncode == 0, result.stdout + result.stderr


def test_pyright_strict() -> None:
    pyright = shutil.which("pyright") or (
        str(Path(sys.executable).parent / "pyright")
        if (Path(sys.executable).parent / "pyright").exists()
        else None
    )
    if pyright is None:
        pytest.skip("pyright is not installed (pip install pyright)")
    if shutil.which("node") is None and not os.environ.get(
        "PYRIGHT_PYTHON_FORCE_VERSION"
    ):
        pytest.skip("pyright needs node, which is not on PATH")
    env = dict(os.environ, PYTHONPATH=str(SRC))
    # pyproject's [tool.pyright] marks tests/typing strict.
    result = _run([pyright, "--pythonpath", sys.executable, str(TYPING)], env)
    assert result.returncode == 0, result.stdout + result.stderr
