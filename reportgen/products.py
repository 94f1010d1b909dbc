"""The products a build can make, one entry per output format: the one list of formats.

Each product says what it is made from (the edition's briefing HTML or its deck plan), how a
job renders to bytes, what the manifest and the progress line call its count, and what its
renderer must import before worker processes fork. build.py, executors.py, cli.py and the
preview read this registry; adding a product is one entry here (and its renderer).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Final, Iterable, Literal

if TYPE_CHECKING:
    from .build import Job

BRIEFING: Final = "briefing"  # made from the edition's briefing HTML (job.html, job.edition)
DECK: Final = "deck"  # made from the edition's deck plan (job.plan)


@dataclass(frozen=True)
class Rendered:
    """What rendering one job gives: the file's bytes, its page or slide count, and the
    project files it needs copied beside it."""

    data: bytes
    count: int | None = None
    assets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Product:
    """One output format."""

    format: str  # the file extension and the value of `build -f`
    made_from: Literal["briefing", "deck"]
    render: Callable[[Job], Rendered]
    preload: Callable[[], None] | None = None  # import the slow-to-import renderer (before workers fork)
    counts: str | None = None  # the manifest field and progress unit of its count: "pages", "slides"
    default: bool = False  # built when no format is chosen
    portable: bool = False  # written with the fonts and project files it refers to beside it
    heavy: bool = False  # slow to render: started first, so a pool does not end on one


def _render_pdf(job: Job) -> Rendered:
    from .render.briefing import write_pdf

    assert job.edition is not None
    data, pages = write_pdf(job.html, job.edition)
    return Rendered(data, pages)


def _render_pptx(job: Job) -> Rendered:
    from .render import ooxml
    from .render.deck import render_deck

    ooxml.compile_pptx_xpath()
    assert job.plan is not None
    data = render_deck(job.plan)
    return Rendered(data, _slide_count(data))


def _render_html(job: Job) -> Rendered:
    from .build import portable_html
    from .incremental import referenced_files

    assert job.edition is not None
    assets = referenced_files(job.html, job.edition.root)
    return Rendered(portable_html(job.html, job.edition.root, assets).encode("utf-8"), None, assets)


def _preload_pdf() -> None:
    import weasyprint  # noqa: F401

    from .render import briefing  # noqa: F401


def _preload_pptx() -> None:
    from .render import deck, ooxml  # noqa: F401

    ooxml.compile_pptx_xpath()


def _slide_count(data: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return sum(1 for name in archive.namelist() if name.startswith("ppt/slides/slide") and name.endswith(".xml"))


PRODUCTS: dict[str, Product] = {
    product.format: product
    for product in (
        Product("pdf", BRIEFING, _render_pdf, _preload_pdf, counts="pages", default=True, heavy=True),
        Product("pptx", DECK, _render_pptx, _preload_pptx, counts="slides", default=True),
        Product("html", BRIEFING, _render_html, portable=True),
    )
}
DEFAULT_FORMATS = tuple(name for name, product in PRODUCTS.items() if product.default)


def made_from(formats: Iterable[str]) -> set[str]:
    """Return what *formats* are made from: BRIEFING, DECK."""
    return {PRODUCTS[fmt].made_from for fmt in formats}


def count_text(fmt: str, count: int | None) -> str:
    """Return a product's count as the progress line shows it ("12 pages"), or ""."""
    unit = PRODUCTS[fmt].counts
    return f"{count} {unit}" if unit and count is not None else ""


def manifest_count(fmt: str, entry: dict[str, Any]) -> Any:
    """Return the count a manifest *entry* of format *fmt* records (None if it has none)."""
    unit = PRODUCTS[fmt].counts if fmt in PRODUCTS else None
    return entry.get(unit) if unit else None


def preloads(formats: Iterable[str]) -> list[Callable[[], None]]:
    """Return the imports rendering *formats* needs that are worth doing before workers fork."""
    return [hook for hook in (PRODUCTS[fmt].preload for fmt in dict.fromkeys(formats)) if hook is not None]


def preload(formats: Iterable[str]) -> None:
    """Import the renderers of *formats* (WeasyPrint, python-pptx) into this process."""
    for hook in preloads(formats):
        hook()
