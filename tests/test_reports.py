"""PDF report and PowerPoint deck: structure, numbers equal to the aggregation, anonymity, fallbacks, CLI."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import zipfile

import openpyxl
import pandas as pd
import pytest
from PIL import Image, PngImagePlugin
from pptx import Presentation
from pptx.util import Emu
from pypdf import PdfReader

from framework.aggregate import headline, respondent_count
from framework.board import (
    ReportMeta,
    build_board_report,
    date_text,
    default_meta,
    district_from_emails,
    parse_colour,
    render_chart_images,
    school_year,
)
from framework.definitions import get_framework
from framework.images import INSTALL_HINT, ImageExportUnavailable, browser_path, clean_logo, png_size, start_renderer
from framework.importer import read_survey
from framework.publication import publish
from framework.report_pdf import build_pdf, latin1_safe
from framework.report_pptx import build_pptx
from framework.targets import default_targets
from tests.conftest import ROOT, SAMPLE

META = ReportMeta("Springfield Public Schools", "Fall 2026", "October 5–14, 2026")


def sample_people() -> list[str]:
    """Every name, email and free-text comment in the sample file: none may reach an export."""
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    found = set()
    for r in rows:
        found.add(r["Full name"])
        found.add(r["Email Address"])
        found.add(r["Email Address"].split("@")[0])
        found.update(w for w in r["Full name"].split() if len(w) > 3)  # first and last names on their own
        comment = r["Anything else you'd like the technology office to know?"].strip()
        if comment:
            found.add(comment[:30])
    return sorted(found)


def read_sample(framework_id: str = "cosn-2018"):
    fw = get_framework(framework_id)
    return fw, read_survey(SAMPLE.read_bytes(), SAMPLE.name, fw)


@pytest.fixture(scope="module")
def sample():
    fw, res = read_sample()
    report = build_board_report(publish(res.ratings, fw, res.scale, default_targets(), 5), META,
                                rows_read=res.report.rows_read, rows_used=res.report.rows_used)
    with start_renderer() as renderer:  # one browser for the module
        images = render_chart_images(report, renderer)
    logo = _logo_with_metadata()
    return {
        "fw": fw, "res": res, "report": report, "images": images, "logo": logo,
        "pdf": build_pdf(report, images, logo=clean_logo(logo)),
        "pptx": build_pptx(report, images, logo=clean_logo(logo), accent="#CC79A7"),
    }


def _logo_with_metadata() -> bytes:
    """A PNG logo whose text chunks carry a person's name (as files from design tools often do)."""
    img = Image.new("RGB", (300, 120), (0, 114, 178))
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jordan Logomaker")
    info.add_text("Comment", "made by Jordan Logomaker")
    out = io.BytesIO()
    img.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def pdf_pages(blob: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(blob)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


def pptx_parts(blob: bytes) -> str:
    """The text of every XML part of the deck (slides, notes, properties, layouts)."""
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith((".xml", ".rels")))


# ---- the PDF ---------------------------------------------------------------------------------
def test_pdf_structure_title_summary_one_chart_per_page_appendix_privacy(sample):
    """Title page, summary, one page per chart (caption with n), table appendix, privacy note last."""
    report, blob = sample["report"], sample["pdf"]
    reader = PdfReader(io.BytesIO(blob))
    pages = pdf_pages(blob)
    charts = list(report.charts.values())
    assert [c.key for c in charts] == ["radar", "levels", "gaps", "coverage"]

    assert "BOARD REPORT Springfield Public Schools Technology team skills Fall 2026 · October 5–14, 2026" in pages[0]
    assert pages[1].split("Summary", 1)[0].strip().endswith("October 5–14, 2026")  # running header, then Summary
    figure_pages = [i for i, p in enumerate(pages) if re.search(r"\bFigure \d+\. ", p)]
    assert len(figure_pages) == len(charts), "one page per chart"
    first = figure_pages[0]
    assert figure_pages == list(range(first, first + len(charts)))
    for page, (n, chart) in zip(figure_pages, enumerate(charts, 1)):
        text = pages[page]
        assert f"Figure {n}. {chart.title}" in text
        assert f"Based on {report.respondents} respondents" in text  # the caption gives n
    summary_pages = first - 1
    assert summary_pages in (1, 2)
    assert "Appendix: tables" in pages[first + len(charts)]
    assert "About these figures" in pages[-1] and "Privacy" in pages[-1]
    assert len(pages) == 1 + summary_pages + len(charts) + 1 + 1
    assert [o.title for o in reader.outline] == (
        ["Title", "Summary"] + [f"Figure {n}. {c.title}" for n, c in enumerate(charts, 1)]
        + ["Appendix: tables", "About these figures"])
    assert reader.metadata.title == "Springfield Public Schools: technology team skills"
    assert len(reader.pages[first].images) == 1  # the chart is an image on its page


