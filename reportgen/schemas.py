"""The fields of every YAML file kind, declared once: a new key is added here and nowhere else.

Loaders (``project.py``, ``data.py``, ``translations.py``, ``plan.py``) read and check their
files through these schemas; the README's reference tables are generated from them
(``scripts/readme_fields.py``, kept equal by ``tests/test_schema.py``). Directives' options
are declared beside their typed dataclasses in ``directives.py``.
"""

from __future__ import annotations

import re

from .directives import DATA_DIRECTIVES, schema_of
from .model import DEPTHS, Theme
from .schema import ANY, CHOICE, COLOUR, ENTRIES, FLAG, MAPPING, NUMBER, TEXT, TEXTS, WHOLE, Field, Schema, reference_table

SOURCE = Schema("a source", (
    Field("id", TEXT, "what citations (`[@id]`) and figures' `source` name it by", required=True),
    Field("title", TEXT, "its title, as published", required=True),
    Field("type", TEXT, "its CSL item type (`article-newspaper`, `report`, `webpage` …); default: `article-newspaper` "
          "when it has a publisher, else `document`"),
    Field("publisher", TEXT, "who published it (for an article: the outlet)"),
    Field("container", TEXT, "the journal, newspaper or site it appears in, when not the publisher"),
    Field("author", TEXTS, "its authors, `Family, Given` or a name as written", aliases=("authors",)),
    Field("date", TEXT, "when it was published (ISO: `2024-09-20`, `2024-09`, `2024`)"),
    Field("accessed", TEXT, "when an online source was read (ISO)"),
    Field("url", TEXT, "where it is online"),
    Field("short_title", TEXT, "a short title, for short notes"),
    Field("place", TEXT, "the place of publication"),
    Field("note", TEXT, "a note printed with it in the bibliography", translated=True),
))

HOUSE_STYLE = Schema("'house_style'", (
    Field("spell_out_below", WHOLE, "whole counts under this are written in words in prose (`six resolutions`); 0: never",
          default=10, low=0, high=100),
))

REPORT = Schema("the project config", (
    Field("title", TEXT, "the report's title", required=True, translated=True),
    Field("subtitle", TEXT, "its subtitle", translated=True),
    Field("date", TEXT, "the briefing's date (ISO)"),
    Field("organisation", TEXT, "who publishes it", aliases=("organization",), translated=True),
    Field("authors", TEXTS, "who wrote it", translated=True),
    Field("contacts", TEXTS, "lines on the deck's closing slide: who to ask, how", translated=True),
    Field("language", TEXT, "the main language (BCP 47), the one the originals are written in; default: the first of `languages`, else `en`"),
    Field("languages", TEXTS, "every language the project is published in (see *Languages*)"),
    Field("keywords", TEXTS, "the PDF's and the deck's keywords", translated=True),
    Field("output_name", TEXT, "file name of the PDF and PPTX, without extension", default="briefing"),
    Field("audiences", TEXTS, "the default order of the audiences (the others follow by name)"),
    Field("key_figures", TEXTS, "`dataset.key` figures that complete the front page's key figures"),
    Field("logo", TEXT, "an image on every edition's front page, unless an audience's theme sets its own"),
    Field("house_style", MAPPING, "the house style", schema=HOUSE_STYLE),
    Field("labels", MAPPING, "wording for every audience in the main language (see the labels below)", translated=True),
    Field("citation_style", TEXT, "`notes` (the default), `short-notes`, `author-date`, or a `.csl` file under `content/`"),
    Field("bibliography", TEXT, "a CSL-JSON file under `content/` of further sources"),
    Field("sources", ENTRIES, "the sources figures and prose cite (see *Sources*)", schema=SOURCE, translated=True),
))

SECTION = Schema("front matter", (
    Field("id", TEXT, "what audiences and `ref()` name it by; default: the file stem without a leading `NN-`"),
    Field("title", TEXT, "its heading", required=True, translated=True),
    Field("order", WHOLE, "its place among the sections; default: its place among the files × 10"),
    Field("tags", TEXTS, "what audiences select it by"),
    Field("for", TEXTS, "only these audiences get it"),
    Field("not_for", TEXTS, "every audience but these gets it"),
    Field("summary", TEXT, "one line: the key judgement, the summary-depth text", translated=True),
    Field("slide_title", TEXT, "its slides' title (an action title); default: `title`", translated=True),
    Field("key_points", TEXTS, "the points of its slide and of key-points depth", translated=True),
    Field("notes", TEXT, "speaker notes; default: the section's prose", translated=True),
))

RULE = Schema("a section rule", (
    Field("id", TEXT, "a section's id"),
    Field("tag", TEXT, "a tag of sections (`*`: every section)"),
    Field("depth", CHOICE, "how much of it the audience gets (see *Depth*)", choices=DEPTHS, default="full", noun="depth"),
))

