"""One person's growth plan as a one-page PDF (fpdf2, US Letter, portrait).

The page: the person's name, the round and the date; a table of the skill areas (rating, target, gap, the change
since the previous round, and the team's anonymous figures when the plan carries them); the largest gaps, each
with what the next level looks like and the next steps; the person's chosen focus areas and note; and their
strengths (with a mentoring or leading step where they are at the top of the scale).

It is set in DejaVu Sans, or Helvetica with Latin-1-safe text when the font files are missing, exactly as the
board report (the font handling is :mod:`framework.report_pdf`'s). Text that came from people (the name, the
round label, the note) is set as plain text, never read as markup. The page is built from the plan alone, which
holds one person's figures and no name but the one passed in. To stay on one page the type is set smaller as
needed; when even the smallest size does not fit, the page keeps the first two steps per gap and the first step
per strength.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import FontFace

from framework.board import DEFAULT_ACCENT, PRODUCT, parse_colour, readable_accent
from framework.growth import FocusChoice, GrowthPlan
from framework.report_pdf import FONT_DIR, GREY, LIGHT, latin1_safe, use_fonts
from framework.trends import ARROWS

MARGIN = 14.0  # mm
SIZES = (9.5, 9.0, 8.5, 8.0, 7.5, 7.0, 6.5)  # body type sizes tried, largest first
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _plain(text: str) -> str:
    """Text from people as plain text: control characters (other than line breaks and tabs) become spaces."""
    return _CONTROL.sub(" ", str(text)).replace("\r\n", "\n").replace("\r", "\n")


class _PlanDoc(FPDF):
    def __init__(self, size: float, font_dir: Path | None, accent: tuple[int, int, int]):
        super().__init__(orientation="P", unit="mm", format="letter")
        self.size = size
        self.accent = accent
        self.accent_text = readable_accent(accent)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=MARGIN)
        self.family, self.unicode = use_fonts(self, font_dir)
        self.alias_nb_pages(None)  # one page, no page numbers: a "{nb}" in someone's name or note stays as typed

    def t(self, text: str) -> str:
        text = _plain(text)
        if self.unicode:
            return text
        for arrow in ARROWS.values():  # the words beside each arrow say the same
            if arrow:
                text = text.replace(arrow + " ", "").replace(arrow, "")
        return latin1_safe(text)

    def font(self, scale: float = 1.0, bold: bool = False, colour=(20, 20, 20)) -> None:
        self.set_font(self.family, "B" if bold else "", self.size * scale)
        self.set_text_color(*colour)

    @property
    def line(self) -> float:
        return self.size * 0.45

    def para(self, text: str, scale: float = 1.0, bold: bool = False, colour=(20, 20, 20), indent: float = 0,
             after: float = 0.8) -> None:
        self.font(scale, bold, colour)
        self.set_x(self.l_margin + indent)
        self.multi_cell(self.epw - indent, self.line * scale, self.t(text), align="L", new_x="LMARGIN",
                        new_y="NEXT")
        self.ln(after)

    def heading(self, text: str) -> None:
        self.ln(1.2)
        self.para(text, scale=1.25, bold=True, colour=self.accent_text, after=0.6)

    def labelled(self, label: str, text: str, indent: float, scale: float = 1.0, colour=(20, 20, 20)) -> None:
        """ "Label: text" with the label in bold, as one paragraph that wraps under itself."""
        self.font(scale, bold=True, colour=colour)
        self.set_x(self.l_margin + indent)
        label_w = self.get_string_width(self.t(label) + " ") + 0.5
        y = self.get_y()
        self.cell(label_w, self.line * scale, self.t(label) + " ")
        self.font(scale, colour=colour)
        self.set_xy(self.l_margin + indent + label_w, y)
        self.multi_cell(self.epw - indent - label_w, self.line * scale, self.t(text), align="L", new_x="LMARGIN",
                        new_y="NEXT")
        self.ln(0.4)


def _gap_cell(a) -> str:
    if a.gap is None:
        return "–"
    if a.gap > 0:
        return f"{a.gap} below"
    return "at target" if a.gap == 0 else f"{-a.gap} above"


def _team_cell(a) -> str:
    if a.team_mean != a.team_mean:  # NaN: hidden or not given
        return "hidden"
    n = "" if a.team_n != a.team_n else f" (n={a.team_n:.0f})"
    return f"{a.team_mean:.1f}{n}"


def _table(pdf: _PlanDoc, plan: GrowthPlan) -> None:
    head = ["Skill area", "Your rating", "Target", "Gap (levels)"]
    widths = [60.0, 33.0, 29.0, 20.0]
    if plan.has_previous:
        head.append("Since last round")
        widths.append(40.0)
    if plan.has_team:
        head.append("Team mean")
        widths.append(22.0)
    scale_w = pdf.epw / sum(widths)
    widths = [w * scale_w for w in widths]
    pdf.font(0.92)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_draw_color(190, 190, 190)
    style = FontFace(emphasis="BOLD", fill_color=LIGHT, color=(20, 20, 20))
    with pdf.table(col_widths=widths, line_height=pdf.line * 0.95, headings_style=style,
                   borders_layout="HORIZONTAL_LINES", cell_fill_color=(247, 247, 247), cell_fill_mode="ROWS",
                   padding=(0.5, 1.2), text_align="LEFT", first_row_as_headings=True) as table:
        row = table.row()
        for h in head:
            row.cell(pdf.t(h))
        for a in plan.areas:
            row = table.row()
            cells = [a.name, a.rating_text, a.target_text, _gap_cell(a)]
            if plan.has_previous:
                cells.append(a.change_text or "–")
            if plan.has_team:
                cells.append(_team_cell(a))
            for c in cells:
                row.cell(pdf.t(c))
    pdf.ln(0.8)
    notes = "Gap: levels between your rating and your role's target. N/A (not part of my role) is never a gap."
    if plan.has_team:
        notes += " Team mean: the team's anonymous average, hidden where too few people rated the area."
    pdf.para(notes, scale=0.85, colour=GREY)


def _render(plan: GrowthPlan, name: str, round_label: str, focus: FocusChoice | None, made_on: str,
            size: float, font_dir: Path | None, accent, compact: bool) -> _PlanDoc:
    pdf = _PlanDoc(size, font_dir, accent)
    pdf.set_title(pdf.t(f"Growth plan: {name}"))
    pdf.set_subject(pdf.t(f"Growth plan, {plan.framework_title}"))
    pdf.set_creator(PRODUCT)
    pdf.set_lang("en-US")
    pdf.add_page()
    pdf.set_fill_color(*accent)
    pdf.rect(0, 0, pdf.w, 3, style="F")

    # who, which round, when
    pdf.set_y(MARGIN - 2)
    pdf.para("GROWTH PLAN", scale=0.9, colour=GREY, after=0.3)
    pdf.para(name, scale=1.9, bold=True, colour=pdf.accent_text, after=0.6)
    when = " · ".join(p for p in (round_label.strip(), made_on.strip()) if p)
    pdf.para(when, scale=1.05, after=0.3)
    pdf.para(f"Role targets: {plan.role_name} · {plan.framework_title} · scale {plan.scale_name}", scale=0.9,
             colour=GREY, after=0.6)
    pdf.para(plan.summary(), after=1.0)

    _table(pdf, plan)

    # the largest gaps and the next steps
    if plan.gaps:
        pdf.heading("Largest gaps and next steps")
        for i, a in enumerate(plan.gaps, start=1):
            pdf.para(f"{i}. {a.name}: {a.gap_text} (now {a.rating_text}, target {a.target_text})", bold=True,
                     after=0.4)
            if a.next_descriptor:
                pdf.labelled("What the next level looks like:", a.next_descriptor, indent=4)
            steps = a.steps[:2] if compact else a.steps
            for s in steps:
                pdf.labelled(f"{s.kind_label}:", s.text, indent=4)
            if not a.in_library:
                pdf.para("The district's professional-learning library has no suggestions for this area yet.",
                         scale=0.9, colour=GREY, indent=4)
            if not compact and a.references:
                pdf.para(a.references, scale=0.85, colour=GREY, indent=4, after=0.6)
        if plan.more_gaps:
            others = ", ".join(f"{a.name} ({a.gap_text})" for a in plan.more_gaps)
            pdf.para(f"Also below target: {others}.", scale=0.95, after=0.6)
    elif plan.rated:
        pdf.heading("Largest gaps and next steps")
        pdf.para("Every area you rated is at or above your role's target.")

    # the person's focus
    pdf.heading("My focus")
    chosen = [a.name for a in plan.areas if focus is not None and a.area_id in focus.areas]
    if chosen:
        pdf.para("Focus areas: " + "; ".join(chosen) + ".")
    else:
        pdf.para("No focus areas chosen yet.", colour=GREY)
    if focus is not None and focus.note:
        pdf.labelled("My note:", focus.note, indent=0)

    # strengths
    if plan.strengths:
        pdf.heading("Strengths")
        listed = "; ".join(f"{a.name} ({a.rating_text}, target {a.target_text})" for a in plan.strengths)
        pdf.para(listed + ".", after=0.6)
        for a in plan.strengths:
            steps = a.mentoring_steps[:1] if compact else a.mentoring_steps[:1] if len(plan.strengths) > 4 \
                else a.mentoring_steps
            for s in steps:
                pdf.labelled(f"{a.label}, {s.kind_label.lower()}:", s.text, indent=4, scale=0.95)
    pdf.ln(0.8)
    pdf.para(f"Suggestions come from the district's professional-learning library. Made with the {PRODUCT}.",
             scale=0.8, colour=GREY)
    return pdf


def build_plan_pdf(plan: GrowthPlan, person_name: str, round_label: str, focus: FocusChoice | None = None, *,
                   made_on: dt.date | str | None = None, font_dir: Path | None = FONT_DIR,
                   accent: str | None = DEFAULT_ACCENT) -> bytes:
    """The plan as one US Letter page (PDF bytes). ``made_on``: the date printed (default today)."""
    if made_on is None:
        made_on = dt.date.today()
    when = made_on.strftime("%B %-d, %Y") if isinstance(made_on, dt.date) else str(made_on)
    colour = parse_colour(accent)
    pdf = None
    for compact in (False, True):
        for size in SIZES:
            pdf = _render(plan, person_name, round_label, focus, when, size, font_dir, colour, compact)
            if pdf.page_no() == 1:
                return bytes(pdf.output())
    return bytes(pdf.output())  # more than one page only when even the compact page at the smallest size overflows


__all__ = ["SIZES", "build_plan_pdf"]
