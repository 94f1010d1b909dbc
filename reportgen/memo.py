"""Results that cost time to compute and never change for the same inputs, kept between runs.

A compiled template, a formatted citation, a font's metrics: each is a pure function of its
inputs and of the code that computed it, so a run can reuse what an earlier run computed, as
Python reuses its byte-compiled modules. Entries live in the user's cache folder
(``$REPORTGEN_CACHE``, else ``$XDG_CACHE_HOME/reportgen``, else ``~/.cache/reportgen``), one
small file per entry, named by a hash of its kind, its key and a fingerprint of reportgen's own
code and the versions of the libraries that computed it: a change to any of them starts afresh.
A missing, unreadable or corrupt entry is computed again; a folder that cannot be written is
not used. Deleting the folder at any time is safe.

Values are stored with :mod:`marshal` (plain data and code objects only).
"""

from __future__ import annotations

import functools
import hashlib
import marshal
import os
import sys
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any, Callable, TypeVar

T = TypeVar("T")

_PACKAGE = Path(__file__).resolve().parent
_LIBRARIES = ("jinja2", "citeproc-py", "fonttools")


def folder() -> Path:
    """Return the cache folder (it may not exist yet)."""
    explicit = os.environ.get("REPORTGEN_CACHE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "reportgen"


@functools.cache
def fingerprint() -> str:
    """Return a hash of reportgen's modules, the Python version and the libraries' versions."""
    digest = hashlib.sha256(sys.version.encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(library.encode())
    for module in sorted(_PACKAGE.rglob("*.py")):
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def _entry(kind: str, key: str | bytes) -> Path:
    raw = key.encode() if isinstance(key, str) else key
    name = hashlib.sha256(fingerprint().encode() + b"\0" + kind.encode() + b"\0" + raw).hexdigest()
    return folder() / kind / name[:2] / name[2:]


def load(kind: str, key: str | bytes) -> Any:
    """Return the value stored for *key* of *kind*, or None."""
    try:
        return marshal.loads(_entry(kind, key).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return None


def store(kind: str, key: str | bytes, value: Any) -> None:
    """Keep *value* for *key* of *kind* (silently not, when the folder cannot be written)."""
    path = _entry(kind, key)
    try:
        data = marshal.dumps(value)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
            os.replace(temporary, path)  # whole or not at all: a parallel build reads either
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except (OSError, ValueError):
        pass


def cached(kind: str, key: str | bytes, compute: Callable[[], T]) -> T:
    """Return the value kept for *key* of *kind*, computing and keeping it the first time."""
    value = load(kind, key)
    if value is None:
        value = compute()
        store(kind, key, value)
    return value
