"""The floor: WeasyPrint and python-pptx alone, on the very inputs a reportgen build uses.

Usage: python benchmarks/floor.py [--roomy] SPEC.json

SPEC.json names the briefings' HTML (as written by ``reportgen build -f html``, fonts beside
it) with each audience's PDF options, and the decks a build wrote::

    {"pdf": [{"html": "out/business/x.html", "variant": "pdf/ua-1", "identifier": "reportgen-business"}, ...],
     "pptx": ["out/business/x.pptx", ...]}

It lays out and writes every PDF with bare ``weasyprint.HTML(string=…).render().write_pdf()``
(the same fonts, PDF variant, tagging and file identifier as reportgen), opens and saves every deck with
``pptx.Presentation(path).save()``, and prints one JSON line of timings. Nothing of reportgen
is imported: this is what the libraries need on their own.

``--roomy`` makes each WeasyPrint call from a frame with room above it on CPython's frame
stack, as reportgen does (``reportgen/render/frame_stack.py``, restated here in a few lines):
the floor a script would have if it took the same care. The benchmark reports the build
against both floors.
"""

from __future__ import annotations

import io
import json
import sys
import time
import types
from pathlib import Path
from typing import Any, Callable


def _call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return function(*args, **kwargs)


def _roomy() -> Callable[..., Any]:
    """Return _call from a frame of 67 KB: CPython maps a frame-stack chunk of 128 KiB for it."""
    code = _call.__code__
    names = code.co_varnames + tuple(f"_spare{index}" for index in range(8400))
    return types.FunctionType(code.replace(co_varnames=names, co_nlocals=len(names)), globals())


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    call = _roomy() if "--roomy" in argv else _call
    argv = [arg for arg in argv if arg != "--roomy"]
    spec = json.loads(Path(argv[1]).read_text(encoding="utf-8"))
    import weasyprint
    from pptx import Presentation
    from weasyprint.text.fonts import FontConfiguration

    imported = time.perf_counter()
    pages = 0
    for item in spec["pdf"]:
        html = Path(item["html"])
        variant = item.get("variant", "pdf/ua-1")
        options = {"pdf_variant": None if variant == "none" else variant, "pdf_tags": variant != "none"}
        if item.get("identifier"):
            options["pdf_identifier"] = item["identifier"].encode()
        document = weasyprint.HTML(string=html.read_text(encoding="utf-8"), base_url=html.parent.as_uri() + "/")
        rendered = call(document.render, font_config=FontConfiguration(), **options)
        call(rendered.write_pdf, **options)
        pages += len(rendered.pages)
    laid_out = time.perf_counter()
    for deck in spec["pptx"]:
        Presentation(deck).save(io.BytesIO())
    saved = time.perf_counter()
    print(json.dumps({"import": imported - started, "weasyprint": laid_out - imported, "pptx": saved - laid_out, "pages": pages}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