def test_pdf_numbers_equal_the_aggregation(sample):
    """Title-page figures, every finding and every table row are the area_summary's numbers."""
    fw, res, report, blob = sample["fw"], sample["res"], sample["report"], sample["pdf"]
    areas = publish(res.ratings, fw, res.scale, default_targets(), 5).areas()
    h = headline(areas, respondent_count(res.ratings))
    pages = pdf_pages(blob)
    title = pages[0]
    assert f"{h['respondents']} Respondents" in title
    assert f"{h['team_mean']:.2f} Team average" in title
    assert f"{h['areas_below_target']} of {h['areas_rated']} Areas below target" in title
    assert f"{h['spof_areas']} Single points of failure" in title

    text = " ".join(pages)
    for finding in report.summary.findings:
        assert flat(finding.headline) in text
        for point in finding.points:
            assert flat(point) in text, point

    appendix = next(p for p in pages if "Appendix: tables" in p)
    for row in areas.itertuples():  # "Business Management 15 1.20 3 1.80 1 one person at target"
        expected = f"{row.area} {int(row.n)} {row.mean:.2f} {row.target:.0f} {row.gap:.2f} {int(row.at_target_n)}"
        assert expected in appendix, expected


def test_pdf_contains_no_respondent_names(sample):
    blob = sample["pdf"]
    reader = PdfReader(io.BytesIO(blob))
    text = " ".join(p.extract_text() for p in reader.pages) + " " + " ".join(str(v) for v in reader.metadata.values())
    leaked = [who for who in sample_people() if who.lower() in text.lower()]
    assert leaked == []
    assert b"Jordan Logomaker" not in blob, "the logo's metadata was not stripped"


def test_pdf_without_chart_images_prints_the_figures_and_says_what_to_install(sample):
    report = sample["report"]
    pages = pdf_pages(build_pdf(report, images={}))
    page = next(p for p in pages if "Figure 3. Gap to target" in p)
    assert flat(INSTALL_HINT) in page
    row = report.charts["gaps"].table.iloc[0]  # largest gap first: Business Management 1.80
    assert f"{row['Skill area']} {row['n']} {row['Mean']:.2f} {row['Target']} {row['Gap']:.2f}" in page


def test_pdf_falls_back_to_the_core_font_with_latin1_safe_text(sample, tmp_path):
    """Without the DejaVu files the PDF is still made; characters outside Latin-1 are replaced."""
    fw, res = sample["fw"], sample["res"]
    meta = ReportMeta("Distrito Escolar Ñandú – 東京", "2026–27", "")
    report = build_board_report(publish(res.ratings, fw, res.scale, default_targets(), 5), meta)
    blob = build_pdf(report, sample["images"], font_dir=tmp_path)  # an empty folder: no font files
    pages = pdf_pages(blob)
    assert "Distrito Escolar Ñandú -" in pages[0]
    assert "2026-27" in pages[0]
    fonts = {str(f.get_object().get("/BaseFont")) for p in PdfReader(io.BytesIO(blob)).pages
             for f in (p.get("/Resources", {}).get("/Font", {}) or {}).values()}
    assert any("Helvetica" in f for f in fonts) and not any("DejaVu" in f for f in fonts)
    assert latin1_safe("a – b × c ≥ d “e” …") == 'a - b x c >= d "e" ...'


