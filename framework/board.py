"""The board report as data: what the PDF, the deck, the board page and the table exports share.

:func:`build_board_report` takes its figures from the data set's audited publication
(:mod:`framework.publication`), at the minimum group size (never below 3): whatever the app shows on
screen, a document that leaves it carries no names, no individual answers and no figure that, alone or
with any other published figure, rests on fewer than k people.

Also here: the defaults the board page and the command line offer for the title page (district
name from the staff email domain, survey date and school year from the survey's timestamps).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go

from framework.aggregate import headline
from framework.board_figures import coverage_figure, levels_figure, priority_figure
from framework.definitions import Framework
from framework.exports import to_csv_bytes, to_xlsx_bytes
from framework.figures import area_table, gap_figure, radar_figure
from framework.narrative import BoardSummary, board_summary
from framework.publication import Publication
from framework.scales import Scale

REPORT_TITLE = "Technology team skills"
PRODUCT = "District technology maturity dashboard"


@dataclass(frozen=True)
class ReportMeta:
    """What the title page says; every field is free text the user can edit."""

    district: str = ""
    round: str = ""  # e.g. "2026–27 school year" or "Fall 2026"
    date: str = ""  # e.g. "October 5–30, 2026"

    @property
    def district_or_default(self) -> str:
        return self.district.strip() or "Our district"

    @property
    def subtitle(self) -> str:
        return " · ".join(p for p in ("Board report", self.round.strip(), self.date.strip()) if p)


@dataclass
class Chart:
    key: str
    title: str
    caption: str  # what it shows, n and the privacy rule
    figure: go.Figure
    width: int  # image size in CSS pixels (images are drawn at twice this)
    height: int
    table: pd.DataFrame  # the figures behind the chart: a text alternative, and the fallback without a browser
    alt: str = ""  # one-sentence description for screen readers


SUPERVISORS_RATINGS = "each person's supervisor's rating, not self-ratings (chosen for this round)"


@dataclass
class BoardReport:
    meta: ReportMeta
    framework: Framework
    scale: Scale
    min_group_size: int
    respondents: int
    areas: pd.DataFrame  # anonymous area_summary
    categories: pd.DataFrame  # anonymous category_summary
    headline: dict
    summary: BoardSummary
    charts: dict[str, Chart] = field(default_factory=dict)
    rows_read: int | None = None
    rows_used: int | None = None
    rated_by: str = ""  # "" = self-ratings; else whose ratings these are, in words (SUPERVISORS_RATINGS)

    # ---- derived ------------------------------------------------------------------------
    @property
    def title(self) -> str:
        return f"{self.meta.district_or_default}: {REPORT_TITLE.lower()}"

    @property
    def suppressed(self) -> bool:
        return self.summary.suppressed

    def chart_for(self, finding_key: str) -> Chart | None:
        found = self.summary.finding(finding_key)
        return self.charts.get(found.chart) if found and found.chart else None

    @property
    def privacy_note(self) -> str:
        k = self.min_group_size
        return (
            f"This report is anonymous. It contains no names, email addresses or individual answers. Any figure "
            f"resting on fewer than {k} people is hidden (the minimum group size), and when the whole team is "
            f"smaller than {k} no figures are shown at all. The ratings are staff self-assessments."
        )

    @property
    def method_note(self) -> str:
        sc = self.scale
        levels = ", ".join(sc.level_text(v) for v in sc.values)
        weights = (" Gaps are ranked by gap × the area's weight in the framework."
                   if self.framework.has_weights else " Gaps are ranked by size (no area weights).")
        return (
            f"Framework: {self.framework.title}. Scale: {levels}. Each skill area's target is the level a person "
            "must reach to cover it; the gap is target minus the team's average, so a positive gap is a "
            "shortfall. The team average is the average of the area averages, each area counting once. "
            "'Not applicable' and 'don't know' answers are left out, never counted as zero. A single point of "
            "failure is an area where exactly one person rates at or above target." + weights
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        """The summary tables (anonymous) as a reader sees them: skill areas, categories, summary, about."""
        return {
            "Skill areas": export_area_table(self.areas, self.scale, self.min_group_size, self.framework.has_weights),
            "Categories": export_category_table(self.categories, self.min_group_size),
            "Summary": self.summary.records(),
            "About": self.about_table(),
        }

    def about_table(self) -> pd.DataFrame:
        rows = [
            ("District", self.meta.district_or_default),
            ("Survey round", self.meta.round),
            ("Survey date", self.meta.date),
            ("Framework", self.framework.title),
            ("Scale", f"{self.scale.name}"),
            ("Respondents", str(self.respondents)),
            ("Minimum group size", str(self.min_group_size)),
            ("Privacy", self.privacy_note),
            ("Method", self.method_note),
            ("Made with", PRODUCT),
        ]
        return pd.DataFrame(rows, columns=["Item", "Value"])

    def csv_bytes(self) -> bytes:
        """The skill-area table as CSV (formula-like cells neutralised)."""
        return to_csv_bytes(self.tables()["Skill areas"])

    def xlsx_bytes(self) -> bytes:
        """Every summary table as one XLSX workbook (formula-like cells neutralised)."""
        return to_xlsx_bytes(self.tables())

    def headline_figures(self) -> list[tuple[str, str]]:
        """(label, value) pairs for a title page or a row of metrics."""
        h = self.headline
        if self.suppressed or h["areas_rated"] == 0:
            return [("Respondents", str(self.respondents)), ("Minimum group size", str(self.min_group_size))]
        return [
            ("Respondents", str(self.respondents)),
            (f"Team average (of {self.scale.max})",
             "not reported" if h["team_mean"] != h["team_mean"] else f"{h['team_mean']:.2f}"),
            ("Areas below target", f"{h['areas_below_target']} of {h['areas_rated']}"),
            ("Single points of failure", str(h["spof_areas"])),
            ("Nobody at target", str(h["nobody_areas"])),
        ]


# ---- building -------------------------------------------------------------------------------
def build_board_report(
    publication: Publication,
    meta: ReportMeta | None = None,
    rows_read: int | None = None,
    rows_used: int | None = None,
    rated_by: str = "",
) -> BoardReport:
    """Findings and charts for the board from the data set's audited publication: the whole team's
    anonymous figures, exactly as the anonymous pages show them (a board document never computes a
    figure of its own)."""
    areas = publication.areas()
    categories = publication.categories()
    n = publication.respondents
    k = publication.k
    summary = board_summary(areas, publication.framework, publication.scale, n, k)
    report = BoardReport(meta or ReportMeta(), publication.framework, publication.scale, k, n, areas, categories,
                         headline(areas, n), summary, rows_read=rows_read, rows_used=rows_used,
                         rated_by=rated_by)
    report.charts = build_charts(report)
    return report


def build_charts(report: BoardReport) -> dict[str, Chart]:
    """The report's charts, in the order the findings use them (none when nothing can be shown)."""
    areas, fw, sc, n, k = report.areas, report.framework, report.scale, report.respondents, report.min_group_size
    if report.suppressed or report.headline["areas_rated"] == 0:
        return {}
    shown = areas[~areas["suppressed"].astype(bool) & areas["n"].gt(0)]
    base = f"Based on {n} {'respondent' if n == 1 else 'respondents'}. Anonymous: results resting on fewer than {k} people are hidden."
    if report.rated_by:  # a round run in the dashboard whose admin chose supervisors' ratings for it
        base += f" Ratings: {report.rated_by}."
    rating = "rating" if report.rated_by else "self-rating"
    rows = len(shown)
    makers = {
        "radar": lambda: Chart(
            "radar", "Team average against target", f"Average {rating} per skill area (solid) against the "
            f"target (dashed), on the {sc.range_text} scale; shaded sectors are the framework's categories. {base}",
            radar_figure(areas, fw, sc, n, title="Team average against target"), 640, 560,
            _table(shown, ["area", "n", "mean", "target"]),
            "Radar chart of the team's average rating per skill area against the target.",
        ),
        "levels": lambda: Chart(
            "levels", "How the team rates itself", "Share of the people who rated each area at each level, "
            f"highest average on top; the average is printed at the end of each bar. {base}",
            levels_figure(areas, sc, n, k), 760, _height(rows),
            _table(shown, ["area", "n"] + [f"level_{v}" for v in sc.values] + ["mean"],
                   {f"level_{v}": sc.level_text(v) for v in sc.values}),
            "Stacked bars of the levels the team chose in each skill area.",
        ),
        "gaps": lambda: Chart(
            "gaps", "Gap to target", "Target minus the team's average per area, largest shortfall on top; bars "
            f"right of the line fall short, and '1 at target' marks an area one person covers. {base}",
            gap_figure(areas, sc, n, title="Gap to target"), 760, _height(rows),
            _table(shown.sort_values("gap", ascending=False, kind="stable"), ["area", "n", "mean", "target", "gap"]),
            "Bar chart of the gap between target and team average per skill area.",
        ),
        "priority": lambda: Chart(
            "priority", "Gaps weighted by the framework", "Areas below target ranked by gap × the area's weight "
            f"in the framework (the order the summary uses). {base}",
            priority_figure(areas, n, k), 760, _height(max(1, int((shown["gap"] > 1e-9).sum()))),
            _priority_table(shown),
            "Bar chart of the weighted gaps of the areas below target.",
        ),
        "coverage": lambda: Chart(
            "coverage", "Who covers each skill area", "People at or above target (blue) and below it (grey) "
            f"among those who rated each area, thinnest cover on top. {base}",
            coverage_figure(areas, n, k), 760, _height(rows),
            _table(shown.sort_values(["at_target_n", "order"], kind="stable"), ["area", "n", "at_target_n"],
                   {"at_target_n": "At or above target"}),
            "Stacked bars of how many people are at or above target in each skill area.",
        ),
    }
    order = [f.chart for f in report.summary.findings if f.chart]
    if "gaps" not in order:
        order.append("gaps")  # the plain gap chart is always in the report
    charts = {}
    for key in order:
        if key in makers and key not in charts:
            charts[key] = makers[key]()
    return charts


