"""Native, editable PowerPoint charts from a ChartSpec, styled without chart junk.

Column, bar, line, pie and doughnut charts carry direct data labels instead of gridlines and
value-axis ticks. A reference value (a target) is a labelled dashed line: a second series in a
line chart, a drawn line over a bar or column chart (python-pptx has no combo charts), placed
exactly because the plot area's inner layout and the value axis's scale are fixed here.
"""

from __future__ import annotations

import math

from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData
from pptx.enum.dml import MSO_LINE_DASH_STYLE, MSO_PATTERN
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE
from pptx.enum.chart import XL_TICK_LABEL_POSITION, XL_TICK_MARK
from pptx.enum.text import PP_ALIGN
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn
from pptx.shapes.placeholder import ChartPlaceholder
from pptx.shapes.shapetree import SlideShapes
from pptx.util import Emu, Pt

from reportgen.errors import ReportgenError
from reportgen.model import ChartSpec, Theme, format_number
from reportgen.render.deck_drawings import HAIRLINE, Para, Region, add_line, add_text, rgb, tint
from reportgen.render.deck_package import SUPPORT_COLOURS
from reportgen.textfit import EMU_PER_INCH, TextStyle, box_width, line_height, text_width

CHART_TYPES = {
    "column": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "bar": XL_CHART_TYPE.BAR_CLUSTERED,
    "line": XL_CHART_TYPE.LINE_MARKERS,
    "pie": XL_CHART_TYPE.PIE,
    "doughnut": XL_CHART_TYPE.DOUGHNUT,
}
LABEL_PT = 14
AXIS_PT = 14
_REF = TextStyle(12, bold=True)


def chart_type(spec: ChartSpec) -> XL_CHART_TYPE:
    """Return the python-pptx chart type for *spec*, or raise for an unknown one."""
    try:
        return CHART_TYPES[spec.type]
    except KeyError:
        known = ", ".join(CHART_TYPES)
        raise ReportgenError(f"unknown chart type '{spec.type}' in chart '{spec.title}' "
                             f"(known: {known})") from None


def chart_data(spec: ChartSpec, with_reference: bool) -> CategoryChartData:
    """Return the chart's data: the series and, for line charts, the reference as a flat series."""
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = list(spec.categories)
    data.add_series(spec.series_name, list(spec.values), spec.number_format)
    if with_reference and spec.reference_value is not None:
        name = spec.reference_label or "Reference"
        data.add_series(name, [spec.reference_value] * len(spec.values), spec.number_format)
    return data


def add_chart(shapes: SlideShapes, placeholder: ChartPlaceholder | None, frame: Region,
              spec: ChartSpec, theme: Theme) -> Chart:
    """Add the native chart for *spec* in *frame*, filling *placeholder* if given; return it."""
    kind = chart_type(spec)
    is_line = spec.type == "line"
    data = chart_data(spec, with_reference=is_line)
    if placeholder is None:
        graphic = shapes.add_chart(kind, Emu(frame.x), Emu(frame.y), Emu(frame.w), Emu(frame.h),
                                   data)
    else:
        graphic = placeholder.insert_chart(kind, data)
        graphic.left, graphic.top = Emu(frame.x), Emu(frame.y)
        graphic.width, graphic.height = Emu(frame.w), Emu(frame.h)
    chart = graphic.chart
    _base_style(chart, theme)
    if spec.type in ("pie", "doughnut"):
        _style_pie(chart, spec, theme)
        return chart
    low, high = axis_range(spec)
    inner = _inner_layout(chart, frame, spec)
    _style_axes(chart, spec, theme, low, high)
    _style_series(chart, spec, theme)
    if spec.reference_value is not None:
        _draw_reference(shapes, frame, inner, spec, low, high, theme)
    return chart


