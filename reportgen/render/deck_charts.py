"""Native, editable PowerPoint charts from a ChartSpec, styled without chart junk.

The chart type comes from the chart registry (charts/kinds.py). Charts carry direct data labels
whose number formats print exactly the labels of the briefing's SVG (numbers.Pattern.excel), and
the chart's alt text is the briefing's. A reference value (a target) is a dashed line series of
the chart itself: in a column or area chart a `c:lineChart` beside the bars on the same axes
(python-pptx has no combo API, #141), so it stays right when someone edits the data. Only a
horizontal bar chart still draws its reference as a line over the plot, placed exactly because
the plot area's inner layout and the value axis's scale are fixed here.
"""

from __future__ import annotations

import math

from pptx.chart.chart import Chart
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_MARKER_STYLE, XL_TICK_LABEL_POSITION, XL_TICK_MARK
from pptx.enum.dml import MSO_LINE_DASH_STYLE, MSO_PATTERN
from pptx.enum.text import PP_ALIGN
from pptx.shapes.placeholder import ChartPlaceholder
from pptx.shapes.shapetree import SlideShapes
from pptx.util import Emu, Pt

from reportgen.charts import KINDS, chart_alt
from reportgen.charts._colours import series_colours
from reportgen.colours import SUPPORT, hex6, is_light, tint
from reportgen.errors import ReportgenError
from reportgen.locales import current
from reportgen.model import ChartSpec, Series, Theme, format_number
from reportgen.render import ooxml
from reportgen.render.deck_drawings import HAIRLINE, Para, Region, add_line, add_text, rgb
from reportgen.render.ooxml import qn
from reportgen.textfit import EMU_PER_INCH, TextStyle, box_width, line_height, text_width

LABEL_PT = 14
AXIS_PT = 14
_REF = TextStyle(12, bold=True)
DOUGHNUT_HOLE = 35  # % of the radius
_MULTI_LABELS = 16  # label every point of a chart of several series up to this many points


def chart_type(spec: ChartSpec) -> XL_CHART_TYPE:
    """Return the python-pptx chart type of *spec*'s kind and stacking, or raise for an unknown one."""
    entry = KINDS.get(spec.type)
    if entry is None or spec.stack not in entry.native:
        known = ", ".join(KINDS)
        raise ReportgenError(f"unknown chart type '{spec.type}' in chart '{spec.title}' "
                             f"(known: {known})")
    return getattr(XL_CHART_TYPE, entry.native[spec.stack])


def _reference_series(spec: ChartSpec) -> Series | None:
    """Return the reference (target) as a flat series of the chart, or None (bars draw it)."""
    if spec.reference_value is None or spec.type == "bar" or KINDS[spec.type].parts_of_whole:
        return None  # bars draw it; a doughnut's reference is its whole, named in the title
    n = len(spec.categories)
    name = spec.reference_label.partition(":")[0] if spec.reference_label else "Reference"
    fmt = spec.reference_format or spec.number_format
    return Series(name, (spec.reference_value,) * n, ("",) * n, (fmt,) * n, (False,) * n,
                  spec.unit, line=True, reference=True)


def chart_series(spec: ChartSpec) -> tuple[Series, ...]:
    """Return every series the native chart holds: the data's, then the reference line's."""
    reference = _reference_series(spec)
    return spec.all_series() + ((reference,) if reference else ())


def chart_data(spec: ChartSpec, with_reference: bool = True) -> CategoryChartData | XyChartData:
    """Return the chart's data: its series (gaps stay empty) and the reference as a flat series."""
    if spec.type == "scatter":
        across, up = spec.all_series()[:2]
        xy = XyChartData()
        series = xy.add_series(up.name, number_format=spec.number_format)
        for x, y in zip(across.values, up.values):
            if x is not None and y is not None:
                series.add_data_point(x, y)
        return xy
    data = CategoryChartData(number_format=spec.number_format)
    data.categories = list(spec.categories)
    for series in chart_series(spec) if with_reference else spec.all_series():
        data.add_series(series.name, list(series.values), _common(series.number_formats, spec))
    return data


