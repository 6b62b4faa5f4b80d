"""Board report: the findings in plain language and large type, a presentation mode that steps through
one finding per screen, and the PDF, PowerPoint deck, chart images and tables for the board packet.

Always anonymous: the report is built with the sidebar's minimum group size (never below 3),
whatever other pages show.
"""

import re

import plotly.graph_objects as go
import streamlit as st

from framework.access import VIEW_BOARD
from framework.board import REPORT_TITLE
from framework.images import INSTALL_HINT
from framework.narrative import md_escape
from ui.auth import require
from ui.board_edge import (
    K_ACCENT,
    K_LOGO,
    K_PRESENT,
    K_SLIDE,
    PDF_MIME,
    PPTX_MIME,
    W_ACCENT,
    W_DATE,
    W_DISTRICT,
    W_LOGO,
    W_ROUND,
    XLSX_MIME,
    Exporter,
    board_report,
    current_meta,
    images_ok,
    init_meta,
    read_logo,
    store_accent,
    store_meta,
)
from ui.shared import page_dataset

require(VIEW_BOARD)  # checked on the server at every run


BOARD_CSS = """
<style>
.st-key-board-view p, .st-key-board-view li { font-size: 1.2rem; line-height: 1.55; }
.st-key-board-slide p, .st-key-board-slide li { font-size: 1.6rem; line-height: 1.5; }
.st-key-board-slide h1 { font-size: 3rem; }
.st-key-board-slide .board-headline p { font-size: 2rem; font-weight: 600; }
.st-key-board-view [data-testid="stCaptionContainer"] p { font-size: 0.95rem; }
.st-key-board-slide [data-testid="stCaptionContainer"] p { font-size: 1.1rem; }
.st-key-board-view [data-testid="stMetricValue"] p { font-size: 2.6rem; line-height: 1.2; }
.st-key-board-slide [data-testid="stMetricValue"] p { font-size: 3.4rem; line-height: 1.2; }
.st-key-board-view [data-testid="stMetricLabel"] p { font-size: 1.05rem; }
.st-key-board-slide [data-testid="stMetricLabel"] p { font-size: 1.3rem; }
[data-testid="stMetricLabel"] .stMarkdownEllipsis, [data-testid="stMetricLabel"] p {
  white-space: normal; overflow: visible; text-overflow: clip; }
</style>
"""
PRESENT_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
[data-testid="stSidebarNav"], [data-testid="stToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; max-width: 1500px; }
</style>
"""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "district"


def metrics(report, container) -> None:
    figures = report.headline_figures()
    cols = container.columns(len(figures))
    for col, (label, value) in zip(cols, figures):
        col.metric(label, value, border=True)


def finding_markdown(finding) -> str:
    return "\n".join(f"- {md_escape(p)}" for p in finding.points)


def start_presenting() -> None:
    st.session_state[K_PRESENT] = True
    st.session_state[K_SLIDE] = 0


def stop_presenting() -> None:
    st.session_state[K_PRESENT] = False


def step(delta: int, count: int) -> None:
    st.session_state[K_SLIDE] = min(max(int(st.session_state.get(K_SLIDE, 0)) + delta, 0), count - 1)


# ---- presentation mode: one finding per screen --------------------------------------------------
def presentation(report) -> None:
    st.markdown(PRESENT_CSS + BOARD_CSS, unsafe_allow_html=True)
    findings = list(report.summary.findings)
    count = 1 + len(findings)
    index = min(max(int(st.session_state.get(K_SLIDE, 0)), 0), count - 1)
    st.session_state[K_SLIDE] = index
    nav = st.columns([1.2, 3, 1.2, 1.2], vertical_alignment="center")
    nav[0].button("Previous", key="board-prev", icon=":material/arrow_back:", disabled=index == 0,
                  on_click=step, args=(-1, count), shortcut="Left", width="stretch")
    nav[1].markdown(f"<div style='text-align:center'>{index + 1} of {count}</div>", unsafe_allow_html=True)
    nav[2].button("Next", key="board-next", icon=":material/arrow_forward:", disabled=index == count - 1,
                  on_click=step, args=(1, count), shortcut="Right", type="primary", width="stretch")
    nav[3].button("Exit presentation", key="board-exit", icon=":material/close:", on_click=stop_presenting,
                  shortcut="Esc", width="stretch")
    slide = st.container(key="board-slide")
    meta = report.meta
    if index == 0:
        slide.title(md_escape(meta.district_or_default))
        slide.markdown(f"### {md_escape(REPORT_TITLE)}")
        when = " · ".join(p for p in (meta.round.strip(), meta.date.strip()) if p)
        if when:
            slide.markdown(md_escape(when))
        slide.caption(f"{md_escape(report.framework.title)} · anonymous: figures resting on fewer than "
                      f"{report.min_group_size} people are hidden")
        metrics(report, slide)
        return
    finding = findings[index - 1]
    slide.title(md_escape(finding.title))
    slide.markdown(f"<div class='board-headline'>\n\n{md_escape(finding.headline)}\n\n</div>",
                   unsafe_allow_html=True)
    chart = report.charts.get(finding.chart) if finding.chart else None
    if chart is not None:
        left, right = slide.columns([1, 1.5])
        left.markdown(finding_markdown(finding))
        right.plotly_chart(chart.figure, key=f"slide-{chart.key}", config={"displaylogo": False})
        right.caption(chart.caption)
    else:
        slide.markdown(finding_markdown(finding))


# ---- the page ---------------------------------------------------------------------------------
def page(data, report) -> None:
    st.markdown(BOARD_CSS, unsafe_allow_html=True)
    st.title("Board report")
    st.caption("A clean, anonymous view for the board, and the PDF and slide deck for the board packet.")
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([1.3, 1, 1, 0.9], vertical_alignment="bottom")
        c1.text_input("District name", key=W_DISTRICT, on_change=store_meta,
                      help="Shown on the title page. The default comes from the staff email domain.")
        c2.text_input("Survey round", key=W_ROUND, on_change=store_meta,
                      help="For example 'Fall 2026'. The default is the school year of the responses.")
        c3.text_input("Survey date", key=W_DATE, on_change=store_meta,
                      help="The default is the first and last date of the responses.")
        c4.button("Present to the board", key="board-present", icon=":material/slideshow:", type="primary",
                  on_click=start_presenting, width="stretch",
                  help="Full screen, one finding per screen, with Previous and Next (or the arrow keys).")

    view = st.container(key="board-view")
    meta = report.meta
    view.header(md_escape(meta.district_or_default), anchor=False)
    when = " · ".join(p for p in (meta.round.strip(), meta.date.strip()) if p)
    view.markdown(f"**{md_escape(REPORT_TITLE)}**" + (f" · {md_escape(when)}" if when else ""))
    view.caption(f"{md_escape(report.framework.title)} · scale {report.scale.name} · {report.respondents} respondents · "
                 f"anonymous: figures resting on fewer than {report.min_group_size} people are hidden")
    metrics(report, view)
    if report.suppressed:
        view.warning(f"Only {report.respondents} people responded, fewer than the minimum group size of "
                     f"{report.min_group_size}. No figures are shown, so no one's ratings can be singled out.")

    charts = report.charts
    if "radar" in charts and "gaps" in charts:
        left, right = view.columns([1.1, 1])
        for col, key in ((left, "radar"), (right, "gaps")):
            fig = charts[key].figure
            if key == "radar":  # room for the area labels in a half-width column
                fig = go.Figure(fig).update_layout(margin=dict(l=95, r=95))
            col.plotly_chart(fig, key=f"board-{key}", config={"displaylogo": False})
            col.caption(charts[key].caption)
    if "coverage" in charts:
        view.plotly_chart(charts["coverage"].figure, key="board-coverage", config={"displaylogo": False})
        view.caption(charts["coverage"].caption)

    view.subheader("Summary", anchor=False)
    for finding in report.summary.findings:
        box = view.container(border=finding.key == "asks")
        box.markdown(f"**{md_escape(finding.title)}.** {md_escape(finding.headline)}")
        if finding.points:
            box.markdown(finding_markdown(finding))

    exports(data, report)


def exports(data, report) -> None:
    st.subheader("Take it to the board", anchor=False)
    ok, why = images_ok()
    c1, c2 = st.columns([2, 1])
    c1.file_uploader("District logo (optional, for the deck and the PDF title page)", type=["png", "jpg", "jpeg"],
                     key=W_LOGO, on_change=read_logo,
                     help="Re-encoded without its metadata; it stays in this browser session.")
    if st.session_state.get("board_logo_error"):
        c1.error(st.session_state["board_logo_error"][0].upper() + st.session_state["board_logo_error"][1:] + ".")
    elif st.session_state.get(K_LOGO):
        c1.image(st.session_state[K_LOGO], width=160, caption="Logo in use")
    st.session_state.setdefault(W_ACCENT, st.session_state.get(K_ACCENT) or "#0072B2")
    c2.color_picker("Accent colour", key=W_ACCENT, on_change=store_accent,
                    help="Title bars of the deck and the PDF; titles use it only where it stays readable on white.")
    accent = st.session_state.get(W_ACCENT) or "#0072B2"
    if not ok:
        st.info(f"{why} Until then the PDF and the deck show each chart's figures as a table instead.",
                icon=":material/info:")
    exporter = Exporter(data, report, st.session_state.get(K_LOGO), accent, charts=ok)
    name = slug(report.meta.district_or_default) + "-board-report"
    b1, b2, b3, b4 = st.columns(4)
    b1.download_button("PDF report", exporter.pdf, file_name=f"{name}.pdf", mime=PDF_MIME, key="export-pdf",
                       icon=":material/picture_as_pdf:", type="primary", on_click="ignore", width="stretch",
                       help="Title page, summary, one chart per page, table appendix and privacy note.")
    b2.download_button("PowerPoint deck", exporter.pptx, file_name=f"{name}.pptx", mime=PPTX_MIME,
                       key="export-pptx", icon=":material/slideshow:", type="primary", on_click="ignore",
                       width="stretch", help="16:9: a title slide, one finding and its chart per slide, speaker "
                                             "notes with the numbers.")
    b3.download_button("Tables (CSV)", exporter.csv, file_name=f"{name}-skill-areas.csv", mime="text/csv",
                       key="export-csv", icon=":material/table:", on_click="ignore", width="stretch",
                       help="The skill-area table. Cells that could run as spreadsheet formulas are neutralised.")
    b4.download_button("Tables (XLSX)", exporter.xlsx, file_name=f"{name}-tables.xlsx", mime=XLSX_MIME,
                       key="export-xlsx", icon=":material/grid_on:", on_click="ignore", width="stretch",
                       help="Skill areas, categories, the summary and the privacy note, one sheet each.")
    if report.charts:
        p1, p2 = st.columns([2, 1], vertical_alignment="bottom")
        titles = {c.title: key for key, c in report.charts.items()}
        chosen = p1.selectbox("Chart as an image", list(titles), key="export-png-choice")
        key = titles[chosen]
        p2.download_button("Chart (PNG)", (lambda: exporter.png(key)) if ok else b"", file_name=f"{name}-{key}.png",
                           mime="image/png", key="export-png", icon=":material/image:", on_click="ignore",
                           width="stretch", disabled=not ok, help=None if ok else INSTALL_HINT)
    st.caption(f"Every export is anonymous whatever this app shows: no names or individual answers, and any "
               f"figure resting on fewer than {report.min_group_size} people is hidden.")


data = page_dataset()  # a framework the data was not made for stops here with the reason
init_meta(data)
report = board_report(data, current_meta())
if st.session_state.get(K_PRESENT):
    presentation(report)
else:
    page(data, report)
