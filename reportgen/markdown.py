"""The one Markdown parser: CommonMark, tables, footnotes and ``:::`` directives, with line numbers."""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path
from typing import Any, Sequence, cast

from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import validateLink
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .citations import citation_plugin
from .directives import DATA_DIRECTIVES, CalloutOptions, QuoteOptions, read_options
from .errors import ReportgenError
from .locales import current
from .model import Block, ExtraSlide, Picture
from .resources import check_reference, project_image
from .yamlfile import expect_mapping, parse_yaml

MARKDOWN_DIRECTIVES = ("audience", "briefing", "slides", "callout", "quote")
DIRECTIVES = MARKDOWN_DIRECTIVES + tuple(DATA_DIRECTIVES)  # a data directive's body is YAML: its options


def parser() -> MarkdownIt:
    """Return the markdown-it parser of the current edition's language (its quote marks)."""
    return _parser(current().quotes)


@functools.lru_cache(maxsize=8)
def _parser(quotes: str) -> MarkdownIt:
    """Return the shared markdown-it parser for *quotes* (raw HTML off: content cannot inject markup)."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": True, "quotes": quotes}).enable(["table", "strikethrough", "replacements", "smartquotes"])
    for name in DIRECTIVES:
        md.use(container_plugin, name)
    md.use(container_plugin, "unknown", validate=_is_unknown_directive)
    md.use(footnote_plugin)
    md.use(citation_plugin)
    md.use(deflist_plugin)
    md.use(attrs_plugin)
    md.use(attrs_block_plugin)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    # Every link and image becomes a token, so that check_links can name a refused URL
    # with its file and line instead of markdown-it silently leaving it as text.
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # markdown-it documents this override
    return md


def _is_unknown_directive(params: str, markup: str) -> bool:
    name = params.strip().split(" ", 1)[0]
    return bool(name) and name not in DIRECTIVES


def _render_footnote_ref(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
    # WeasyPrint places an element with `float: footnote` at the bottom of its page.
    note = env.get("footnote_html", {}).get(tokens[idx].meta["id"], "")
    return f'<span class="footnote">{note}</span>'


def _parse(text: str) -> tuple[tuple[Token, ...], dict[str, Any]]:
    return _parse_with(text, current().quotes)


@functools.lru_cache(maxsize=512)
def _parse_with(text: str, quotes: str) -> tuple[tuple[Token, ...], dict[str, Any]]:
    """Return markdown-it's tokens for *text* and the env it filled (footnotes).

    A section that several audiences get alike is parsed once. The tokens are shared, so
    nothing after parsing may change them (rendering only reads them).
    """
    env: dict[str, Any] = {}
    tokens = _parser(quotes).parse(text, env)
    return tuple(tokens), env


def parse_body(text: str, path: str, first_line: int, audience: str, root: Path | None = None) -> tuple[Block, ...]:
    """Parse a section body (already rendered by Jinja) into blocks for *audience*.

    *first_line* is the file line of the body's first line, for error messages. Images
    must be files inside the project folder *root* (checked when *root* is given).
    """
    md = parser()
    parsed, parsed_env = _parse(text)
    tokens, env = list(parsed), dict(parsed_env)
    check_links(tokens, root, path, first_line)
    lines = text.split("\n")
    env["footnote_html"] = _footnotes(md, tokens, env)
    tokens = [t for t in _strip_footnote_block(tokens)]
    walker = _Walker(md, env, lines, path, first_line, audience)
    return tuple(walker.blocks(tokens, only=""))


MAX_TABLE_COLUMNS = 10  # what the text column holds at the smallest type a table is set in
_ALLOWED_ATTRIBUTES = {"id", "class", "href", "title", "src", "alt", "start", "width", "height"}
_ALIGN = re.compile(r"text-align:(left|right|center)")


def check_links(tokens: list[Token], root: Path | None, path: str, first_line: int) -> None:
    """Refuse what could make a build read outside the project or reach the network.

    An image must be a readable file inside the project; a link may not use a scheme
    markdown-it deems unsafe (javascript:, file:, …); ``{attr=…}`` may set only harmless
    attributes (no ``rel=attachment``, no ``style`` with a ``url()``).
    """
    line: int | None = first_line
    cells = 0
    for block in tokens:
        if block.map:
            line = block.map[0] + first_line
        cells = 0 if block.type == "tr_open" else cells + (block.type in ("th_open", "td_open"))
        if block.type == "tr_close" and cells > MAX_TABLE_COLUMNS:
            raise ReportgenError(
                f"a table of {cells:,} columns does not fit the page (at most {MAX_TABLE_COLUMNS}; split it into narrower tables)", path, line
            )
        for token in [block, *(block.children or [])]:
            for name, value in (token.attrs or {}).items():
                if name not in _ALLOWED_ATTRIBUTES and not (name == "style" and _ALIGN.fullmatch(str(value))):
                    raise ReportgenError(f"attribute '{name}' is not allowed in Markdown (use {{#id}} or {{.class}})", path, line)
            if token.type == "image":
                source = str(token.attrs.get("src", ""))
                if root is not None:
                    project_image(root, source, "image", path, line)
                else:
                    check_reference(source, "image", path, line)
            elif token.type == "link_open" and not validateLink(str(token.attrs.get("href", ""))):
                href = str(token.attrs.get("href", ""))
                raise ReportgenError(f"link '{href}' is not allowed (use http:, https:, mailto: or #anchor links)", path, line)


def _render_inline(md: MarkdownIt, token: Token, env: dict) -> str:
    """Return the HTML of an inline *token*'s children, as *md*'s HTML renderer writes it."""
    return cast(RendererHTML, md.renderer).renderInline(token.children or [], md.options, env)


def _footnotes(md: MarkdownIt, tokens: list[Token], env: dict) -> dict[int, str]:
    notes: dict[int, str] = {}
    current: int | None = None
    parts: list[str] = []
    for token in tokens:
        if token.type == "footnote_open":
            current, parts = token.meta["id"], []
        elif token.type == "footnote_close" and current is not None:
            notes[current] = " ".join(parts)
            current = None
        elif current is not None and token.type == "inline":
            parts.append(_render_inline(md, token, env))
    return notes


def _strip_footnote_block(tokens: list[Token]) -> list[Token]:
    kept, skipping = [], False
    for token in tokens:
        if token.type == "footnote_block_open":
            skipping = True
        if not skipping:
            kept.append(token)
        if token.type == "footnote_block_close":
            skipping = False
    return kept


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_CONTAINER = re.compile(r"^\s{0,3}(:{3,})\s*(\w*)(.*)$")


def drop_other_audiences(text: str, audience: str) -> str:
    """Blank out ``::: audience`` blocks not meant for *audience*, keeping line numbers.

    This runs before Jinja, so a block for one audience may use names only it has.
    """
    lines = text.split("\n")
    stack: list[tuple[int, bool]] = []  # (colons, hidden) per open container
    fence = ""
    for index, line in enumerate(lines):
        hidden = any(h for _c, h in stack)
        fence_match = _FENCE.match(line)
        if fence:
            if fence_match and fence_match.group(1)[0] == fence[0] and len(fence_match.group(1)) >= len(fence):
                fence = ""
        elif fence_match:
            fence = fence_match.group(1)
        else:
            match = _CONTAINER.match(line)
            if match:
                colons, name, rest = len(match.group(1)), match.group(2), match.group(3)
                if not name and not rest.strip() and stack and colons >= stack[-1][0]:
                    stack.pop()
                elif name:
                    hide = name == "audience" and rest.strip() != "" and not audience_matches(rest, audience)
                    stack.append((colons, hide))
                    hidden = hidden or hide
        if hidden:
            lines[index] = ""
    return "\n".join(lines)


def audience_matches(params: str, audience: str) -> bool:
    """Return whether a ``::: audience`` line's names select *audience*.

    ``business academic`` selects either; ``not government`` selects all but government.
    """
    names = params.split()
    if names and names[0] == "not":
        return audience not in names[1:]
    return audience in names


class _Walker:
    """Turns the flat token list into blocks, applying audience and product filters."""

    def __init__(self, md: MarkdownIt, env: dict, lines: list[str], path: str, first_line: int, audience: str):
        self.md, self.env, self.lines = md, env, lines
        self.path, self.first_line, self.audience = path, first_line, audience

    def line(self, token: Token) -> int | None:
        return token.map[0] + self.first_line if token.map else None

    def blocks(self, tokens: list[Token], only: str) -> list[Block]:
        blocks: list[Block] = []
        run: list[Token] = []
        run_line: int | None = None

        def flush() -> None:
            nonlocal run, run_line
            if run:
                rendered = self.md.renderer.render(run, self.md.options, self.env)
                if rendered.strip():
                    blocks.append(Block(kind="html", html=rendered, only=only, line=run_line))
            run, run_line = [], None

        index = 0
        while index < len(tokens):
            token = tokens[index]
            match = re.fullmatch(r"container_(\w+)_open", token.type)
            if not match:
                if run_line is None:
                    run_line = self.line(token)
                run.append(token)
                index += 1
                continue
            end = _matching_close(tokens, index)
            inner = tokens[index + 1 : end]
            name = match.group(1)
            params = token.info.strip()[len(name) :].strip() if name != "unknown" else token.info.strip()
            flush()
            blocks.extend(self.directive(name, params, token, inner, only))
            index = end + 1
        flush()
        return blocks

    def directive(self, name: str, params: str, token: Token, inner: list[Token], only: str) -> list[Block]:
        line = self.line(token)
        if name == "unknown":
            directive = params.split(" ", 1)[0]
            raise ReportgenError(f"unknown directive '{directive}' (known: {', '.join(DIRECTIVES)})", self.path, line)
        if name == "audience":
            if not params:
                raise ReportgenError("'::: audience' needs audience names, e.g. '::: audience business' or '::: audience not government'", self.path, line)
            return self.blocks(inner, only) if audience_matches(params, self.audience) else []
        if name in ("briefing", "slides"):
            if only and only != name:
                return []
            if name == "slides":
                return [Block(kind="slides", slides=_slides(inner, self), only="slides", line=line)]
            return self.blocks(inner, name)
        if name in ("callout", "quote"):
            rendered = self.md.renderer.render(_filter_audience(inner, self.audience), self.md.options, self.env)
            options = CalloutOptions(title=params) if name == "callout" else QuoteOptions(attribution=params)
            return [Block(kind=name, html=rendered, options=options, text=_plain(rendered), only=only, line=line)]
        return [Block(kind=name, options=self.data_options(name, token), only=only, line=line)]

    def data_options(self, name: str, token: Token) -> Any:
        """Return a data directive's YAML body as its typed options (directives.py)."""
        assert token.map is not None
        start, end = token.map
        body = "\n".join(self.lines[start + 1 : end])
        line = start + self.first_line
        options = expect_mapping(parse_yaml(body, self.path, first_line=line + 1), self.path, f"the '{name}' directive", line)
        return read_options(name, options, self.path, line)