def axis_range(spec: ChartSpec) -> tuple[float, float]:
    """Return a value-axis (min, max) with head-room for labels above the tallest bar."""
    values = [*spec.values, *([spec.reference_value] if spec.reference_value is not None else [])]
    low = min(0.0, min(values))
    high = max(0.0, max(values))
    span = (high - low) or 1.0
    return (_nice(low - span * 0.12) if low < 0 else 0.0), _nice(high + span * 0.12)


def _nice(value: float) -> float:
    if value == 0:
        return 0.0
    sign = -1 if value < 0 else 1
    magnitude = 10 ** math.floor(math.log10(abs(value)))
    for step in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if step * magnitude >= abs(value):
            return sign * step * magnitude
    return sign * 10 * magnitude


def _base_style(chart: Chart, theme: Theme) -> None:
    space = chart._chartSpace
    if space.find(qn("c:roundedCorners")) is None:
        space.insert(1, parse_xml(f'<c:roundedCorners {nsdecls("c")} val="0"/>'))
    chart.has_title = False
    chart.has_legend = False
    chart.font.size = Pt(AXIS_PT)
    chart.font.color.rgb = rgb(theme.muted)


def _inner_layout(chart: Chart, frame: Region, spec: ChartSpec) -> Region:
    """Fix the plot area's inner rectangle so that drawn reference lines meet the axis scale."""
    left = EMU_PER_INCH * 6 // 10
    right = EMU_PER_INCH // 5
    top = EMU_PER_INCH // 10
    bottom = EMU_PER_INCH // 2
    if spec.type == "bar":
        widest = max((text_width(c, AXIS_PT) for c in spec.categories), default=0)
        left = min(widest + EMU_PER_INCH // 5, frame.w // 3)
        top = EMU_PER_INCH // 2 if spec.reference_value is not None else EMU_PER_INCH // 10
        bottom = EMU_PER_INCH // 2
        right = EMU_PER_INCH * 9 // 10  # room for the value label of the longest bar
    if spec.type == "line":
        right = EMU_PER_INCH * 6 // 10
    inner = Region(left, top, frame.w - left - right, frame.h - top - bottom)
    layout = (
        f'<c:layout {nsdecls("c")}><c:manualLayout><c:layoutTarget val="inner"/>'
        '<c:xMode val="edge"/><c:yMode val="edge"/>'
        f'<c:x val="{inner.x / frame.w:.4f}"/><c:y val="{inner.y / frame.h:.4f}"/>'
        f'<c:w val="{inner.w / frame.w:.4f}"/><c:h val="{inner.h / frame.h:.4f}"/>'
        "</c:manualLayout></c:layout>"
    )
    plot_area = chart._chartSpace.chart.plotArea
    for old in plot_area.findall(qn("c:layout")):
        plot_area.remove(old)
    plot_area.insert(0, parse_xml(layout))
    return Region(frame.x + inner.x, frame.y + inner.y, inner.w, inner.h)


def _style_axes(chart: Chart, spec: ChartSpec, theme: Theme, low: float, high: float) -> None:
    values = chart.value_axis
    values.minimum_scale, values.maximum_scale = low, high
    values.has_major_gridlines = False
    values.has_minor_gridlines = False
    values.major_tick_mark = XL_TICK_MARK.NONE
    values.minor_tick_mark = XL_TICK_MARK.NONE
    values.tick_label_position = XL_TICK_LABEL_POSITION.NONE
    values.format.line.fill.background()
    values.tick_labels.number_format = spec.number_format
    values.tick_labels.number_format_is_linked = False
    if spec.unit:
        values.has_title = True
        frame = values.axis_title.text_frame
        frame.text = spec.unit
        font = frame.paragraphs[0].runs[0].font
        font.size = Pt(12)
        font.bold = False
        font.color.rgb = rgb(theme.muted)
    categories = chart.category_axis
    categories.major_tick_mark = XL_TICK_MARK.NONE
    categories.minor_tick_mark = XL_TICK_MARK.NONE
    categories.has_major_gridlines = False
    categories.format.line.color.rgb = rgb(HAIRLINE if spec.type == "bar" else theme.muted)
    categories.format.line.width = Pt(1)
    categories.tick_labels.font.size = Pt(AXIS_PT)
    categories.tick_labels.font.color.rgb = rgb(theme.text)
    categories.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    if spec.type == "bar":
        categories.reverse_order = True  # first category at the top, as it is read


def _style_series(chart: Chart, spec: ChartSpec, theme: Theme) -> None:
    plot = chart.plots[0]
    series = plot.series[0]
    if spec.type in ("column", "bar"):
        plot.gap_width = 60
        plot.vary_by_categories = False
        series.invert_if_negative = False
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = rgb(theme.accent)
        for index in _estimates(spec):
            fill = series.points[index].format.fill
            fill.patterned()  # hatched, as the briefing draws estimates
            fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
            fill.fore_color.rgb = rgb(tint(theme.accent, 0.45))
            fill.back_color.rgb = rgb(tint(theme.accent, 0.8))
            series.points[index].format.line.color.rgb = rgb(theme.accent)
            series.points[index].format.line.width = Pt(1)
    else:
        series.smooth = False
        series.format.line.color.rgb = rgb(theme.accent)
        series.format.line.width = Pt(2.75)
        series.marker.style = XL_MARKER_STYLE.CIRCLE
        series.marker.size = 8
        series.marker.format.fill.solid()
        series.marker.format.fill.fore_color.rgb = rgb(theme.accent)
        series.marker.format.line.color.rgb = rgb("FFFFFF")
        for index in _estimates(spec):
            marker = series.points[index].marker
            marker.style = XL_MARKER_STYLE.CIRCLE
            marker.size = 8
            marker.format.fill.solid()
            marker.format.fill.fore_color.rgb = rgb("FFFFFF")
            marker.format.line.color.rgb = rgb(theme.accent)
    labels = series.data_labels
    labels.show_value = True
    labels.number_format = spec.number_format
    labels.number_format_is_linked = False
    position = XL_LABEL_POSITION.ABOVE if spec.type == "line" else XL_LABEL_POSITION.OUTSIDE_END
    labels.position = position
    labels.font.size = Pt(LABEL_PT)
    labels.font.bold = True
    labels.font.color.rgb = rgb(theme.text)
    _star_estimates(series, spec, theme, position)
    if spec.type == "line" and len(plot.series) > 1:
        _style_reference_series(plot.series[1], theme)


def _estimates(spec: ChartSpec) -> list[int]:
    return [index for index, derived in enumerate(spec.derived) if derived]


def starred_format(number_format: str) -> str:
    """Return *number_format* with a star after the number, in every section of the format."""
    return ";".join(f'{section}"*"' for section in number_format.split(";"))


def _star_estimates(series, spec: ChartSpec, theme: Theme, position: XL_LABEL_POSITION | None,
                    with_category: bool = False) -> None:
    """Label estimates '439.8*': a number format of their own, so labels stay live values."""
    for index in _estimates(spec):
        label = series.points[index].data_label
        label.font.size = Pt(LABEL_PT)
        label.font.bold = True
        label.font.color.rgb = rgb(theme.text)
        if position is not None:
            label.position = position
        element = label._get_or_add_dLbl()
        for old in element.findall(qn("c:numFmt")):
            element.remove(old)
        fmt = parse_xml(f'<c:numFmt {nsdecls("c")} formatCode="" sourceLinked="0"/>')
        fmt.set("formatCode", starred_format(spec.number_format))
        element.find(qn("c:idx")).addnext(fmt)
        if with_category:
            element.find(qn("c:showCatName")).set("val", "1")
            _set_separator(element, "\n")


def _style_reference_series(series, theme: Theme) -> None:
    series.smooth = False
    series.marker.style = XL_MARKER_STYLE.NONE
    series.format.line.color.rgb = rgb(_reference_colour(theme))
    series.format.line.width = Pt(1.5)
    series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH


def _reference_colour(theme: Theme) -> str:
    # Neutral and dark: a target must stand apart from the data whatever the accent is.
    return tint(theme.text, 0.25)


def _draw_reference(shapes: SlideShapes, frame: Region, inner: Region, spec: ChartSpec,
                    low: float, high: float, theme: Theme) -> None:
    value = spec.reference_value or 0.0
    label = spec.reference_label or f"Reference: {format_number(value)}"
    share = (value - low) / (high - low)
    label_h = line_height(_REF.size)
    if spec.type == "bar":
        x = inner.x + round(inner.w * share)
        add_line(shapes, x, inner.y - EMU_PER_INCH // 10, x, inner.bottom, _reference_colour(theme), 1.5,
                 "Reference line", dashed=True)
        width = min(box_width(label, _REF.size, True), frame.w)
        left = min(max(x - width // 2, frame.x), frame.right - width)
        add_text(shapes, Region(left, frame.y, width, label_h),
                 [Para(label, _REF, theme.text)], name="Reference label", align=PP_ALIGN.CENTER)
        return
    y = inner.y + round(inner.h * (1 - share))
    if spec.type != "line":  # a line chart draws its reference as a series of its own
        add_line(shapes, inner.x, y, inner.right, y, _reference_colour(theme), 1.5, "Reference line",
                 dashed=True)
    width = min(box_width(label, _REF.size, True), inner.w)
    add_text(shapes, Region(inner.right - width, y - label_h - EMU_PER_INCH // 25, width, label_h),
             [Para(label, _REF, theme.text)], name="Reference label", align=PP_ALIGN.RIGHT)


def _set_separator(dlbls, text: str) -> None:
    """Put category and value on separate lines (python-pptx has no API for c:separator)."""
    for old in dlbls.findall(qn("c:separator")):
        dlbls.remove(old)
    anchor = dlbls.find(qn("c:showBubbleSize"))
    if anchor is None:
        anchor = dlbls.find(qn("c:showPercent"))
    separator = parse_xml(f'<c:separator {nsdecls("c")}/>')
    separator.text = text
    anchor.addnext(separator)


def _is_light(hex_value: str) -> bool:
    value = hex_value.lstrip("#")
    red, green, blue = (int(value[i:i + 2], 16) for i in (0, 2, 4))
    return 0.299 * red + 0.587 * green + 0.114 * blue > 160


def _style_pie(chart: Chart, spec: ChartSpec, theme: Theme) -> None:
    plot = chart.plots[0]
    plot.vary_by_categories = True
    series = plot.series[0]
    palette = [theme.accent, theme.accent_dark, tint(theme.accent, 0.45), tint(theme.accent, 0.7),
               *SUPPORT_COLOURS]
    for index in range(len(spec.values)):
        point = series.points[index]
        colour = palette[index % len(palette)]
        point.format.fill.solid()
        point.format.fill.fore_color.rgb = rgb(colour)
        point.format.line.color.rgb = rgb("FFFFFF")
        point.format.line.width = Pt(1.5)
    labels = series.data_labels  # series level: point labels below must not hide the others
    labels.number_format = spec.number_format
    labels.number_format_is_linked = False
    labels.show_value = True
    labels.font.size = Pt(LABEL_PT)
    labels.font.bold = True
    is_pie = spec.type == "pie"
    _star_estimates(series, spec, theme, XL_LABEL_POSITION.OUTSIDE_END if is_pie else None, is_pie)
    if spec.type == "pie":
        labels.show_category_name = True
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.color.rgb = rgb(theme.text)
        _set_separator(labels._element, "\n")
    else:
        labels.font.color.rgb = rgb("FFFFFF")
        for index in range(len(spec.values)):
            if _is_light(palette[index % len(palette)]):
                label = series.points[index].data_label
                label.font.size = Pt(LABEL_PT)
                label.font.bold = True
                label.font.color.rgb = rgb(theme.text)
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(AXIS_PT)
        chart.legend.font.color.rgb = rgb(theme.text)
