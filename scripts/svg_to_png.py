"""Write the PNG of an SVG logo beside it, for the deck's title slide (python-pptx places no SVG).

Usage: python scripts/svg_to_png.py content/images/logo.svg [--size 384]
Draws with headless Chromium through Playwright (a test dependency); the background stays transparent.
"""

from __future__ import annotations

import argparse
import os
import re
from pathlib import Path

CHROMIUM = os.environ.get("REPORTGEN_CHROMIUM", "/usr/bin/chromium")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("svg", type=Path)
    parser.add_argument("--size", type=int, default=384, help="the PNG's longer side in pixels")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    markup = re.sub(r'\s(width|height)="[^"]*"', "", args.svg.read_text(encoding="utf-8"), count=2)
    view = re.search(r'viewBox="[\d.\s-]*?([\d.]+)\s+([\d.]+)"', markup)
    ratio = float(view.group(1)) / float(view.group(2)) if view else 1.0
    width, height = (args.size, round(args.size / ratio)) if ratio >= 1 else (round(args.size * ratio), args.size)
    page_html = (f"<html><head><style>html,body{{margin:0;background:transparent}} "
                 f"svg{{width:{width}px;height:{height}px;display:block}}</style></head><body>{markup}</body></html>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_content(page_html)
        target = args.svg.with_suffix(".png")
        page.screenshot(path=str(target), omit_background=True, clip={"x": 0, "y": 0, "width": width, "height": height})
        browser.close()
    print(target)


if __name__ == "__main__":
    main()
