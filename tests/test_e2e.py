"""Browser test in headless Debian Chromium against `streamlit run dashboard.py`."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

SIX = (
    b"Name,Email,Role,School,Leadership and Vision,Strategic Planning,Ethics & Policies\n"
    b"A One,a@x.org,CTO,HQ,4,3,3\n"
    b"B Two,b@x.org,Help Desk,HQ,2,2,3\n"
    b"C Three,c@x.org,Help Desk,HQ,3,1,3\n"
    b"D Four,d@x.org,Network Admin,HQ,1,2,4\n"
    b"E Five,e@x.org,Network Admin,HQ,2,4,2\n"
    b"F Six,f@x.org,Tech Coach,HQ,3,3,oops\n"
)


def wait_for_app(page: Page, timeout: int = 60_000) -> None:
    page.wait_for_timeout(250)
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_selector('[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout)


def metric_value(page: Page, label: str):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_upload_changes_the_overview(page: Page, app_url: str):
    """Open the app on the sample, upload a six-person CSV, and the overview shows the new team."""
    page.set_default_timeout(60_000)
    page.goto(app_url)
    wait_for_app(page)
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    expect(metric_value(page, "Respondents")).to_have_text("25")

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Upload survey").click()
    wait_for_app(page)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        files=[{"name": "six.csv", "mimeType": "text/csv", "buffer": SIX}]
    )
    expect(page.get_by_text("Read six.csv")).to_be_visible()
    wait_for_app(page)
    expect(metric_value(page, "Rows read")).to_have_text("6")
    expect(metric_value(page, "Rows used")).to_have_text("6")
    expect(page.get_by_text(re.compile(r"\b1 unreadable"))).to_be_visible()  # the "oops" cell

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Overview").click()
    wait_for_app(page)
    expect(metric_value(page, "Respondents")).to_have_text("6")
    page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
    expect(page.get_by_test_id("stSidebar").get_by_text("Uploaded: six.csv")).to_be_visible()
