"""Which layout of the master plays each role a deck plan names, and the rules read from it.

A plan names a slide's layout by role: ``Title``, ``Agenda``, ``Section``, ``Bullets``, ``Two
content``, ``Chart``, ``Table``, ``Key figures``, ``Quote``, ``Timeline``, ``Closing`` (the
built-in master's layout names). The master's layout of that name plays the role; failing that,
its first layout whose OOXML type (``p:sldLayout/@type``, which PowerPoint sets: ``title``,
``obj``, ``secHead``, ``twoObj``, ``objTx``, ``titleOnly`` …) suits the role. A plan may also name
any other layout of the master; it is read as a list of bullets (and a second column).

From the chosen layout, never from its name, come: which placeholder holds which text (by
placeholder type, then the larger box first, then left to right), each text's point size (the
placeholder's own list style, else the master's placeholder, else the master's text styles),
how far a text may shrink (a share of that size, per role), and how many bullets the box
takes (those that fit on one line each at the smallest size, at most the role's limit).
``ROLES`` is the one table a new role extends. Lengths are EMU, sizes points.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.presentation import Presentation
from pptx.slide import SlideLayout

from reportgen.render import ooxml
from reportgen.render.deck_drawings import Region
from reportgen.textfit import EMU_PER_PT, line_height


@dataclass(frozen=True)
class Role:
    """What a plan's layout role needs from a layout of the master.

    *types*: OOXML layout types that can play it, best first. *fields*: the texts beside its
    title, the first in the largest box. *joins*: a text that shares another's box when the
    layout has no box for it. *shrink*: the smallest size of a text as a share of the master's
    size (the default in ``SHRINK``). *max_bullets*: the house limit on bullets a slide (None:
    what fits).
    """

    types: tuple[str, ...]
    fields: tuple[str, ...] = ("bullets", "bullets_right")
    joins: Mapping[str, str] = field(default_factory=dict)
    shrink: Mapping[str, float] = field(default_factory=dict)
    max_bullets: int | None = None


# How far a text may shrink below the master's size, unless its role says otherwise.
SHRINK = {"title": 20 / 28, "bullets": 18 / 20, "bullets_right": 18 / 20, "subtitle": 16 / 22,
          "text": 14 / 20, "quote": 18 / 28, "attribution": 12 / 16}
SMALLEST = 10.0  # no text is shrunk below this (unless the master sets it smaller)

ROLES: dict[str, Role] = {
    "Title": Role(("title",), ("subtitle", "text"), joins={"text": "subtitle"},
                  shrink={"title": 30 / 44, "text": 11 / 14}),
    "Agenda": Role(("tx", "obj"), ("bullets",), shrink={"bullets": 18 / 22}, max_bullets=8),
    "Section": Role(("secHead",), ("text",), shrink={"title": 28 / 40, "text": 16 / 28}),
    "Bullets": Role(("obj", "tx"), max_bullets=6),
    "Two content": Role(("twoObj", "twoColTx", "twoTxTwoObj"),
                        shrink={"bullets": 16 / 18, "bullets_right": 16 / 18}, max_bullets=6),
    "Chart": Role(("chart", "obj")),
    "Table": Role(("tbl", "obj")),
    "Key figures": Role(("titleOnly", "obj")),
    "Quote": Role(("txOverObj", "objTx", "obj"), ("quote", "attribution"), joins={"attribution": "quote"}),
    "Timeline": Role(("titleOnly", "obj")),
    "Closing": Role(("objTx", "obj"), ("bullets", "text"),
                    shrink={"title": 24 / 36, "bullets": 11 / 14, "text": 12 / 16}),
}
OTHER = Role(())  # a layout the plan names that plays no role: bullets, and a second column

_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
_TEXTS = (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.SUBTITLE)
_CONTENT = (*_TEXTS, PP_PLACEHOLDER.CHART, PP_PLACEHOLDER.TABLE, PP_PLACEHOLDER.PICTURE)
_STYLE_OF = {PP_PLACEHOLDER.TITLE: "titleStyle", PP_PLACEHOLDER.CENTER_TITLE: "titleStyle",
             PP_PLACEHOLDER.BODY: "bodyStyle", PP_PLACEHOLDER.OBJECT: "bodyStyle",
             PP_PLACEHOLDER.SUBTITLE: "bodyStyle"}
_FALLBACK_SIZE = 18.0  # a master that sets no size anywhere: what PowerPoint assumes


@dataclass(frozen=True, eq=False)
class LayoutRules:
    """One role played by one layout: where its texts go, their sizes, its bullet limit.

    *places* maps a text (``title``, ``bullets`` …) to its placeholder's idx; *sizes* maps it to
    (largest, smallest) points; *content* is the idx of the box charts, tables and drawings fill
    (None: between the title and the footer).
    """

    role: str
    layout: SlideLayout
    places: Mapping[str, int]
    sizes: Mapping[str, tuple[float, float]]
    joins: Mapping[str, str]
    content: int | None
    max_bullets: int | None

    def placeholder(self, text: str) -> Any:
        """Return the layout placeholder that holds *text*, or None."""
        idx = self.places.get(text)
        return None if idx is None else placeholder_of(self.layout, idx)

    def size(self, text: str) -> tuple[float, float]:
        """Return the (largest, smallest) point size of *text* on this layout."""
        return self.sizes.get(text) or self.sizes.get(self.joins.get(text, ""), (20.0, 18.0))

    def home(self, text: str) -> int | None:
        """Return the idx of the box *text* is set in: its own, the one it joins, or (a slide's
        text on a layout with no box for it) the bullets' box, as lead paragraphs."""
        idx = self.places.get(text, self.places.get(self.joins.get(text, "")))
        return self.places.get("bullets") if idx is None and text == "text" else idx


