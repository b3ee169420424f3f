"""The API's contract: routes reach the knowledge base only through the Library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SEARCH_API = Path(__file__).resolve().parent.parent / "search_api"
# The parts the Library holds; a route that used them directly would bypass it.
LIBRARY_PARTS = {"searcher", "answerer", "indexer", "collections"}


@pytest.mark.parametrize("module", ["api.py", "web.py"])
def test_routes_reach_the_knowledge_base_only_through_the_library(module):
    tree = ast.parse((SEARCH_API / module).read_text(encoding="utf-8"))
    reached = sorted(
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr in LIBRARY_PARTS
    )
    assert not reached, f"{module} uses the Library's parts directly: {reached}"