def _height(rows: int) -> int:
    """Export height of a bar chart: about 16:10 for ten areas, so one image fits a slide and a page."""
    return max(400, 150 + 32 * rows)


_HEADERS = {"area": "Skill area", "n": "n", "mean": "Mean", "target": "Target", "gap": "Gap"}


def _table(frame: pd.DataFrame, cols: list[str], extra: dict[str, str] | None = None) -> pd.DataFrame:
    names = {**_HEADERS, **(extra or {})}
    out = frame[cols].rename(columns=names).reset_index(drop=True)
    for col in ("Mean", "Gap"):
        if col in out:
            out[col] = out[col].astype("float64").round(2)
    for col in out.columns:
        if col not in ("Skill area", "Mean", "Gap"):
            out[col] = out[col].astype("float64").round(0).astype("int64")
    return out


def _priority_table(shown: pd.DataFrame) -> pd.DataFrame:
    weight = shown["weight"].astype("float64").fillna(1.0)
    below = shown.assign(w=weight, priority=shown["gap"].astype("float64") * weight)
    below = below[below["gap"] > 1e-9].sort_values(["priority", "gap", "order"], ascending=[False, False, True],
                                                     kind="stable")
    return pd.DataFrame({
        "Skill area": below["area"].tolist(), "Gap": below["gap"].round(2).tolist(),
        "Weight": below["w"].tolist(), "Priority": below["priority"].round(1).tolist(),
    })