def _common(formats: tuple[str, ...], spec: ChartSpec) -> str:
    """Return the number format most points of a series use: the series-level label format."""
    return max(dict.fromkeys(formats), key=formats.count) if formats else spec.number_format


def add_chart(shapes: SlideShapes, placeholder: ChartPlaceholder | None, frame: Region,
              spec: ChartSpec, theme: Theme) -> Chart:
    """Add the native chart for *spec* in *frame*, filling *placeholder* if given; return it."""
    kind = chart_type(spec)
    data = chart_data(spec)
    if placeholder is None:
        graphic = shapes.add_chart(kind, Emu(frame.x), Emu(frame.y), Emu(frame.w), Emu(frame.h),
                                   data)
    else:
        graphic = placeholder.insert_chart(kind, data)
        graphic.left, graphic.top = Emu(frame.x), Emu(frame.y)
        graphic.width, graphic.height = Emu(frame.w), Emu(frame.h)
    # The same description the briefing's SVG carries, for PowerPoint's accessibility checker.
    graphic._element.nvGraphicFramePr.cNvPr.set("descr", chart_alt(spec))
    chart = graphic.chart
    _base_style(chart, theme)
    if spec.type in ("pie", "doughnut"):
        _style_pie(chart, spec, theme)
        return chart
    if spec.type == "scatter":
        _style_scatter(chart, spec, theme)
        return chart
    _split_lines(chart, spec)
    low, high = axis_range(spec)
    inner = _inner_layout(chart, frame, spec)
    _style_axes(chart, spec, theme, low, high)
    if spec.series:
        _style_multi(chart, spec, theme)
    else:
        _style_series(chart, spec, theme)
    if spec.reference_value is not None and spec.type == "bar":
        _draw_reference(shapes, frame, inner, spec, low, high, theme)
    return chart


def _split_lines(chart: Chart, spec: ChartSpec) -> None:
    """Move the line series (a combo's lines, the reference) into a c:lineChart on the same axes."""
    if spec.type == "line":
        return
    lines = [i for i, series in enumerate(chart_series(spec)) if series.line]
    if not lines:
        return
    plot_area = chart._chartSpace.chart.plotArea
    first = plot_area.find(qn("c:barChart"))
    if first is None:
        first = plot_area.find(qn("c:areaChart"))
    line_chart = ooxml.line_chart()
    sers = first.findall(qn("c:ser"))
    for index in lines:
        ser = sers[index]
        for tag in ("c:invertIfNegative", "c:shape"):
            for old in ser.findall(qn(tag)):
                ser.remove(old)
        ser.append(ooxml.value("c:smooth", 0))
        line_chart.append(ser)
    line_chart.append(ooxml.value("c:marker", 1))
    for axis_id in first.findall(qn("c:axId")):
        line_chart.append(ooxml.value("c:axId", axis_id.get("val")))
    first.addnext(line_chart)


def axis_range(spec: ChartSpec) -> tuple[float, float]:
    """Return a value-axis (min, max) with head-room for labels above the tallest bar."""
    from reportgen.charts.multi import stacked_values

    if spec.stack:
        values = [end for row in stacked_values(spec) for seg in row if seg for end in seg]
    else:
        values = [v for series in spec.all_series() for v in series.values if v is not None]
    values += [spec.reference_value] if spec.reference_value is not None else []
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
        space.insert(1, ooxml.value("c:roundedCorners", 0))
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
    if spec.series:  # a legend of the series along the top
        top = EMU_PER_INCH * 6 // 10
        if _shows_scale(spec):  # tick labels beside the unit's title
            left = EMU_PER_INCH * 11 // 10
    inner = Region(left, top, frame.w - left - right, frame.h - top - bottom)
    plot_area = chart._chartSpace.chart.plotArea
    for old in plot_area.findall(qn("c:layout")):
        plot_area.remove(old)
    plot_area.insert(0, ooxml.manual_layout(inner.x / frame.w, inner.y / frame.h, inner.w / frame.w,
                                            inner.h / frame.h))
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
    position = XL_LABEL_POSITION.ABOVE if spec.type == "line" else XL_LABEL_POSITION.OUTSIDE_END
    _label_points(series, spec.all_series()[0], theme, position)
    _style_references(chart, spec, theme)


