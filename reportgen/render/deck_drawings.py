"""Slide content drawn with shapes: text boxes, key-figure cards, timelines and native tables.

Positions and sizes are EMU. Every function here measures its text with ``reportgen.textfit``
before placing it, so nothing it draws overflows its box or leaves its region.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from pptx.dml.color import RGBColor
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.shapes.shapetree import SlideShapes
from pptx.util import Emu, Pt

from reportgen.colours import hex6, tint
from reportgen.errors import ReportgenError
from reportgen.model import Event, Figure, TableSpec, Theme
from reportgen.render import ooxml
from reportgen.render.ooxml import qn
from reportgen.textfit import EMU_PER_INCH, TextStyle, box_width, fit_size, line_height, paragraph_height, wrap

GAP = EMU_PER_INCH // 4
HAIRLINE = "D0D5DB"
_NO_STYLE_TABLE = "{2D5ABB26-0587-4C30-8999-92F81FD0307C}"  # "No Style, No Grid"


@dataclass(frozen=True)
class Region:
    """A rectangle on the slide, in EMU."""

    x: int
    y: int
    w: int
    h: int

    @property
    def bottom(self) -> int:
        return self.y + self.h

    @property
    def right(self) -> int:
        return self.x + self.w


@dataclass(frozen=True)
class Para:
    """One paragraph to draw: its text, how it is set and its colour (RRGGBB)."""

    text: str
    style: TextStyle
    colour: str


def rgb(hex_value: str) -> RGBColor:
    """Return '#1F4E79' or '1F4E79' as an RGBColor."""
    return RGBColor.from_string(hex6(hex_value))


def stack_height(paras: Sequence[Para], width: int) -> int:
    """Return the height of *paras* set one after another in a box *width* EMU wide."""
    return sum(paragraph_height(p.text, width, p.style, first=i == 0) for i, p in enumerate(paras))


def add_text(shapes: SlideShapes, region: Region, paras: Sequence[Para], *, name: str,
             align: PP_ALIGN = PP_ALIGN.LEFT, anchor: MSO_ANCHOR = MSO_ANCHOR.TOP) -> None:
    """Add a text box with no insets holding *paras*; the caller has measured that they fit."""
    box = shapes.add_textbox(Emu(region.x), Emu(region.y), Emu(region.w), Emu(region.h))
    box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
    frame.vertical_anchor = anchor
    for index, para in enumerate(paras):
        write_paragraph(frame, index, para, align)


def write_paragraph(frame, index: int, para: Para, align: PP_ALIGN | None = None) -> None:
    """Set paragraph *index* of *frame* (added when *index* > 0) as ``set_paragraph`` does."""
    ooxml.stamped(frame, index, ("para", para.style, para.colour, align),
                  lambda paragraph: set_paragraph(paragraph, para, align), para.text)


def set_paragraph(paragraph, para: Para, align: PP_ALIGN | None = None) -> None:
    """Fill a python-pptx paragraph with one run set as *para* says, in the theme's body font."""
    if align is not None:
        paragraph.alignment = align
    paragraph.line_spacing = para.style.line_spacing
    paragraph.space_before = Pt(para.style.space_before)
    run = paragraph.add_run()
    run.text = para.text
    font = run.font
    font.size = Pt(para.style.size)
    font.bold = para.style.bold
    font.italic = para.style.italic
    font.color.rgb = rgb(para.colour)
    font.name = "+mn-lt"  # tables otherwise fall back to the application's default font


def add_rect(shapes: SlideShapes, region: Region, fill: str, name: str,
             shape: MSO_SHAPE = MSO_SHAPE.RECTANGLE, outline: str = "") -> None:
    """Add a filled shape without text; *outline* (RRGGBB) draws a 1.5 pt border."""
    rect = shapes.add_shape(shape, Emu(region.x), Emu(region.y), Emu(region.w), Emu(region.h))
    rect.name = name
    rect.fill.solid()
    rect.fill.fore_color.rgb = rgb(fill)
    if outline:
        rect.line.color.rgb = rgb(outline)
        rect.line.width = Pt(1.5)
    else:
        rect.line.fill.background()
    _drop_style(rect)


