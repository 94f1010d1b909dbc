"""The confinement rule: content and templates use only files inside the project or the package."""

from __future__ import annotations

import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import ReportgenError

PACKAGE = Path(__file__).parent
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
    shown = _clip(reference)
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
            f"{what} '{_clip(reference)}' must be a path relative to the project folder, not a URL or an absolute path", path, line
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


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
