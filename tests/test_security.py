"""Hostile content and templates: no Python internals, no files outside the project, no network,
no attachments, no runaway work. Each attempt is a one-line error naming the file (SPEC §6)."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path
from typing import Callable

import pytest
from helpers import BOARD, S1, before_prose, replace, write

NOT_ALLOWED = "content/sections/01-overview.md:12: error: not allowed in templates: "
LIMIT = "content/sections/01-overview.md:12: error: template limit exceeded: "

PROSE_CASES = [
    # Server-side template injection through the prose sandbox
    ("mro", "{{ ''.__class__.__mro__ }}", NOT_ALLOWED + "access to attribute '__class__' of 'str' object is unsafe."),
    ("cycler-globals", "{{ cycler.__init__.__globals__ }}", NOT_ALLOWED + "access to attribute '__init__' of 'type' object is unsafe."),
    ("lipsum-globals", "{{ lipsum.__globals__['os'] }}", NOT_ALLOWED + "access to attribute '__globals__' of 'function' object is unsafe."),
    ("attr-filter", "{{ data.sales|attr('__class__') }}", NOT_ALLOWED + "access to attribute '__class__' of 'Dataset' object is unsafe."),
    ("format-string", "{{ '{0.__class__}'.format(report) }}", NOT_ALLOWED + "access to attribute '__class__' of 'Config' object is unsafe."),
    ("dunder-dict", "{{ data.sales.__dict__ }}", NOT_ALLOWED + "access to attribute '__dict__' of 'Dataset' object is unsafe."),
    ("mutate-data", "{{ data.clear() }}", NOT_ALLOWED + "access to attribute 'clear' of 'dict' object is unsafe."),
    ("mutate-variables", "{{ audience.variables.update(ask='x') }}", NOT_ALLOWED + "access to attribute 'update' of 'dict' object is unsafe."),
    ("include-etc-passwd", "{% include '/etc/passwd' %}", NOT_ALLOWED + "prose cannot include, import or extend files ('/etc/passwd')"),
    ("extends-parent", "{% extends '../../x' %}", NOT_ALLOWED + "prose cannot include, import or extend files ('../../x')"),
    ("import-template", "{% import 'briefing.html.j2' as b %}", NOT_ALLOWED + "prose cannot include, import or extend files ('briefing.html.j2')"),
    # Absurd sizes and runaway work
    ("huge-range", "{% for i in range(10**9) %}x{% endfor %}", LIMIT + "a range of 1,000,000,000 numbers (limit 100,000)"),
    ("huge-repeat", "{{ 'a' * 10**9 }}", LIMIT + "a repeated string or list longer than 1,000,000"),
    ("huge-list", "{{ [0] * 10**9 }}", LIMIT + "a repeated string or list longer than 1,000,000"),
    ("huge-power", "{{ 10 ** 1000000 }}", LIMIT + "an exponent above 100"),
    ("squared-and-squared", "{% set a = 10 ** 100 %}{% set b = a * a %}{% set c = b * b %}{% set d = c * c %}{% set e = d * d %}{% set f = e * e %}{{ f * f }}",
     LIMIT + "a whole number of more than 10,000 bits"),
    ("percent-width", "{{ '%0999999999d' % 1 }}", LIMIT + "a format width of 999,999,999 (limit 1,000)"),
    ("format-width", "{{ '{:>999999999}'.format(1) }}", LIMIT + "a format width of 999,999,999 (limit 1,000)"),
    ("format-filter-width", "{{ '%999999999s'|format('a') }}", LIMIT + "a format width of 999,999,999 (limit 1,000)"),
    ("center-method", "{{ 'a'.center(10**9) }}", LIMIT + "a width of 1,000,000,000 (limit 1,000)"),
    ("indent-filter", "{{ 'ab'|indent(10**9) }}", LIMIT + "an indent of 1,000,000,000 (limit 1,000)"),
    ("replace-growth", "{{ ('a' * 999999)|replace('', 'bb') }}", LIMIT + "a replaced string longer than 1,000,000 characters"),
    ("join-growth", "{{ (['a' * 999999] * 1000)|join }}", LIMIT + "a joined string longer than 1,000,000 characters"),
    ("lipsum-count", "{{ lipsum(10**9) }}", LIMIT + "a paragraph count of 1,000,000,000 (limit 1,000)"),
    ("nested-loops", "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
     LIMIT + "more than 2,000,000 loop steps and calls"),
    ("macro-fan-out", "{% macro a(n) %}{% if n %}{{ a(n - 1) }}{{ a(n - 1) }}{% endif %}{% endmacro %}{{ a(40) }}",
     LIMIT + "more than 2,000,000 loop steps and calls"),
    # Images must be files inside the project; links may not use unsafe schemes
    ("image-file-url", "![x](file:///etc/passwd)\n\n",
     "content/sections/01-overview.md:12: error: image 'file:///etc/passwd' must be a path relative to the project folder, not a URL or an absolute path"),
    ("image-http-url", "![x](http://example.com/a.png)\n\n",
     "content/sections/01-overview.md:12: error: image 'http://example.com/a.png' must be a path relative to the project folder, not a URL or an absolute path"),
    ("image-absolute-path", "![x](/etc/passwd)\n\n",
     "content/sections/01-overview.md:12: error: image '/etc/passwd' must be a path relative to the project folder, not a URL or an absolute path"),
    ("image-outside", "![x](../../../../../../etc/passwd)\n\n",
     "content/sections/01-overview.md:12: error: image '../../../../../../etc/passwd' is outside the project"),
    ("image-data-url", "![x](data:image/png;base64,iVBORw0KGgo=)\n\n",
     "content/sections/01-overview.md:12: error: image 'data:image/png;base64,iVBORw0KGgo=' must be a path relative to the project folder, not a URL or an absolute path"),
    ("image-in-a-list", "- one\n- two ![x](http://example.com/a.png)\n\n",
     "content/sections/01-overview.md:13: error: image 'http://example.com/a.png' must be a path relative to the project folder, not a URL or an absolute path"),
    ("link-javascript", "[x](javascript:alert(1))\n\n",
     "content/sections/01-overview.md:12: error: link 'javascript:alert(1)' is not allowed (use http:, https:, mailto: or #anchor links)"),
    ("link-file", "[x](file:///etc/passwd)\n\n",
     "content/sections/01-overview.md:12: error: link 'file:///etc/passwd' is not allowed (use http:, https:, mailto: or #anchor links)"),
    ("attachment-attribute", "[ledger](content/report.yaml){rel=attachment}\n\n",
     "content/sections/01-overview.md:12: error: attribute 'rel' is not allowed in Markdown (use {#id} or {.class})"),
    ("style-attribute", "[x](#top){style=\"background: url(http://example.com/a.png)\"}\n\n",
     "content/sections/01-overview.md:12: error: attribute 'style' is not allowed in Markdown (use {#id} or {.class})"),
    ("src-attribute", "![x](content/images/none.png){src=\"http://example.com/a.png\"}\n\n",
     "content/sections/01-overview.md:12: error: image 'http://example.com/a.png' must be a path relative to the project folder, not a URL or an absolute path"),
]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that tries to open a network connection or resolve a name."""
    attempts: list[object] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise AssertionError(f"network contacted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    yield attempts
    assert not attempts


def one_line_error(result, expected: str) -> None:
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    assert result.err == expected + "\n"


SLOW_PROSE = {"macro-fan-out"}  # runs until the sandbox's time limit stops it


@pytest.mark.parametrize("name, prose, expected",
                         [pytest.param(*case, marks=pytest.mark.slow) if case[0] in SLOW_PROSE else case for case in PROSE_CASES],
                         ids=[case[0] for case in PROSE_CASES])
def test_hostile_prose_is_refused_with_file_and_line(name, prose, expected, cli, project_copy):
    project = project_copy()
    before_prose(prose)(project)
    one_line_error(cli("check", project), expected)


def test_an_image_url_in_a_summary_names_the_summary_line(cli, project_copy):
    project = project_copy()
    replace(S1, "summary: Sales rose every quarter and reached {{ data.sales.q4.text }} in Q4.", 'summary: "![x](http://example.com/a.png) Sales rose"')(project)
    one_line_error(
        cli("check", project),
        "content/sections/01-overview.md:5: error: image 'http://example.com/a.png' must be a path relative to the project folder, not a URL or an absolute path",
    )


def test_raw_html_in_markdown_is_escaped_not_obeyed(cli, project_copy, tmp_path):
    project = project_copy()
    before_prose('<link rel="attachment" href="file:///etc/passwd">\n\n<img src="http://example.com/a.png">\n\n')(project)
    out = tmp_path / "out"
    result = cli("build", project, "-a", "board", "-f", "html", "-f", "pdf", "-o", out, "-j", "1")
    assert result.code == 0, result.err
    html = (out / "board" / "quarterly-review.html").read_text(encoding="utf-8")
    # Raw HTML is off: the tags are text (with the typographer's quotes), not elements.
    assert "&lt;link rel=“attachment” href=“file:///etc/passwd”&gt;" in html
    assert "&lt;img src=“http://example.com/a.png”&gt;" in html
    assert '<link rel="attachment"' not in html and '<img src="http' not in html
    pdf = (out / "board" / "quarterly-review.pdf").read_bytes()
    assert b"/EmbeddedFile" not in pdf and b"root:x:0:0" not in pdf


@pytest.mark.parametrize(
    "logo, expected",
    [
        ("../secret.png", "content/audiences/board.yaml:10: error: logo '../secret.png' is outside the project"),
        ("/etc/passwd", "content/audiences/board.yaml:10: error: logo '/etc/passwd' must be a path relative to the project folder, not a URL or an absolute path"),
        ("http://example.com/logo.png", "content/audiences/board.yaml:10: error: logo 'http://example.com/logo.png' must be a path relative to the project folder, not a URL or an absolute path"),
        ("file:///etc/passwd", "content/audiences/board.yaml:10: error: logo 'file:///etc/passwd' must be a path relative to the project folder, not a URL or an absolute path"),
    ],
)
def test_a_logo_outside_the_project_is_refused(logo, expected, cli, project_copy):
    project = project_copy()
    (project.parent / "secret.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    replace(BOARD, 'accent: "#5B2A86"', f'accent: "#5B2A86"\n  logo: "{logo}"')(project)
    one_line_error(cli("check", project), expected)


TEMPLATE_CASES = [
    ("include-etc-passwd", '{% extends "!base/briefing.html.j2" %}\n{% block cover %}{% include "/etc/passwd" %}{% endblock %}\n',
     "templates/board/briefing.html.j2:2: error: template '/etc/passwd' not found"),
    ("extends-parent", '{% extends "../../../../etc/passwd" %}\n',
     "templates/board/briefing.html.j2:1: error: template '../../../../etc/passwd' not found"),
    ("mro", '{% extends "!base/briefing.html.j2" %}\n{% block cover %}{{ report.__class__.__mro__ }}{% endblock %}\n',
     "templates/board/briefing.html.j2:2: error: not allowed in templates: access to attribute '__class__' of 'Config' object is unsafe."),
    ("huge-range", '{% extends "!base/briefing.html.j2" %}\n{% block cover %}\n{{ range(10**9)|list }}{% endblock %}\n',
     "templates/board/briefing.html.j2:3: error: template limit exceeded: a range of 1,000,000,000 numbers (limit 100,000)"),
]


@pytest.mark.parametrize("name, template, expected", TEMPLATE_CASES, ids=[case[0] for case in TEMPLATE_CASES])
def test_hostile_templates_are_refused(name, template, expected, cli, project_copy):
    project = project_copy()
    write("templates/board/briefing.html.j2", template)(project)
    one_line_error(cli("check", project), expected)


def test_a_template_linked_from_outside_the_project_is_not_read(cli, project_copy, tmp_path):
    project = project_copy()
    secret = tmp_path / "secret.css"
    secret.write_text("/* SECRET */\n")
    (project / "templates" / "board" / "audience.css").unlink()
    os.symlink(secret, project / "templates" / "board" / "audience.css")
    from reportgen.templates import PACKAGE_TEMPLATES

    base = (PACKAGE_TEMPLATES / "briefing.html.j2").read_text(encoding="utf-8")
    line = base[: base.index('include "audience.css"')].count("\n") + 1
    one_line_error(
        cli("check", project),
        f"built-in:briefing.html.j2:{line}: error: not allowed in templates: template 'audience.css' is a link to a file outside the template folders",
    )


def test_a_section_linked_from_outside_the_project_is_not_read(cli, project_copy, tmp_path):
    project = project_copy()
    secret = tmp_path / "secret.md"
    secret.write_text("---\ntitle: SECRET\n---\nSECRET\n")
    os.symlink(secret, project / "content" / "sections" / "03-secret.md")
    one_line_error(cli("check", project), "content/sections/03-secret.md: error: is a link to a file outside the project")


# Resources the PDF renderer fetches: the confined URL fetcher is the last line of defence.
FETCH_CASES = [
    ("css-http", ".cover-title { background: url('http://example.com/x.png'); }\n",
     "templates/board/audience.css:1: error: resource 'http://example.com/x.png' refused: only files inside the project can be used (no network)"),
    ("css-file-outside", ".cover-title { background: url('file:///etc/passwd'); }\n",
     "templates/board/audience.css:1: error: resource 'file:///etc/passwd' refused: outside the project"),
    ("css-missing", "\n.cover-title { background: url('images/none.png'); }\n",
     "templates/board/audience.css:2: error: resource 'images/none.png' refused: file not found"),
    ("css-font-http", '@font-face { font-family: X; src: url("https://example.com/x.woff2"); }\n.cover-title { font-family: X; }\n',
     "templates/board/audience.css:1: error: resource 'https://example.com/x.woff2' refused: only files inside the project can be used (no network)"),
]


@pytest.mark.parametrize("name, css, expected", FETCH_CASES, ids=[case[0] for case in FETCH_CASES])
def test_the_pdf_renderer_fetches_nothing_outside_the_project(name, css, expected, cli, project_copy, tmp_path):
    project = project_copy()
    write("templates/board/audience.css", css)(project)
    out = tmp_path / "out"
    one_line_error(cli("build", project, "-a", "board", "-f", "pdf", "-o", out, "-j", "1"), expected)
    assert not out.exists()
    one_line_error(cli("check", project), expected)


def test_the_fetcher_refuses_what_the_html_check_would(project_copy):
    """The last line of defence: the fetcher alone refuses the network and files outside."""
    from reportgen.render.briefing import _confined_fetcher

    project = project_copy()
    fetcher = _confined_fetcher([project.resolve()])
    for url in ("http://example.com/a.png", "https://example.com/a.css", "ftp://example.com/x", "file:///etc/passwd",
                (project / "missing.png").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert [reason for _url, reason in fetcher.refused] == [
        "only files inside the project can be used (no network)",
        "only files inside the project can be used (no network)",
        "only files inside the project can be used (no network)",
        "outside the project",
        "file not found",
    ]
    assert fetcher.fetch((project / "content" / "report.yaml").as_uri()).read().startswith(b"title:")


def test_an_svg_that_refers_to_the_network_is_named(cli, project_copy, tmp_path):
    project = project_copy()
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="10" height="10">\n'
        '<image xlink:href="http://example.com/tracker.png" width="10" height="10"/></svg>\n'
    )
    write("images/logo.svg", svg)(project)
    replace(BOARD, 'accent: "#5B2A86"', 'accent: "#5B2A86"\n  logo: images/logo.svg')(project)
    one_line_error(
        cli("build", project, "-a", "board", "-f", "pdf", "-o", tmp_path / "out", "-j", "1"),
        "images/logo.svg:2: error: resource 'http://example.com/tracker.png' refused: only files inside the project can be used (no network)",
    )


@pytest.mark.parametrize(
    "markup",
    ['<a rel="attachment" href="content/report.yaml">ledger</a>', '<link rel="attachment" href="content/data/sales.csv">'],
    ids=["a", "link"],
)
def test_a_template_cannot_attach_files_to_the_pdf(markup, cli, project_copy, tmp_path):
    project = project_copy()
    write("templates/board/briefing.html.j2", '{% extends "!base/briefing.html.j2" %}\n{% block cover %}' + markup + "{% endblock %}\n")(project)
    out = tmp_path / "out"
    expected = 'templates/board/briefing.html.j2:2: error: attachments are not allowed (rel="attachment")'
    one_line_error(cli("build", project, "-a", "board", "-f", "pdf", "-o", out, "-j", "1"), expected)
    one_line_error(cli("check", project), expected)


def test_a_corrupt_image_in_a_template_names_the_template(cli, project_copy, tmp_path):
    project = project_copy()
    (project / "images").mkdir()
    (project / "images" / "seal.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    write("templates/board/briefing.html.j2", '{% extends "!base/briefing.html.j2" %}\n{% block cover %}\n<img src="images/seal.png" alt="">{% endblock %}\n')(project)
    one_line_error(
        cli("build", project, "-a", "board", "-f", "pdf", "-o", tmp_path / "out", "-j", "1"),
        "templates/board/briefing.html.j2:3: error: image 'images/seal.png' cannot be loaded (missing, corrupt or not an image)",
    )


def test_a_good_build_reads_only_the_project_and_the_package(cli, project_copy, tmp_path, monkeypatch):
    """Every file the PDF renderer fetches lies inside the project or reportgen's own folder."""
    import reportgen
    from reportgen.render import briefing

    fetched: list[str] = []
    confined_fetcher = briefing._confined_fetcher

    def spying_fetcher(roots):
        fetcher = confined_fetcher(roots)
        fetch = fetcher.fetch

        def spy(url, *args, **kwargs):
            fetched.append(url)
            return fetch(url, *args, **kwargs)

        fetcher.fetch = spy
        return fetcher

    monkeypatch.setattr(briefing, "_confined_fetcher", spying_fetcher)
    project = project_copy()
    (project / "images").mkdir()
    from PIL import Image

    Image.new("RGB", (4, 4), "red").save(project / "images" / "dot.png")
    before_prose("![A red dot](images/dot.png)\n\n")(project)
    result = cli("build", project, "-a", "board", "-f", "pdf", "-o", tmp_path / "out", "-j", "1")
    assert result.code == 0, result.err
    allowed = (project.resolve().as_uri(), Path(reportgen.__file__).parent.resolve().as_uri())
    assert fetched and all(url.startswith(allowed) or url.startswith("data:") for url in fetched), fetched
    assert any(url.endswith("images/dot.png") for url in fetched)


def test_prose_sees_only_data_report_and_audience(cli, project_copy, tmp_path):
    """The prose context holds no path to the machine: paths in it are relative to the project."""
    project = project_copy()
    before_prose("[{{ data.sales.path }}|{{ report.path }}|{{ audience.path }}]\n\n")(project)
    out = tmp_path / "out"
    assert cli("build", project, "-a", "board", "-f", "html", "-o", out).code == 0
    html = (out / "board" / "quarterly-review.html").read_text(encoding="utf-8")
    assert "[content/data/sales.csv|content/report.yaml|content/audiences/board.yaml]" in html
    assert str(tmp_path) not in html.replace(str(out), "")


def test_prose_text_is_unchanged_by_the_loop_budget(project_copy):
    """Loops and filters still work as Jinja documents them under the sandbox's limits."""
    from reportgen.templates import render_string

    text = "{% for i in range(3) %}{{ loop.index }}/{{ loop.length }}{% if not loop.last %},{% endif %}{% endfor %} {{ [1, 2]|join('-') }} {{ 'ab'|center(6) }}|{{ '%05.1f'|format(3.14159) }}"
    assert render_string(text, {}, "x.md") == "1/3,2/3,3/3 1-2   ab  |003.1"


# Links out of the project, for folders as well as files: refused wherever the build reads.
def _outside_templates(tmp_path: Path) -> Path:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "briefing.html.j2").write_text("SECRET {{ report.title }}\n")
    (outside / "audience.css").write_text("/* SECRET */\n")
    return outside


def _link_templates_folder(name: str) -> Callable[[Path, Path], None]:
    def edit(project: Path, tmp_path: Path) -> None:
        folder = project / "templates" / name
        if folder.exists():
            shutil.rmtree(folder)
        os.symlink(_outside_templates(tmp_path), folder, target_is_directory=True)

    return edit


def _link_master(name: str, audience_line: str = "") -> Callable[[Path, Path], None]:
    def edit(project: Path, tmp_path: Path) -> None:
        from reportgen.templates import PACKAGE_TEMPLATES

        secret = tmp_path / "secret.pptx"
        shutil.copy(PACKAGE_TEMPLATES / "deck.pptx", secret)
        os.symlink(secret, project / "templates" / "board" / name)
        if audience_line:
            replace(BOARD, "  max_slides: 6", "  max_slides: 6\n" + audience_line)(project)

    return edit


def _link_templates_root(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere-root"
    shutil.copytree(project / "templates", outside)
    shutil.rmtree(project / "templates")
    os.symlink(outside, project / "templates", target_is_directory=True)


def _link_asset(project: Path, tmp_path: Path) -> None:
    secret = tmp_path / "seal.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><title>SECRET</title></svg>\n')
    os.symlink(secret, project / "templates" / "board" / "seal.svg")
    write("templates/board/briefing.html.j2",
          '{% extends "!base/briefing.html.j2" %}\n{% block cover %}<img src="{{ asset(\'seal.svg\') }}" alt="">{% endblock %}\n')(project)


LINK_CASES = [
    ("audience-templates-folder", _link_templates_folder("board"), "templates/board: error: is a link to a folder outside the project"),
    ("base-templates-folder", _link_templates_folder("base"), "templates/base: error: is a link to a folder outside the project"),
    ("templates-folder", _link_templates_root, "templates: error: is a link to a folder outside the project"),
    ("deck-master", _link_master("deck.pptx"), "templates/board/deck.pptx: error: is a link to a file outside the project"),
    ("named-deck-master", _link_master("brand.pptx", "  master: brand.pptx"),
     "templates/board/brand.pptx: error: is a link to a file outside the project"),
    ("asset", _link_asset, "templates/board/seal.svg: error: is a link to a file outside the project"),
]


@pytest.mark.parametrize("name, edit, expected", LINK_CASES, ids=[case[0] for case in LINK_CASES])
def test_links_out_of_the_project_are_refused_for_folders_and_files(name, edit, expected, cli, project_copy, tmp_path):
    project = project_copy()
    edit(project, tmp_path)
    out = tmp_path / "out"
    result = cli("build", project, "-a", "board", "-o", out, "-j", "1")
    one_line_error(result, expected)
    assert not out.exists()
    one_line_error(cli("check", project), expected)


def test_the_fetcher_caps_bytes_and_pixels_and_refuses_special_files(project_copy):
    """The fetcher alone (the renderer's last line of defence) holds the same rule as check."""
    from helpers import png_header

    from reportgen.render.briefing import _confined_fetcher

    project = project_copy()
    (project / "images").mkdir()
    os.mkfifo(project / "images" / "pipe.png")
    with open(project / "images" / "huge.bin", "wb") as stream:
        stream.truncate(1 << 30)
    (project / "images" / "big.png").write_bytes(png_header(12_000, 12_000))
    fetcher = _confined_fetcher([project.resolve()])
    import base64

    for url in ((project / "images" / "pipe.png").as_uri(), (project / "images" / "huge.bin").as_uri(),
                (project / "images" / "big.png").as_uri(), "data:image/png;base64," + base64.b64encode(png_header(12_000, 12_000)).decode()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert [reason for _url, reason in fetcher.refused] == [
        "is a pipe, not a regular file",
        "is too large (1,073,741,824 bytes; limit 50,000,000)",
        "is too large (12000×12000 pixels; limit 50,000,000)",
        "is too large (12000×12000 pixels; limit 50,000,000)",
    ]
    (project / "images" / "dot.png").write_bytes(png_header(4, 4))
    assert fetcher.fetch((project / "images" / "dot.png").as_uri()).read() == png_header(4, 4)
