"""Package-level finishing of a deck: theme colours, document properties, reproducible bytes."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timezone

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.presentation import Presentation

from reportgen.colours import SUPPORT, hex6
from reportgen.errors import ReportgenError
from reportgen.model import Theme
from reportgen.render.ooxml import A as _A

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_W3CDTF = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)")

def theme_colours(theme: Theme) -> dict[str, str]:
    """Return the theme's colour scheme slots (dk1 … folHlink) as RRGGBB strings."""
    return {
        "dk1": hex6(theme.text),
        "lt1": "FFFFFF",
        "dk2": hex6(theme.muted),
        "lt2": hex6(theme.accent_light),
        "accent1": hex6(theme.accent),
        "accent2": hex6(theme.accent_dark),
        "accent3": hex6(SUPPORT[0]),  # fixed complements to the audience's accent
        "accent4": hex6(SUPPORT[1]),
        "accent5": hex6(SUPPORT[2]),
        "accent6": hex6(SUPPORT[3]),
        "hlink": hex6(theme.accent),
        "folHlink": hex6(theme.accent_dark),
    }


def set_theme_colours(theme_xml: bytes, colours: dict[str, str]) -> bytes:
    """Return *theme_xml* (a theme part) with the given colour scheme slots replaced."""
    root = etree.fromstring(theme_xml)
    scheme = root.find(f"{{{_A}}}themeElements/{{{_A}}}clrScheme")
    if scheme is None:
        return theme_xml
    for slot, rgb in colours.items():
        element = scheme.find(f"{{{_A}}}{slot}")
        if element is None:
            continue
        for child in list(element):
            element.remove(child)
        etree.SubElement(element, f"{{{_A}}}srgbClr", val=rgb)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def apply_theme(prs: Presentation, theme: Theme) -> None:
    """Recolour every slide master's theme with the audience's *theme*."""
    colours = theme_colours(theme)
    for master in prs.slide_masters:
        theme_part = master.part.part_related_by(RT.THEME)
        theme_part._blob = set_theme_colours(theme_part.blob, colours)


def set_core_properties(prs: Presentation, *, title: str, author: str, subject: str,
                        keywords: str, language: str, created: datetime) -> None:
    """Overwrite the template's document properties; the deck is revision 1, never modified."""
    core = prs.core_properties
    core.title = title
    core.author = author
    core.subject = subject
    core.keywords = keywords
    core.language = language
    core.last_modified_by = author
    core.comments = ""
    core.category = ""
    core.revision = 1
    core.created = created
    core.modified = created


def parse_timestamp(text: str) -> datetime:
    """Return an ISO 8601 timestamp (or date) as a naive UTC datetime for the core properties."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ReportgenError(f"deck creation time is not an ISO 8601 timestamp: {text!r}") from None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def save_deterministic(prs: Presentation, created: datetime,
                       replace: dict[str, bytes] | None = None) -> bytes:
    """Return the deck's bytes, identical for identical input.

    Zip entries get a fixed time; embedded workbooks (chart data) are normalised the same way,
    with their creation dates set to *created*. *replace* maps entry names to new contents.
    """
    buffer = io.BytesIO()
    prs.save(buffer)
    return normalise_zip(buffer.getvalue(), created, replace or {})


def normalise_zip(blob: bytes, created: datetime, replace: dict[str, bytes]) -> bytes:
    """Return the zip *blob* rewritten with fixed entry times and fixed embedded dates."""
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = replace.get(info.filename, source.read(info.filename))
            if info.filename.endswith(".xlsx"):
                data = normalise_zip(data, created, {})
            elif info.filename == "docProps/core.xml":
                data = _W3CDTF.sub(rb"\g<1>" + stamp + rb"\g<2>", data)
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, data)
    return out.getvalue()
