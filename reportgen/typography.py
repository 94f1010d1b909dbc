"""Typographic quotes for text that does not pass through Markdown's typographer.

Prose is set by markdown-it with ``typographer`` on; data notes and labels, front-matter
strings and slide text are plain strings, and would otherwise show straight quotes
("a new high", partnership's) next to the prose's curly ones.
"""

from __future__ import annotations

import re

# A quote opens at the start of the text or after a space, an opening bracket or a dash.
_OPENS_DOUBLE = re.compile(r'(^|[\s(\[{\u2013\u2014])"')
_OPENS_SINGLE = re.compile(r"(^|[\s(\[{\u2013\u2014])'")


def smart_quotes(text: str) -> str:
    """Return *text* with straight quotes as curly ones; an apostrophe becomes ’."""
    if '"' not in text and "'" not in text:
        return text
    text = _OPENS_DOUBLE.sub("\\1\u201c", text).replace('"', "\u201d")
    return _OPENS_SINGLE.sub("\\1\u2018", text).replace("'", "\u2019")
