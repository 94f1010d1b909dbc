"""The raw Office Open XML reportgen writes or reads beside python-pptx's API, in one place.

Namespaces, the few element builders the deck needs (a bullet switched off, a slide-number
field, numbering, chart elements python-pptx has no API for), the document-properties part,
path helpers for ``find``, and compiled XPath objects (python-pptx and citeproc-py evaluate
fixed XPath strings that lxml would otherwise compile on every call).
"""

from __future__ import annotations

import threading
from typing import Any, Callable
from xml.sax.saxutils import escape

from lxml import etree
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
EXTENDED_PROPERTIES = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
DOC_PROPS_VTYPES = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
SLIDE_NUMBER_FIELD = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"  # PowerPoint's id of the slide-number field

__all__ = ["A", "C", "P", "element", "nsdecls", "path", "qn", "tag"]


def tag(prefix: str, name: str) -> str:
    """Return the Clark name of *name* in the namespace of *prefix* ('a', 'p' or 'c')."""
    return f"{{{ {'a': A, 'p': P, 'c': C}[prefix] }}}{name}"


def path(*tags: str) -> str:
    """Return a ``find`` path of prefixed tags: path('p:txBody', 'a:bodyPr')."""
    return "/".join(qn(name) for name in tags)


def element(xml: str, *prefixes: str) -> Any:
    """Return an element parsed from *xml*, its root declaring the namespaces of *prefixes*
    (default: the root tag's prefix): element('<a:buNone/>')."""
    name = xml[1:].split(None, 1)[0].split("/", 1)[0].split(">", 1)[0]
    declared = prefixes or (name.split(":", 1)[0],)
    head, _, rest = xml.partition(name)
    return parse_xml(f"{head}{name} {nsdecls(*declared)}{rest}")


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


# --- compiled XPath ---------------------------------------------------------------------

_local = threading.local()


def compiled_xpath(expression: str, namespaces: dict[str, str]) -> Callable[[Any], Any]:
    """Return *expression* compiled once per thread (lxml's XPath objects are not shared across threads)."""
    cache = getattr(_local, "compiled", None)
    if cache is None:
        cache = _local.compiled = {}
    key = (expression, id(namespaces))
    evaluate = cache.get(key)
    if evaluate is None:
        evaluate = cache[key] = etree.XPath(expression, namespaces=namespaces)
    return evaluate
