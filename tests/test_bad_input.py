"""Bad input (SPEC §6): each problem is one line naming the file and line, exit 1, no traceback,
the previous build left exactly as it was and no temporary files behind."""

from __future__ import annotations

import base64
import errno
import importlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import BOARD, PROJECTS, PROSE, REPO, S1, Edit, before_prose, png_header, replace, run_cli, write

S2 = "content/sections/02-sales.md"
CSV = "content/data/sales.csv"
CONFIG = "content/report.yaml"
TEAM = "content/audiences/team.yaml"
def replace_bytes(rel: str, old: bytes, new: bytes) -> Edit:
    def edit(project: Path) -> None:
        path = project / rel
        data = path.read_bytes()
        assert old in data
        path.write_bytes(data.replace(old, new, 1))

    return edit


def remove(rel: str) -> Edit:
    def edit(project: Path) -> None:
        path = project / rel
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return edit


def _alias_bomb() -> str:
    lines = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 7):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


@dataclass
class Case:
    id: str
    edits: list[Edit]
    message: str  # the whole of stderr, one line per problem
    args: tuple[str, ...] = ()  # extra arguments to `build`
    check_too: bool = True  # `reportgen check` reports the same
    skip: str = field(default="")


CASES = [
    # Malformed YAML and front matter
    Case("malformed-config-yaml", [replace(CONFIG, "title: Quarterly review", "title: [Quarterly review")],
         "content/report.yaml:2: error: invalid YAML: expected ',' or ']', but got ':'"),
    Case("malformed-front-matter", [replace(S1, "order: 10", "order: [10")],
         "content/sections/01-overview.md:4: error: invalid YAML: expected ',' or ']', but got ':'"),
    Case("front-matter-not-closed", [replace(S1, "---\n\nSales", "\nSales")],
         "content/sections/01-overview.md:1: error: front matter is not closed: add a line '---' after its YAML"),
    Case("front-matter-missing", [write(S1, "# Overview\n\nNo front matter here.\n")],
         "content/sections/01-overview.md:1: error: missing front matter: a section starts with '---', its YAML, then '---'"),
    Case("duplicate-yaml-key", [replace(BOARD, "purpose:", "title: Again\npurpose:")],
         "content/audiences/board.yaml:2: error: invalid YAML: duplicate key 'title'"),
    Case("malformed-directive-yaml", [replace(S2, "type: column", "type: [column")],
         "content/sections/02-sales.md:16: error: invalid YAML: expected ',' or ']', but got ':'"),
    # Unknown keys, with a did-you-mean
    Case("unknown-front-matter-key", [replace(S1, "order: 10", "ordr: 10")],
         "content/sections/01-overview.md:3: error: unknown key 'ordr' in front matter; did you mean 'order'?"),
    Case("unknown-config-key", [replace(CONFIG, "subtitle:", "subtitel:")],
         "content/report.yaml:2: error: unknown key 'subtitel' in the project config; did you mean 'subtitle'?"),
    Case("unknown-audience-key", [replace(BOARD, "theme:", "them:")],
         "content/audiences/board.yaml:8: error: unknown key 'them' in an audience file; did you mean 'theme'?"),
    Case("unknown-chart-option", [replace(S2, "type: column", "tipe: column")],
         "content/sections/02-sales.md:12: error: unknown option 'tipe' in a chart; did you mean 'type'?"),
    # An audience file's errors name its line, as every other file's do (issue 16)
    Case("unknown-key-figure-in-audience", [replace(BOARD, "variables:", "key_figures: [sales.q9]\nvariables:")],
         "content/audiences/board.yaml:10: error: unknown figure 'q9' in dataset 'sales' (known: q1, q2, q3, q4, growth)"),
    Case("unknown-depth-in-audience", [replace(BOARD, "{tag: numbers, depth: key_points}", "{tag: numbers, depth: keypoints}")],
         "content/audiences/board.yaml:5: error: unknown depth 'keypoints' (known: summary, key_points, full)"),
    Case("unknown-key-in-audience-deck", [replace(BOARD, "max_slides: 6", "max_slide: 6")],
         "content/audiences/board.yaml:7: error: unknown key 'max_slide' in 'deck'; did you mean 'max_slides'?"),
    Case("derived-cycle-named", [replace(CSV, "q1,Q1,2025,120,USD thousand,ledger,,,", "q1,Q1,2025,,USD thousand,ledger,,growth + 1,"),
                                 replace(CSV, "round((q4 / q3 - 1) * 100)", "q1 * 2")],
         "content/data/sales.csv:2: error: derived figures refer to each other in a cycle: q1 → growth → q1"),
    # Unknown audience, section and dataset names, listing the known ones
    Case("unknown-audience-in-config", [replace(CONFIG, "audiences: [board, team]", "audiences: [board, teem]")],
         "content/report.yaml:9: error: unknown audience 'teem' (known: board, team)"),
    Case("unknown-audience-in-section", [replace(S1, "order: 10", "order: 10\nfor: [bord]")],
         "content/sections/01-overview.md:4: error: unknown audience 'bord' in 'for' (known: board, team)"),
    Case("unknown-audience-on-command-line", [], "error: unknown audience 'nobody' (known: board, team)",
         args=("-a", "nobody"), check_too=False),
    Case("unknown-section", [replace(TEAM, '{tag: "*", depth: full}', "{id: overveiw}")],
         "content/audiences/team.yaml:4: error: unknown section 'overveiw' (known: overview, sales)"),
    Case("unknown-dataset-in-prose", [before_prose("{{ data.sale.q4.text }} ")],
         "content/sections/01-overview.md:12: error: unknown dataset 'sale' (known: by_region, sales)"),
    Case("unknown-figure-in-prose", [before_prose("{{ data.sales.q5.text }} ")],
         "content/sections/01-overview.md:12: error: unknown figure 'q5' in dataset 'sales' (known: q1, q2, q3, q4, growth)"),
    Case("unknown-dataset-in-chart", [replace(S2, "data: sales\nkeys: [q1, q2, q3, q4]\ntype", "data: sale\nkeys: [q1, q2, q3, q4]\ntype")],
         "content/sections/02-sales.md:12: error: unknown dataset 'sale' (known: by_region, sales)"),
    Case("unknown-directive", [before_prose("::: chrat\ndata: sales\n:::\n\n")],
         "content/sections/01-overview.md:12: error: unknown directive 'chrat' (known: audience, briefing, slides, callout, quote, chart, table, keyfigures, timeline)"),
    # Malformed CSV: the row, and the cell where there is one
    Case("csv-extra-cell", [replace(CSV, "q2,Q2,2025,135,", "q2,Q2,2025,135,extra,")],
         "content/data/sales.csv:3: error: row has 10 cells, the header has 9"),
    Case("csv-unclosed-quote", [replace(CSV, "q2,Q2,", 'q2,"Q2,')],
         "content/data/sales.csv:3: error: malformed CSV: a quoted cell is never closed"),
    Case("csv-line-break-in-a-cell", [replace(CSV, "q2,Q2,", "q2,Q\r2,")],
         "content/data/sales.csv:3: error: malformed CSV: a line break inside an unquoted cell (put the cell in double quotes)"),
    Case("csv-value-not-a-number", [replace(CSV, "q2,Q2,2025,135,", "q2,Q2,2025,lots,")],
         "content/data/sales.csv:3: error: figure 'q2': value 'lots' is not a number"),
    Case("csv-missing-column", [replace(CSV, "key,label,year,value,unit,", "key,label,year,value,units,")],
         "content/data/sales.csv:1: error: missing column(s) unit; a data CSV needs key, label, value, unit, source"),
    Case("csv-unknown-source", [replace(CSV, "q3,Q3,2025,150,USD thousand,ledger", "q3,Q3,2025,150,USD thousand,ledgr")],
         "content/data/sales.csv:4: error: unknown source 'ledgr' (known: ledger)"),
    Case("csv-derived-not-finite", [replace(CSV, "round((q4 / q3 - 1) * 100)", "q4 * 1e308 * 10")],
         "content/data/sales.csv:6: error: figure 'growth': derived expression 'q4 * 1e308 * 10': the number 1e+308 is out of range (at most ±1,000,000,000,000,000)"),
    Case("csv-derived-overflows", [replace(CSV, "round((q4 / q3 - 1) * 100)", "q4" + " * 1e15" * 21)],
         "content/data/sales.csv:6: error: figure 'growth': derived expression 'q4 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 * 1e15 …' does not give a finite number"),
    # Wrong value types
    Case("order-not-a-number", [replace(S1, "order: 10", "order: ten")],
         "content/sections/01-overview.md:3: error: 'order' must be a whole number, not 'ten'"),
    Case("title-is-a-list", [replace(S1, "title: Overview", "title: [Over, view]")],
         "content/sections/01-overview.md:2: error: 'title' must be text, not a list"),
    Case("id-is-a-mapping", [replace(S1, "order: 10", "order: 10\nid: {name: overview}")],
         "content/sections/01-overview.md:4: error: 'id' must be text, not a mapping"),
    Case("line-break-in-a-key", [replace(S1, "order: 10", 'order: 10\n"or\\rder": 10')],
         "content/sections/01-overview.md:4: error: unknown key 'or\\rder' in front matter; did you mean 'order'?"),
    Case("max-slides-not-a-number", [replace(BOARD, "max_slides: 6", "max_slides: many")],
         "content/audiences/board.yaml:7: error: 'deck.max_slides' must be a whole number from 1 to 500, not 'many'"),
    Case("colour-not-a-colour", [replace(BOARD, 'accent: "#5B2A86"', "accent: purple")],
         "content/audiences/board.yaml:9: error: theme colour 'accent' must be '#RRGGBB', not 'purple'"),
    Case("theme-is-a-list", [replace(TEAM, "theme:\n  accent: \"#0B6E4F\"", "theme: [green]")],
         "content/audiences/team.yaml:7: error: 'theme' must be a mapping of keys to values, not a list"),
    # Missing files
    Case("config-missing", [remove(CONFIG)],
         "content/report.yaml: error: project config not found (looked for content/report.yaml, content/report.yml)"),
    Case("sections-folder-missing", [remove("content/sections")],
         "content/sections: error: no sections folder (expected content/sections/*.md)"),
    Case("image-missing", [before_prose("![Map](images/map.png)\n\n")],
         "content/sections/01-overview.md:12: error: image 'images/map.png' not found"),
    Case("logo-missing", [replace(BOARD, 'accent: "#5B2A86"', 'accent: "#5B2A86"\n  logo: images/logo.png')],
         "content/audiences/board.yaml:10: error: logo 'images/logo.png' not found"),
    Case("logo-corrupt", [write("images/logo.png", b"\x89PNG\r\n\x1a\n not really"),
                          replace(BOARD, 'accent: "#5B2A86"', 'accent: "#5B2A86"\n  logo: images/logo.png')],
         "content/audiences/board.yaml:10: error: logo 'images/logo.png' is not a readable image (PNG, JPEG, GIF, WebP or SVG)"),
    Case("image-corrupt", [write("images/map.jpg", b"\xff\xd8\xff\xe0 truncated"), before_prose("![Map](images/map.jpg)\n\n")],
         "content/sections/01-overview.md:12: error: image 'images/map.jpg' is not a readable image (PNG, JPEG, GIF, WebP or SVG)"),
    Case("template-include-missing", [write("templates/board/briefing.html.j2", '{% extends "!base/briefing.html.j2" %}\n{% block cover %}{% include "cover.html.j2" %}{% endblock %}\n')],
         "templates/board/briefing.html.j2:2: error: template 'cover.html.j2' not found"),
    Case("deck-master-missing", [replace(BOARD, "max_slides: 6", "max_slides: 6\n  master: ours.pptx")],
         "content/audiences/board.yaml: error: 'ours.pptx' not found in templates/board, templates/base, the built-in templates"),
    Case("deck-master-corrupt", [write("templates/board/ours.pptx", b"PK\x03\x04 not a deck"),
                                 replace(BOARD, "max_slides: 6", "max_slides: 6\n  master: ours.pptx")],
         "content/audiences/board.yaml: error: deck master 'ours.pptx' is not a PowerPoint file (not a readable .pptx)"),
    # Inside an SVG: check follows the SVG's own references as the PDF renderer does
    Case("svg-logo-refers-to-the-network",
         [write("images/logo.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">\n<image href="https://example.com/x.png" width="9" height="9"/>\n</svg>\n'),
          replace(BOARD, 'accent: "#5B2A86"', 'accent: "#5B2A86"\n  logo: images/logo.svg')],
         "images/logo.svg:2: error: resource 'https://example.com/x.png' refused: only files inside the project can be used (no network)"),
    # Text that is not UTF-8
    Case("section-not-utf8", [replace_bytes(S1, b"Overview", b"Overv\xe9w")],
         "content/sections/01-overview.md:2: error: not UTF-8 text (byte 0xe9 at offset 16)"),
    Case("csv-not-utf8", [replace_bytes(CSV, b"Q3,", b"Q\xff3,")],
         "content/data/sales.csv:4: error: not UTF-8 text (byte 0xff at offset 136)"),
    Case("template-not-utf8", [write("templates/board/briefing.html.j2", b'{% extends "!base/briefing.html.j2" %}\n{# caf\xe9 #}\n')],
         "templates/board/briefing.html.j2:2: error: not UTF-8 text (byte 0xe9 at offset 45)"),
    Case("stylesheet-not-utf8", [write("templates/board/audience.css", b".cover-title { font-size: 40pt; } /* caf\xe9 */\n")],
         "templates/board/audience.css:1: error: not UTF-8 text (byte 0xe9 at offset 40)"),
    Case("config-binary", [write(CONFIG, b"title: x\x00\x01\n")],
         "content/report.yaml: error: binary file, expected text"),
    # Jinja: syntax errors, undefined names, runaway recursion
    Case("jinja-syntax-in-prose", [before_prose("{{ data.sales.q4.text ")],
         "content/sections/01-overview.md:12: error: template syntax: expected token 'end of print statement', got 'Sales'"),
    Case("jinja-syntax-in-summary", [replace(S1, "summary: Sales rose", "summary: Sales {% if %} rose")],
         "content/sections/01-overview.md:5: error: template syntax: Expected an expression, got 'end of statement block'"),
    Case("jinja-undefined-name", [before_prose("{{ ask }} ")],
         "content/sections/01-overview.md:12: error: undefined name: 'ask' is undefined"),
    Case("jinja-undefined-in-key-point", [replace(S1, '"Q4 sales: {{ data.sales.q4.text }}"', '"Q4 sales: {{ data.sales.q4.txt }}"')],
         "content/sections/01-overview.md:7: error: figure 'q4' has no field 'txt' (known: value, number, amount, text, Text, chart_label, unit, label, source, qualifier, note, is_derived, year)"),
    Case("jinja-recursion", [before_prose("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}")],
         "content/sections/01-overview.md:12: error: template recursion too deep (a macro or include that calls itself?)"),
    Case("template-syntax", [write("templates/board/briefing.html.j2", '{% extends "!base/briefing.html.j2" %}\n{% block cover %}{{ report.title }{% endblock %}\n')],
         "templates/board/briefing.html.j2:2: error: template syntax: unexpected '}'"),
    Case("template-undefined", [write("templates/team/briefing.html.j2", '{% extends "!base/briefing.html.j2" %}\n{% block cover %}\n{{ report.titel }}\n{% endblock %}\n')],
         "templates/team/briefing.html.j2:3: error: undefined name: 'Config object' has no attribute 'titel'"),
    Case("deck-plan-not-a-list", [write("templates/base/deck.yaml.j2", "title: {{ report.title }}\n")],
         "templates/base/deck.yaml.j2: error: the deck plan must render to a YAML list of slides"),
    # Absurd sizes
    Case("section-too-large", [replace(S1, PROSE, "x" * 5_000_001 + PROSE)],
         "content/sections/01-overview.md: error: file is too large (5,000,595 bytes; limit 5,000,000)"),
    Case("csv-too-many-rows", [write(CSV, "key,label,value,unit,source\n" + "".join(f"k{i},K,{i},t,ledger\n" for i in range(10_001)))],
         "content/data/sales.csv:10002: error: too many rows (limit 10,000)"),
    Case("yaml-alias-bomb", [write("content/data/bomb.yaml", _alias_bomb())],
         "content/data/bomb.yaml:5: error: invalid YAML: too many values once aliases are expanded (limit 100,000)"),
    Case("huge-range", [before_prose("{% for i in range(10**9) %}x{% endfor %}")],
         "content/sections/01-overview.md:12: error: template limit exceeded: a range of 1,000,000,000 numbers (limit 100,000)"),
    Case("huge-string", [before_prose("{{ 'a' * 10**9 }}")],
         "content/sections/01-overview.md:12: error: template limit exceeded: a repeated string or list longer than 1,000,000"),
    Case("nested-loops", [before_prose("{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}")],
         "content/sections/01-overview.md:12: error: template limit exceeded: more than 2,000,000 loop steps and calls"),
    Case("huge-output", [before_prose("{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}")],
         "content/sections/01-overview.md: error: template limit exceeded: text longer than 5,000,000 characters"),
    Case("huge-padding", [before_prose("{{ 'a'|center(10**9) }}")],
         "content/sections/01-overview.md:12: error: template limit exceeded: a width of 1,000,000,000 (limit 1,000)"),
    # Several problems in several files: all of them, in one pass, in file and line order
    Case("several-problems", [replace(S1, "order: 10", "ordr: 10"), replace(CSV, "q2,Q2,2025,135,", "q2,Q2,2025,lots,"),
                              replace(BOARD, "max_slides: 6", "max_slides: 0")],
         "content/audiences/board.yaml:7: error: 'deck.max_slides' must be a whole number from 1 to 500, not 0\n"
         "content/data/sales.csv:3: error: figure 'q2': value 'lots' is not a number\n"
         "content/sections/01-overview.md:3: error: unknown key 'ordr' in front matter; did you mean 'order'?"),
]


@pytest.fixture(scope="module")
def good_build(tmp_path_factory):
    """A good build of the minimal project (every audience, PDF and deck) to compare against."""
    project = tmp_path_factory.mktemp("good") / "minimal"
    shutil.copytree(PROJECTS / "minimal", project)
    out = project.parent / "out"
    result = run_cli("build", project, "-o", out, "-j", "1")
    assert result.code == 0, result.err
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under *folder* with its bytes."""
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def assert_clean_failure(result, expected: str) -> None:
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert result.err == expected + "\n"


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_one_line_per_problem_and_the_last_build_survives(case, good_build, tmp_path):
    project = tmp_path / "minimal"
    shutil.copytree(PROJECTS / "minimal", project)
    out = tmp_path / "out"
    shutil.copytree(good_build, out)
    before = snapshot(out)
    for edit in case.edits:
        edit(project)

    result = run_cli("build", project, "-o", out, *case.args)

    assert_clean_failure(result, case.message)
    assert snapshot(out) == before
    assert not list(tmp_path.rglob("*.tmp"))
    if case.check_too:
        project_before = snapshot(project)
        assert_clean_failure(run_cli("check", project), case.message)
        assert snapshot(project) == project_before


def test_debug_shows_the_traceback(project_copy):
    from reportgen.cli import main
    from reportgen.errors import ReportgenError

    project = project_copy()
    replace(S1, "order: 10", "ordr: 10")(project)
    with pytest.raises(ReportgenError):
        main(["--debug", "check", str(project)])


def test_check_writes_nothing(cli, project_copy):
    project = project_copy()
    before = snapshot(project)
    assert cli("check", project).code == 0
    assert snapshot(project) == before


# An output path that cannot be written


def test_output_path_that_is_a_file(cli, project_copy, tmp_path):
    project = project_copy()
    target = tmp_path / "not-a-folder"
    target.write_text("keep me")
    result = cli("build", project, "-o", target)
    assert_clean_failure(result, f"{target}: error: cannot write output: not a folder")
    assert target.read_text() == "keep me"


def test_output_path_below_a_file(cli, project_copy, tmp_path):
    project = project_copy()
    (tmp_path / "file").write_text("keep me")
    out = tmp_path / "file" / "out"
    result = cli("build", project, "-o", out)
    assert_clean_failure(result, f"{out}: error: cannot write output: '{tmp_path / 'file'}' is not a folder")


@pytest.mark.slow
def test_output_folder_where_an_audience_folder_is_a_file(cli, project_copy, tmp_path):
    project = project_copy()
    out = tmp_path / "out"
    out.mkdir()
    (out / "board").write_text("keep me")
    result = cli("build", project, "-o", out, "-f", "pdf", "-j", "1")
    assert_clean_failure(result, f"{out / 'board'}: error: cannot write output: not a folder")
    assert (out / "board").read_text() == "keep me"
    assert sorted(path.name for path in out.rglob("*")) == ["board"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root may write to read-only folders")
def test_output_folder_that_is_read_only(cli, project_copy, tmp_path):
    project = project_copy()
    out = tmp_path / "read-only"
    out.mkdir()
    out.chmod(0o555)
    try:
        result = cli("build", project, "-o", out)
    finally:
        out.chmod(0o755)
    assert_clean_failure(result, f"{out}: error: cannot write output: permission denied")
    assert not list(out.iterdir())


@pytest.mark.slow
def test_a_write_that_fails_midway_leaves_the_last_build_and_no_temporary_files(cli, good_build, tmp_path, monkeypatch):
    """Disk full while writing the third file: nothing has been moved into place yet."""
    build_module = importlib.import_module("reportgen.build")

    project = tmp_path / "minimal"
    shutil.copytree(PROJECTS / "minimal", project)
    replace(S1, PROSE, "Changed. " + PROSE)(project)
    out = tmp_path / "out"
    shutil.copytree(good_build, out)
    before = snapshot(out)
    real_stage = build_module._stage
    calls = []

    def full_disk(target: Path, data: bytes) -> Path:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return real_stage(target, data)

    monkeypatch.setattr(build_module, "_stage", full_disk)
    result = cli("build", project, "-o", out, "-j", "1")

    assert_clean_failure(result, f"{calls[-1]}: error: cannot write output: No space left on device")
    assert snapshot(out) == before
    assert not list(out.rglob("*.tmp"))


def test_the_installed_command_prints_one_line_and_no_traceback(project_copy):
    """As a user runs it: a separate process, `python -m reportgen`, exit 1, one line on stderr."""
    import subprocess
    import sys

    project = project_copy()
    replace(S1, "order: 10", "ordr: 10")(project)
    process = subprocess.run([sys.executable, "-m", "reportgen", "check", str(project)], capture_output=True, text=True)
    assert process.returncode == 1
    assert process.stdout == ""
    assert process.stderr == "content/sections/01-overview.md:3: error: unknown key 'ordr' in front matter; did you mean 'order'?\n"


# --- Hostile input, round two: each case runs in a child process whose peak memory is measured ---

PEAK_MB = 300  # a good build of this project peaks near 100 MB; the hostile cases once took 1–2 GB


@dataclass
class Child:
    code: int
    out: str
    err: str
    peak_mb: float  # the child's maximum resident set size, from os.wait4's resource usage
    seconds: float


def run_child(*args: object, patch: str = "", cwd: Path | None = None, timeout: float = 120) -> Child:
    """Run `reportgen ARGS…` in a new Python process (after *patch*, Python code) and measure it."""
    import signal
    import subprocess
    import sys
    import tempfile
    import threading
    import time

    code = f"import sys\n{patch}\nfrom reportgen.cli import main\nsys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=out, stderr=err, cwd=cwd, env=env)
        killer = threading.Timer(timeout, lambda: os.kill(process.pid, signal.SIGKILL))
        killer.start()
        try:
            _pid, status, usage = os.wait4(process.pid, 0)
        finally:
            killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        return Child(process.returncode, out.read().decode(), err.read().decode(), usage.ru_maxrss / 1024, seconds)


def truncated_jpeg() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((64, 64), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    return buffer.getvalue()[: len(buffer.getvalue()) * 2 // 3]


def fifo(rel: str) -> Edit:
    def edit(project: Path) -> None:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(project / rel)

    return edit


def link(rel: str, target: str) -> Edit:
    """Make *rel* a symbolic link to *target* (absolute, or relative to the project's parent)."""

    def edit(project: Path) -> None:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(Path(project.parent, target), project / rel)

    return edit


def sparse(rel: str, size: int) -> Edit:
    """A file of *size* bytes that takes no disk space (all zeros)."""

    def edit(project: Path) -> None:
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        with open(project / rel, "wb") as stream:
            stream.truncate(size)

    return edit


def zip_bomb(rel: str, unpacked: int) -> Edit:
    """A .pptx-looking zip whose one large entry unpacks to *unpacked* bytes of zeros."""
    import zipfile

    def edit(project: Path) -> None:
        with zipfile.ZipFile(project / rel, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
            package.writestr("ppt/presentation.xml", "<p:presentation/>")
            with package.open("ppt/media/zeros.bin", "w", force_zip64=True) as entry:
                block = bytes(1 << 20)
                for _ in range(unpacked >> 20):
                    entry.write(block)

    return edit


def master_without_placeholders(rel: str, layout: str, keep: tuple[int, ...] = (0,)) -> Edit:
    """Copy the built-in master to *rel*, its layout *layout* keeping only the placeholders *keep*."""

    def edit(project: Path) -> None:
        from pptx import Presentation

        from reportgen.templates import PACKAGE_TEMPLATES

        prs = Presentation(str(PACKAGE_TEMPLATES / "deck.pptx"))
        for each in prs.slide_layouts:
            if each.name == layout:
                for placeholder in list(each.placeholders):
                    if placeholder.placeholder_format.idx not in keep:
                        placeholder._element.getparent().remove(placeholder._element)
        prs.save(str(project / rel))

    return edit


def stylesheet(css: str) -> Edit:
    return write("templates/board/audience.css", css)


LOGO_SVG = replace(BOARD, 'accent: "#5B2A86"', 'accent: "#5B2A86"\n  logo: logo.svg')
_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9">\n<image href="{}" width="9" height="9"/>\n</svg>\n'
_CONCAT = "{% set ns = namespace(s=X) %}{% for i in range(64) %}{% set ns.s = ns.s OP ns.s %}{% endfor %}"
_CPU_LOOP = "{% for i in range(99999) %}{{ range(99999)|sum }}{% endfor %}"


@dataclass
class Hostile:
    id: str
    edits: list[Edit]
    message: str
    check_too: bool = True
    patch: str = ""  # Python run in the child before reportgen (a smaller budget, to keep tests fast)


HOSTILE = [
    # Special files: a pipe or a device is never opened for reading, an unreadable folder is named
    Hostile("fifo-section", [fifo("content/sections/03-pipe.md")], "content/sections/03-pipe.md: error: is a pipe, not a regular file"),
    Hostile("fifo-data", [fifo("content/data/pipe.csv")], "content/data/pipe.csv: error: is a pipe, not a regular file"),
    Hostile("fifo-audience", [fifo("content/audiences/pipe.yaml")], "content/audiences/pipe.yaml: error: is a pipe, not a regular file"),
    Hostile("dev-zero-as-data", [link("content/data/zero.csv", "/dev/zero")], "content/data/zero.csv: error: is a link to a file outside the project"),
    Hostile("fifo-image", [fifo("images/map.png"), before_prose("![Map](images/map.png)\n\n")],
            "content/sections/01-overview.md:12: error: image 'images/map.png' is a pipe, not a regular file"),
    Hostile("fifo-template", [fifo("templates/board/briefing.html.j2")], "templates/board/briefing.html.j2: error: is a pipe, not a regular file"),
    Hostile("fifo-stylesheet-resource", [fifo("images/pipe.png"), stylesheet(".cover-title { background: url('images/pipe.png'); }\n")],
            "templates/board/audience.css:1: error: resource 'images/pipe.png' refused: is a pipe, not a regular file"),
    Hostile("dev-zero-stylesheet-resource", [link("images/zero.png", "/dev/zero"), stylesheet(".cover-title { background: url('images/zero.png'); }\n")],
            "templates/board/audience.css:1: error: resource 'images/zero.png' refused: outside the project"),
    Hostile("folder-as-image", [write("images/map.png/x", "x"), before_prose("![Map](images/map.png)\n\n")],
            "content/sections/01-overview.md:12: error: image 'images/map.png' is a folder, not a regular file"),
    # Budgets: pixels wherever an image is referred from, bytes of every file, unpacked size of a master
    Hostile("pixels-inside-an-svg", [write("images/big.png", png_header(12_000, 12_000)), write("logo.svg", _SVG.format("images/big.png")), LOGO_SVG],
            "logo.svg:2: error: resource 'images/big.png' refused: is too large (12000×12000 pixels; limit 50,000,000)"),
    Hostile("pixels-of-a-data-url-inside-an-svg",
            [write("logo.svg", _SVG.format("data:image/png;base64," + base64.b64encode(png_header(12_000, 12_000)).decode())), LOGO_SVG],
            f"logo.svg:2: error: resource 'data:image/png;base64,{base64.b64encode(png_header(12_000, 12_000)).decode()}' refused: "
            "is too large (12000×12000 pixels; limit 50,000,000)"),
    Hostile("pixels-from-css", [write("images/big.png", png_header(12_000, 12_000)), stylesheet(".cover-title { background: url('images/big.png'); }\n")],
            "templates/board/audience.css:1: error: resource 'images/big.png' refused: is too large (12000×12000 pixels; limit 50,000,000)"),
    Hostile("gigabyte-from-css", [sparse("images/huge.bin", 1 << 30), stylesheet(".cover-title { background: url('images/huge.bin'); }\n")],
            "templates/board/audience.css:1: error: resource 'images/huge.bin' refused: is too large (1,073,741,824 bytes; limit 50,000,000)"),
    Hostile("gigabyte-image", [sparse("images/huge.png", 1 << 30), before_prose("![Map](images/huge.png)\n\n")],
            "content/sections/01-overview.md:12: error: image 'images/huge.png' is too large (1,073,741,824 bytes; limit 50,000,000)"),
    Hostile("zip-bomb-master", [zip_bomb("templates/board/deck.pptx", 200 << 20)],
            "content/audiences/board.yaml: error: deck master 'deck.pptx' is too large unpacked (209,715,217 bytes; limit 50,000,000)"),
    Hostile("string-concatenation-loop", [before_prose(_CONCAT.replace("X", "'ab'").replace("OP", "~"))],
            "content/sections/01-overview.md:12: error: template limit exceeded: a joined string or list longer than 1,000,000"),
    Hostile("string-plus-loop", [before_prose(_CONCAT.replace("X", "'ab'").replace("OP", "+"))],
            "content/sections/01-overview.md:12: error: template limit exceeded: a joined string or list longer than 1,000,000"),
    Hostile("list-concatenation-loop", [before_prose(_CONCAT.replace("X", "[1, 2]").replace("OP", "+"))],
            "content/sections/01-overview.md:12: error: template limit exceeded: a joined string or list longer than 1,000,000"),
    Hostile("processor-bound-loop", [before_prose(_CPU_LOOP)],
            "content/sections/01-overview.md:12: error: template limit exceeded: more than 1 s of processor time",
            patch="import importlib\nimportlib.import_module('reportgen.sandbox').MAX_RENDER_SECONDS = 1.0"),
    # Numbers: finite, in range, validated where they are read
    Hostile("figure-of-401-digits", [replace(CSV, "q2,Q2,2025,135,", "q2,Q2,2025," + "9" * 401 + ",")],
            "content/data/sales.csv:3: error: figure 'q2': value '" + "9" * 39 + "…' is out of range (at most ±1,000,000,000,000,000)"),
    Hostile("figure-of-401-digits-in-yaml",
            [write("content/data/big.yaml", "unit: t\nsource: ledger\nfigures:\n  - key: big\n    value: " + "9" * 401 + "\n")],
            "content/data/big.yaml:5: error: invalid YAML: a whole number of 401 digits (limit 30)"),
    Hostile("huge-figure", [replace(CSV, "q2,Q2,2025,135,", "q2,Q2,2025,1e300,")],
            "content/data/sales.csv:3: error: figure 'q2': value '1e300' is out of range (at most ±1,000,000,000,000,000)"),
    Hostile("front-matter-integer-of-5000-digits", [replace(S1, "order: 10", "order: " + "9" * 5000)],
            "content/sections/01-overview.md:3: error: invalid YAML: a whole number of 5,000 digits (limit 30)"),
    Hostile("round-to-1e308-digits", [replace(CSV, "round((q4 / q3 - 1) * 100)", '"round(q4 / q3, 1e308)"')],
            "content/data/sales.csv:6: error: figure 'growth': derived expression 'round(q4 / q3, 1e308)': the number 1e+308 is out of range (at most ±1,000,000,000,000,000)"),
    Hostile("round-to-too-many-digits", [replace(CSV, "round((q4 / q3 - 1) * 100)", '"round(q4 / q3, 400)"')],
            "content/data/sales.csv:6: error: figure 'growth': derived expression 'round(q4 / q3, 400)': round() takes a whole number of digits from -15 to 15"),
    Hostile("derived-out-of-range", [replace(CSV, "round((q4 / q3 - 1) * 100)", "q4 * 1e15")],
            "content/data/sales.csv:6: error: figure 'growth': derived expression 'q4 * 1e15' gives 1.8e+17, out of range (at most ±1,000,000,000,000,000)"),
    Hostile("derived-cycle", [replace(CSV, "q1,Q1,2025,120,USD thousand,ledger,,,", "q1,Q1,2025,,USD thousand,ledger,,growth + 1,"),
                              replace(CSV, "round((q4 / q3 - 1) * 100)", "q1 * 2")],
            "content/data/sales.csv:2: error: derived figures refer to each other in a cycle: q1 → growth → q1"),
    # Dates are calendar dates
    Hostile("month-zero", [replace(CONFIG, "date: 2026-01-15", "date: 2024-00-15")],
            "content/report.yaml:3: error: 'date': date '2024-00-15' is not a calendar date (month must be in 1..12)"),
    Hostile("thirtieth-of-february", [write("content/data/events.yaml", "source: ledger\nevents:\n  - date: 2024-02-30\n    title: Never\n")],
            "content/data/events.yaml:3: error: event date '2024-02-30' is not a calendar date (day is out of range for month)"),
    # Characters every product can carry
    Hostile("emoji-in-prose", [before_prose("Up \U0001F680 ")],
            "content/sections/01-overview.md:12: error: character '\U0001F680' (U+1F680, ROCKET) cannot be drawn: the fonts shipped with reportgen (Source Serif 4, Source Sans 3, Carlito) do not all have it"),
    Hostile("emoji-through-an-escape", [before_prose("{{ '\\U0001F680' }} ")],
            "content/sections/01-overview.md:12: error: character '\U0001F680' (U+1F680, ROCKET) cannot be drawn: the fonts shipped with reportgen (Source Serif 4, Source Sans 3, Carlito) do not all have it"),
    Hostile("emoji-in-data", [replace(CSV, "q2,Q2,", "q2,Q2 \u2705,")],
            "content/data/sales.csv:3: error: character '\u2705' (U+2705, WHITE HEAVY CHECK MARK) cannot be drawn: the fonts shipped with reportgen (Source Serif 4, Source Sans 3, Carlito) do not all have it"),
    Hostile("lone-surrogate-escape", [replace(S1, "order: 10", 'order: 10\nsummary: "Sales \\ud83d rose"')],
            "content/sections/01-overview.md:4: error: invalid YAML: a lone surrogate U+D83D is not a character (write the character itself)"),
    # Wrong values that used to be accepted
    Hostile("truncated-jpeg", [write("images/cut.jpg", truncated_jpeg()), before_prose("![Cut](images/cut.jpg)\n\n")],
            "content/sections/01-overview.md:12: error: image 'images/cut.jpg' is damaged: its data ends too early (a truncated file?)"),
    Hostile("truncated-jpeg-from-css", [write("images/cut.jpg", truncated_jpeg()), stylesheet(".cover-title { background: url('images/cut.jpg'); }\n")],
            "templates/board/audience.css:1: error: resource 'images/cut.jpg' refused: is damaged: its data ends too early (a truncated file?)"),
    # Errors name the user's file and line, also from inside a built-in template
    Hostile("zero-total-pie", [replace(S2, "type: column", "type: pie"), *(replace(CSV, f"q{n},Q{n},2025,{v},", f"q{n},Q{n},2025,0,")
                                                                       for n, v in ((1, 120), (2, 135), (3, 150), (4, 180))),
                               replace(CSV, "round((q4 / q3 - 1) * 100)", "q4")],
            "content/sections/02-sales.md:12: error: template error: chart 'Sales rose every quarter': a pie chart needs a total above zero "
            "(in the chart directive; built-in:blocks/chart.html.j2:5)"),
    # A user's master must have the placeholders the slides need, or their text would be dropped
    Hostile("master-without-body-placeholder", [master_without_placeholders("templates/board/deck.pptx", "Bullets")],
            "content/audiences/board.yaml: error: deck master 'deck.pptx': layout 'Bullets' has no placeholder for the bullets (idx 1) "
            "its slides need; add it to the layout"),
    Hostile("master-without-title-placeholder", [master_without_placeholders("templates/board/brand.pptx", "Title", keep=(1, 2)),
                                                 replace(BOARD, "max_slides: 6", "max_slides: 6\n  master: brand.pptx")],
            "content/audiences/board.yaml: error: deck master 'brand.pptx': layout 'Title' has no placeholder for the title (idx 0) "
            "its slides need; add it to the layout"),
    # Content that cannot fit the page
    Hostile("table-of-10000-columns", [before_prose("|" + "|".join(f"c{i}" for i in range(10_000)) + "|\n|" + "-|" * 10_000 + "\n\n")],
            "content/sections/01-overview.md:12: error: a table of 10,000 columns does not fit the page (at most 10; split it into narrower tables)"),
    Hostile("word-wider-than-the-page", [before_prose("x" * 400 + " ")],
            "content/sections/01-overview.md:12: error: text runs off page 1 of the PDF: '" + "x" * 59 + "…' (break it up or shorten it)",
            check_too=False),  # found when the PDF is laid out
    # A refused resource written with CSS escapes names the stylesheet
    Hostile("escaped-css-url", [stylesheet(".cover-title { color: red; }\n.cover-title { background: u\\72l('\\2e\\2e/\\2e\\2e/etc/passwd'); }\n")],
            "templates/board/audience.css:2: error: resource '{outside}etc/passwd' refused: outside the project"),
]


@pytest.mark.slow  # a build in a child process each, in bounded memory
@pytest.mark.parametrize("case", HOSTILE, ids=[case.id for case in HOSTILE])
def test_hostile_input_is_one_line_in_bounded_memory_and_the_last_build_survives(case, good_build, tmp_path):
    project = tmp_path / "minimal"
    shutil.copytree(PROJECTS / "minimal", project)
    out = tmp_path / "out"
    shutil.copytree(good_build, out)
    before = snapshot(out)
    for edit in case.edits:
        edit(project)
    expected = case.message.replace("{outside}", (tmp_path.parent.as_uri() + "/") if "{outside}" in case.message else "")

    child = run_child("build", project, "-o", out, "-j", "1", patch=case.patch)

    assert (child.code, child.err) == (1, expected + "\n")
    assert "Traceback" not in child.err
    assert child.peak_mb < PEAK_MB, f"{child.peak_mb:.0f} MB"
    assert snapshot(out) == before
    assert not [path for path in tmp_path.rglob("*.tmp")]
    if case.check_too:
        child = run_child("check", project, patch=case.patch)
        assert (child.code, child.err) == (1, expected + "\n")
        assert child.peak_mb < PEAK_MB, f"{child.peak_mb:.0f} MB"


HARMLESS = [
    # Files nothing refers to are not read (nor hashed whole): the build neither hangs nor fills memory.
    ("fifo-in-content", [fifo("content/notes.pipe")]),
    ("fifo-in-templates", [fifo("templates/board/notes.pipe")]),
    ("dev-zero-in-content", [link("content/zero.bin", "/dev/zero")]),
    ("gigabyte-in-content", [sparse("content/video.bin", 1 << 30)]),
]


@pytest.mark.slow
@pytest.mark.parametrize("name, edits", HARMLESS, ids=[case[0] for case in HARMLESS])
def test_special_and_huge_files_nothing_uses_do_not_stop_the_build(name, edits, tmp_path):
    project = tmp_path / "minimal"
    shutil.copytree(PROJECTS / "minimal", project)
    for edit in edits:
        edit(project)
    out = tmp_path / "out"
    for _run in range(2):  # the first build, then one with nothing changed (which hashes the sources)
        child = run_child("build", project, "-o", out, "-j", "1", timeout=90)
        assert (child.code, child.err) == (0, "")
        assert child.peak_mb < PEAK_MB, f"{child.peak_mb:.0f} MB"
    assert child.seconds < 30, child.seconds


def test_an_unreadable_folder_is_named_not_a_traceback(cli, project_copy, monkeypatch):
    """(Simulated: the tests may run as root, who can read any folder.)"""
    project = project_copy()
    (project / "content" / "sections" / "private").mkdir()
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("private"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    assert_clean_failure(cli("check", project), "content/sections/private: error: cannot read folder: Permission denied")


def test_an_unreadable_image_is_named_not_a_traceback(cli, project_copy, monkeypatch):
    project = project_copy()
    write("images/map.png", png_header(4, 4))(project)
    before_prose("![Map](images/map.png)\n\n")(project)
    real_open = os.open

    def unreadable(path, *args, **kwargs):
        if str(path).endswith("map.png"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", unreadable)
    assert_clean_failure(cli("check", project), "content/sections/01-overview.md:12: error: image 'images/map.png' cannot be read: Permission denied")


SEAL = '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><title>Seal</title><circle cx="4" cy="4" r="4"/></svg>\n'
SEAL_TEMPLATE = '{% extends "!base/briefing.html.j2" %}\n{% block cover %}<img class="seal" src="{{ asset(\'seal.svg\') }}" alt="Seal">{{ super() }}{% endblock %}\n'


@pytest.mark.slow
@pytest.mark.parametrize("given", ["relative", "dot", "absolute"])
def test_asset_works_with_relative_and_absolute_project_folders(given, tmp_path):
    project = tmp_path / "minimal"
    shutil.copytree(PROJECTS / "minimal", project)
    write("templates/board/seal.svg", SEAL)(project)
    write("templates/board/briefing.html.j2", SEAL_TEMPLATE)(project)
    folder, cwd = {"relative": ("minimal", tmp_path), "dot": (".", project), "absolute": (project, None)}[given]
    child = run_child("build", folder, "-a", "board", "-f", "html", "-f", "pdf", "-o", tmp_path / "out", "-j", "1", cwd=cwd)
    assert (child.code, child.err) == (0, "")
    html = next((tmp_path / "out" / "board").glob("*.html")).read_text(encoding="utf-8")
    assert 'class="seal"' in html and "seal.svg" in html
    assert next((tmp_path / "out" / "board").glob("*.pdf")).stat().st_size > 0


# --- Killed and concurrent builds --------------------------------------------------------------

def _manifest_is_true(out: Path) -> None:
    """Every output the manifest lists is there with the hash it states."""
    import hashlib
    import json

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["outputs"]:
        data = (out / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert len(data) == entry["bytes"]


def _kill_at(function: str, call: int) -> str:
    """Child patch: SIGKILL the build at the *call*-th call of *function* (build._stage or os.replace)."""
    owner, name = ("reportgen.build", "_stage") if function == "stage" else ("os", "replace")
    return (
        f"import os, signal, importlib\nowner = importlib.import_module({owner!r})\nreal = getattr(owner, {name!r})\ncalls = [0]\n"
        f"def killing(*args, **kwargs):\n    calls[0] += 1\n    if calls[0] == {call}:\n        os.kill(os.getpid(), signal.SIGKILL)\n"
        f"    return real(*args, **kwargs)\nsetattr(owner, {name!r}, killing)\n"
    )


@pytest.mark.slow
@pytest.mark.parametrize("function, call", [("stage", 1), ("stage", 3), ("replace", 1), ("replace", 2), ("replace", 4), ("replace", 6)],
                         ids=["staging-first", "staging-third", "moving-first", "moving-second", "moving-fourth", "moving-last"])
def test_a_killed_build_leaves_a_true_manifest_and_the_next_build_a_clean_folder(function, call, good_build, tmp_path):
    project = tmp_path / "minimal"
    shutil.copytree(PROJECTS / "minimal", project)
    replace(S1, PROSE, "Changed. " + PROSE)(project)  # every output is made again
    out = tmp_path / "out"
    shutil.copytree(good_build, out)
    outputs = sorted(path.relative_to(out).as_posix() for path in out.rglob("*.p*") if path.suffix in (".pdf", ".pptx"))
    assert len(outputs) == 4

    killed = run_child("build", project, "-o", out, "-j", "1", patch=_kill_at(function, call))
    assert killed.code == -9, killed.err
    _manifest_is_true(out)  # already true, before any clean-up

    child = run_child("build", project, "-o", out, "-j", "1")
    assert (child.code, child.err) == (0, "")
    assert not list(out.rglob("*.tmp"))
    _manifest_is_true(out)
    import json

    listed = sorted(entry["path"] for entry in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"])
    assert listed == outputs == sorted(path.relative_to(out).as_posix() for path in out.rglob("*") if path.suffix in (".pdf", ".pptx"))


@pytest.mark.slow
def test_a_second_build_waits_for_the_first_and_stops_with_a_message_after_a_while(project_copy, tmp_path):
    import fcntl
    import subprocess
    import sys
    import time

    project = project_copy()
    out = tmp_path / "out"
    out.mkdir()
    handle = os.open(out, os.O_RDONLY)
    fcntl.flock(handle, fcntl.LOCK_EX)  # as a build into *out* holds it
    try:
        child = run_child("build", project, "-o", out, "-a", "board", "-f", "pptx", "-j", "1",
                          patch="import importlib\nimportlib.import_module('reportgen.build').LOCK_WAIT_SECONDS = 1.0")
        assert (child.code, child.err) == (1, f"{out}: error: another build is writing this output folder (waited 1 s); try again when it has finished\n")
        assert list(out.iterdir()) == []
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        waiting = subprocess.Popen([sys.executable, "-m", "reportgen", "build", str(project), "-o", str(out), "-a", "board", "-f", "pptx", "-j", "1"],
                                   env=env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        time.sleep(2)
        assert waiting.poll() is None  # still waiting
        assert list(out.iterdir()) == []
    finally:
        os.close(handle)
    _out, err = waiting.communicate(timeout=60)
    assert (waiting.returncode, err) == (0, "")
    _manifest_is_true(out)


@pytest.mark.slow
def test_two_builds_into_one_folder_at_once_leave_a_true_manifest(project_copy, tmp_path):
    import subprocess
    import sys

    project = project_copy()
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, "-m", "reportgen", "build", str(project), "-o", str(out), "-f", "pptx", "-j", "1", "--force"]
    builds = [subprocess.Popen([*command, "-a", name], env=env, stderr=subprocess.PIPE, text=True) for name in ("board", "team", "board")]
    errors = [build.communicate(timeout=120)[1] for build in builds]
    assert [build.returncode for build in builds] == [0, 0, 0], errors
    _manifest_is_true(out)
    import json

    listed = [entry["path"] for entry in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]]
    assert sorted(path.split("/")[0] for path in listed) == ["board", "team"]
    assert sorted(listed) == sorted(path.relative_to(out).as_posix() for path in out.rglob("*.pptx"))


# The build's time stamp


@pytest.mark.parametrize("epoch", ["", "tomorrow", "-1"])
def test_a_malformed_source_date_epoch_stops_build_and_check(cli, project_copy, tmp_path, monkeypatch, epoch):
    # fontTools cannot read it when it subsets the fonts, and WeasyPrint would embed them whole
    project = project_copy()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    message = (f"error: SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, not {epoch!r} "
               "(unset it to date the outputs with the build time)")
    assert_clean_failure(cli("build", project, "-o", tmp_path / "out"), message)
    assert not (tmp_path / "out").exists()
    assert_clean_failure(cli("check", project), message)
