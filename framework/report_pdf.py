"""The board report as a PDF (fpdf2): title page, summary, one chart per page, table appendix, privacy note.

US Letter, portrait. Text is set in DejaVu Sans (Debian's fonts-dejavu-core) so every character
the summary uses (–, ×, ≥, accented district names) prints; when the font files are missing the
report falls back to the PDF core font Helvetica and makes the text Latin-1 safe instead of failing.

Charts are PNG images made beforehand (see :func:`framework.board.render_chart_images`); a chart
without an image (no browser to draw it) is printed as its table, with a note saying what to
install. The document is built only from a :class:`framework.board.BoardReport`, which is anonymous
by construction.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from framework.board import (
    DEFAULT_ACCENT,
    PRODUCT,
    REPORT_TITLE,
    BoardReport,
    Chart,
    parse_colour,
    readable_accent,
)
from framework.images import INSTALL_HINT

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
MARGIN = 18.0  # mm
GREY = (90, 90, 90)
LIGHT = (235, 235, 235)

_LATIN1 = {
    "–": "-", "—": "-", "−": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "×": "x", "≥": ">=",
    "≤": "<=", "→": "->", "·": "-", "•": "-", "\u00a0": " ",
}


def latin1_safe(text: str) -> str:
    """Text the core fonts can print: common typography replaced, accents kept where Latin-1 has them."""
    out = []
    for ch in str(text):
        ch = _LATIN1.get(ch, ch)
        try:
            ch.encode("latin-1")
        except UnicodeEncodeError:
            ch = unicodedata.normalize("NFKD", ch).encode("latin-1", "ignore").decode("latin-1") or "?"
        out.append(ch)
    return "".join(out)


def use_fonts(pdf: FPDF, font_dir: Path | None) -> tuple[str, bool]:
    """Register DejaVu Sans (regular and bold) from ``font_dir`` when both files are there. Returns the font family
    to use and whether it prints Unicode; without the files, ("helvetica", False): pass text through
    :func:`latin1_safe`."""
    if font_dir is not None and all((font_dir / f).is_file() for f in FONT_FILES.values()):
        for style, name in FONT_FILES.items():
            pdf.add_font("dejavu", style, str(font_dir / name))
        return "dejavu", True
    return "helvetica", False


class _Doc(FPDF):
    def __init__(self, report: BoardReport, accent: tuple[int, int, int], font_dir: Path | None):
        super().__init__(orientation="P", unit="mm", format="letter")
        self.report = report
        self.accent = accent
        self.accent_text = readable_accent(accent)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=20)
        self.family, self.unicode = use_fonts(self, font_dir)
        self.alias_nb_pages()

    def t(self, text: str) -> str:
        return str(text) if self.unicode else latin1_safe(text)

    def font(self, size: float, bold: bool = False, colour=(20, 20, 20)) -> None:
        self.set_font(self.family, "B" if bold else "", size)
        self.set_text_color(*colour)

    # header and footer on every page but the title page
    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_fill_color(*self.accent)
        self.rect(0, 0, self.w, 3, style="F")
        self.set_y(7)
        self.font(8.5, colour=GREY)
        self.cell(0, 5, self.t(f"{self.report.meta.district_or_default} · {REPORT_TITLE} · {self.report.meta.subtitle}"),
                  align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-13)
        self.font(8.5, colour=GREY)
        self.cell(0, 5, self.t(f"Anonymous: figures resting on fewer than {self.report.min_group_size} people are "
                               "hidden."), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")

    # building blocks
    def heading(self, text: str, size: float = 20) -> None:
        self.font(size, bold=True, colour=self.accent_text)
        self.multi_cell(0, size * 0.5, self.t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(3)

    def para(self, text: str, size: float = 11, bold: bool = False, colour=(20, 20, 20), after: float = 2,
             indent: float = 0) -> None:
        self.font(size, bold, colour)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, size * 0.48, self.t(text), align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(after)

    def bullets(self, points, size: float = 11) -> None:
        for p in points:
            self.font(size)
            y = self.get_y()
            if y + size * 0.5 > self.page_break_trigger:
                self.add_page()
                y = self.get_y()
            self.set_xy(self.l_margin + 2, y)
            self.cell(4, size * 0.48, self.t("•"))
            self.set_xy(self.l_margin + 7, y)
            self.multi_cell(self.epw - 7, size * 0.48, self.t(p), align="L", new_x="LMARGIN", new_y="NEXT")
            self.ln(1.2)

    def keep(self, height: float) -> None:
        """Start a new page unless ``height`` mm still fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()