def _estimates(spec: ChartSpec) -> list[int]:
    return [index for index, derived in enumerate(spec.derived) if derived]


def _label_points(series, data: Series, theme: Theme, position: XL_LABEL_POSITION | None,
                  colour: str = "", with_category: bool = False) -> None:
    """Label every point with its own number format: the label reads as the briefing's ('1.08*')."""
    common = _common(data.number_formats, ChartSpec("", "", (), (), "", ""))
    labels = series.data_labels
    labels.show_value = True
    labels.number_format = common
    labels.number_format_is_linked = False
    if position is not None:
        labels.position = position
    labels.font.size = Pt(LABEL_PT)
    labels.font.bold = True
    labels.font.color.rgb = rgb(colour or theme.text)
    if not with_category and not _english_digits():
        _label_as_text(series, data, theme, position, colour)
        return
    for index, (value, fmt) in enumerate(zip(data.values, data.number_formats)):
        if value is None or (fmt == common and not with_category):
            continue
        _point_format(series, index, fmt, theme, position, colour, with_category)


def _english_digits() -> bool:
    """Whether the edition writes numbers as Excel's number formats show them here ('3,000.5')."""
    locale = current()
    return locale.group == "," and locale.decimal == "."


def _label_as_text(series, data: Series, theme: Theme, position: XL_LABEL_POSITION | None, colour: str) -> None:
    """Label each point with the briefing's own text ('237,2'): a number format would print the
    viewer's separators (LibreOffice's '237.2'), not the edition's."""
    derived = data.derived or (False,) * len(data.values)
    for index, (value, text, estimate) in enumerate(zip(data.values, data.labels, derived)):
        if value is None or not text:
            continue
        label = series.points[index].data_label
        label.has_text_frame = True
        # The "*" the number format carries in English: a derived point keeps it in every language.
        label.text_frame.text = text if not estimate or text.endswith("*") else text + "*"
        font = label.text_frame.paragraphs[0].runs[0].font
        font.size, font.bold = Pt(LABEL_PT), True
        font.color.rgb = rgb(colour or theme.text)
        if position is not None:
            label.position = position


def _point_format(series, index: int, fmt: str, theme: Theme, position: XL_LABEL_POSITION | None,
                  colour: str = "", with_category: bool = False) -> None:
    """Give one point's data label a number format of its own, so the label stays a live value."""
    label = series.points[index].data_label
    label.font.size = Pt(LABEL_PT)
    label.font.bold = True
    label.font.color.rgb = rgb(colour or theme.text)
    if position is not None:
        label.position = position
    element = label._get_or_add_dLbl()
    for old in element.findall(qn("c:numFmt")):
        element.remove(old)
    element.find(qn("c:idx")).addnext(ooxml.number_format(fmt))
    if with_category:
        element.find(qn("c:showCatName")).set("val", "1")
        _set_separator(element, "\n")


def _style_references(chart: Chart, spec: ChartSpec, theme: Theme) -> None:
    """Style the reference series dashed and label it once, at its last point: 'Target: $1 billion'."""
    reference = _reference_series(spec)
    if reference is None:
        return
    series = list(chart.series)[-1]
    _style_reference_series(series, theme)
    series.data_labels.show_value = False
    last = len(spec.categories) - 1
    _point_format(series, last, reference.number_formats[last], theme, XL_LABEL_POSITION.ABOVE)
    element = series.points[last].data_label._get_or_add_dLbl()
    element.find(qn("c:showSerName")).set("val", "1")
    _set_separator(element, ": ")


