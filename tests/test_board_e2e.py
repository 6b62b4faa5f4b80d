"""Browser test of the board page in headless Debian chromium: every export button gives a valid file.

Served through dashboard.py (the ``app_url`` fixture).
"""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest
from pptx import Presentation
from pypdf import PdfReader

from framework.images import PNG_MAGIC
from tests.conftest import SAMPLE

pytestmark = pytest.mark.e2e
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


@pytest.fixture(scope="session")
def board_url(app_url):
    """The app served through dashboard.py (see tests/conftest.py)."""
    return app_url


def wait_idle(page, timeout: int = 60_000) -> None:
    page.wait_for_selector(IDLE, timeout=timeout)
    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=timeout)


def open_board(page, url: str) -> None:
    page.goto(url)  # the start page first: a new server's very first request may use Streamlit's older routing
    wait_idle(page)
    page.goto(url.rstrip("/") + "/board")
    wait_idle(page)
    page.get_by_role("button", name="PDF report").wait_for(timeout=60_000)
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=60_000)
    wait_idle(page)


def download(page, label: str):
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=label).click()
    d = info.value
    assert d.failure() is None, d.failure()
    return d.suggested_filename, open(d.path(), "rb").read()


def sample_names() -> list[str]:
    with open(SAMPLE, newline="", encoding="utf-8") as f:
        return [r["Full name"] for r in csv.DictReader(f)]


def test_every_export_button_downloads_a_valid_file(page, board_url):
    open_board(page, board_url)
    names = sample_names()

    name, blob = download(page, "PDF report")
    assert name == "example-district-board-report.pdf" and blob.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(blob))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Example District" in text and "Technology team skills" in text
    assert len(reader.pages) >= 8 and sum(len(p.images) for p in reader.pages) == 4  # the four charts
    assert not [n for n in names if n in text]

    name, blob = download(page, "PowerPoint deck")
    assert name.endswith(".pptx")
    prs = Presentation(io.BytesIO(blob))
    assert prs.slides[0].shapes.title.text == "Example District"
    assert [s.shapes.title.text for s in prs.slides][-1] == "About these figures"
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        xml = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert not [n for n in names if n in xml]

    name, blob = download(page, "Tables (CSV)")
    assert name.endswith("-skill-areas.csv")
    rows = list(csv.DictReader(io.StringIO(blob.decode("utf-8-sig"))))
    assert len(rows) == 10 and rows[0]["Skill area"] == "Leadership and Vision" and rows[0]["Mean"] == "2.12"

    name, blob = download(page, "Tables (XLSX)")
    assert name.endswith("-tables.xlsx")
    assert openpyxl.load_workbook(io.BytesIO(blob)).sheetnames == ["Skill areas", "Categories", "Summary", "About"]

    name, blob = download(page, "Chart (PNG)")
    assert name.endswith("-radar.png") and blob.startswith(PNG_MAGIC)


def test_presentation_mode_hides_the_sidebar_and_steps_with_the_buttons(page, board_url):
    open_board(page, board_url)
    assert page.locator('[data-testid="stSidebar"]').is_visible()
    page.get_by_role("button", name="Present to the board").click()
    page.get_by_role("button", name="Exit presentation").wait_for(timeout=30_000)
    wait_idle(page)
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert page.get_by_role("heading", name="Example District").is_visible()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="Where the team stands").wait_for(timeout=30_000)
    page.get_by_role("button", name="Next").click()
    page.get_by_role("heading", name="Strongest areas").wait_for(timeout=30_000)
    page.get_by_role("button", name="Previous").click()
    page.get_by_role("heading", name="Where the team stands").wait_for(timeout=30_000)
    page.get_by_role("button", name="Exit presentation").click()
    page.get_by_role("button", name="Present to the board").wait_for(timeout=30_000)
    wait_idle(page)
    assert page.locator('[data-testid="stSidebar"]').is_visible()
