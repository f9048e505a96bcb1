"""A Griffe extension for the API pages: Sphinx roles in docstrings become code.

Some docstrings still use Sphinx cross-reference roles (``:func:`walk```), which
Markdown does not know and would show as raw text. This extension rewrites each
role to an inline code span of its target (``~pkg.Name`` gives ``Name``) before
mkdocstrings renders the docstring. ``tests/test_docs.py`` checks the built site
for any role left.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|mod|data|attr|exc|obj|const):`(~?)([^`]+)`"
)


def _as_code(match: re.Match[str]) -> str:
    short, target = match.groups()
    if short:
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


class SphinxRolesAsCode(griffe.Extension):
    """Rewrite Sphinx roles in every docstring to inline code."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _ROLE.sub(_as_code, obj.docstring.value)
