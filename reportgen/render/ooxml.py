"""The raw Office Open XML reportgen writes or reads beside python-pptx's API, in one place.

Namespaces, the few element builders the deck needs (a bullet switched off, a slide-number
field, numbering, chart elements python-pptx has no API for), the document-properties part,
path helpers for ``find``, and compiled XPath objects (python-pptx and citeproc-py evaluate
fixed XPath strings that lxml would otherwise compile on every call), and paragraphs set
alike written once and copied (``stamped``).
"""

from __future__ import annotations

import threading
from copy import deepcopy
from typing import Any, Callable, Hashable
from xml.sax.saxutils import escape

NAMESPACES = {
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
    "c": "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
A, P, C = NAMESPACES["a"], NAMESPACES["p"], NAMESPACES["c"]
EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
DOC_PROPS_VTYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
SLIDE_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # PowerPoint's id of the slide-number field


def qn(name: str) -> str:
    """Return the Clark name of a prefixed tag: qn('a:t') -> '{http://…/main}t'."""
    prefix, _, local = name.partition(":")
    return f"{{{NAMESPACES[prefix]}}}{local}"


def path(*tags: str) -> str:
    """Return a ``find`` path of prefixed tags: path('p:txBody', 'a:bodyPr')."""
    return "/".join(qn(name) for name in tags)


def nsdecls(*prefixes: str) -> str:
    """Return the xmlns declarations of *prefixes*, for an element written as text."""
    return " ".join(f'xmlns:{prefix}="{NAMESPACES[prefix]}"' for prefix in prefixes)


def element(xml: str, *prefixes: str) -> Any:
    """Return a python-pptx element parsed from *xml*, its root declaring the namespaces of
    *prefixes* (default: the root tag's own): element('<a:buNone/>')."""
    from pptx.oxml import parse_xml

    name = xml[1:].split(None, 1)[0].split("/", 1)[0].split(">", 1)[0]
    head, _, rest = xml.partition(name)
    return parse_xml(f"{head}{name} {nsdecls(*(prefixes or (name.partition(':')[0],)))}{rest}")


def level1_size(style: Any) -> float | None:
    """Return the point size of level-1 text in a list or text style (a:lstStyle, p:bodyStyle …), or None."""
    if style is None:
        return None
    properties = style.find(path("a:lvl1pPr", "a:defRPr"))
    if properties is None or properties.get("sz") is None:
        return None
    return int(properties.get("sz")) / 100


# --- element builders -------------------------------------------------------------------

def no_bullet() -> Any:
    """Return an ``a:buNone``: this paragraph has no bullet."""
    return element("<a:buNone/>")


def numbering(kind: str, start: int) -> Any:
    """Return an ``a:buAutoNum`` of *kind* (arabicPeriod …) counting from *start*."""
    return element(f'<a:buAutoNum type="{kind}" startAt="{start}"/>')


def slide_number(number: int) -> Any:
    """Return a slide-number field showing *number* until the viewer fills it in."""
    return element(f'<a:fld id="{SLIDE_NUMBER_FIELD}" type="slidenum"><a:rPr/><a:t>{number}</a:t></a:fld>')


def value(name: str, val: object) -> Any:
    """Return an element that only carries a value: value('c:smooth', 0) is <c:smooth val="0"/>."""
    return element(f'<{name} val="{escape(str(val))}"/>')


def line_chart() -> Any:
    """Return an empty ``c:lineChart`` (standard grouping, one colour per series) to move series into."""
    return element('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/></c:lineChart>')


def manual_layout(x: float, y: float, w: float, h: float) -> Any:
    """Return a ``c:layout`` fixing the plot area's inner box, as shares of the chart frame."""
    return element(
        '<c:layout><c:manualLayout><c:layoutTarget val="inner"/><c:xMode val="edge"/><c:yMode val="edge"/>'
        f'<c:x val="{x:.4f}"/><c:y val="{y:.4f}"/><c:w val="{w:.4f}"/><c:h val="{h:.4f}"/>'
        "</c:manualLayout></c:layout>")


def number_format(code: str) -> Any:
    """Return a ``c:numFmt`` of Excel format *code*, not linked to the data's own."""
    built = element('<c:numFmt formatCode="" sourceLinked="0"/>')
    built.set("formatCode", code)
    return built


def white_ground() -> Any:
    """Return a chart element's ``c:spPr`` filled white (a data label's ground)."""
    return element('<c:spPr><a:solidFill><a:srgbClr val="FFFFFF"/></a:solidFill></c:spPr>', "c", "a")


def separator(text: str) -> Any:
    """Return a data label's ``c:separator`` between category and value."""
    built = element("<c:separator/>")
    built.text = text
    return built


def cell_borders(bottom: str) -> list[Any]:
    """Return a table cell's borders: none left, right and top, a hairline of RRGGBB *bottom* below."""
    borders = [element(f'<a:{side} w="0"><a:noFill/></a:{side}>') for side in ("lnL", "lnR", "lnT")]
    borders.append(element(f'<a:lnB w="9525" cap="flat" cmpd="sng"><a:solidFill><a:srgbClr val="{bottom}"/>'
                           '</a:solidFill><a:prstDash val="solid"/></a:lnB>'))
    return borders


# --- document properties ----------------------------------------------------------------

def app_properties(slides: int, notes: int | None = None, titles: list[str] | None = None) -> bytes:
    """Return a docProps/app.xml for a deck of *slides* slides, *notes* notes pages and these
    slide *titles* (a master, with no slides, leaves the last two None)."""
    counts = "" if notes is None else f"<Notes>{notes}</Notes><HiddenSlides>0</HiddenSlides>"
    parts = "" if titles is None else (
        f'<TitlesOfParts><vt:vector size="{len(titles)}" baseType="lpstr">'
        + "".join(f"<vt:lpstr>{escape(title)}</vt:lpstr>" for title in titles)
        + "</vt:vector></TitlesOfParts>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{EXTENDED_PROPERTIES}" xmlns:vt="{DOC_PROPS_VTYPES}">'
        "<TotalTime>0</TotalTime><Application>reportgen</Application>"
        f"<PresentationFormat>Widescreen</PresentationFormat><Slides>{slides}</Slides>{counts}"
        f"<ScaleCrop>false</ScaleCrop>{parts}<LinksUpToDate>false</LinksUpToDate><SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged></Properties>"
    ).encode("utf-8")


# --- paragraphs written once and copied --------------------------------------------------

_stamps = threading.local()  # lxml elements are not shared across threads (the preview renders in several)
_MAX_STAMPS = 512


def stamped(frame: Any, index: int, key: Hashable, write: Callable[[Any], None], text: str) -> None:
    """Fill paragraph *index* of the python-pptx text *frame* as ``write(paragraph)`` does,
    where *write* sets the paragraph and one run holding *text*; *index* > 0 adds a paragraph
    after the others, as ``frame.add_paragraph()`` does.

    python-pptx's setters cost about a millisecond a paragraph (each one inserts its element
    in schema order by looking its successors up one by one), and a deck sets hundreds of
    paragraphs alike. The first paragraph of each *key* (all that *write* depends on but the
    text) is written by *write* and kept; the next ones copy its XML and set their own text
    through the same setter: the same bytes (the repository's five decks: 0.55 s -> 0.41 s).
    """
    stamps: dict[Hashable, Any] | None = getattr(_stamps, "found", None)
    if stamps is None:
        stamps = _stamps.found = {}
    existing = frame.paragraphs[0]._p if index == 0 else None
    fresh = existing is None or not (len(existing) or existing.attrib)  # else it is written to as it is
    proto = stamps.get(key)
    if proto is None or not fresh:
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        write(paragraph)
        if fresh and len(paragraph._p.findall(qn("a:r"))) == 1:
            if len(stamps) >= _MAX_STAMPS:
                stamps.clear()
            stamps[key] = deepcopy(paragraph._p)
        return
    copy = deepcopy(proto)
    copy.find(qn("a:r")).text = text  # python-pptx's run setter: control characters escaped alike
    if existing is not None:
        existing.getparent().replace(existing, copy)
    else:
        frame._txBody.append(copy)


# --- compiled XPath ---------------------------------------------------------------------

_routed: set[tuple[type, str]] = set()


def route_xpath(cls: type, method: str, namespaces: dict[str, str]) -> None:
    """Make ``cls.method(self, expression)`` evaluate compiled XPath objects (idempotent).

    python-pptx and citeproc-py find elements through fixed XPath strings passed to lxml's
    ``element.xpath()``, which compiles the expression on every call (some 40 % of the time the
    repository's decks take, two thirds of a citation's). The results are the same. Compiled
    objects are kept per thread: lxml's XPath objects are not shared across threads.
    """
    if (cls, method) in _routed:
        return
    from lxml import etree

    original = getattr(cls, method)
    frozen = dict(namespaces)
    local = threading.local()

    def xpath(self: Any, expression: str) -> Any:
        compiled = getattr(local, "compiled", None)
        if compiled is None:
            compiled = local.compiled = {}
        evaluate = compiled.get(expression)
        if evaluate is None:
            evaluate = compiled[expression] = etree.XPath(expression, namespaces=frozen)
        return evaluate(self)

    xpath.__doc__ = original.__doc__
    setattr(cls, method, xpath)
    _routed.add((cls, method))


def compile_pptx_xpath() -> None:
    """Route python-pptx's ``BaseOxmlElement.xpath`` through compiled XPath objects (idempotent)."""
    try:  # python-pptx internals: if a future release moves them, run without the speed-up
        from pptx.oxml.ns import _nsmap
        from pptx.oxml.xmlchemy import BaseOxmlElement
    except ImportError:
        return
    route_xpath(BaseOxmlElement, "xpath", _nsmap)
