"""Deck plan -> HTML: each slide as a 16:9 box with its title, text, chart, table or figures.

A preview of the plan the PPTX is built from, drawn in the browser in milliseconds; the
downloadable .pptx stays the product. Charts and timelines are the briefing's own SVG.
"""

from __future__ import annotations

from html import escape

from ..model import DeckPlan, Slide, Theme

# Nominal drawing sizes in mm, smaller than the slide's body so that the charts' 8 pt labels
# come out near the deck's own chart text once the SVG is scaled up to fill it.
_CHART_MM = (150.0, 66.0)
_TIMELINE_MM = (150.0, 60.0)
_FULL_BLEED = {"Title", "Closing", "Section"}


def slides_html(plan: DeckPlan) -> str:
    """Return every slide of *plan* as HTML, numbered, with speaker notes beneath each."""
    total = len(plan.slides)
    return "\n".join(_slide(slide, number, total, plan.theme) for number, slide in enumerate(plan.slides, 1))


def _slide(slide: Slide, number: int, total: int, theme: Theme) -> str:
    layout_class = "layout-" + "-".join(slide.layout.lower().split())
    body = _body(slide, theme)
    title = f'<h3 class="slide-title">{escape(slide.title)}</h3>' if slide.title else ""
    subtitle = f'<p class="slide-subtitle">{escape(slide.subtitle)}</p>' if slide.subtitle else ""
    footer = ""
    if slide.layout not in _FULL_BLEED:
        source = f'<span class="slide-source">{escape(slide.source)}</span>' if slide.source else "<span></span>"
        footer = f'<footer class="slide-footer">{source}<span class="slide-number">{number}</span></footer>'
    band = '<div class="slide-band"></div>' if slide.layout in _FULL_BLEED else ""
    notes = ""
    if slide.notes.strip():
        paragraphs = "".join(f"<p>{escape(part)}</p>" for part in slide.notes.split("\n\n") if part.strip())
        notes = f'<details class="slide-notes"><summary>Speaker notes</summary>{paragraphs}</details>'
    style = (
        f"--accent:{theme.accent};--accent-dark:{theme.accent_dark};"
        f"--accent-light:{theme.accent_light};--ink:{theme.text};--muted:{theme.muted}"
    )
    return (
        f'<figure class="slide-frame" id="slide-{number}">'
        f'<div class="slide {layout_class}" style="{escape(style)}" data-layout="{escape(slide.layout)}"'
        f' role="img" aria-label="Slide {number} of {total}: {escape(slide.title)}">'
        f'{band}<div class="slide-head">{title}{subtitle}</div>'
        f'<div class="slide-body">{body}</div>{footer}</div>'
        f'<figcaption class="slide-caption"><span>{number} / {total}</span>'
        f'<span class="slide-layout">{escape(slide.layout)}</span></figcaption>{notes}</figure>'
    )


def _body(slide: Slide, theme: Theme) -> str:
    parts: list[str] = []
    if slide.quote:
        attribution = f"<cite>{escape(slide.attribution)}</cite>" if slide.attribution else ""
        parts.append(f'<blockquote class="slide-quote"><p>{escape(slide.quote)}</p>{attribution}</blockquote>')
    if slide.figures:
        parts.append(_figures(slide))
    if slide.chart is not None:
        parts.append(_drawing("chart", lambda: _chart_svg(slide, theme)))
    if slide.table is not None:
        parts.append(_table(slide))
    if slide.events:
        parts.append(_drawing("timeline", lambda: _timeline_svg(slide, theme)))
    if slide.bullets or slide.bullets_right:
        columns = [_bullets(slide.bullets)]
        if slide.bullets_right:
            columns.append(_bullets(slide.bullets_right))
        parts.append(f'<div class="slide-columns n{len(columns)}">{"".join(columns)}</div>')
    if slide.text:
        parts.append(f'<p class="slide-text">{escape(slide.text)}</p>')
    if slide.callout:
        title = f"<strong>{escape(slide.callout_title)}</strong>" if slide.callout_title else ""
        parts.append(f'<aside class="slide-callout">{title}<p>{escape(slide.callout)}</p></aside>')
    if slide.image:  # the preview names the picture; the deck shows it
        caption = escape(slide.caption or slide.alt)
        parts.append(f'<p class="slide-picture" role="img" aria-label="{escape(slide.alt)}">Picture: {caption}</p>')
    return "".join(parts)


def _bullets(items: tuple[str, ...]) -> str:
    return "<ul>" + "".join(f"<li>{escape(item)}</li>" for item in items) + "</ul>"


def _figures(slide: Slide) -> str:
    cells = "".join(
        f'<div class="kf"><span class="kf-value">{escape(figure.text)}</span>'
        f'<span class="kf-label">{escape(figure.label)}</span></div>'
        for figure in slide.figures
    )
    return f'<div class="slide-figures n{min(len(slide.figures), 4)}">{cells}</div>'


def _table(slide: Slide) -> str:
    table = slide.table
    assert table is not None
    align = ['class="num"' if numeric else "" for numeric in table.numeric]
    head = "".join(f"<th {a}>{escape(column)}</th>" for column, a in zip(table.columns, align))
    rows = "".join(
        "<tr>" + "".join(f"<td {a}>{escape(cell)}</td>" for cell, a in zip(row, align)) + "</tr>"
        for row in table.rows
    )
    return f'<table class="slide-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _chart_svg(slide: Slide, theme: Theme) -> str:
    from ..charts import chart_svg

    assert slide.chart is not None
    return chart_svg(slide.chart, theme, *_CHART_MM)


def _timeline_svg(slide: Slide, theme: Theme) -> str:
    from ..charts import timeline_svg

    return timeline_svg(slide.events, theme, *_TIMELINE_MM, title=slide.title or "Timeline")


def _drawing(kind: str, draw) -> str:  # type: ignore[no-untyped-def]
    try:
        svg = draw()
    except ValueError as error:
        # The deck build reports the same problem as an error; the preview just says so.
        return f'<p class="slide-missing">{kind} cannot be drawn: {escape(str(error))}</p>'
    return f'<div class="slide-{kind}">{svg}</div>'
