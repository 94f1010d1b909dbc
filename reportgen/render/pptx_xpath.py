"""Let python-pptx compile each XPath it evaluates once per process, not once per call.

python-pptx finds shapes, placeholders and text through fixed XPath strings
(``./p:nvSpPr/p:nvPr/p:ph`` and the like) passed to lxml's ``element.xpath()``, which compiles
the expression on every call: about 12,000 compilations for the repository's four decks, some
40 % of the time it takes to build them. ``install()`` routes those calls through compiled
``lxml.etree.XPath`` objects, kept per thread (lxml's XPath objects are not shared across
threads). The results, and so the deck bytes, are the same.
"""

from __future__ import annotations

import threading
from typing import Any

_local = threading.local()
_installed = False


def install() -> None:
    """Make python-pptx's ``BaseOxmlElement.xpath`` use compiled XPath objects (idempotent)."""
    global _installed
    if _installed:
        return
    from lxml import etree

    try:  # python-pptx internals: if a future release moves them, run without the speed-up
        from pptx.oxml.ns import _nsmap
        from pptx.oxml.xmlchemy import BaseOxmlElement
    except ImportError:
        _installed = True
        return

    def xpath(self: Any, xpath_str: str) -> Any:
        compiled = getattr(_local, "compiled", None)
        if compiled is None:
            compiled = _local.compiled = {}
        evaluate = compiled.get(xpath_str)
        if evaluate is None:
            evaluate = compiled[xpath_str] = etree.XPath(xpath_str, namespaces=_nsmap)
        return evaluate(self)

    xpath.__doc__ = BaseOxmlElement.xpath.__doc__
    BaseOxmlElement.xpath = xpath
    _installed = True
