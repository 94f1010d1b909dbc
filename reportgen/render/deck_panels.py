"""Draw a slide's pictures, callout boxes and pull quotes inside a region, measured to fit."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image
from pptx.shapes.shapetree import SlideShapes
from pptx.util import Emu

from reportgen.colours import tint
from reportgen.errors import ReportgenError
from reportgen.model import Theme
from reportgen.render.deck_drawings import Para, Region, add_rect, add_text, stack_height
from reportgen.resources import MAX_IMAGE_BYTES, read_file
from reportgen.textfit import EMU_PER_INCH, TextStyle, fit_size

PAD = EMU_PER_INCH // 5
BAR = EMU_PER_INCH // 14
CAPTION = TextStyle(12, italic=True)
_NATIVE = {"PNG", "JPEG", "GIF", "BMP", "TIFF"}  # what PowerPoint shows as it is


def draw_picture(shapes: SlideShapes, region: Region, root: Path, path: Path, alt: str, caption: str,
                 theme: Theme, name: str = "Picture", corner: bool = False) -> None:
    """Place the picture at *path* (inside the project *root*) as large as *region* allows, its
    aspect kept, centred (in its top-left *corner*, for a logo), its caption below, its alt text set."""
    raw = read_file(path, [root], str(path.relative_to(root)), MAX_IMAGE_BYTES)
    try:
        with Image.open(io.BytesIO(raw)) as image:
            width, height = image.size
            data = raw if image.format in _NATIVE else _as_png(image)
    except (OSError, ValueError) as error:
        raise ReportgenError(f"cannot read picture '{path.name}': {error}") from None
    below = [Para(" ".join(caption.split()), CAPTION, theme.muted)] if caption.strip() else []
    below_h = stack_height(below, region.w) + (EMU_PER_INCH // 10 if below else 0)
    room = Region(region.x, region.y, region.w, region.h - below_h)
    scale = min(room.w / width, room.h / height)
    w, h = int(width * scale), int(height * scale)
    x, y = (room.x, room.y) if corner else (room.x + (room.w - w) // 2, room.y + (room.h - h) // 2)
    picture = shapes.add_picture(io.BytesIO(data), Emu(x), Emu(y), Emu(w), Emu(h))
    picture.name = name
    picture._element.nvPicPr.cNvPr.set("descr", " ".join(alt.split()))  # type: ignore[union-attr]
    if below:
        add_text(shapes, Region(region.x, y + h + EMU_PER_INCH // 10, region.w, below_h), below,
                 name="Picture caption")


def _as_png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def draw_callout(shapes: SlideShapes, region: Region, title: str, text: str, theme: Theme,
                 largest: float = 22, smallest: float = 14) -> None:
    """Draw a callout: a tinted box with an accent bar, its title in bold, the text sized to fit."""
    inner = Region(region.x + BAR + PAD, region.y + PAD, region.w - BAR - 2 * PAD, region.h - 2 * PAD)
    paragraphs = [" ".join(part.split()) for part in text.split("\n") if part.strip()]
    texts = ([" ".join(title.split())] if title.strip() else []) + paragraphs
    size = fit_size(texts, inner.w, inner.h, TextStyle(largest, space_before=largest / 2), smallest)
    if size is None:
        raise ReportgenError(f"the callout '{title}' does not fit its box even at {smallest} pt; shorten it")
    body = TextStyle(size, space_before=size / 2)
    paras = [Para(t, TextStyle(size, bold=True, space_before=0) if i == 0 and title.strip() else body, theme.text)
             for i, t in enumerate(texts)]
    height = min(region.h, stack_height(paras, inner.w) + 2 * PAD)
    add_rect(shapes, Region(region.x, region.y, region.w, height), tint(theme.accent, 0.9), "Callout")
    add_rect(shapes, Region(region.x, region.y, BAR, height), theme.accent, "Callout accent")
    add_text(shapes, Region(inner.x, inner.y, inner.w, height - 2 * PAD), paras, name="Callout text")


def draw_quote(shapes: SlideShapes, region: Region, quote: str, attribution: str, theme: Theme) -> None:
    """Draw a pull quote in italics with its attribution below, sized to fit *region*."""
    texts = [" ".join(quote.split())] + ([f"— {' '.join(attribution.split())}"] if attribution.strip() else [])
    size = fit_size(texts, region.w, region.h, TextStyle(24, italic=True, space_before=12), 14)
    if size is None:
        raise ReportgenError("the quote does not fit beside the bullets even at 14 pt; shorten it")
    paras = [Para(texts[0], TextStyle(size, italic=True), theme.accent_dark)]
    if len(texts) > 1:
        paras.append(Para(texts[1], TextStyle(size * 0.7, space_before=12), theme.muted))
    add_text(shapes, region, paras, name="Quote")


def logo_region(title: Region | None) -> Region:
    """Return where a title slide's logo goes: above the title's box, at its left edge, half as tall
    as the space above it and at most a third of its width (a slide's top-left corner without one)."""
    if title is None or title.y < EMU_PER_INCH // 2:
        return Region(EMU_PER_INCH // 2, EMU_PER_INCH * 3 // 10, EMU_PER_INCH * 2, EMU_PER_INCH * 6 // 10)
    height = title.y // 2
    return Region(title.x, (title.y - height) // 2, title.w // 3, height)
