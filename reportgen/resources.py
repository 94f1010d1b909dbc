"""The confinement rule: content and templates use only files inside the project or the package."""

from __future__ import annotations

import os
import re
import stat
import struct
import warnings
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import unquote, urlsplit

from .errors import ReportgenError

PACKAGE = Path(__file__).parent
ASSETS = PACKAGE / "assets"  # files the package ships: fonts
FONTS = ASSETS / "fonts"
MAX_IMAGE_BYTES = 50_000_000
MAX_IMAGE_PIXELS = 50_000_000
MAX_TEXT_BYTES = 5_000_000  # a content, data or template text file
MAX_MASTER_BYTES = 50_000_000  # a .pptx deck master, and the sum of its unpacked entries
MAX_FETCH_BYTES = 50_000_000  # any file the PDF renderer is given (stylesheet, image, font)
MAX_READ_BYTES = max(MAX_IMAGE_BYTES, MAX_TEXT_BYTES, MAX_MASTER_BYTES, MAX_FETCH_BYTES)  # no file read is larger
_CHUNK = 1 << 20


def inside(path: Path, roots: Iterable[Path]) -> bool:
    """Return whether *path*, with its symbolic links followed, lies in one of *roots*."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


def read_file(path: Path, roots: Iterable[Path], shown: str, limit: int, line: int | None = None, subject: str = "") -> bytes:
    """Return the bytes of *path* under the one rule for every file a build reads.

    The file, with its symbolic links (and those of its folders) followed, must lie in one
    of *roots* (the project, the package); it must be a regular file, not a folder, pipe or
    device; and it may hold at most *limit* bytes, checked before reading and while reading.
    A breach is a ReportgenError about *shown* (and *line*); *subject* ("image 'a.png'")
    opens the message when the file is not the one the error names.
    """
    fd = _open_regular(path, roots, shown, line, subject)
    try:
        _check_size(os.fstat(fd).st_size, limit, shown, line, subject)
        chunks, total = [], 0
        while chunk := os.read(fd, min(_CHUNK, limit + 1 - total)):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while we read it
                _check_size(total, limit, shown, line, subject)
        return b"".join(chunks)
    except OSError as error:
        raise _refused(subject, "unreadable", error.strerror or str(error), shown, line) from None
    finally:
        os.close(fd)


def confined_file(path: Path, roots: Iterable[Path], shown: str, limit: int, line: int | None = None, subject: str = "") -> Path:
    """Return *path* resolved, after the checks of read_file() but without reading it."""
    fd = _open_regular(path, roots, shown, line, subject)
    try:
        _check_size(os.fstat(fd).st_size, limit, shown, line, subject)
    finally:
        os.close(fd)
    return path.resolve()


def file_refusal(path: Path, roots: Iterable[Path], limit: int) -> str | None:
    """Return why *path* breaks the rule of read_file() (a phrase after "file"), or None."""
    try:
        confined_file(path, roots, "", limit, subject="file")
    except ReportgenError as error:
        return error.message.removeprefix("file ")
    return None


def confined_folder(folder: Path, root: Path, shown: str) -> None:
    """Refuse a project folder that is, or lies in, a symbolic link out of the project *root*."""
    if (folder.exists() or folder.is_symlink()) and not inside(folder, [root]):
        raise ReportgenError("is a link to a folder outside the project", shown)


def folder_files(folder: Path, root: Path, shown: Callable[[Path], str], recursive: bool = False) -> list[Path]:
    """Return the files in the project folder *folder* (and its subfolders if *recursive*), sorted.

    Every folder walked must lie inside *root* and be readable: a link out of the project or
    an unreadable folder is an error naming it (*shown* displays a path), never a silent gap.
    Names starting with "." are left out. The files themselves are checked when read.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    pending = [folder]
    while pending:
        current = pending.pop()
        confined_folder(current, root, shown(current))
        real = current.resolve()
        if real in seen:  # a link back to a folder already walked
            continue
        seen.add(real)
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError as error:
            raise ReportgenError(f"cannot read folder: {error.strerror}", shown(current)) from None
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(current, entry.name)
            try:
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if is_folder and recursive:
                pending.append(path)
            elif not is_folder:
                found.append(path)
    return sorted(found)


