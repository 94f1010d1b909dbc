"""Build reportgen's built-in 16:9 deck master (templates/base/deck.pptx) from python-pptx's default.

Run from the repository root: ``python scripts/make_master.py [OUTPUT]``. The output is
byte-identical on every run. Layout geometry lives in the ``LAYOUTS`` table below; the deck
renderer finds layouts by name (``reportgen/render/deck_layouts.py``) and reads placeholder
positions and text sizes from them, so moving a box or changing a size here changes it in every
deck.
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from lxml import etree
from pptx import Presentation
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.packuri import PackURI
from pptx.oxml import parse_xml
from pptx.parts.slide import SlideLayoutPart

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reportgen.model import Theme  # noqa: E402
from reportgen.render.deck_package import normalise_zip, set_core_properties, set_theme_colours, theme_colours  # noqa: E402
from reportgen.render.ooxml import A, app_properties, nsdecls, qn  # noqa: E402

OUTPUT = Path(__file__).resolve().parent.parent / "reportgen" / "templates" / "base" / "deck.pptx"
CREATED = datetime(2024, 1, 1)
THEME_NAME = "reportgen"
FONT = "Calibri"  # LibreOffice substitutes the metric-compatible Carlito

SLIDE_W, SLIDE_H = 40 / 3, 7.5  # inches: 12,192,000 × 6,858,000 EMU
MARGIN = 0.6
CONTENT_W = SLIDE_W - 2 * MARGIN
TITLE_BOX = (MARGIN, 0.3, CONTENT_W, 1.05)
BODY_TOP, BODY_BOTTOM = 1.8, 6.55
BODY_BOX = (MARGIN, BODY_TOP, CONTENT_W, BODY_BOTTOM - BODY_TOP)
FOOTER_BOX = (MARGIN, 6.9, 10.4, 0.3)
NUMBER_BOX = (SLIDE_W - MARGIN - 1.2, 6.9, 1.2, 0.3)

_NS = nsdecls("a", "r", "p")


def emu(inches: float) -> int:
    """Return *inches* in EMU."""
    return round(inches * 914_400)


@dataclass(frozen=True)
class Box:
    """A placeholder of a layout: its ph type and idx, position (inches) and text style."""

    ph: str  # title, ctrTitle, subTitle, body, chart, tbl, ftr, sldNum
    idx: int
    box: tuple[float, float, float, float]
    prompt: str
    size: int = 0  # hundredths of a point; 0 inherits from the master
    colour: str = ""  # scheme colour name; "" inherits
    bold: bool | None = None
    italic: bool = False
    anchor: str = "t"
    align: str = ""
    bullets: str = "inherit"  # inherit | none | numbered
    spacing: int = 0  # line spacing in thousandths of a percent; 0 inherits


@dataclass(frozen=True)
class Decoration:
    """A fixed shape of a layout: a filled rectangle, or a glyph when *text* is set."""

    name: str
    box: tuple[float, float, float, float]
    colour: str
    text: str = ""
    size: int = 0


def _title(**overrides: object) -> Box:
    settings: dict = {"ph": "title", "idx": 0, "box": TITLE_BOX,
                      "prompt": "Click to add an action title", "anchor": "b"}
    settings.update(overrides)
    return Box(**settings)


def _body(idx: int, box: tuple[float, float, float, float], **overrides: object) -> Box:
    settings: dict = {"ph": "body", "idx": idx, "box": box, "prompt": "Click to add text"}
    settings.update(overrides)
    return Box(**settings)


def _footers(colour: str = "", footer_box: tuple[float, float, float, float] = FOOTER_BOX) -> list[Box]:
    return [Box("ftr", 11, footer_box, "Source", colour=colour, anchor="ctr"),
            Box("sldNum", 12, NUMBER_BOX, "‹#›", colour=colour, anchor="ctr", align="r")]


RULE = [Decoration("Title rule", (MARGIN, 1.485, CONTENT_W, 0.012), "bg1:80"),
        Decoration("Title accent", (MARGIN, 1.46, 0.9, 0.06), "accent1")]

HALF_W = (CONTENT_W - 0.45) / 2

LAYOUTS: list[tuple[str, str, list[Box], list[Decoration]]] = [
    ("Title", "accent1",
     [Box("ctrTitle", 0, (0.9, 1.5, 11.2, 2.55), "Click to add the deck title", size=4400,
          colour="bg1", bold=True, anchor="b", spacing=90000),
      Box("subTitle", 1, (0.9, 4.45, 11.2, 1.45), "Click to add a subtitle", size=2200,
          colour="bg2", bold=False, bullets="none"),
      _body(2, (0.9, 6.35, 11.2, 0.55), size=1400, colour="bg1", bullets="none",
            anchor="ctr", prompt="Organisation · date"),
      *_footers("bg2")],
     [Decoration("Band", (0, 6.2, SLIDE_W, SLIDE_H - 6.2), "accent2"),
      Decoration("Title accent", (0.9, 4.2, 1.2, 0.06), "bg2")]),
    ("Agenda", "",
     [_title(),
      _body(1, (MARGIN, BODY_TOP, 9.2, BODY_BOTTOM - BODY_TOP), bullets="numbered", size=2200),
      *_footers()],
     RULE),
    ("Section", "bg2",
     [_title(box=(1.0, 2.0, 11.0, 1.9), size=4000, prompt="Click to add a section title"),
      _body(1, (1.0, 4.15, 10.0, 1.6), size=2800, colour="tx1", bullets="none",
            prompt="Click to add the section's summary"),
      *_footers()],
     [Decoration("Section accent", (MARGIN, 2.75, 0.09, 2.5), "accent1")]),
    ("Bullets", "", [_title(), _body(1, BODY_BOX), *_footers()], RULE),
    ("Two content", "",
     [_title(),
      _body(1, (MARGIN, BODY_TOP, HALF_W, BODY_BOTTOM - BODY_TOP), size=1800),
      _body(2, (MARGIN + HALF_W + 0.45, BODY_TOP, HALF_W, BODY_BOTTOM - BODY_TOP), size=1800),
      *_footers()],
     RULE),
    ("Chart", "", [_title(), Box("chart", 1, BODY_BOX, "Click to add a chart"), *_footers()], RULE),
    ("Table", "", [_title(), Box("tbl", 1, BODY_BOX, "Click to add a table"), *_footers()], RULE),
    ("Key figures", "", [_title(), *_footers()], RULE),
    ("Quote", "",
     [_title(),
      _body(1, (1.9, 1.9, 9.9, 3.3), size=2800, italic=True, bullets="none", anchor="ctr",
            spacing=105000, prompt="Click to add the quotation"),
      _body(2, (1.9, 5.5, 9.9, 0.6), size=1600, colour="tx2", bullets="none",
            prompt="Who said it, where"),
      *_footers()],
     [Decoration("Quote mark", (MARGIN, 1.55, 1.2, 2.0), "accent1", text="\u201c", size=16000),
      Decoration("Quote rule", (1.9, 5.35, 0.6, 0.05), "accent1")]),
    ("Timeline", "", [_title(), *_footers()], RULE),
    ("Closing", "",
     [_title(box=(MARGIN, 1.4, 3.75, 2.6), size=3600, colour="bg1",
             prompt="Click to add a closing title"),
      _body(1, (5.5, 0.9, SLIDE_W - 5.5 - MARGIN, 5.65), size=1400, anchor="ctr",
            prompt="Sources"),
      _body(2, (MARGIN, 4.45, 3.75, 2.0), size=1600, colour="bg2", bullets="none",
            prompt="Click to add a closing line"),
      *_footers(footer_box=(5.5, 6.9, 5.5, 0.3))],
     [Decoration("Panel", (0, 0, 4.8, SLIDE_H), "accent1"),
      Decoration("Title accent", (MARGIN, 4.2, 0.9, 0.06), "bg2")]),
]


def _xfrm(box: tuple[float, float, float, float]) -> str:
    x, y, w, h = (emu(v) for v in box)
    return f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'


def _colour(name: str) -> str:
    scheme, _, lum = name.partition(":")
    if not lum:
        return f'<a:solidFill><a:schemeClr val="{scheme}"/></a:solidFill>'
    return (f'<a:solidFill><a:schemeClr val="{scheme}"><a:lumMod val="{int(lum) * 1000}"/>'
            "</a:schemeClr></a:solidFill>")


def _run_props(box: Box) -> str:
    attrs = ""
    if box.size:
        attrs += f' sz="{box.size}"'
    if box.bold is not None:
        attrs += f' b="{int(box.bold)}"'
    if box.italic:
        attrs += ' i="1"'
    fill = _colour(box.colour) if box.colour else ""
    return f"<a:defRPr{attrs}>{fill}</a:defRPr>"


def _level1(box: Box) -> str:
    attrs = f' algn="{box.align}"' if box.align else ""
    inner = ""
    if box.spacing:
        inner += f'<a:lnSpc><a:spcPct val="{box.spacing}"/></a:lnSpc>'
    if box.bullets == "none":
        attrs += ' marL="0" indent="0"'
        inner += "<a:buNone/>"
    elif box.bullets == "numbered":
        attrs += ' marL="457200" indent="-457200"'
        inner += ('<a:spcBef><a:spcPts val="1400"/></a:spcBef>'
                  '<a:buClr><a:schemeClr val="accent1"/></a:buClr>'
                  '<a:buFont typeface="+mj-lt"/><a:buAutoNum type="arabicPeriod"/>')
    return f"<a:lvl1pPr{attrs}>{inner}{_run_props(box)}</a:lvl1pPr>"


def _placeholder(shape_id: int, box: Box) -> str:
    ph_idx = "" if box.idx == 0 else f' idx="{box.idx}"'
    size = ' sz="quarter"' if box.ph in ("ftr", "sldNum") else ""
    if box.ph == "sldNum":
        paragraph = ('<a:p><a:fld id="{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}" type="slidenum">'
                     '<a:rPr lang="en-GB"/><a:t>‹#›</a:t></a:fld></a:p>')
    else:
        paragraph = (f'<a:p><a:r><a:rPr lang="en-GB"/><a:t>{escape(box.prompt)}</a:t></a:r>'
                     "</a:p>")
    name = {"title": "Title", "ctrTitle": "Title", "subTitle": "Subtitle", "chart": "Chart",
            "tbl": "Table", "ftr": "Footer", "sldNum": "Slide Number"}.get(box.ph, "Text")
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{name} Placeholder {box.idx}"/>'
        '<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
        f'<p:nvPr><p:ph type="{box.ph}"{size}{ph_idx}/></p:nvPr></p:nvSpPr>'
        f"<p:spPr>{_xfrm(box.box)}</p:spPr>"
        f'<p:txBody><a:bodyPr anchor="{box.anchor}"><a:noAutofit/></a:bodyPr>'
        f"<a:lstStyle>{_level1(box)}</a:lstStyle>{paragraph}</p:txBody></p:sp>"
    )


def _decoration(shape_id: int, shape: Decoration) -> str:
    body = ""
    fill = _colour(shape.colour)
    if shape.text:
        body = ('<p:txBody><a:bodyPr wrap="none" lIns="0" tIns="0" rIns="0" bIns="0" anchor="t">'
                '<a:noAutofit/></a:bodyPr><a:lstStyle/><a:p><a:pPr><a:lnSpc><a:spcPct val="100000"/>'
                f'</a:lnSpc></a:pPr><a:r><a:rPr lang="en-GB" sz="{shape.size}" b="1">{fill}'
                f'<a:latin typeface="+mj-lt"/></a:rPr><a:t>{escape(shape.text)}</a:t></a:r></a:p>'
                "</p:txBody>")
        fill = "<a:noFill/>"
    return (
        f'<p:sp><p:nvSpPr><p:cNvPr id="{shape_id}" name="{shape.name}"/><p:cNvSpPr/>'
        '<p:nvPr userDrawn="1"/></p:nvSpPr>'
        f'<p:spPr>{_xfrm(shape.box)}<a:prstGeom prst="rect"><a:avLst/></a:prstGeom>{fill}'
        f"<a:ln><a:noFill/></a:ln></p:spPr>{body}</p:sp>"
    )


_GROUP = ('<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
          '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
          '<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>')


def _background(colour: str) -> str:
    if not colour:
        return ""
    return f"<p:bg><p:bgPr>{_colour(colour)}<a:effectLst/></p:bgPr></p:bg>"


def layout_xml(name: str, background: str, boxes: list[Box], decorations: list[Decoration]) -> str:
    """Return the XML of one slide layout: background, fixed shapes, then placeholders."""
    shapes = [_decoration(2 + i, shape) for i, shape in enumerate(decorations)]
    shapes += [_placeholder(2 + len(decorations) + i, box) for i, box in enumerate(boxes)]
    return (
        f'<p:sldLayout {_NS} preserve="1" userDrawn="1"><p:cSld name="{escape(name)}">'
        f"{_background(background)}<p:spTree>{_GROUP}{''.join(shapes)}</p:spTree></p:cSld>"
        "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
    )


def _level(n: int, margin: int, indent: int, char: str, size: int, before: int) -> str:
    bullet = (f'<a:buClr><a:schemeClr val="accent1"/></a:buClr><a:buFont typeface="Arial"/>'
              f'<a:buChar char="{char}"/>')
    return (f'<a:lvl{n}pPr marL="{margin}" indent="{-indent}" algn="l" rtl="0">'
            '<a:lnSpc><a:spcPct val="100000"/></a:lnSpc>'
            f'<a:spcBef><a:spcPts val="{before}"/></a:spcBef>{bullet}'
            f'<a:defRPr sz="{size}" kern="1200"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill>'
            '<a:latin typeface="+mn-lt"/><a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/>'
            f"</a:defRPr></a:lvl{n}pPr>")


def master_xml(layout_rids: list[str]) -> str:
    """Return the slide master: 16:9 placeholders and the text styles every layout inherits."""
    boxes = [
        Box("title", 0, TITLE_BOX, "Click to edit the title style", anchor="b"),
        Box("body", 1, BODY_BOX, "Click to edit the text styles"),
        Box("ftr", 11, FOOTER_BOX, "Source", size=900, colour="tx2", anchor="ctr"),
        Box("sldNum", 12, NUMBER_BOX, "‹#›", size=900, colour="tx2", anchor="ctr", align="r"),
    ]
    shapes = "".join(_placeholder(2 + i, box) for i, box in enumerate(boxes))
    ids = "".join(f'<p:sldLayoutId id="{2147483649 + i}" r:id="{rid}"/>'
                  for i, rid in enumerate(layout_rids))
    body_levels = _level(1, 285750, 285750, "•", 2000, 1000) + _level(2, 571500, 228600, "–", 1800, 600)
    body_levels += "".join(_level(n, 571500 + 228600 * (n - 2), 228600, "–", 1600, 400)
                           for n in range(3, 10))
    small = '<a:defRPr sz="1800"><a:solidFill><a:schemeClr val="tx1"/></a:solidFill></a:defRPr>'
    return (
        f"<p:sldMaster {_NS}><p:cSld><p:bg><p:bgRef idx=\"1001\"><a:schemeClr val=\"bg1\"/>"
        f"</p:bgRef></p:bg><p:spTree>{_GROUP}{shapes}</p:spTree></p:cSld>"
        '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" '
        'accent3="accent3" accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" '
        'folHlink="folHlink"/>'
        f"<p:sldLayoutIdLst>{ids}</p:sldLayoutIdLst>"
        "<p:txStyles><p:titleStyle>"
        '<a:lvl1pPr algn="l" rtl="0"><a:lnSpc><a:spcPct val="90000"/></a:lnSpc>'
        '<a:spcBef><a:spcPts val="0"/></a:spcBef><a:buNone/>'
        '<a:defRPr sz="2800" b="1" kern="1200"><a:solidFill><a:schemeClr val="accent2"/></a:solidFill>'
        '<a:latin typeface="+mj-lt"/><a:ea typeface="+mj-ea"/><a:cs typeface="+mj-cs"/></a:defRPr>'
        "</a:lvl1pPr></p:titleStyle>"
        f"<p:bodyStyle>{body_levels}</p:bodyStyle>"
        '<p:otherStyle><a:defPPr><a:defRPr lang="en-GB"/></a:defPPr>'
        f'<a:lvl1pPr marL="0" algn="l" rtl="0">{small}</a:lvl1pPr></p:otherStyle>'
        "</p:txStyles></p:sldMaster>"
    )


def _rename_theme(theme_xml: bytes) -> bytes:
    root = etree.fromstring(theme_xml)
    a = f"{{{A}}}"
    root.set("name", THEME_NAME)
    root.find(f"{a}themeElements/{a}clrScheme").set("name", THEME_NAME)
    fonts = root.find(f"{a}themeElements/{a}fontScheme")
    fonts.set("name", THEME_NAME)
    for kind in ("majorFont", "minorFont"):
        fonts.find(f"{a}{kind}/{a}latin").set("typeface", FONT)
    root.find(f"{a}themeElements/{a}fmtScheme").set("name", THEME_NAME)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return set_theme_colours(xml, theme_colours(Theme()))


def _insets_zero(xml: str) -> str:
    # Text aligns with the title rule and the slide margins, not 0.1 in inside them.
    return xml.replace('<a:bodyPr anchor=', '<a:bodyPr lIns="0" tIns="0" rIns="0" bIns="0" '
                       'wrap="square" anchor=')


def build() -> bytes:
    """Return the bytes of the built-in master."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = emu(SLIDE_W), emu(SLIDE_H)
    prs.part._element.find(
        qn("p:sldSz")).attrib.pop("type", None)
    master = prs.slide_master
    master_part = master.part
    for layout in list(master.slide_layouts):
        master.slide_layouts.remove(layout)

    rids = []
    for number, (name, background, boxes, decorations) in enumerate(LAYOUTS, start=1):
        element = parse_xml(_insets_zero(layout_xml(name, background, boxes, decorations)))
        part = SlideLayoutPart(PackURI(f"/ppt/slideLayouts/slideLayout{number}.xml"),
                               CT.PML_SLIDE_LAYOUT, prs.part.package, element)
        part.relate_to(master_part, RT.SLIDE_MASTER)
        rids.append(master_part.relate_to(part, RT.SLIDE_LAYOUT))
    master_part._element = parse_xml(_insets_zero(master_xml(rids)))

    theme_part = master_part.part_related_by(RT.THEME)
    theme_part._blob = _rename_theme(theme_part.blob)
    _drop_package_extras(prs)
    set_core_properties(prs, title="reportgen deck master", author="reportgen", subject="",
                        keywords="", language="en-GB", created=CREATED)

    buffer = io.BytesIO()
    prs.save(buffer)
    return normalise_zip(buffer.getvalue(), CREATED, {"docProps/app.xml": app_properties(0)})


def _drop_package_extras(prs: Presentation) -> None:
    """Drop the stock thumbnail (a 4:3 Office picture) and the Mac printer settings."""
    package = prs.part.package
    for rid, rel in list(package._rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.drop_rel(rid)
    for rid, rel in list(prs.part.rels.items()):
        if rel.reltype == RT.PRINTER_SETTINGS:
            prs.part.rels.pop(rid)


def main(argv: list[str] | None = None) -> int:
    """Write the master to OUTPUT (or the path given) and print where."""
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else OUTPUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(build())
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