def add_line(shapes: SlideShapes, x1: int, y1: int, x2: int, y2: int, colour: str,
             width: float, name: str, dashed: bool = False) -> None:
    """Add a straight line from (x1, y1) to (x2, y2), *width* in points."""
    line = shapes.add_connector(MSO_CONNECTOR.STRAIGHT, Emu(x1), Emu(y1), Emu(x2), Emu(y2))
    line.name = name
    line.line.color.rgb = rgb(colour)
    line.line.width = Pt(width)
    if dashed:
        line.line.dash_style = MSO_LINE_DASH_STYLE.DASH
    _drop_style(line)


def _drop_style(shape) -> None:
    # The theme style reference adds a shadow (LibreOffice draws it) and theme line colours.
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)


# --- key figures -------------------------------------------------------------------------

def figure_grid(count: int) -> tuple[int, int]:
    """Return (columns, rows) of the card grid for *count* figures (at most 8 per slide)."""
    if count <= 4:
        return max(count, 1), 1
    return -(-count // 2), 2


def draw_key_figures(shapes: SlideShapes, region: Region, figures: Sequence[Figure],
                     theme: Theme) -> None:
    """Draw one card per figure: a big number, its label and note, on the accent's light tint."""
    columns, rows = figure_grid(len(figures))
    if region.w < EMU_PER_INCH * 7 and len(figures) > 2:  # half a slide: two cards a row
        columns, rows = 2, -(-len(figures) // 2)
    gap = EMU_PER_INCH * 3 // 10
    pad = EMU_PER_INCH // 4
    bar = EMU_PER_INCH // 14
    # Fewer figures get wider cards and bigger numbers, so one number fills its slide.
    widest, largest = {1: (6, 72), 2: (5, 60)}.get(len(figures), (4, 44))
    card_w = min((region.w - gap * (columns - 1)) // columns, EMU_PER_INCH * widest)
    left = region.x + (region.w - (card_w * columns + gap * (columns - 1))) // 2
    most_h = (region.h - gap * (rows - 1)) // rows
    inner_w, inner_most_h = card_w - 2 * pad, most_h - 2 * pad - bar
    size = _number_size(figures, inner_w, inner_most_h * 45 // 100, largest)
    texts = [_card_paras(figure, size, inner_w, inner_most_h, theme) for figure in figures]
    inner_h = max(stack_height(paras, inner_w) for paras in texts)
    card_h = max(inner_h + 2 * pad + bar, min(most_h, EMU_PER_INCH * 2))
    top = region.y + (region.h - (card_h * rows + gap * (rows - 1))) // 2
    for index, paras in enumerate(texts):
        row, column = divmod(index, columns)
        card = Region(left + column * (card_w + gap), top + row * (card_h + gap), card_w, card_h)
        add_rect(shapes, card, tint(theme.accent, 0.9), f"Card {index + 1}")
        add_rect(shapes, Region(card.x, card.y, card.w, bar), theme.accent, f"Card {index + 1} accent")
        inner = Region(card.x + pad, card.y + bar + pad, inner_w, card_h - bar - 2 * pad)
        add_text(shapes, inner, paras, name=f"Card {index + 1} text")


def _number_style(size: float) -> TextStyle:
    return TextStyle(size, bold=True, line_spacing=0.9)


def _number_size(figures: Sequence[Figure], width: int, height: int, largest: int = 44) -> float:
    """Return one size for every card's number: the fewest lines first, then the largest size."""
    for max_lines in (1, 2, 3):
        for size in range(largest, 23, -2):
            style = _number_style(size)
            if all(len(wrap(f.text, width, size, True)) <= max_lines
                   and stack_height([Para(f.text, style, "")], width) <= height for f in figures):
                return size
    for figure in figures:
        if fit_size(figure.text, width, height, _number_style(24), 16) is None:
            raise ReportgenError(f"key figure '{figure.key}' is too long for a card: "
                                 f"{figure.text!r}", figure.path or None, figure.line)
    return min(fit_size(f.text, width, height, _number_style(24), 16) or 16 for f in figures)


def _card_paras(figure: Figure, size: float, width: int, height: int, theme: Theme) -> list[Para]:
    number = Para(figure.text, _number_style(size), theme.accent_dark)
    label_style = TextStyle(16, space_before=8)
    rest_h = height - stack_height([number], width)
    label_size = fit_size([figure.label], width, rest_h, label_style, 11)
    if label_size is None:
        raise ReportgenError(f"key figure '{figure.key}': label too long for a card: "
                             f"{figure.label!r}", figure.path or None, figure.line)
    paras = [number, Para(figure.label, label_style.at(label_size), theme.text)]
    if figure.note:
        with_note = [*paras, Para(figure.note, TextStyle(12, space_before=6), theme.muted)]
        if stack_height(with_note, width) <= height:
            paras = with_note
    return paras


# --- timeline ----------------------------------------------------------------------------

def draw_timeline(shapes: SlideShapes, region: Region, events: Sequence[Event],
                  theme: Theme) -> None:
    """Draw *events* evenly along a horizontal line, labels alternately above and below."""
    line_y = region.y + region.h // 2
    add_line(shapes, region.x, line_y, region.right, line_y, HAIRLINE, 2.25, "Timeline axis")
    centres, reach = _event_centres(region, len(events))
    stem = EMU_PER_INCH * 3 // 10
    label_h = region.h // 2 - stem - EMU_PER_INCH // 20
    dot = EMU_PER_INCH * 9 // 50
    for index, (event, centre) in enumerate(zip(events, centres)):
        above = index % 2 == 0
        half = min(reach, centre - region.x, region.right - centre)
        label_w, x = 2 * half, centre - half
        y = line_y - stem - label_h if above else line_y + stem
        end = line_y - stem if above else line_y + stem
        add_line(shapes, centre, line_y, centre, end, tint(theme.accent, 0.5), 1.0,
                 f"Event {index + 1} stem")
        # A planned event is a hollow dot, as on the briefing's timeline.
        planned = event.is_planned
        accent = hex6(theme.accent)
        add_rect(shapes, Region(centre - dot // 2, line_y - dot // 2, dot, dot),
                 "FFFFFF" if planned else accent, f"Event {index + 1} marker", MSO_SHAPE.OVAL,
                 accent if planned else "FFFFFF")
        paras = _event_paras(event, label_w, label_h, theme)
        add_text(shapes, Region(x, y, label_w, label_h), paras, name=f"Event {index + 1}",
                 align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.BOTTOM if above else MSO_ANCHOR.TOP)


def _event_centres(region: Region, count: int) -> tuple[list[int], int]:
    """Return the x of each event's marker and how far its label may reach either side."""
    widest = EMU_PER_INCH * 7 // 4
    if count <= 1:
        return [region.x + region.w // 2], min(region.w // 2, widest)
    edge = region.w * 13 // (20 * count)  # inset the ends so their labels are not squeezed
    step = (region.w - 2 * edge) // (count - 1)
    # Labels alternate sides, so a label's neighbours on its side are two steps away.
    return [region.x + edge + i * step for i in range(count)], min(step - GAP // 4, widest)


def _event_paras(event: Event, width: int, height: int, theme: Theme) -> list[Para]:
    for date_pt, title_pt, text_pt in ((20, 16, 13), (18, 14, 12), (16, 13, 11), (14, 12, 10)):
        paras = [Para(event.when, TextStyle(date_pt, bold=True), hex6(theme.accent)),
                 Para(event.title, TextStyle(title_pt, bold=True, space_before=2), theme.text)]
        with_text = [*paras, Para(event.text, TextStyle(text_pt, space_before=2), theme.muted)]
        if event.text and stack_height(with_text, width) <= height:
            return with_text
        if not event.text and stack_height(paras, width) <= height:
            return paras
    if stack_height(paras, width) <= height:
        return paras
    raise ReportgenError(f"timeline event {event.when} '{event.title}' is too long to fit",
                         event.path or None, event.line)


# --- tables ------------------------------------------------------------------------------

CELL_PAD_X = EMU_PER_INCH // 10
CELL_PAD_Y = EMU_PER_INCH // 20


def table_style(size: float, header: bool = False) -> TextStyle:
    """Return how a table cell is set at *size* points."""
    return TextStyle(size, bold=header)


def column_widths(table: TableSpec, width: int, size: float) -> list[int]:
    """Return column widths summing to *width* EMU, as a browser's automatic table layout would.

    Columns narrower than a fair share keep their natural (one-line) width; the wide ones share
    what is left, never below their longest word. Spare width goes to the text columns.
    """
    count = len(table.columns)
    cells = [table.columns, *table.rows]
    natural, minimum = [], []
    for col in range(count):
        texts = [(row[col] if col < len(row) else "", i == 0) for i, row in enumerate(cells)]
        natural.append(max(_cell_width(t, size, h) for t, h in texts) + 2 * CELL_PAD_X)
        minimum.append(max(_longest_word(t, size, h) for t, h in texts) + 2 * CELL_PAD_X)
    if sum(natural) <= width:
        text_columns = [i for i in range(count) if not (i < len(table.numeric) and table.numeric[i])]
        return _share(natural, text_columns or list(range(count)), width)
    fixed: set[int] = set()
    while len(fixed) < count:
        flexible = [i for i in range(count) if i not in fixed]
        fair = (width - sum(natural[i] for i in fixed)) // len(flexible)
        narrow = {i for i in flexible if natural[i] <= fair}
        if not narrow:
            break
        fixed |= narrow
    widths = [natural[i] if i in fixed else minimum[i] for i in range(count)]
    if sum(widths) > width:
        return _scale_to(widths, width)  # not even the longest words fit: words will break
    flexible = [i for i in range(count) if i not in fixed]
    return _share(widths, flexible, width, weights=natural)


def _share(widths: list[int], receivers: list[int], width: int,
           weights: list[int] | None = None) -> list[int]:
    """Return *widths* with the spare width given to *receivers* in proportion to *weights*."""
    weights = weights or widths
    spare = width - sum(widths)
    total = sum(weights[i] for i in receivers) or 1
    result = list(widths)
    for i in receivers:
        result[i] += spare * weights[i] // total
    result[receivers[-1]] += width - sum(result)
    return result


def _scale_to(widths: list[int], width: int) -> list[int]:
    total = sum(widths)
    scaled = [w * width // total for w in widths]
    scaled[-1] += width - sum(scaled)
    return scaled


def _cell_width(text: str, size: float, header: bool) -> int:
    return max((box_width(line, size, header) for line in text.split("\n")), default=0)


def _longest_word(text: str, size: float, header: bool) -> int:
    return max((box_width(word, size, header) for word in text.split()), default=0)


def row_height(cells: Sequence[str], widths: Sequence[int], size: float,
               header: bool = False) -> int:
    """Return the height of one table row whose cells wrap within *widths*."""
    style = table_style(size, header)
    lines = max((len(wrap(text, w - 2 * CELL_PAD_X, size, style.bold)) for text, w in zip(cells, widths)),
                default=1)
    return lines * line_height(size) + 2 * CELL_PAD_Y


def fill_table(graphic_frame, table: TableSpec, widths: Sequence[int], size: float,
               theme: Theme) -> None:
    """Style a native table: accent header row, hairline rules, numbers right-aligned."""
    tbl = graphic_frame.table
    style_id = tbl._tbl.tblPr.find(qn("a:tableStyleId"))
    if style_id is not None:
        style_id.text = _NO_STYLE_TABLE
    tbl.first_row = True
    tbl.horz_banding = False
    for col, w in enumerate(widths):
        tbl.columns[col].width = Emu(w)
    rows = [table.columns, *table.rows]
    for r, cells in enumerate(rows):
        header = r == 0
        tbl.rows[r].height = Emu(row_height(cells, widths, size, header))
        for c in range(len(table.columns)):
            cell = tbl.cell(r, c)
            text = cells[c] if c < len(cells) else ""
            numeric = c < len(table.numeric) and table.numeric[c]
            _style_cell(cell, text, size, header, numeric, theme, last=r == len(rows) - 1)


def _style_cell(cell, text: str, size: float, header: bool, numeric: bool, theme: Theme,
                last: bool) -> None:
    cell.margin_left = cell.margin_right = Emu(CELL_PAD_X)
    cell.margin_top = cell.margin_bottom = Emu(CELL_PAD_Y)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE if header else MSO_ANCHOR.TOP
    frame = cell.text_frame
    frame.word_wrap = True
    colour = "FFFFFF" if header else hex6(theme.text)
    write_paragraph(frame, 0, Para(text, table_style(size, header), colour), PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT)
    _set_borders(cell, HAIRLINE if not last else hex6(theme.accent))
    if header:
        cell.fill.solid()
        cell.fill.fore_color.rgb = rgb(theme.accent)
    else:
        cell.fill.background()


def _set_borders(cell, bottom: str) -> None:
    tc_pr = cell._tc.get_or_add_tcPr()
    for tag in ("a:lnL", "a:lnR", "a:lnT", "a:lnB"):
        for old in tc_pr.findall(qn(tag)):
            tc_pr.remove(old)
    for position, border in enumerate(ooxml.cell_borders(bottom)):
        tc_pr.insert(position, border)