# ---- the deck ---------------------------------------------------------------------------------
def test_deck_is_16_9_with_title_one_slide_per_finding_and_about(sample):
    report = sample["report"]
    prs = Presentation(io.BytesIO(sample["pptx"]))
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000)) or \
        abs(prs.slide_width / prs.slide_height - 16 / 9) < 0.001
    slides = list(prs.slides)
    findings = report.summary.findings
    assert len(slides) == 1 + len(findings) + 1
    titles = [s.shapes.title.text for s in slides]
    assert titles == ["Springfield Public Schools", *(f.title for f in findings), "About these figures"]
    for slide, finding in zip(slides[1:], findings):
        texts = " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)
        assert finding.headline in texts
        pictures = [sh for sh in slide.shapes if sh.shape_type == 13]
        names = [p.name for p in pictures]
        if finding.chart:
            assert f"Chart: {report.charts[finding.chart].title}" in names
        else:
            assert not any(n.startswith("Chart:") for n in names)
        assert "District logo" in names  # the logo on every slide
    first = " ".join(sh.text_frame.text for sh in slides[0].shapes if sh.has_text_frame)
    assert "Fall 2026 · October 5–14, 2026" in first


def test_deck_speaker_notes_hold_the_numbers(sample):
    """The gaps slide's notes give n, average, target, gap and cover of every area below target."""
    fw, res, report = sample["fw"], sample["res"], sample["report"]
    areas = publish(res.ratings, fw, res.scale, default_targets(), 5).areas()
    prs = Presentation(io.BytesIO(sample["pptx"]))
    slide = next(s for s in prs.slides if s.shapes.title.text == "Largest gaps")
    notes = slide.notes_slide.notes_text_frame.text
    below = areas[areas["gap"] > 0]
    assert len(below) == 7
    for row in below.itertuples():
        assert (f"{row.area}: n {int(row.n)}, average {row.mean:.2f}, target {row.target:g}, gap {row.gap:.2f}, "
                f"{int(row.at_target_n)} of {int(row.n)} at or above target") in notes
    title_notes = prs.slides[0].notes_slide.notes_text_frame.text
    assert f"{report.respondents} respondents" in title_notes
    assert f"Team average (of 4): {report.headline['team_mean']:.2f}" in title_notes


def test_deck_contains_no_respondent_names_and_uses_the_accent(sample):
    blob = sample["pptx"]
    parts = pptx_parts(blob)
    leaked = [who for who in sample_people() if who.lower() in parts.lower()]
    assert leaked == []
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        media = b"".join(z.read(n) for n in z.namelist() if n.startswith("ppt/media/"))
    assert b"Jordan Logomaker" not in media, "the logo's metadata was not stripped"
    prs = Presentation(io.BytesIO(blob))
    bars = [sh for s in prs.slides for sh in s.shapes if sh.name == "Accent bar"]
    assert len(bars) == len(prs.slides)
    assert {str(b.fill.fore_color.rgb) for b in bars} == {"CC79A7"}
    # a light accent is not used for title text on white (too little contrast): titles stay dark
    title = prs.slides[1].shapes.title.text_frame.paragraphs[0].runs[0]
    assert str(title.font.color.rgb) == "222222"


def test_deck_without_chart_images_shows_tables(sample):
    report = sample["report"]
    prs = Presentation(io.BytesIO(build_pptx(report, images={})))
    slide = next(s for s in prs.slides if s.shapes.title.text == "Coverage risks")
    tables = [sh for sh in slide.shapes if sh.has_table]
    assert len(tables) == 1
    cells = [[c.text for c in row.cells] for row in tables[0].table.rows]
    assert cells[0] == ["Skill area", "n", "At or above target"]
    assert cells[1][:3] == ["Business Management", "15", "1"]  # thinnest cover first (ties: framework order)
    assert cells[2][:3] == ["Data Privacy and Security", "24", "1"]
    assert INSTALL_HINT in " ".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


# ---- anonymity whatever the view, small teams, tables -------------------------------------------
def test_exports_are_always_anonymous(sample):
    fw, res = sample["fw"], sample["res"]
    # a board report is made only from a publication, and a publication only with k of at least 3
    with pytest.raises(ValueError, match="anonymous"):
        publish(res.ratings, fw, res.scale, default_targets(), None)
    with pytest.raises(ValueError, match="at least 3"):
        publish(res.ratings, fw, res.scale, default_targets(), 2)


