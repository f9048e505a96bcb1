"""The files here are read by mypy and pyright (``tests/test_typing.py``), never run."""

collect_ignore_glob = ["*.py"]