class Layouts:
    """The layouts of a master, by the role or name a plan gives them."""

    def __init__(self, prs: Presentation) -> None:
        self.prs = prs
        self.by_name: dict[str, SlideLayout] = {}
        for master in prs.slide_masters:
            for layout in master.slide_layouts:
                self.by_name.setdefault(layout.name, layout)
        self._rules: dict[str, LayoutRules | None] = {}

    def names(self) -> list[str]:
        """Return the names of the master's layouts, in order."""
        return list(self.by_name)

    def rules(self, name: str) -> LayoutRules | None:
        """Return the rules of the layout that plays *name* (a role or a layout's name), or None."""
        if name not in self._rules:
            layout = self._layout(name)
            self._rules[name] = None if layout is None else read_rules(name, layout, self.prs)
        return self._rules[name]

    def _layout(self, name: str) -> SlideLayout | None:
        if name in self.by_name:
            return self.by_name[name]
        role = ROLES.get(name)
        if role is None:
            return None
        for kind in role.types:
            for layout in self.by_name.values():
                if layout._element.get("type") == kind:
                    return layout
        return None


def placeholder_of(layout: SlideLayout, idx: int) -> Any:
    """Return the placeholder of *layout* with *idx*, or None."""
    for placeholder in layout.placeholders:
        if placeholder.placeholder_format.idx == idx:
            return placeholder
    return None


def read_rules(name: str, layout: SlideLayout, prs: Presentation) -> LayoutRules:
    """Return the rules of role *name* as *layout* plays it, read from its placeholders."""
    role = ROLES.get(name, OTHER)
    placeholders = list(layout.placeholders)
    kinds = {p.placeholder_format.idx: p.placeholder_format.type for p in placeholders}
    title = next((p for p in placeholders if kinds[p.placeholder_format.idx] in _TITLES), None)
    places: dict[str, int] = {} if title is None else {"title": title.placeholder_format.idx}
    texts = sorted((p for p in placeholders if kinds[p.placeholder_format.idx] in _TEXTS), key=_larger_first)
    subtitle = next((p for p in texts if kinds[p.placeholder_format.idx] == PP_PLACEHOLDER.SUBTITLE), None)
    if "subtitle" in role.fields and subtitle is not None:
        texts.remove(subtitle)
        texts.insert(0, subtitle)
    for text, placeholder in zip(role.fields, texts):
        places[text] = placeholder.placeholder_format.idx
    if "bullets" in places and "bullets_right" in places:  # two columns read left to right
        left, right = sorted((placeholder_of(layout, places[f]) for f in ("bullets", "bullets_right")),
                             key=lambda p: (int(p.left or 0), int(p.top or 0)))
        places["bullets"], places["bullets_right"] = left.placeholder_format.idx, right.placeholder_format.idx
    sizes = {}
    for text, idx in places.items():
        largest = font_size(placeholder_of(layout, idx), layout)
        share = role.shrink.get(text, SHRINK.get(text, 1.0))
        sizes[text] = (largest, float(max(round(largest * share), min(largest, SMALLEST))))
    if "bullets" not in sizes:  # a lead paragraph with no box of its own is still sized as bullets
        largest = _style_size(layout, "bodyStyle") or _FALLBACK_SIZE
        sizes["bullets"] = (largest, float(round(largest * SHRINK["bullets"])))
    content = places.get(role.fields[0]) if role.fields else None
    if content is None:
        boxes = sorted((p for p in placeholders if kinds[p.placeholder_format.idx] in _CONTENT), key=_larger_first)
        content = boxes[0].placeholder_format.idx if boxes else None
    bullets = placeholder_of(layout, places["bullets"]) if "bullets" in places else None
    limit = role.max_bullets
    if bullets is not None:
        fit = _bullets_that_fit(bullets, sizes["bullets"][1])
        limit = fit if limit is None else min(limit, fit)
    return LayoutRules(name, layout, places, sizes, dict(role.joins), content, limit)