def export_area_table(areas: pd.DataFrame, scale: Scale, k: int, weighted: bool) -> pd.DataFrame:
    """The anonymous skill-area table for exports (means and gaps to 2 decimals)."""
    table = area_table(areas, scale, k).reset_index(drop=True)
    for col in ("Mean", "Median", "Gap"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("float64").round(2)
    if weighted:
        w = areas["weight"].astype("float64").to_numpy()
        table.insert(table.columns.get_loc("Gap") + 1, "Weight", w)
        table.insert(table.columns.get_loc("Weight") + 1, "Priority (gap × weight)", (table["Gap"] * w).round(2))
    return table


def export_category_table(categories: pd.DataFrame, k: int) -> pd.DataFrame:
    """Each category's mean is the plain mean of its areas' shown means (hidden with any of them)."""
    rows = []
    for _, r in categories.iterrows():
        sup = bool(r["suppressed"])
        empty = not sup and int(r["areas_rated"]) == 0
        rows.append({
            "Category": r["category"], "Skill areas": int(r["areas"]),
            "Mean of the area means": None if sup or empty else round(float(r["mean"]), 2),
            "Target": round(float(r["target"]), 2),
            "Gap": None if sup or empty else round(float(r["gap"]), 2),
            "Status": (f"hidden: {int(r['areas_hidden'])} of its areas rest on fewer than {k} people" if sup
                       else "no ratings" if empty else ""),
        })
    return pd.DataFrame(rows)


# ---- title-page defaults -------------------------------------------------------------------
FREE_MAIL = {"gmail.com", "googlemail.com", "yahoo.com", "hotmail.com", "outlook.com", "live.com", "icloud.com",
             "aol.com", "msn.com", "proton.me", "protonmail.com", "me.com", "comcast.net", "example.com"}


def district_from_emails(emails: Iterable[str]) -> str:
    """A district name guessed from the staff email domain ("springfield-schools.org" -> "Springfield Schools").

    Only when at least half of the valid addresses share one domain that is not a free mail service;
    otherwise "". The guess is a default the user edits, never shown as a fact.
    """
    domains = [e.strip().lower().rsplit("@", 1)[1] for e in emails
               if isinstance(e, str) and e.count("@") == 1 and "." in e.rsplit("@", 1)[1]]
    if not domains:
        return ""
    top, count = pd.Series(domains).value_counts().index[0], int(pd.Series(domains).value_counts().iloc[0])
    if count * 2 < len(domains) or top in FREE_MAIL:
        return ""
    labels = [p for p in top.split(".") if p not in {"www", "mail", "staff", "email", "k12", "us", "net", "org",
                                                    "edu", "com"} and len(p) > 1]
    if not labels:
        return ""
    words = re.split(r"[-_]+", labels[0])
    return " ".join(w.upper() if len(w) <= 4 and not re.search(r"[aeiou]", w) else w.capitalize() for w in words if w)


def survey_dates(data: bytes, filename: str, mapping, rows: Iterable[int] | None = None) -> tuple[dt.date, dt.date] | None:
    """First and last response date in a survey file, from the column the import read as the timestamp.

    ``mapping`` is the import report's column mapping (so the user's corrections count); ``rows``
    limits to the responses that were used. None when the file has no readable timestamps.
    """
    try:
        from framework.importer.core import parse_timestamps
        from framework.importer.sources import pick_format
        from framework.importer.table import read_table

        column = next((m.column for m in mapping if m.kind == "identity" and m.target == "timestamp"), None)
        if column is None:
            return None
        raw = read_table(data, filename)
        frame = pick_format(raw).prepare(raw).frame
        if column not in frame.columns:
            return None
        stamps = frame[column]
        if rows is not None:
            stamps = stamps[stamps.index.isin(list(rows))]
        parsed = parse_timestamps(stamps).dropna()
    except Exception:  # a default for a text box: never worth failing the page over
        return None
    if parsed.empty:
        return None
    return parsed.min().date(), parsed.max().date()


def date_text(first: dt.date, last: dt.date) -> str:
    """'October 5, 2026', 'October 5–30, 2026', 'October 5 – November 2, 2026' or across years."""
    if first == last:
        return f"{first:%B} {first.day}, {first.year}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%B} {first.day}–{last.day}, {first.year}"
    if first.year == last.year:
        return f"{first:%B} {first.day} – {last:%B} {last.day}, {first.year}"
    return f"{first:%B} {first.day}, {first.year} – {last:%B} {last.day}, {last.year}"


def school_year(day: dt.date) -> str:
    """US school years run July to June: October 2026 is in '2026–27'."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}–{(start + 1) % 100:02d} school year"


def default_meta(results: list, files: list[tuple[bytes, str]], district: str = "") -> ReportMeta:
    """Title-page defaults from the imported files: district from emails, date range and school year.

    ``results`` are the ImportResults of ``files`` (same order).
    """
    spans = []
    emails: list[str] = []
    for result, (data, name) in zip(results, files):
        ratings = result.ratings
        span = survey_dates(data, name, result.report.mapping, ratings["row"].unique().tolist())
        if span:
            spans.append(span)
        people = ratings.drop_duplicates("respondent")
        emails += [str(e) for e in people["email"].astype("string").fillna("").tolist() if e]
    guess = district or district_from_emails(emails)
    if not spans:
        return ReportMeta(guess, "", "")
    first = min(s[0] for s in spans)
    last = max(s[1] for s in spans)
    return ReportMeta(guess, school_year(last), date_text(first, last))


# ---- images and colours shared by the PDF and the deck -----------------------------------------
DEFAULT_ACCENT = "#0072B2"  # Okabe–Ito blue
_HEX = re.compile(r"^#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})$")


IMAGE_SCALE = 2.5  # pixels per CSS pixel: sharp in print (about 250 dpi at full page width) and on projectors


def render_chart_images(report: BoardReport, renderer, scale: float = IMAGE_SCALE) -> dict[str, bytes]:
    """PNG bytes per chart key, through one started :class:`framework.images.Renderer` (drawn concurrently)."""
    keys = list(report.charts)
    images = renderer.pngs([(report.charts[k].figure, report.charts[k].width, report.charts[k].height) for k in keys],
                           scale)
    return dict(zip(keys, images))


def parse_colour(text: str | None) -> tuple[int, int, int]:
    """'#0072B2', '0072b2' or '#07b' as an (r, g, b) tuple; ValueError with one sentence otherwise."""
    text = (text or DEFAULT_ACCENT).strip()
    m = _HEX.match(text)
    if not m:
        raise ValueError(f"the accent colour {text!r} is not a hex colour such as #0072B2")
    h = m.group(1)
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_accent(accent: tuple[int, int, int]) -> tuple[int, int, int]:
    """The accent for text on white when it is readable (contrast 4.5 or more), else a dark grey."""
    return accent if contrast(accent, (255, 255, 255)) >= 4.5 else (34, 34, 34)
