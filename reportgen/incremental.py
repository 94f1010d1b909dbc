"""What each output depends on, as hashes: the keys that decide whether a build makes it again.

Every output has two keys, both kept in the manifest:

- its *source key* (``source_hash``) hashes the files it is made from: the whole ``content/``
  folder (config, sections, data, audiences, images), the audience's template folders
  (``templates/<audience>/`` and ``templates/base/``), any other project file its briefing points
  to (listed as ``depends``), reportgen's own files (code, built-in templates, fonts, master) and
  version, and the versions of the libraries that render it. It is checked before anything is
  planned, so a build with nothing changed only reads and hashes files.
- its *input key* (``input_hash``) hashes what the renderer is given: the briefing's HTML and
  the files it points to, or the deck plan and its master. When a source changed, the
  audience is planned again, and an output whose input key is the same is still kept: a data
  file only another audience uses does not rebuild this one.

The build time stamp (``SOURCE_DATE_EPOCH`` or now) is in neither key.
"""

from __future__ import annotations

import functools
import hashlib
import html as html_escapes
import os
import re
import stat
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urlsplit

from . import __version__
from .resources import MAX_READ_BYTES

PACKAGE = Path(__file__).parent
# The distributions whose code shapes an output (markup, layout, PDF and deck writing, fonts).
LIBRARIES = ("jinja2", "markdown-it-py", "mdit-py-plugins", "pyyaml", "weasyprint", "pydyf", "fonttools", "pillow", "python-pptx", "citeproc-py")
_REFERENCE = re.compile(r"""(?:\b(?:src|href)\s*=\s*"([^"]*)")|(?:\burl\(\s*["']?([^"')]*)["']?\s*\))""")


@functools.lru_cache(maxsize=1)
def toolchain() -> str:
    """Return a hash of reportgen's own files and version and the rendering libraries' versions."""
    from importlib import metadata

    digest = hashlib.sha256(f"reportgen {__version__}".encode())
    for path in _files(PACKAGE):
        digest.update(b"\0" + path.relative_to(PACKAGE).as_posix().encode() + b"\0" + file_digest(path).encode())
    for name in LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"\0{name} {version}".encode())
    return digest.hexdigest()


def input_key(*parts: str) -> str:
    """Return the input key of an output made from *parts* (texts the renderer is given)."""
    digest = hashlib.sha256(toolchain().encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class Sources:
    """The source keys of one build over the project at *root*; each file is read once.

    Files under *out* (the build's output folder, should it lie inside ``content/``) are
    not sources: a build would otherwise change its own key.
    """

    def __init__(self, root: Path, out: Path | None = None) -> None:
        self.root = root
        self.out = out.resolve() if out is not None else None
        self._folders: dict[Path, str] = {}
        self._files: dict[str, str] = {}
        self._listed: dict[Path, list[str]] = {}

    def key(self, audience: str, fmt: str, depends: Iterable[str] = ()) -> str:
        """Return the source key of *audience*'s *fmt* output, which also reads *depends*."""
        digest = hashlib.sha256(toolchain().encode())
        digest.update(f"\0{audience}\0{fmt}".encode())
        for folder in self.folders(audience):
            digest.update(b"\0" + self._folder(folder).encode())
        for name in sorted(depends):
            digest.update(b"\0" + name.encode() + b"\0" + self.file(name).encode())
        return digest.hexdigest()

    def folders(self, audience: str) -> tuple[Path, ...]:
        """Return the project folders every output of *audience* depends on as a whole."""
        return (self.root / "content", self.root / "templates" / audience, self.root / "templates" / "base")

    def file(self, name: str) -> str:
        """Return the hash of the project file *name* (relative, with '/'), or 'missing'."""
        if name not in self._files:
            try:
                self._files[name] = file_digest(self.root / name)
            except OSError:
                self._files[name] = "missing"
        return self._files[name]

    def inputs(self, audience: str, depends: Iterable[str] = ()) -> dict[str, str]:
        """Return every file the source key of *audience*'s outputs covers: name -> hash."""
        names = [name for folder in self.folders(audience) for name in self._names(folder)]
        return {name: self.file(name) for name in sorted({*names, *depends})}

    def _folder(self, folder: Path) -> str:
        if folder not in self._folders:
            digest = hashlib.sha256(folder.name.encode())
            for name in self._names(folder):
                digest.update(b"\0" + name.encode() + b"\0" + self.file(name).encode())
            self._folders[folder] = digest.hexdigest()
        return self._folders[folder]

    def _names(self, folder: Path) -> list[str]:
        """Return the files under *folder* (relative, with '/') that are sources, in a stable order."""
        if folder not in self._listed:
            self._listed[folder] = [
                path.relative_to(self.root).as_posix() for path in _files(folder)
                if self.out is None or not path.resolve().is_relative_to(self.out)
            ]
        return self._listed[folder]

    def depends(self, audience: str, names: Iterable[str]) -> tuple[str, ...]:
        """Return those of *names* that lie outside the folders hashed whole for *audience*."""
        prefixes = tuple(folder.relative_to(self.root).as_posix() + "/" for folder in self.folders(audience))
        return tuple(sorted(name for name in set(names) if not name.startswith(prefixes)))


def referenced_files(html: str, root: Path) -> tuple[str, ...]:
    """Return the project files (relative, with '/') that *html* points to: images, logos, CSS.

    URLs are read as WeasyPrint reads them with the project folder as base URL; fragments,
    data: URLs, remote URLs and files of reportgen itself are left out.
    """
    base = root.resolve()
    found: set[str] = set()
    for match in _REFERENCE.finditer(html):
        url = html_escapes.unescape(match.group(1) if match.group(1) is not None else match.group(2)).strip()
        if not url or url.startswith("#"):
            continue
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(unquote(parts.path))
        elif parts.scheme or url.startswith("//"):
            continue
        else:
            path = base / unquote(parts.path)
        try:
            path = path.resolve()
        except OSError:
            continue
        if path.is_relative_to(base) and not path.is_relative_to(PACKAGE) and path.is_file():
            found.add(path.relative_to(base).as_posix())
    return tuple(sorted(found))


def _files(folder: Path) -> list[Path]:
    """Return every file under *folder*, in a stable order (none if it does not exist)."""
    found: list[Path] = []
    for parent, folders, files in os.walk(folder):
        folders[:] = sorted(name for name in folders if name != "__pycache__")
        found.extend(Path(parent, name) for name in sorted(files) if not name.endswith(".pyc"))
    return found


def file_digest(path: Path) -> str:
    """Return a hash of the file *path*, read in chunks; raise OSError when it is unreadable.

    What the build cannot read (a pipe, a device, a file above every size limit) is hashed by
    its kind and size, never read: its content cannot change an output, and reading it could
    hang or exhaust memory. A build that does refer to it fails with a message.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_READ_BYTES:
            return f"unread {stat.S_IFMT(info.st_mode):o} {info.st_size} {info.st_mtime_ns}"
        digest = hashlib.sha256()
        while chunk := os.read(fd, 1 << 20):
            digest.update(chunk)
        return digest.hexdigest()
    finally:
        os.close(fd)
