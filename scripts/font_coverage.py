"""Write reportgen/assets/fonts/coverage.txt: the characters every shipped font face can draw.

Run after changing the shipped fonts: python scripts/font_coverage.py (tests/test_fonts.py checks it).
"""

from __future__ import annotations

from reportgen.glyphs import COVERAGE, coverage_text, measured_coverage

if __name__ == "__main__":
    COVERAGE.write_text(coverage_text(measured_coverage()), encoding="ascii")
    print(f"wrote {COVERAGE}")