def test_small_team_report_has_no_figures():
    """Four respondents: the PDF and the deck say why nothing is shown, with no averages and no charts."""
    data = (b"Name,Email,Leadership and Vision,Strategic Planning\n"
            b"Ann Aardvark,a@x.org,4,3\nBo Bear,b@x.org,2,2\nCy Cat,c@x.org,3,1\nDee Dog,d@x.org,1,2\n")
    fw = get_framework()
    res = read_survey(data, "four.csv", fw)
    report = build_board_report(publish(res.ratings, fw, res.scale, default_targets(), 5), META)
    assert report.charts == {}
    pdf = " ".join(pdf_pages(build_pdf(report)))
    assert "4 people responded, fewer than the 5 needed for anonymous results" in pdf
    assert not re.search(r"\b[1-4]\.\d\d\b", pdf)
    deck = pptx_parts(build_pptx(report))
    for who in ("Ann Aardvark", "Bo Bear", "a@x.org", "Dee Dog"):
        assert who not in pdf and who not in deck


def test_table_exports_neutralise_formula_like_cells(sample):
    fw, res = sample["fw"], sample["res"]
    report = build_board_report(publish(res.ratings, fw, res.scale, default_targets(), 5),
                                ReportMeta("=HYPERLINK(\"http://x\")", "+Fall", "@now"))
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx_bytes()))
    assert book.sheetnames == ["Skill areas", "Categories", "Summary", "About"]
    about = {r[0]: r[1] for r in book["About"].iter_rows(min_row=2, values_only=True)}
    assert about["District"] == "'=HYPERLINK(\"http://x\")"
    assert about["Survey round"] == "'+Fall" and about["Survey date"] == "'@now"
    areas = pd.read_csv(io.BytesIO(report.csv_bytes()), encoding="utf-8-sig")
    assert list(areas["Skill area"]) == list(report.areas["area"])
    assert areas["Mean"].tolist() == report.areas["mean"].round(2).tolist()
    assert areas.loc[areas["Skill area"] == "Ethics and Policies", "Gap"].item() == -0.08  # negatives stay numbers


# ---- title-page defaults -------------------------------------------------------------------
def test_title_defaults_come_from_the_data():
    _fw, res = read_sample()
    meta = default_meta([res], [(SAMPLE.read_bytes(), SAMPLE.name)])
    assert meta == ReportMeta("Example District", "2026–27 school year", "October 5–14, 2026")
    assert district_from_emails(["a@springfield-schools.org", "b@springfield-schools.org", "c@gmail.com"]) == \
        "Springfield Schools"
    assert district_from_emails(["a@gmail.com", "b@gmail.com"]) == ""
    assert district_from_emails(["a@x.org", "b@y.org", "c@z.org"]) == ""
    import datetime as dt

    assert date_text(dt.date(2026, 10, 5), dt.date(2026, 11, 2)) == "October 5 – November 2, 2026"
    assert date_text(dt.date(2026, 12, 30), dt.date(2027, 1, 4)) == "December 30, 2026 – January 4, 2027"
    assert school_year(dt.date(2027, 3, 1)) == "2026–27 school year"
    assert parse_colour("#07b") == (0, 0x77, 0xBB)
    with pytest.raises(ValueError, match="not a hex colour"):
        parse_colour("purple")


# ---- images --------------------------------------------------------------------------------
def test_chart_images_are_pngs_of_the_asked_size(sample):
    for key, png in sample["images"].items():
        chart = sample["report"].charts[key]
        assert png_size(png) == (int(chart.width * 2.5), int(chart.height * 2.5))


