"""The board report as a 16:9 PowerPoint deck (python-pptx).

Slides: a title slide, one slide per finding (its title, its one-sentence finding, the supporting
points and its chart), then "About these figures" (privacy and method). Every slide's speaker notes
hold the finding's numbers, so the presenter can answer "how many?" without the spreadsheet.

An optional district logo (re-encoded, without metadata: :func:`framework.images.clean_logo`) sits
in the top right corner of every slide, and an accent colour marks the title bar; titles use the
accent only where it stays readable on white. Charts are PNG images made beforehand; a chart
without an image shows its figures as a table instead, with a note saying what to install.
"""

from __future__ import annotations

import io
import math

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from framework.board import (
    DEFAULT_ACCENT,
    PRODUCT,
    REPORT_TITLE,
    BoardReport,
    Chart,
    parse_colour,
    readable_accent,
)
from framework.images import INSTALL_HINT, png_size
from framework.narrative import Finding

WIDTH, HEIGHT = Inches(13.333), Inches(7.5)
BAND = Inches(0.14)
LOGO_BOX = (Inches(1.6), Inches(0.8), Inches(0.3))  # width, height, top
LEFT = Inches(0.6)
DARK = RGBColor(0x22, 0x22, 0x22)
GREY = RGBColor(0x5A, 0x5A, 0x5A)
TITLE_ONLY, TITLE_SLIDE = 5, 0


def _rgb(c: tuple[int, int, int]) -> RGBColor:
    return RGBColor(*c)


