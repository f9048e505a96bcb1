"""MkDocs hooks of this site.

The page ``changelog.md`` shows ``CHANGELOG.md`` from the repository's root. Its
links are written relative to the root (``docs/compat.md``); on the site they
become relative to the page (``compat.md``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

_CHANGELOG = Path(__file__).resolve().parents[2] / "CHANGELOG.md"
_ROOT_DOCS_LINK = re.compile(r"\]\(docs/")


def on_page_markdown(markdown: str, *, page: Any, **kwargs: Any) -> str:
    if page.file.src_uri == "changelog.md":
        text = _CHANGELOG.read_text(encoding="utf-8")
        return _ROOT_DOCS_LINK.sub("](", text)
    return markdown