def _open_regular(path: Path, roots: Iterable[Path], shown: str, line: int | None, subject: str) -> int:
    """Open *path* for reading if it is a regular file inside *roots*; return the descriptor."""
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise _refused(subject, "unreadable", "a loop of symbolic links", shown, line) from None
    if not inside(resolved, roots):
        raise _refused(subject, "outside", "", shown, line)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
        fd = os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise _refused(subject, "missing", "", shown, line) from None
    except OSError as error:
        raise _refused(subject, "unreadable", error.strerror or str(error), shown, line) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "a folder" if stat.S_ISDIR(mode) else "a pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise _refused(subject, "special", kind, shown, line)
    return fd


def _check_size(size: int, limit: int, shown: str, line: int | None, subject: str) -> None:
    if size > limit:
        raise _refused(subject, "large", f"{size:,} bytes; limit {limit:,}", shown, line)


def _refused(subject: str, kind: str, detail: str, shown: str, line: int | None) -> ReportgenError:
    """Word a refusal about the file *shown*, or about *subject* ("image 'a.png'") read from it."""
    if subject:
        message = {
            "outside": f"{subject} is a link to a file outside the project",
            "missing": f"{subject} not found",
            "unreadable": f"{subject} cannot be read: {detail}",
            "special": f"{subject} is {detail}, not a regular file",
            "large": f"{subject} is too large ({detail})",
        }[kind]
    else:
        message = {
            "outside": "is a link to a file outside the project",
            "missing": "file not found",
            "unreadable": f"cannot read file: {detail}",
            "special": f"is {detail}, not a regular file",
            "large": f"file is too large ({detail})",
        }[kind]
    return ReportgenError(message, shown, line)


def project_image(root: Path, reference: str, what: str, path: str | None, line: int | None = None) -> Path:
    """Return the file *reference* (relative to the project folder) names, checked to be usable.

    *what* names the reference in messages ("image", "logo"); *path* and *line* are where it
    is written. URLs (http:, file:, data:, …) and absolute paths are refused: a build reads
    nothing outside the project and never reaches the network.
    """
    check_reference(reference, what, path, line)
    shown = clip(reference, 80)
    target = root / unquote(urlsplit(reference).path)
    if not inside(target, [root]):
        raise ReportgenError(f"{what} '{shown}' is outside the project", path, line)
    subject = f"{what} '{shown}'"
    data = read_file(target, [root], path or "", MAX_IMAGE_BYTES, line, subject)
    check_image(data, target.suffix, subject, path, line)
    return target


def check_reference(reference: str, what: str, path: str | None, line: int | None = None) -> None:
    """Refuse a URL or an absolute path where a path relative to the project folder is expected."""
    if not reference.strip():
        raise ReportgenError(f"{what} has an empty path", path, line)
    if urlsplit(reference).scheme or reference.startswith(("/", "\\")):
        raise ReportgenError(
            f"{what} '{clip(reference, 80)}' must be a path relative to the project folder, not a URL or an absolute path", path, line
        )


_NOT_AN_IMAGE = "is not a readable image (PNG, JPEG, GIF, WebP or SVG)"


def check_image(data: bytes, suffix: str, what: str, path: str | None, line: int | None = None) -> None:
    """Raise an error naming *path* unless *data* is a whole raster image in budget, or an SVG.

    *what* opens the message ("image 'a.png'"). An SVG's own references are checked when
    the PDF renderer fetches them (see raster_refusal()).
    """
    if suffix.lower() == ".svg":
        if b"<svg" not in data[:4096]:
            raise ReportgenError(f"{what} is not a readable image (no <svg> element)", path, line)
        return
    reason = raster_refusal(data, whole=True)
    if reason is not None:
        raise ReportgenError(f"{what} {reason or _NOT_AN_IMAGE}", path, line)


def raster_refusal(data: bytes, whole: bool = False) -> str | None:
    """Return why the raster image *data* may not be used ("" when it is no image), or None.

    Its pixels are counted from its header, before any decoding: at most MAX_IMAGE_PIXELS.
    With *whole*, its data is checked to the end too (a truncated JPEG or PNG is refused).
    """
    import io

    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Pillow's own warning comes at a larger size than our limit: the size is checked here.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    return f"is too large ({width}×{height} pixels; limit {MAX_IMAGE_PIXELS:,})"
                if whole:
                    _check_whole(image, data)
    except Image.DecompressionBombError:
        return f"is too large (limit {MAX_IMAGE_PIXELS:,} pixels)"
    except _Truncated:
        return "is damaged: its data ends too early (a truncated file?)"
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, struct.error):  # Pillow's decoders on corrupt data
        return ""
    return None


class _Truncated(Exception):
    pass