def _style_multi(chart: Chart, spec: ChartSpec, theme: Theme) -> None:
    """Style a chart of several series: a colour each, a legend at the top, labels where they fit."""
    data = spec.all_series()
    colours = [hex6(c) for c in series_colours(theme, len(data))]
    points = len(spec.categories) * len(data)
    for plot in chart.plots:
        if hasattr(plot, "gap_width"):
            plot.gap_width = 60
            if spec.stack:
                plot.overlap = 100
        plot.vary_by_categories = False
    for native, series, colour in zip(chart.series, data, colours):
        line = series.line or spec.type == "line"
        if line:
            native.smooth = False
            native.format.line.color.rgb = rgb(colour)
            native.format.line.width = Pt(2.75)
            native.marker.style = XL_MARKER_STYLE.CIRCLE
            native.marker.size = 7
            native.marker.format.fill.solid()
            native.marker.format.fill.fore_color.rgb = rgb(colour)
            native.marker.format.line.color.rgb = rgb("FFFFFF")
        else:
            native.format.fill.solid()
            native.format.fill.fore_color.rgb = rgb(colour)
            if hasattr(native, "invert_if_negative"):
                native.invert_if_negative = False
            if spec.type == "area" and not spec.stack:  # overlapping areas: see through each other
                native.format.fill.fore_color._xFill.srgbClr.append(ooxml.value("a:alpha", 55000))
        if points <= _MULTI_LABELS and spec.type != "area":
            inside = bool(spec.stack) and not line
            position = (XL_LABEL_POSITION.CENTER if inside else XL_LABEL_POSITION.ABOVE if line
                        else XL_LABEL_POSITION.OUTSIDE_END)
            _label_points(native, series, theme, position, "FFFFFF" if inside else "")
            native.data_labels.font.size = Pt(12)
            if line and spec.type == "combo":  # over the columns: on a white ground to stay legible
                _label_ground(native)
    _style_references(chart, spec, theme)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.TOP
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(AXIS_PT)
    chart.legend.font.color.rgb = rgb(theme.text)
    if _shows_scale(spec):  # without labels, readers need the scale
        values = chart.value_axis
        values.tick_label_position = XL_TICK_LABEL_POSITION.NEXT_TO_AXIS
        values.has_major_gridlines = True
        values.major_gridlines.format.line.color.rgb = rgb(HAIRLINE)
    if spec.stack == "percent":
        chart.value_axis.minimum_scale = None
        chart.value_axis.maximum_scale = None
        chart.value_axis.tick_labels.number_format = "0%"


def _shows_scale(spec: ChartSpec) -> bool:
    """Return whether a chart of several series shows its value axis instead of labelling points."""
    return spec.type == "area" or len(spec.categories) * len(spec.all_series()) > _MULTI_LABELS


def _label_ground(series) -> None:
    """Give a series' data labels a white ground (python-pptx has no API for a label's fill)."""
    for element in [series.data_labels._element, *series._element.findall(qn("c:dLbls") + "/" + qn("c:dLbl"))]:
        for old in element.findall(qn("c:spPr")):
            element.remove(old)
        ground = ooxml.white_ground()
        anchor = element.find(qn("c:numFmt"))
        if anchor is None:
            anchor = element.find(qn("c:idx"))
        if anchor is not None:
            anchor.addnext(ground)
        else:
            element.insert(0, ground)


def _style_scatter(chart: Chart, spec: ChartSpec, theme: Theme) -> None:
    """Style a scatter: accent points, both axes titled, each point named by its category."""
    series = chart.plots[0].series[0]
    series.format.line.fill.background()
    series.marker.style = XL_MARKER_STYLE.CIRCLE
    series.marker.size = 10
    series.marker.format.fill.solid()
    series.marker.format.fill.fore_color.rgb = rgb(theme.accent)
    series.marker.format.line.color.rgb = rgb("FFFFFF")
    from reportgen.charts.scatter import scatter_points

    for index, (category, _x, _y) in enumerate(scatter_points(spec)):
        frame = series.points[index].data_label.text_frame
        frame.text = category
        font = frame.paragraphs[0].runs[0].font
        font.size = Pt(12)
        font.color.rgb = rgb(theme.text)
        series.points[index].data_label.position = XL_LABEL_POSITION.RIGHT
    for axis, title in ((chart.category_axis, spec.category_title), (chart.value_axis, spec.value_title)):
        axis.has_major_gridlines = True
        axis.major_gridlines.format.line.color.rgb = rgb(HAIRLINE)
        axis.tick_labels.font.size = Pt(12)
        axis.tick_labels.font.color.rgb = rgb(theme.muted)
        if title:
            axis.has_title = True
            axis.axis_title.text_frame.text = title
            axis.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(12)
            axis.axis_title.text_frame.paragraphs[0].runs[0].font.bold = False


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
    raise AssertionError("only a bar chart draws its reference over the plot")