class _Deck:
    def __init__(self, report: BoardReport, logo: bytes | None, accent: str | None):
        self.report = report
        self.logo = logo
        self.accent = parse_colour(accent)
        self.accent_text = readable_accent(self.accent)
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = WIDTH, HEIGHT
        self.number = 0

    # ---- pieces ---------------------------------------------------------------------------
    def band(self, slide) -> None:
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, WIDTH, BAND)
        bar.fill.solid()
        bar.fill.fore_color.rgb = _rgb(self.accent)
        bar.line.fill.background()
        bar.name = "Accent bar"

    def add_logo(self, slide, box_w=None, box_h=None, top=None) -> None:
        if not self.logo:
            return
        box_w, box_h, top = box_w or LOGO_BOX[0], box_h or LOGO_BOX[1], top or LOGO_BOX[2]
        w, h = png_size(self.logo)
        scale = min(box_w / w, box_h / h)
        pic = slide.shapes.add_picture(io.BytesIO(self.logo), WIDTH - LEFT - Emu(int(w * scale)), top,
                                       Emu(int(w * scale)), Emu(int(h * scale)))
        pic.name = "District logo"
        _alt(pic, f"{self.report.meta.district_or_default} logo")

    def footer(self, slide) -> None:
        self.number += 1
        meta = self.report.meta
        text = " · ".join(p for p in (meta.district_or_default, meta.round.strip(),
                                      f"Anonymous: figures resting on fewer than {self.report.min_group_size} "
                                      "people are hidden") if p)
        box = slide.shapes.add_textbox(LEFT, HEIGHT - Inches(0.5), Inches(10.5), Inches(0.35))
        _text(box.text_frame, [text], 11, GREY, align=PP_ALIGN.LEFT)
        num = slide.shapes.add_textbox(WIDTH - LEFT - Inches(1.2), HEIGHT - Inches(0.5), Inches(1.2), Inches(0.35))
        _text(num.text_frame, [str(self.number)], 11, GREY, align=PP_ALIGN.RIGHT)

    def title(self, slide, text: str) -> None:
        shape = slide.shapes.title
        shape.left, shape.top = LEFT, Inches(0.35)
        shape.width = WIDTH - 2 * LEFT - (Inches(1.8) if self.logo else 0)
        shape.height = Inches(0.9)
        tf = shape.text_frame
        tf.word_wrap = True
        tf.vertical_anchor = MSO_ANCHOR.MIDDLE
        _text(tf, [text], 32, _rgb(self.accent_text), bold=True, align=PP_ALIGN.LEFT)

    def notes(self, slide, lines: list[str]) -> None:
        slide.notes_slide.notes_text_frame.text = "\n".join(lines)

    # ---- slides ---------------------------------------------------------------------------
    def title_slide(self) -> None:
        report, meta = self.report, self.report.meta
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_SLIDE])
        panel = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Inches(0.45), HEIGHT)
        panel.fill.solid()
        panel.fill.fore_color.rgb = _rgb(self.accent)
        panel.line.fill.background()
        panel.name = "Accent bar"
        title = slide.shapes.title
        title.left, title.top, title.width, title.height = Inches(1.0), Inches(1.5), Inches(10.3), Inches(1.3)
        title.text_frame.word_wrap = True
        _text(title.text_frame, [meta.district_or_default], 44, _rgb(self.accent_text), bold=True,
              align=PP_ALIGN.LEFT)
        sub = slide.placeholders[1]
        sub.left, sub.top, sub.width, sub.height = Inches(1.0), Inches(2.85), Inches(11.3), Inches(1.5)
        when = " · ".join(p for p in (meta.round.strip(), meta.date.strip()) if p)
        _text(sub.text_frame, [f"{REPORT_TITLE}: board report", when, report.framework.title], 22, DARK,
              sizes=[28, 20, 16], colours=[DARK, DARK, GREY], align=PP_ALIGN.LEFT)
        self.add_logo(slide, Inches(2.4), Inches(1.2), Inches(0.5))
        figures = report.headline_figures()
        gap, left, top = Inches(0.25), Inches(1.0), Inches(4.75)
        w = int((WIDTH - left - LEFT - gap * (len(figures) - 1)) / len(figures))
        for i, (label, value) in enumerate(figures):
            x = left + i * (w + gap)
            box = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, x, top, w, Inches(1.45))
            box.fill.solid()
            box.fill.fore_color.rgb = RGBColor(0xEE, 0xEE, 0xEE)
            box.line.fill.background()
            box.name = f"Figure: {label}"
            tf = box.text_frame
            tf.vertical_anchor = MSO_ANCHOR.MIDDLE
            _text(tf, [value, label], 30, DARK, sizes=[32, 13], bold_first=True, align=PP_ALIGN.LEFT)
        self.footer(slide)
        self.notes(slide, [
            f"{REPORT_TITLE} for {meta.district_or_default}. {meta.subtitle}.",
            f"{report.respondents} respondents; anonymous results with a minimum group size of "
            f"{report.min_group_size}.",
            *(f"{label}: {value}" for label, value in figures),
        ])

    def finding_slide(self, finding: Finding, chart: Chart | None, png: bytes | None) -> None:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY])
        self.band(slide)
        self.title(slide, finding.title)
        self.add_logo(slide)
        head = slide.shapes.add_textbox(LEFT, Inches(1.25), WIDTH - 2 * LEFT, Inches(0.85))
        head.name = "Finding"
        head.text_frame.word_wrap = True
        size = 22 if len(finding.headline) < 110 else 20 if len(finding.headline) < 160 else 18
        _text(head.text_frame, [finding.headline], size, DARK, bold=finding.key == "asks")
        top = Inches(2.2)
        bottom = HEIGHT - Inches(0.6)
        if chart is not None:
            text_w = Inches(3.9)
            self.points(slide, finding.points, LEFT, top, text_w, bottom - top)
            area_left = LEFT + text_w + Inches(0.3)
            area_w, area_h = WIDTH - LEFT - area_left, bottom - top
            if png:
                w, h = png_size(png)
                scale = min(area_w / w, area_h / h)
                pw, ph = Emu(int(w * scale)), Emu(int(h * scale))
                pic = slide.shapes.add_picture(io.BytesIO(png), area_left + (area_w - pw) // 2, top, pw, ph)
                pic.name = f"Chart: {chart.title}"
                _alt(pic, chart.alt or chart.title)
            else:
                self.chart_table(slide, chart, area_left, top, area_w, area_h)
        else:
            self.points(slide, finding.points, LEFT, top, WIDTH - 2 * LEFT, bottom - top, largest=24)
        self.footer(slide)
        self.notes(slide, notes_for(finding, chart, self.report))

    def points(self, slide, points, left, top, width, height, largest: int = 16) -> None:
        if not points:
            return
        box = slide.shapes.add_textbox(left, top, width, height)
        box.name = "Points"
        tf = box.text_frame
        tf.word_wrap = True
        size = fit_size(points, width, height, largest)
        _text(tf, [f"• {p}" for p in points], size, DARK, space_after=Pt(size * 0.5))

    def chart_table(self, slide, chart: Chart, left, top, width, height) -> None:
        frame = chart.table
        note = slide.shapes.add_textbox(left, top, width, Inches(0.6))
        note.text_frame.word_wrap = True
        _text(note.text_frame, [f"Chart image not included. {INSTALL_HINT}"], 12, GREY)
        rows, cols = len(frame) + 1, len(frame.columns)
        row_h = min(Inches(0.42), int((height - Inches(0.7)) / rows))
        shape = slide.shapes.add_table(rows, cols, left, top + Inches(0.7), width, row_h * rows)
        shape.name = f"Table: {chart.title}"
        table = shape.table
        for j, col in enumerate(frame.columns):
            _cell(table.cell(0, j), str(col), bold=True)
        for i, values in enumerate(frame.itertuples(index=False), start=1):
            for j, v in enumerate(values):
                _cell(table.cell(i, j), f"{v:.2f}" if isinstance(v, float) and not float(v).is_integer() else str(v))

    def about_slide(self) -> None:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[TITLE_ONLY])
        self.band(slide)
        self.title(slide, "About these figures")
        self.add_logo(slide)
        box = slide.shapes.add_textbox(LEFT, Inches(1.45), WIDTH - 2 * LEFT, HEIGHT - Inches(2.2))
        box.name = "Privacy and method"
        box.text_frame.word_wrap = True
        paras = [self.report.privacy_note, self.report.method_note, f"Made with the {PRODUCT}."]
        size = fit_size(paras, WIDTH - 2 * LEFT, HEIGHT - Inches(2.2), 18)
        _text(box.text_frame, paras, size, DARK, space_after=Pt(10), colours=[DARK, DARK, GREY])
        self.footer(slide)
        self.notes(slide, [self.report.privacy_note, self.report.method_note])


