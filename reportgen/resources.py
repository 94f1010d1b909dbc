"""The confinement rule: content and templates use only files inside the project or the package."""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import ReportgenError

PACKAGE = Path(__file__).parent
ASSETS = PACKAGE / "assets"  # files the package ships: fonts
FONTS = ASSETS / "fonts"
MAX_IMAGE_BYTES = 50_000_000
MAX_IMAGE_PIXELS = 50_000_000


def inside(path: Path, roots: list[Path]) -> bool:
    """Return whether *path*, with its symbolic links followed, lies in one of *roots*."""
    resolved = path.resolve()
    return any(resolved.is_relative_to(root.resolve()) for root in roots)


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
    if not target.is_file():
        raise ReportgenError(f"{what} '{shown}' not found", path, line)
    check_image(target, f"{what} '{shown}'", path, line)
    return target


def check_reference(reference: str, what: str, path: str | None, line: int | None = None) -> None:
    """Refuse a URL or an absolute path where a path relative to the project folder is expected."""
    if not reference.strip():
        raise ReportgenError(f"{what} has an empty path", path, line)
    if urlsplit(reference).scheme or reference.startswith(("/", "\\")):
        raise ReportgenError(
            f"{what} '{clip(reference, 80)}' must be a path relative to the project folder, not a URL or an absolute path", path, line
        )


def check_image(target: Path, what: str, path: str | None, line: int | None = None) -> None:
    """Raise an error naming *path* unless *target* is a readable raster image or an SVG."""
    from PIL import Image

    try:
        size = target.stat().st_size
        if size > MAX_IMAGE_BYTES:
            raise ReportgenError(f"{what} is too large ({size:,} bytes; limit {MAX_IMAGE_BYTES:,})", path, line)
        if target.suffix.lower() == ".svg":
            if b"<svg" not in target.read_bytes()[:4096]:
                raise ReportgenError(f"{what} is not a readable image (no <svg> element)", path, line)
            return
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(target) as image:
                width, height = image.size
                image.verify()
    except ReportgenError:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise ReportgenError(f"{what} is too large (limit {MAX_IMAGE_PIXELS:,} pixels)", path, line) from None
    except OSError as error:  # PIL.UnidentifiedImageError is an OSError too
        if error.strerror:
            raise ReportgenError(f"{what} cannot be read: {error.strerror}", path, line) from None
        raise ReportgenError(f"{what} is not a readable image (PNG, JPEG, GIF, WebP or SVG)", path, line) from None
    except (ValueError, SyntaxError, EOFError):  # what Pillow's decoders raise on corrupt data
        raise ReportgenError(f"{what} is not a readable image (PNG, JPEG, GIF, WebP or SVG)", path, line) from None
    if width * height > MAX_IMAGE_PIXELS:
        raise ReportgenError(f"{what} is too large ({width}×{height} pixels; limit {MAX_IMAGE_PIXELS:,})", path, line)


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
    if not path.is_file():
        return "file not found"
    return None


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
        for match in _CSS_URL.finditer(text):
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


def clip(text: str, limit: int) -> str:
    """Return *text* cut to at most *limit* characters, ending in … when cut (for messages)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
