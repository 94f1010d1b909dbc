"""How messages show a path: relative to the project folder when inside it, else as given."""

from __future__ import annotations

from pathlib import Path


def display_path(root: Path, path: Path) -> str:
    """Return *path* relative to *root* (with '/'), or as given when it is not inside *root*."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