DECK = Schema("'deck'", (
    Field("max_slides", WHOLE, "the deck's length at most (slides of the highest priority number go first)", default=20, low=1, high=500),
    Field("master", TEXT, "a `.pptx` master found through the template folders", default=""),
))

_COLOURS = (
    ("accent", "the audience's colour: headings, rules, chart series"),
    ("accent_dark", "a darker accent; mixed from `accent` when only that is given"),
    ("accent_light", "a lighter accent (backgrounds); mixed from `accent` when only that is given"),
    ("text", "body text"),
    ("muted", "source lines, captions"),
)
THEME = Schema("'theme'", (
    *(Field(name, COLOUR, f"{doc}; built in: `{getattr(Theme(), name)}`", noun="theme colour") for name, doc in _COLOURS),
    Field("logo", TEXT, "an image on the front page and title slide (SVG, PNG or JPEG), relative to the project folder"),
    Field("font", CHOICE, "the briefing's body text: Source Serif 4 or Source Sans 3", choices=("serif", "sans"), noun="theme font"),
))
COLOUR_FIELDS = tuple(name for name, _doc in _COLOURS)

PDF = Schema("'pdf'", (
    Field("variant", CHOICE, "an accessible (tagged) or archival PDF, or neither",
          choices=("pdf/ua-1", "pdf/a-3b", "pdf/a-2b", "none"), noun="PDF variant"),
    Field("page_size", CHOICE, "the paper", choices=("A4", "Letter"), noun="page size"),
    Field("layout", CHOICE, "`brief` is one page, `full` the chapters; `auto` picks `brief` when every section is at summary depth",
          choices=("auto", "brief", "full"), noun="PDF layout"),
))

AUDIENCE = Schema("an audience file", (
    Field("title", TEXT, "the editions' title; default: the file name, capitalised", translated=True),
    Field("purpose", TEXT, "what the audience reads it for", translated=True),
    Field("sections", ENTRIES, "rules, each `{id: …}` or `{tag: …}` with a `depth`, in order of precedence (a plain id is `{id: …}`); "
          "default: every section in full", schema=RULE),
    Field("order", TEXTS, "section ids read first, in this order (the rest keep theirs)"),
    Field("judgements", TEXTS, "the sections whose summaries are the key judgements"),
    Field("key_figures", TEXTS, "the front page's key figures (`dataset.key`)"),
    Field("ask", TEXT, "the recommendation: the front page's and the deck's; also `{{ audience.variables.ask }}`", translated=True),
    Field("bottom_line", TEXTS, "the deck's takeaways after its title: 3–5 sentences, each with its figure", translated=True),
    Field("deck", MAPPING, "the deck", schema=DECK),
    Field("theme", MAPPING, "colours, logo and font", schema=THEME),
    Field("pdf", MAPPING, "the PDF", schema=PDF),
    Field("labels", MAPPING, "wording the templates use, over the project's", translated=True),
    Field("variables", MAPPING, "free values for prose: `{{ audience.variables.name }}`", translated=True),
    Field("output_name", TEXT, "its outputs' file name; default: the project's"),
    Field("citation_style", TEXT, "its citation style; default: the project's"),
    Field("languages", TEXTS, "the project's languages it gets; default: all of them"),
))

FIGURE = Schema("a figure", (
    Field("key", TEXT, "its name in the dataset (an identifier): `data.trade.y2023`", required=True),
    Field("label", TEXT, "what it is, in words; default: the key", translated=True),
    Field("value", NUMBER, "the number; empty for a derived figure"),
    Field("unit", TEXT, "`USD million`, `%`, `students`, `year` …; default: the file's", translated=True),
    Field("source", TEXT, "a source id; default: the file's"),
    Field("qualifier", TEXT, "`over`, `about` …, printed before the number", translated=True),
    Field("derived", TEXT, "an expression over the dataset's other keys (`+ - * / ( )`, numbers, `round(x, n)`)"),
    Field("note", TEXT, "how it was derived, or a remark", translated=True),
    Field("format", TEXT, "how its number prints (see the `format:` table); default: the file's"),
))
FIGURE_EXTRAS = (  # in a YAML figure list; a CSV may have any further column
    Field("year", ANY, "kept, readable as `figure.year`"),
    Field("category", ANY, "kept, readable as `figure.category`"),
)
FIGURE_ENTRY = Schema("a figure", FIGURE.fields + FIGURE_EXTRAS)

EVENT = Schema("an event", (
    Field("date", TEXT, "a year, month or day, `c. 2025`, a period `1992–1997`; empty, `n.d.` or `undated` when undated"),
    Field("end", TEXT, "the last date of a period"),
    Field("title", TEXT, "what happened", translated=True),
    Field("text", TEXT, "a line of detail", translated=True),
    Field("label", TEXT, "an undated event's date as printed; default: the `undated` label", translated=True),
    Field("source", TEXT, "a source id; default: the file's"),
    Field("planned", FLAG, "still to come (a hollow marker); default: `planned` in its title or text"),
))

