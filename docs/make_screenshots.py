"""Take screenshots of the running app in headless Debian Chromium (for looking at it and for the README).

Usage: .venv/bin/python docs/make_screenshots.py [URL] [OUTDIR] [--upload FILE]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def wait_idle(page, timeout=60_000):
    page.wait_for_timeout(250)
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)


def full_shot(page, path):
    h = page.evaluate("""() => { const m = document.querySelector('[data-testid="stMain"]');
                                 return Math.max(m ? m.scrollHeight : 0, document.body.scrollHeight); }""")
    vp = page.viewport_size
    page.set_viewport_size({"width": vp["width"], "height": max(vp["height"], h)})
    page.wait_for_timeout(600)
    page.screenshot(path=str(path))
    page.set_viewport_size(vp)


def main(url="http://localhost:8501", outdir="docs/screens", upload=None):
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        wait_idle(page)
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
        full_shot(page, out / "overview.png")
        for path in ("gaps", "area", "coverage", "compare", "settings"):
            page.goto(f"{url}/{path}")
            wait_idle(page)
            page.wait_for_timeout(800)
            full_shot(page, out / f"{path}.png")
        # the named view, switched on in the sidebar, on Team gaps (the same browser session)
        page.goto(url)
        wait_idle(page)
        page.get_by_test_id("stSidebar").get_by_text("Named view").click()
        wait_idle(page)
        page.locator('[data-testid="stSidebarNavLink"]', has_text="Team gaps").click()
        wait_idle(page)
        page.wait_for_timeout(800)
        full_shot(page, out / "gaps-named.png")
        page.goto(url + "/upload")
        wait_idle(page)
        if upload:
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(upload)
            page.get_by_text("Rows read").wait_for(timeout=30_000)
            wait_idle(page)
        full_shot(page, out / "upload.png")
        if upload:
            page.locator('[data-testid="stSidebarNavLink"]', has_text="Overview").click()
            wait_idle(page)
            page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for()
            full_shot(page, out / "overview-uploaded.png")
        browser.close()
    print("screenshots in", out)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    up = sys.argv[sys.argv.index("--upload") + 1] if "--upload" in sys.argv else None
    if up in args:
        args.remove(up)
    main(*args, upload=up)
