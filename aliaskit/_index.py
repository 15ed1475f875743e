"""Saved screening indexes (``aliaskit index``)."""

from __future__ import annotations

from pathlib import Path

from ._resolve import Resolver

__all__ = ["load_index"]


def load_index(path: Path) -> Resolver:
    """A resolver from a saved index file."""
    return Resolver.load(path)