def _larger_first(placeholder: Any) -> tuple[int, int, int]:
    return (-int(placeholder.width or 0) * int(placeholder.height or 0), int(placeholder.left or 0),
            int(placeholder.top or 0))


def font_size(placeholder: Any, layout: SlideLayout) -> float:
    """Return the level-1 point size the master gives text in *placeholder* of *layout*.

    Read from the placeholder's list style, else its master placeholder's, else the master's
    title, body or other text style (by placeholder type); 18 pt when none sets one.
    """
    chain = [placeholder._element]
    base = getattr(placeholder, "_base_placeholder", None)
    if base is not None:
        chain.append(base._element)
    for element in chain:
        size = ooxml.level1_size(element.find(ooxml.path("p:txBody", "a:lstStyle")))
        if size is not None:
            return size
    style = _STYLE_OF.get(placeholder.placeholder_format.type, "otherStyle")
    return _style_size(layout, style) or _FALLBACK_SIZE


def _style_size(layout: SlideLayout, style: str) -> float | None:
    return ooxml.level1_size(layout.slide_master._element.find(ooxml.path("p:txStyles", f"p:{style}")))


def _bullets_that_fit(placeholder: Any, size: float) -> int:
    """Return how many one-line bullets at *size* points the placeholder's text area holds."""
    gap = round(size / 2 * EMU_PER_PT)  # half a line between bullets (deck_pages.bullet_style)
    return max(1, (text_area(placeholder).h + gap) // (line_height(size) + gap))


# --- geometry ---------------------------------------------------------------------------

_INSETS = {"lIns": 91440, "tIns": 45720, "rIns": 91440, "bIns": 45720}  # OOXML's defaults


def box_of(shape: Any) -> Region:
    """Return a shape's position and size (inherited from its layout if need be)."""
    return Region(int(shape.left or 0), int(shape.top or 0), int(shape.width or 0),
                  int(shape.height or 0))


def text_area(placeholder: Any) -> Region:
    """Return the placeholder's box less its text insets (read from layout, then master)."""
    insets = dict(_INSETS)
    chain = [placeholder]
    base = getattr(placeholder, "_base_placeholder", None)
    if base is not None:
        chain.append(base)
    for key in insets:
        for shape in chain:
            body_pr = shape._element.find(ooxml.path("p:txBody", "a:bodyPr"))
            if body_pr is not None and body_pr.get(key) is not None:
                insets[key] = int(body_pr.get(key))
                break
    box = box_of(placeholder)
    return Region(box.x + insets["lIns"], box.y + insets["tIns"],
                  box.w - insets["lIns"] - insets["rIns"], box.h - insets["tIns"] - insets["bIns"])


def bullet_indent(placeholder: Any) -> int:
    """Return the level-1 left margin of bulleted text in *placeholder* (of a layout), in EMU."""
    level = placeholder._element.find(ooxml.path("p:txBody", "a:lstStyle", "a:lvl1pPr"))
    if level is not None and level.get("marL") is not None:
        return int(level.get("marL"))
    master = placeholder.part.slide_master._element
    body_style = master.find(ooxml.path("p:txStyles", "p:bodyStyle", "a:lvl1pPr"))
    if body_style is not None and body_style.get("marL") is not None:
        return int(body_style.get("marL"))
    return 0