def test_no_browser_says_what_to_install(monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert browser_path() is None
    with pytest.raises(ImageExportUnavailable) as err:
        start_renderer()
    assert str(err.value).endswith("Install Debian's chromium (apt-get install chromium) to export charts as images.")


def test_a_logo_that_is_not_an_image_is_refused():
    with pytest.raises(ValueError, match="not an image file"):
        clean_logo(b"%PDF-1.4 not an image")


# ---- command line ------------------------------------------------------------------------------
def run_cli(*args, env=None):
    import os

    return subprocess.run([sys.executable, "-m", "framework", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_cli_writes_the_pdf_and_the_deck_in_one_run(tmp_path):
    pdf, deck = tmp_path / "board.pdf", tmp_path / "board.pptx"
    done = run_cli("report", str(SAMPLE), "--out", str(pdf), "--out", str(deck), "--district", "Springfield",
                   "--round", "Fall 2026")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    pages = pdf_pages(pdf.read_bytes())
    assert "Springfield Technology team skills Fall 2026 · October 5–14, 2026" in pages[0]
    assert len(PdfReader(pdf).pages[4].images) == 1  # a chart page with its image
    prs = Presentation(deck)
    assert prs.slides[0].shapes.title.text == "Springfield"
    assert len(prs.slides) == 9
    assert oct(pdf.stat().st_mode & 0o777) != "0o600"  # a normal file, not mkstemp's private one


@pytest.mark.parametrize(("args", "message"), [
    (["--out", "board.docx"], "board.docx must end in .pdf or .pptx"),
    (["--out", "missing-folder/board.pdf"], "The folder missing-folder for board.pdf does not exist."),
    (["--out", "board.pdf", "--accent", "purple"], "The accent colour 'purple' is not a hex colour"),
    (["--out", "board.pdf", "--min-group-size", "2"], "the minimum group size is at least 3"),
])
def test_cli_unusable_options_exit_2_with_one_sentence(tmp_path, args, message):
    done = subprocess.run([sys.executable, "-m", "framework", "report", str(SAMPLE), *args], cwd=tmp_path,
                          capture_output=True, text=True, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir()), "nothing is written"


@pytest.mark.parametrize(("content", "message"), [
    (None, "There is no file"),
    (b"", "is empty"),
    (b"Name,Email,Leadership and Vision\n", "has a header row but no responses"),
    (b"a,b\n1,2\n", "none of them a skill area"),
])
def test_cli_unusable_input_exits_2_with_one_sentence(tmp_path, content, message):
    src = tmp_path / "in.csv"
    if content is not None:
        src.write_bytes(content)
    done = run_cli("report", str(src), "--out", str(tmp_path / "board.pdf"))
    assert done.returncode == 2
    assert message in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "board.pdf").exists()


def test_cli_without_a_browser_says_what_to_install_or_writes_without_charts(tmp_path):
    out = tmp_path / "board.pdf"
    done = run_cli("report", str(SAMPLE), "--out", str(out), env={"BROWSER_PATH": "/nonexistent/chromium"})
    assert done.returncode == 3
    assert "Install Debian's chromium (apt-get install chromium)" in done.stderr and "--no-charts" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
    done = run_cli("report", str(SAMPLE), "--out", str(out), "--no-charts",
                   env={"BROWSER_PATH": "/nonexistent/chromium"})
    assert done.returncode == 0, done.stderr
    assert "without chart images" in done.stdout
    assert all(len(p.images) == 0 for p in PdfReader(out).pages)


def test_chart_images_drawn_together_are_the_images_drawn_one_at_a_time(sample):
    """Renderer.pngs (the browser's tabs drawing concurrently) gives each chart its own image, at the asked
    size, in order: the same dimensions as drawing them one at a time, never two swapped."""
    from framework.images import Renderer

    report = sample["report"]
    charts = list(report.charts.values())
    with Renderer(tabs=2) as renderer:
        together = renderer.pngs([(c.figure, c.width, c.height) for c in charts], 1.0)
        alone = [renderer.png(c.figure, c.width, c.height, 1.0) for c in charts]
        assert renderer.images == 2 * len(charts)
    assert [png_size(p) for p in together] == [(c.width, c.height) for c in charts] == [png_size(p) for p in alone]
    # each image is its own chart's: the byte-identical drawing, or at least the same drawing size and a
    # different image from every other chart's
    assert len(set(together)) == len(charts)
    for a, b in zip(together, alone):
        assert a == b or abs(len(a) - len(b)) < 0.02 * len(b)