def _check_whole(image: object, data: bytes) -> None:
    """Raise _Truncated unless the image's data runs to its end (PDFs embed a JPEG's bytes as they are)."""
    from PIL import Image

    assert isinstance(image, Image.Image)
    if image.format == "JPEG":
        # Decode at 1/8 scale: every byte of the stream is read, little memory is used.
        image.draft("RGB", (max(1, image.size[0] // 8), max(1, image.size[1] // 8)))
        try:
            image.load()
        except OSError as error:
            if "truncated" in str(error):
                raise _Truncated from None
            raise
        if not data.rstrip(b"\0").endswith(b"\xff\xd9"):
            raise _Truncated
    else:
        image.verify()


MAX_PACKAGE_ENTRIES = 10_000


def check_package(data: bytes, what: str, path: str | None) -> None:
    """Refuse the zip package *data* (a .pptx) unless its entries, unpacked, fit MAX_MASTER_BYTES.

    The sizes are read from the zip's directory before any entry is unpacked, so a small
    file that would unpack to gigabytes (a zip bomb) costs nothing; the library that reads
    it later decompresses nothing beyond what the directory declares.
    """
    import io
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise ReportgenError(f"{what} is not a PowerPoint file (not a readable .pptx)", path) from None
    if len(entries) > MAX_PACKAGE_ENTRIES:
        raise ReportgenError(f"{what} has too many parts ({len(entries):,}; limit {MAX_PACKAGE_ENTRIES:,})", path)
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_MASTER_BYTES:
        raise ReportgenError(f"{what} is too large unpacked ({unpacked:,} bytes; limit {MAX_MASTER_BYTES:,})", path)
    if "ppt/presentation.xml" not in {entry.filename for entry in entries}:
        raise ReportgenError(f"{what} is not a PowerPoint file (no ppt/presentation.xml)", path)


def refusal(url: str, roots: list[Path]) -> str | None:
    """Return why the renderer may not fetch the absolute *url*, or None when it may.

    Only data: URLs and files inside *roots* (the project, the package's assets) are served:
    no network, no file elsewhere on the machine.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return None
    if scheme != "file":
        return "only files inside the project can be used (no network)"
    path = Path(unquote(urlsplit(url).path))
    if not inside(path, roots):
        return "outside the project"
    reason = file_refusal(path, roots, MAX_FETCH_BYTES)
    return "file not found" if reason == "not found" else reason


# What WeasyPrint fetches from HTML: (tag, attribute) pairs; CSS url() and @import are below.
_FETCHED = {
    ("img", "src"), ("link", "href"), ("object", "data"), ("embed", "src"), ("iframe", "src"),
    ("image", "href"), ("image", "xlink:href"), ("use", "href"), ("use", "xlink:href"), ("feimage", "href"),
    ("input", "src"), ("video", "poster"), ("video", "src"), ("audio", "src"), ("source", "src"), ("track", "src"),
}
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""", re.I)


def html_resources(html: str) -> list[str]:
    """Return the URLs a browser-like renderer would fetch to lay out *html*, in order.

    A link or anchor with rel="attachment" is reported as the URL "attachment:" + its href.
    """
    from html.parser import HTMLParser

    found: list[str] = []

    def css(text: str) -> None:
        for match in _CSS_URL.finditer(css_unescape(text)):
            found.append(next(group for group in match.groups() if group is not None))

    class _Parser(HTMLParser):
        in_style = False

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            values = {name: value or "" for name, value in attrs}
            if "attachment" in values.get("rel", "").lower().split():
                found.append("attachment:" + values.get("href", ""))
            for name, value in values.items():
                if (tag, name) in _FETCHED and value:
                    found.append(value)
                elif name == "style":
                    css(value)
            self.in_style = tag == "style"

        def handle_endtag(self, tag: str) -> None:
            self.in_style = False

        def handle_data(self, data: str) -> None:
            if self.in_style:
                css(data)

    parser = _Parser(convert_charrefs=True)
    parser.feed(html)
    parser.close()
    return found


_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})([ \t\n]?)|(\n)|(.))")


def css_unescape(text: str) -> str:
    """Return CSS *text* with its backslash escapes decoded (``u\\72l(`` is ``url(``), lines kept."""
    if "\\" not in text:
        return text

    def decoded(match: re.Match[str]) -> str:
        number, space, newline, char = match.groups()
        if number is not None:
            code = int(number, 16)
            decoded = chr(code) if 0 < code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"
            return decoded + ("\n" if space == "\n" else "")
        return newline or char

    return _CSS_ESCAPE.sub(decoded, text)


def clip(text: str, limit: int) -> str:
    """Return *text* cut to at most *limit* characters, ending in … when cut (for messages)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