def _set_separator(dlbls, text: str) -> None:
    """Put category and value on separate lines (python-pptx has no API for c:separator)."""
    for old in dlbls.findall(qn("c:separator")):
        dlbls.remove(old)
    anchor = dlbls.find(qn("c:showBubbleSize"))
    if anchor is None:
        anchor = dlbls.find(qn("c:showPercent"))
    anchor.addnext(ooxml.separator(text))


def _whole_title(chart: Chart, text: str, theme: Theme) -> None:
    """Name a doughnut's whole (its reference, e.g. "Government target: $1 billion") above it."""
    chart.has_title = True
    frame = chart.chart_title.text_frame
    frame.text = text
    run = frame.paragraphs[0].runs[0]
    run.font.size = Pt(AXIS_PT)
    run.font.bold = False
    run.font.color.rgb = rgb(theme.muted)


def _style_pie(chart: Chart, spec: ChartSpec, theme: Theme) -> None:
    plot = chart.plots[0]
    plot.vary_by_categories = True
    series = plot.series[0]
    palette = [theme.accent, theme.accent_dark, tint(theme.accent, 0.45), tint(theme.accent, 0.7),
               *SUPPORT]
    for index in range(len(spec.values)):
        point = series.points[index]
        colour = palette[index % len(palette)]
        if spec.derived and spec.derived[index]:  # hatched, as the briefing draws estimates
            point.format.fill.patterned()
            point.format.fill.pattern = MSO_PATTERN.WIDE_UPWARD_DIAGONAL
            point.format.fill.fore_color.rgb = rgb(colour)
            point.format.fill.back_color.rgb = rgb(tint(colour, 0.75))
        else:
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = rgb(colour)
        point.format.line.color.rgb = rgb("FFFFFF")
        point.format.line.width = Pt(1.5)
    labels = series.data_labels  # series level: point labels below must not hide the others
    data = spec.all_series()[0]
    labels.number_format = _common(data.number_formats, spec)
    labels.number_format_is_linked = False
    labels.show_value = True
    labels.font.size = Pt(LABEL_PT)
    labels.font.bold = True
    is_pie = spec.type == "pie"
    for index, fmt in enumerate(data.number_formats):
        light = is_light(palette[index % len(palette)]) or bool(spec.derived and spec.derived[index])  # hatched
        _point_format(series, index, fmt, theme, XL_LABEL_POSITION.OUTSIDE_END if is_pie else None,
                      "" if is_pie or light else "FFFFFF", is_pie)
    if spec.type == "pie":
        labels.show_category_name = True
        labels.position = XL_LABEL_POSITION.OUTSIDE_END
        labels.font.color.rgb = rgb(theme.text)
        _set_separator(labels._element, "\n")
    else:
        labels.font.color.rgb = rgb("FFFFFF")
        hole = chart._chartSpace.find(".//" + qn("c:holeSize"))
        if hole is not None:  # a wide ring for labels such as "about $437*" (LibreOffice keeps 50%)
            hole.set("val", str(DOUGHNUT_HOLE))
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout = False
        chart.legend.font.size = Pt(AXIS_PT)
        chart.legend.font.color.rgb = rgb(theme.text)
        if spec.reference_value is not None:  # the whole the segments make up, as reported
            _whole_title(chart, spec.reference_label, theme)