def build_pptx(report: BoardReport, images: dict[str, bytes] | None = None, logo: bytes | None = None,
               accent: str | None = DEFAULT_ACCENT) -> bytes:
    """The board deck as .pptx bytes: title slide, one slide per finding, then privacy and method."""
    images = images or {}
    deck = _Deck(report, logo, accent)
    deck.title_slide()
    for finding in report.summary.findings:
        chart = report.charts.get(finding.chart) if finding.chart else None
        deck.finding_slide(finding, chart, images.get(chart.key) if chart else None)
    deck.about_slide()
    props = deck.prs.core_properties
    props.title = report.title
    props.subject = f"{REPORT_TITLE}: board report"
    props.author = report.meta.district_or_default
    props.last_modified_by = PRODUCT
    props.keywords = f"{report.framework.name}; board report"
    props.comments = ""
    props.category = "Board report"
    props.revision = 1
    out = io.BytesIO()
    deck.prs.save(out)
    return out.getvalue()


# ---- helpers ---------------------------------------------------------------------------------
def fit_size(paragraphs, width, height, largest: int = 18, smallest: int = 11) -> int:
    """The largest font size (pt) at which the paragraphs fit the box, by an average-glyph estimate."""
    width_pt, height_pt = width / 12700, height / 12700
    for size in range(largest, smallest - 1, -1):
        per_line = max(1, int(width_pt / (size * 0.52)))
        lines = sum(max(1, math.ceil(len(p) / per_line)) for p in paragraphs)
        needed = lines * size * 1.2 + len(paragraphs) * size * 0.5
        if needed <= height_pt:
            return size
    return smallest


def _text(tf, lines, size, colour, bold=False, sizes=None, colours=None, bold_first=False, align=None,
          space_after=None) -> None:
    tf.clear()
    for i, line in enumerate(lines):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        if align is not None:
            p.alignment = align
        if space_after is not None:
            p.space_after = space_after
        run = p.add_run()
        run.text = line
        run.font.size = Pt(sizes[i] if sizes and i < len(sizes) else size)
        run.font.bold = bold or (bold_first and i == 0)
        run.font.color.rgb = colours[i] if colours and i < len(colours) else colour


def _cell(cell, text: str, bold: bool = False) -> None:
    cell.text = text
    for p in cell.text_frame.paragraphs:
        for r in p.runs:
            r.font.size = Pt(12)
            r.font.bold = bold


def _alt(shape, text: str) -> None:
    """Alternative text (what a screen reader says) of a picture."""
    shape._element.nvPicPr.cNvPr.set("descr", text)


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "not reported" if value != value else f"{value:.2f}" if not value.is_integer() else f"{value:g}"
    return str(value)


_LABELS = {
    "respondents": "Respondents", "team_mean": "Team average", "areas_rated": "Areas with figures",
    "areas_total": "Areas in the framework", "areas_below": "Below target", "areas_on": "On target",
    "areas_above": "Above target", "min_group_size": "Minimum group size", "raters_min": "Fewest raters of an area",
    "raters_max": "Most raters of an area", "fewest_area": "Area with the fewest raters",
    "not_applicable": "Not applicable / don't know answers", "hidden_areas": "Hidden areas",
    "team_suppressed": "Whole team hidden", "weighted": "Gaps weighted by the framework",
    "hidden": "Hidden", "no_ratings": "No ratings",
}


def _area_line(a: dict, weighted: bool) -> str:
    text = (f"{a['area']}: n {a['n']}, average {a['mean']:.2f}, target {a['target']:g}, gap {a['gap']:.2f}, "
            f"{a['at_target_n']} of {a['n']} at or above target")
    if weighted:
        text += f", weight {a['weight']:g}, priority {a['priority']:.1f}"
    return text


def notes_for(finding: Finding, chart: Chart | None, report: BoardReport) -> list[str]:
    """Speaker notes: the finding in full, then every number behind it, then the chart's caption."""
    lines = [finding.title, finding.headline, *(f"- {p}" for p in finding.points), "",
             f"Numbers (anonymous; minimum group size {report.min_group_size}):"]
    nums = finding.numbers
    weighted = bool(nums.get("weighted", report.framework.has_weights))
    for key, value in nums.items():
        if key in ("areas", "named", "spof", "nobody") and isinstance(value, list):
            label = {"areas": "Areas", "named": "Named in the finding", "spof": "One person at target",
                     "nobody": "Nobody at target"}[key]
            if key == "named":
                continue
            lines.append(f"{label}:" if value else f"{label}: none")
            lines += [f"  {_area_line(a, weighted)}" for a in value if isinstance(a, dict)]
        elif key == "asks":
            continue
        elif isinstance(value, list):
            lines.append(f"{_LABELS.get(key, key)}: {', '.join(map(str, value)) or 'none'}")
        else:
            lines.append(f"{_LABELS.get(key, key)}: {_fmt(value)}")
    if chart is not None:
        lines += ["", f"Chart: {chart.title}. {chart.caption}"]
    return lines



