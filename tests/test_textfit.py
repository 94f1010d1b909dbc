"""textfit: the one text measurer, the fonts' own advance widths for slides and chart labels alike."""

from __future__ import annotations

import subprocess
import sys

from PIL import ImageFont

from reportgen import textfit
from reportgen.charts import _text
from reportgen.fonts import metrics
from reportgen.resources import FONTS

SAMPLES = ("Trade quadrupled in five years to $563 million", "Товарооборот вырос на 28%",
           "Türkmenistan – Qazaqstan: 1,3 mln t", "Wi-Fi, “quotes” and fi ligatures")


def test_slide_widths_are_freetypes_unkerned_advances_of_carlito():
    # FreeType (through Pillow) at 2048 px, one pixel a font unit, measures the same advances
    for (bold, italic), file in textfit._FILES.items():
        font = ImageFont.truetype(str(FONTS / file), 2048, layout_engine=ImageFont.Layout.BASIC)
        for text in SAMPLES:
            assert textfit.em_width(text, file) == font.getlength(text) / 2048, (file, text)
            assert textfit.text_width(text, 20, bold, italic) == round(font.getlength(text) / 2048 * 20 * textfit.EMU_PER_PT)
        assert metrics(file).line == font.font.height / 2048


def test_chart_labels_are_measured_by_the_same_module_in_the_briefings_font():
    for text in SAMPLES:
        assert _text.text_width(text, 8) == 8 * textfit.em_width(text, _text.SANS_FILE)
        assert _text.text_width(text, 8, bold=True) == 8 * textfit.em_width(text, _text.SANS_FILE, 700)
    assert _text.text_width("W", 8, bold=True) > _text.text_width("W", 8)  # the bold instance is wider


def test_a_character_the_font_lacks_measures_as_the_glyph_drawn_for_it_not_a_guess():
    lacking = "\U0001F680"
    sans = metrics(_text.SANS_FILE)
    assert lacking not in sans.advances
    assert textfit.em_width(lacking, _text.SANS_FILE) == sans.missing != 0.55


def test_reading_the_fonts_writes_nothing_on_stderr():
    # Carlito's head table has an odd creation date that fontTools warns about through logging,
    # which a process without log handlers prints on stderr (pytest's own handlers would hide it)
    code = "from reportgen import textfit; textfit.text_width('a', 10, True); textfit.text_width('a', 10, False, True)"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stderr == ""