DATA_FILE = Schema("a data file", (
    Field("title", TEXT, "the dataset's title (charts' default title); default: the file stem", translated=True),
    Field("description", TEXT, "what it holds, for its authors"),
    Field("unit", TEXT, "every figure's unit unless it gives its own"),
    Field("source", TEXT, "every item's source unless it gives its own"),
    Field("format", TEXT, "every figure's number format unless it gives its own"),
    Field("figures", ENTRIES, "the figures (one of `figures:` or `events:`)", schema=FIGURE_ENTRY, translated=True),
    Field("events", ENTRIES, "the events, in any order", schema=EVENT, translated=True),
))

COLUMN = Schema("a column", (
    Field("label", TEXT, "the series' name; default: the column name, capitalised"),
    Field("unit", TEXT, "its unit; default: the table's"),
    Field("source", TEXT, "its source id; default: the table's"),
    Field("format", TEXT, "how its cells print; default: the table's"),
    Field("qualifier", TEXT, "`about`, `over` … for every cell; default: the table's"),
    Field("note", TEXT, "a remark, printed under the table"),
))

TABLE = Schema("a table's description", (
    Field("title", TEXT, "the table's title; default: the file stem"),
    Field("description", TEXT, "what it holds, for its authors"),
    Field("source", TEXT, "every column's source unless it gives its own"),
    Field("unit", TEXT, "every column's unit unless it gives its own"),
    Field("format", TEXT, "every column's number format unless it gives its own"),
    Field("qualifier", TEXT, "every column's qualifier unless it gives its own"),
    Field("category", TEXT, "the heading of the first column; default: the CSV's header"),
    Field("columns", MAPPING, "per column (by its CSV header): `label`, `unit`, `source`, `format`, `qualifier`, `note`"),
    Field("note", TEXT, "a remark on the table"),
))

SLIDE = Schema("a slide", (
    Field("layout", TEXT, "a layout name of the master", required=True),
    Field("title", TEXT, "the slide's title"),
    Field("subtitle", TEXT, "a title slide's subtitle"),
    Field("text", TEXT, "a paragraph"),
    Field("bullets", TEXTS, "the points"),
    Field("bullets_right", TEXTS, "a second column of points"),
    Field("chart", ANY, "a block reference `section#n` or a chart directive's options"),
    Field("table", ANY, "a block reference `section#n` (`section#n/k`: a Markdown table) or a table directive's options"),
    Field("timeline", ANY, "a block reference `section#n` or a timeline directive's options"),
    Field("figures", TEXTS, "key figures, `dataset.key`"),
    Field("quote", TEXT, "a pull quote"),
    Field("attribution", TEXT, "who said it"),
    Field("image", TEXT, "a picture, relative to the project folder"),
    Field("alt", TEXT, "the picture's alt text"),
    Field("caption", TEXT, "the picture's caption"),
    Field("callout", TEXT, "a highlighted box's text"),
    Field("callout_title", TEXT, "its title"),
    Field("lead", TEXT, "a paragraph above thin bullets"),
    Field("notes", TEXT, "speaker notes"),
    Field("source", TEXT, "the footer's source line"),
    Field("priority", WHOLE, "0 never dropped, 1 essential, 3 optional: the highest go first when a deck is too long", default=1),
    Field("role", TEXT, "its part of the storyline (`opening`, `bottom_line`, `points`, `visual` …)"),
    Field("origin", TEXT, "`path:line` of the content it comes from"),
))

# The README's reference tables: marker name -> schema (scripts/readme_fields.py writes them).
REFERENCE: dict[str, Schema] = {
    "report": REPORT,
    "source": SOURCE,
    "data-file": DATA_FILE,
    "figure": FIGURE,
    "event": EVENT,
    "table": TABLE,
    "column": COLUMN,
    "section": SECTION,
    **{f"directive-{name}": schema_of(options) for name, options in DATA_DIRECTIVES.items()},
    "audience": AUDIENCE,
    "slide": SLIDE,
}
_MARKED = re.compile(r"(<!-- fields: ([\w-]+) -->\n).*?(<!-- /fields -->)", re.S)


def fill_reference(readme: str) -> str:
    """Return the README text *readme* with each ``<!-- fields: NAME -->`` table written from its schema."""
    separate = list(REFERENCE.values())

    def table(match: re.Match[str]) -> str:
        if match.group(2) not in REFERENCE:
            raise KeyError(f"no schema '{match.group(2)}' (known: {', '.join(REFERENCE)})")
        return match.group(1) + reference_table(REFERENCE[match.group(2)], separate) + "\n" + match.group(3)

    return _MARKED.sub(table, readme)


def marked_tables(readme: str) -> list[str]:
    """Return the names of the reference tables *readme* marks, in order."""
    return [match.group(2) for match in _MARKED.finditer(readme)]