def build_pdf(report: BoardReport, images: dict[str, bytes] | None = None, logo: bytes | None = None,
              accent: str | None = DEFAULT_ACCENT, font_dir: Path | None = FONT_DIR) -> bytes:
    """The board report as PDF bytes. ``images`` maps chart keys to PNG bytes (missing ones print as tables)."""
    images = images or {}
    pdf = _Doc(report, parse_colour(accent), font_dir)
    meta = report.meta
    pdf.set_title(pdf.t(report.title))
    pdf.set_subject(pdf.t(f"{REPORT_TITLE}: board report"))
    pdf.set_author(pdf.t(meta.district_or_default))
    pdf.set_creator(PRODUCT)
    pdf.set_keywords(pdf.t(f"{report.framework.name}, technology team, board report"))
    pdf.set_lang("en-US")

    _title_page(pdf, report, logo)
    _summary_pages(pdf, report)
    for i, chart in enumerate(report.charts.values(), start=1):
        _chart_page(pdf, report, chart, i, images.get(chart.key))
    _appendix(pdf, report)
    _about(pdf, report)
    out = pdf.output()
    return bytes(out)


def _title_page(pdf: _Doc, report: BoardReport, logo: bytes | None) -> None:
    pdf.add_page()
    pdf.start_section(pdf.t("Title"))
    pdf.set_fill_color(*pdf.accent)
    pdf.rect(0, 0, pdf.w, 16, style="F")
    if logo:
        pdf.image(io.BytesIO(logo), x=pdf.w - MARGIN - 45, y=22, w=45, h=28, keep_aspect_ratio=True,
                  alt_text=pdf.t(f"{report.meta.district_or_default} logo"))
    meta = report.meta
    pdf.set_y(62)
    pdf.font(12, colour=GREY)
    pdf.cell(0, 7, pdf.t("BOARD REPORT"), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.font(30, bold=True, colour=pdf.accent_text)
    pdf.multi_cell(0, 13, pdf.t(meta.district_or_default), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.font(22, colour=(30, 30, 30))
    pdf.multi_cell(0, 11, pdf.t(REPORT_TITLE), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.font(13, colour=(50, 50, 50))
    when = " · ".join(p for p in (meta.round.strip(), meta.date.strip()) if p)
    if when:
        pdf.multi_cell(0, 7, pdf.t(when), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.font(10.5, colour=GREY)
    pdf.multi_cell(0, 6, pdf.t(f"{report.framework.title} · scale {report.scale.name}"), align="L", new_x="LMARGIN",
                   new_y="NEXT")
    pdf.ln(10)

    figures = report.headline_figures()
    gap = 4
    w = (pdf.epw - gap * (len(figures) - 1)) / len(figures)
    y = pdf.get_y()
    for i, (label, value) in enumerate(figures):
        x = pdf.l_margin + i * (w + gap)
        pdf.set_fill_color(*LIGHT)
        pdf.rect(x, y, w, 30, style="F")
        pdf.set_fill_color(*pdf.accent)
        pdf.rect(x, y, 1.6, 30, style="F")
        pdf.set_xy(x + 4, y + 4)
        pdf.font(20, bold=True)
        pdf.cell(w - 6, 10, pdf.t(value))
        pdf.set_xy(x + 4, y + 16)
        pdf.font(8.5, colour=GREY)
        pdf.multi_cell(w - 6, 4, pdf.t(label), align="L")
    pdf.set_y(y + 40)
    standing = report.summary.finding("standing")
    if standing:
        pdf.para(standing.headline, size=13)
    pdf.set_y(-45)
    pdf.font(9, colour=GREY)
    pdf.multi_cell(0, 4.6, pdf.t(report.privacy_note), align="L", new_x="LMARGIN", new_y="NEXT")


def _summary_pages(pdf: _Doc, report: BoardReport) -> None:
    pdf.add_page()
    pdf.start_section(pdf.t("Summary"))
    pdf.heading("Summary")
    for f in report.summary.findings:
        asks = f.key == "asks"
        pdf.keep(24)
        if asks:
            pdf.ln(2)
        y0, page0 = pdf.get_y(), pdf.page_no()
        pdf.para(f.title, size=13, bold=True, colour=pdf.accent_text, after=1)
        pdf.para(f.headline, size=11, bold=asks, after=1.5)
        pdf.bullets(f.points, size=10.5)
        if asks and pdf.page_no() == page0:  # a bar beside the asks, so they stand out in print
            pdf.set_fill_color(*pdf.accent)
            pdf.rect(pdf.l_margin - 5, y0, 1.6, pdf.get_y() - y0, style="F")
        pdf.ln(2.5)


def _chart_page(pdf: _Doc, report: BoardReport, chart: Chart, number: int, png: bytes | None) -> None:
    pdf.add_page()
    pdf.start_section(pdf.t(f"Figure {number}. {chart.title}"))
    pdf.heading(f"Figure {number}. {chart.title}", size=17)
    finding = next((f for f in report.summary.findings if f.chart == chart.key), None)
    if finding:
        pdf.para(finding.headline, size=11.5, after=3)
    if png:
        from framework.images import png_size

        wpx, hpx = png_size(png)
        max_h = pdf.page_break_trigger - pdf.get_y() - 32
        w = pdf.epw
        h = w * hpx / wpx
        if h > max_h:
            h, w = max_h, max_h * wpx / hpx
        x = pdf.l_margin + (pdf.epw - w) / 2
        pdf.image(io.BytesIO(png), x=x, y=pdf.get_y(), w=w, h=h, alt_text=pdf.t(chart.alt or chart.title))
        pdf.set_y(pdf.get_y() + h + 4)
    else:
        pdf.para(f"The chart image is not included: {INSTALL_HINT} Its figures:", size=10, colour=GREY)
        _table(pdf, chart.table)
        pdf.ln(3)
    pdf.para(f"Figure {number}. {chart.caption}", size=9.5, colour=GREY)


DECIMALS = {"Mean": 2, "Median": 1, "Gap": 2, "Priority (gap × weight)": 2, "Priority": 1}


def _cell(value, column: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        if value != value:  # NaN
            return "–"
        if column in DECIMALS:
            return f"{value:.{DECIMALS[column]}f}"
        return f"{value:g}"
    return str(value)


def _table(pdf: _Doc, frame, widths=None, size: float = 9) -> None:
    if frame is None or frame.empty:
        pdf.para("(no rows)", size=size, colour=GREY)
        return
    pdf.font(size)
    numeric = [frame[c].dtype.kind in "if" for c in frame.columns]
    head = FontFace(emphasis="BOLD", fill_color=LIGHT, color=(20, 20, 20))
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(190, 190, 190)
    with pdf.table(col_widths=widths, line_height=size * 0.5, headings_style=head, text_align=tuple(
            "RIGHT" if num else "LEFT" for num in numeric), borders_layout="HORIZONTAL_LINES",
            cell_fill_color=(246, 246, 246), cell_fill_mode="ROWS", padding=(1.2, 1.5),
            repeat_headings=1) as table:
        row = table.row()
        for col in frame.columns:
            row.cell(pdf.t(str(col)))
        for values in frame.itertuples(index=False):
            row = table.row()
            for col, value in zip(frame.columns, values):
                row.cell(pdf.t(_cell(value, col)))


def _appendix(pdf: _Doc, report: BoardReport) -> None:
    pdf.add_page()
    pdf.start_section(pdf.t("Appendix: tables"))
    pdf.heading("Appendix: tables")
    tables = report.tables()
    areas = tables["Skill areas"]
    cols = ["Skill area", "n", "Mean", "Target", "Gap"] + (["Weight"] if "Weight" in areas else []) + [
        "At or above target", "Status"]
    shown = areas[cols].rename(columns={"At or above target": "At target"})
    pdf.para("Skill areas", size=13, bold=True, colour=pdf.accent_text, after=1)
    pdf.para("Hidden values are shown as –. Gap is target minus mean: positive is a shortfall. Blank means no "
             "ratings or hidden.", size=9, colour=GREY)
    widths = (40, 7, 10, 10, 10) + ((10,) if "Weight" in cols else ()) + (12, 26)
    _table(pdf, shown, widths)
    pdf.ln(6)
    pdf.keep(40)
    pdf.para("Categories", size=13, bold=True, colour=pdf.accent_text, after=1)
    pdf.para("A category's figure is the plain average of its skill areas' averages, each area counting once; it "
             "is hidden when any of its areas is.", size=9, colour=GREY)
    _table(pdf, tables["Categories"], (40, 12, 16, 11, 10, 37))


def _about(pdf: _Doc, report: BoardReport) -> None:
    pdf.add_page()
    pdf.start_section(pdf.t("About these figures"))
    pdf.heading("About these figures")
    pdf.para("Privacy", size=13, bold=True, colour=pdf.accent_text, after=1)
    pdf.para(report.privacy_note, size=10.5, after=5)
    pdf.para("How the numbers are made", size=13, bold=True, colour=pdf.accent_text, after=1)
    pdf.para(report.method_note, size=10.5, after=5)
    pdf.para("The data", size=13, bold=True, colour=pdf.accent_text, after=1)
    bits = [f"{report.respondents} respondents", f"minimum group size {report.min_group_size}"]
    if report.rows_read is not None:
        bits.insert(0, f"{report.rows_read} responses read, {report.rows_used} used")
    pdf.para("; ".join(bits) + ".", size=10.5, after=5)
    pdf.para(f"Made with the {PRODUCT}.", size=9, colour=GREY)
