"""Screenshots of the board page, its presentation mode, and the PDF's pages, for the README.

    python docs/make_board_screenshots.py URL OUTDIR [--pdf FILE]

URL is a running app that serves the board page at URL/board (dashboard.py once the page is
registered). The browser is Debian's chromium
(``CHROMIUM`` overrides the path). With ``--pdf``, the PDF's pages are also rendered with pdftoppm
(poppler-utils) into OUTDIR/board-pdf-page-N.png and a contact sheet OUTDIR/board-pdf.png.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

# the browser flags and the two page helpers are the app screenshot script's (this folder)
from make_screenshots import ARGS, full_shot, wait_idle


def app_shots(url: str, out: Path) -> list[Path]:
    from playwright.sync_api import expect, sync_playwright

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        page.wait_for_timeout(3000)
        page.goto(url.rstrip("/") + "/board")
        wait_idle(page)
        expect(page.get_by_role("heading", name="Board report")).to_be_visible(timeout=60_000)
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=60_000)
        wait_idle(page)
        shots.append(out / "board.png")
        full_shot(page, shots[-1])
        page.get_by_role("button", name="Present to the board").click()
        expect(page.get_by_role("button", name="Exit presentation")).to_be_visible(timeout=30_000)
        wait_idle(page)
        shots.append(out / "board-present-title.png")
        page.screenshot(path=str(shots[-1]))
        for _ in range(3):  # to "Largest gaps"
            page.get_by_role("button", name="Next").click()
            page.wait_for_timeout(300)
            wait_idle(page)
        page.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=30_000)
        page.wait_for_timeout(600)
        shots.append(out / "board-present-gaps.png")
        page.screenshot(path=str(shots[-1]))
        browser.close()
    return shots


def pdf_shots(pdf: Path, out: Path) -> list[Path]:
    from PIL import Image

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), f"{tmp}/page"], check=True)
        pages = sorted(Path(tmp).glob("page-*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        shots = []
        for i, src in enumerate(pages, start=1):
            dst = out / f"board-pdf-page-{i}.png"
            shutil.copy(src, dst)
            shots.append(dst)
    images = [Image.open(p) for p in shots]
    w, h = images[0].size
    cols = min(5, len(images))
    rows = -(-len(images) // cols)
    sheet = Image.new("RGB", (w * cols, h * rows), "white")
    for i, im in enumerate(images):
        sheet.paste(im, ((i % cols) * w, (i // cols) * h))
    sheet.save(out / "board-pdf.png", optimize=True)
    return [*shots, out / "board-pdf.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--pdf", type=Path, default=None, help="a board report PDF to render page by page")
    args = parser.parse_args()
    args.outdir.mkdir(parents=True, exist_ok=True)
    for path in app_shots(args.url, args.outdir) + (pdf_shots(args.pdf, args.outdir) if args.pdf else []):
        print(path)


if __name__ == "__main__":
    main()