def _matching_close(tokens: list[Token], start: int) -> int:
    opening = tokens[start]
    close_type = opening.type.replace("_open", "_close")
    for index in range(start + 1, len(tokens)):
        if tokens[index].type == close_type and tokens[index].level == opening.level:
            return index
    return len(tokens) - 1


def _filter_audience(tokens: list[Token], audience: str) -> list[Token]:
    kept: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type == "container_audience_open":
            end = _matching_close(tokens, index)
            if audience_matches(token.info.strip()[len("audience") :], audience):
                kept.extend(_filter_audience(tokens[index + 1 : end], audience))
            index = end + 1
            continue
        kept.append(token)
        index += 1
    return kept


def _slides(tokens: list[Token], walker: _Walker) -> tuple[ExtraSlide, ...]:
    """Read a ``::: slides`` block: each heading starts a slide, list items and paragraphs are bullets."""
    slides: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    tokens = _filter_audience(tokens, walker.audience)
    for index, token in enumerate(tokens):
        if token.type != "inline":
            continue
        rendered = _render_inline(walker.md, token, walker.env)
        text = _plain(rendered)
        notes = [_plain(note) for note in re.findall(r'<span class="footnote">(.*?)</span>', rendered, re.S)]
        previous = tokens[index - 1] if index else None
        if previous is not None and previous.type == "heading_open":
            current = {"title": text, "bullets": [], "footnotes": [], "pictures": []}
            slides.append(current)
            continue
        if current is None:
            current = {"title": "", "bullets": [], "footnotes": [], "pictures": []}
            slides.append(current)
        if text:
            current["bullets"].append(text)
        current["footnotes"].extend(notes)  # a footnote called on the slide: its source line names it
        for child in token.children or []:
            if child.type == "image":  # a picture slide in decks (see plan.py)
                alt, title = child.content, str(child.attrs.get("title") or "")
                current["pictures"].append(Picture(str(child.attrs.get("src", "")), alt, title or alt))
    return tuple(ExtraSlide(slide["title"], tuple(slide["bullets"]), tuple(slide["footnotes"]), tuple(slide["pictures"])) for slide in slides)


def _plain(rendered: str) -> str:
    """Return the text of rendered HTML, on one line per paragraph."""
    text = re.sub(r'<span class="footnote">.*?</span>', "", rendered, flags=re.S)
    text = re.sub(r'\s*<span class="cite" data-cite="[^"]*"></span>', "", text)  # citations: in the source line
    text = text.replace("\n", " ")  # soft line breaks inside a paragraph
    text = re.sub(r"<br\s*/?>|</(p|li|h\d|blockquote|tr)>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    lines = [" ".join(html.unescape(line).split()) for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def plain_text(rendered: str) -> str:
    """Return the readable text of rendered HTML (for speaker notes and alt text)."""
    return _plain(rendered)


def inline_html(text: str) -> str:
    """Render one line of Markdown (a summary, a key point) to inline HTML."""
    md = parser()
    return md.renderInline(text)


def check_inline(text: str, root: Path | None, path: str, line: int) -> None:
    """Check the links and images of one line of Markdown (a summary, a key point)."""
    md = parser()
    check_links(md.parseInline(text, {}), root, path, line)
