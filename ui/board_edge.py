"""The board page's UI edge: cached report building, the kept-alive chart renderer, export bytes.

Everything computed here comes from ``framework`` (board, narrative, images, report_pdf,
report_pptx). Exports are made on click by deferred download callables, which run outside the
script; they use only plain Python (no Streamlit calls) and a small per-process store so that a
second click on the same export is instant.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

import streamlit as st

from framework.board import BoardReport, ReportMeta, build_board_report, default_meta
from framework.images import INSTALL_HINT, TABS, ImageExportUnavailable, Renderer, browser_path, clean_logo
from framework.publication import Publication
from framework.report_pdf import build_pdf
from framework.report_pptx import build_pptx
from framework.sample import SAMPLE_PATH
from ui.shared import K_SOURCE, K_UPLOAD, SOURCE_UPLOAD, Dataset, framework_digest, sample_bytes, targets_key

K_META = "board_meta"  # {"for": dataset key, "district", "round", "date"}: survives presentation mode
K_PRESENT, K_SLIDE = "board_present", "board_slide"
K_LOGO, K_ACCENT = "board_logo_png", "board_accent"
W_DISTRICT, W_ROUND, W_DATE = "board_district", "board_round", "board_date"
W_LOGO, W_ACCENT = "board_logo", "board_accent_input"
FIELDS = {W_DISTRICT: "district", W_ROUND: "round", W_DATE: "date"}

PDF_MIME = "application/pdf"
PPTX_MIME = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# ---- data --------------------------------------------------------------------------------------
def _files(data: Dataset) -> list[tuple[bytes, str]]:
    upload = st.session_state.get(K_UPLOAD)
    if st.session_state.get(K_SOURCE) == SOURCE_UPLOAD and upload and upload.get("ok") \
            and len(upload.get("files", [])) == len(data.data.results):
        return [(f["bytes"], f["name"]) for f in upload["files"]]
    return [(sample_bytes(), SAMPLE_PATH.name)]


@st.cache_data(show_spinner=False, max_entries=16)
def _defaults(key: tuple, _data: Dataset, _files: list[tuple[bytes, str]]) -> ReportMeta:
    return default_meta(_data.data.results, _files)


def meta_defaults(data: Dataset) -> ReportMeta:
    """Title-page defaults from the data: district from the staff email domain, dates from the responses."""
    return _defaults(data.key, data, _files(data))


def init_meta(data: Dataset) -> None:
    """Reset the title fields when the data changes; seed the text inputs from the stored values."""
    stored = st.session_state.get(K_META)
    if not stored or stored.get("for") != data.key:
        d = meta_defaults(data)
        stored = {"for": data.key, "district": d.district, "round": d.round, "date": d.date}
        st.session_state[K_META] = stored
        for widget in FIELDS:
            st.session_state.pop(widget, None)
    for widget, field in FIELDS.items():
        st.session_state.setdefault(widget, stored[field])


def store_meta() -> None:
    """on_change of the title inputs: keep their values where presentation mode cannot drop them."""
    stored = st.session_state.get(K_META, {})
    for widget, field in FIELDS.items():
        if widget in st.session_state:
            stored[field] = st.session_state[widget]
    st.session_state[K_META] = stored


def current_meta() -> ReportMeta:
    stored = st.session_state.get(K_META, {})
    return ReportMeta(stored.get("district", ""), stored.get("round", ""), stored.get("date", ""))


# A resource, not data: unpickling the report's figures (plotly validates every property again) cost more than a
# rerun's whole budget. Nothing modifies a report: the page copies a figure it restyles, exports read to_dict().
@st.cache_resource(show_spinner="Preparing the board report…", max_entries=16)
def _report(_publication: Publication, key: tuple, meta: ReportMeta, rows: tuple[int, int], rated_by: str = ""
            ) -> BoardReport:
    return build_board_report(_publication, meta, rows_read=rows[0], rows_used=rows[1], rated_by=rated_by)


def board_key(data: Dataset) -> tuple:
    """Identifies the report's inputs: the data, the framework's content, the saved targets and k."""
    return (data.key, framework_digest(data.framework), targets_key(), data.scale.id, data.min_group_size)


def board_report(data: Dataset, meta: ReportMeta) -> BoardReport:
    """The anonymous report of the whole team from the data set's publication (at the sidebar's minimum
    group size, at least 3), whatever the view (named or anonymous) and the filters of the other pages."""
    results = data.data.results
    rows = (sum(r.report.rows_read for r in results), sum(r.report.rows_used for r in results))
    return _report(data.publication, board_key(data), meta, rows, data.rated_by)


# ---- images and exports --------------------------------------------------------------------------
EXPORT_SCALE = 2.5  # chart images: CSS pixels x 2.5, sharp on paper and on a projector


class _Exports:
    """Export bytes per key for this process, newest kept (a few reports' worth)."""

    def __init__(self, size: int = 40):
        self.size = size
        self.items: OrderedDict[tuple, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get_many(self, keys: list[tuple], make: Callable[[list[tuple]], list[bytes]]) -> dict:
        """Bytes per key's last part; the missing ones made together by one call of ``make``."""
        with self.lock:
            have = {k: self.items[k] for k in keys if k in self.items}
            for k in have:
                self.items.move_to_end(k)
        missing = [k for k in keys if k not in have]
        if missing:
            made = dict(zip(missing, make(missing)))
            with self.lock:
                self.items.update(made)
                while len(self.items) > self.size:
                    self.items.popitem(last=False)
            have |= made
        return {k[-1]: have[k] for k in keys}

    def get(self, key: tuple, make: Callable[[], bytes]) -> bytes:
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        blob = make()
        with self.lock:
            self.items[key] = blob
            while len(self.items) > self.size:
                self.items.popitem(last=False)
        return blob


@st.cache_resource(show_spinner=False)
def chart_renderer() -> Renderer:
    """One kept-alive Chromium for the whole app (kaleido.start_sync_server), started in the background.

    Starting takes a few seconds, so it begins when the board page is first opened and is ready by
    the time someone exports; calls made meanwhile wait for it.
    """
    renderer = Renderer(tabs=TABS)  # kept alive for the process: its second tab pays for itself at every export
    threading.Thread(target=_start_quietly, args=(renderer,), name="chart-renderer-start", daemon=True).start()
    return renderer


def _start_quietly(renderer: Renderer) -> None:
    with contextlib.suppress(ImageExportUnavailable):  # the page says what to install; exports still work
        renderer.start()


@st.cache_resource(show_spinner=False)
def export_store() -> _Exports:
    return _Exports()


def images_ok() -> tuple[bool, str]:
    """Whether charts can become images here, and if not, the sentence saying what to install."""
    if browser_path() is None:
        return False, INSTALL_HINT
    return True, ""


def logo_digest(logo: bytes | None) -> str:
    return hashlib.sha256(logo).hexdigest()[:16] if logo else ""


def report_key(data: Dataset, report: BoardReport) -> tuple:
    return (*board_key(data), report.meta)


class Exporter:
    """Callables for st.download_button(data=...): each makes its file on click (outside the script)."""

    def __init__(self, data: Dataset, report: BoardReport, logo: bytes | None, accent: str, charts: bool):
        self.report, self.logo, self.accent, self.charts = report, logo, accent, charts
        self.key = report_key(data, report)
        self.renderer = chart_renderer() if charts else None
        self.store = export_store()

    def _images(self) -> dict[str, bytes]:
        if not self.charts:
            return {}
        try:
            return self.store.get_many([self.key + ("png", k) for k in self.report.charts], self._draw)
        except ImageExportUnavailable:
            return {}  # the browser failed after all: the report prints the charts as tables

    def _draw(self, keys: list[tuple]) -> list[bytes]:
        """The chart images not drawn yet for this report, all at once (the browser's tabs draw concurrently);
        the PDF and the deck then share them."""
        charts = [self.report.charts[k[-1]] for k in keys]
        return self.renderer.pngs([(c.figure, c.width, c.height) for c in charts], EXPORT_SCALE)

    def png(self, chart_key: str) -> bytes:
        chart = self.report.charts[chart_key]
        return self.store.get(self.key + ("png", chart_key),
                              lambda: self.renderer.png(chart.figure, chart.width, chart.height, EXPORT_SCALE))

    def pdf(self) -> bytes:
        key = self.key + ("pdf", logo_digest(self.logo), self.accent, self.charts)
        return self.store.get(key, lambda: build_pdf(self.report, self._images(), self.logo, self.accent))

    def pptx(self) -> bytes:
        key = self.key + ("pptx", logo_digest(self.logo), self.accent, self.charts)
        return self.store.get(key, lambda: build_pptx(self.report, self._images(), self.logo, self.accent))

    def csv(self) -> bytes:
        return self.report.csv_bytes()

    def xlsx(self) -> bytes:
        return self.store.get(self.key + ("xlsx",), self.report.xlsx_bytes)


def read_logo() -> None:
    """on_change of the logo uploader: keep the re-encoded logo (no metadata) in the session."""
    f = st.session_state.get(W_LOGO)
    if f is None:
        st.session_state.pop(K_LOGO, None)
        st.session_state.pop("board_logo_error", None)
        return
    try:
        st.session_state[K_LOGO] = clean_logo(f.getvalue())
        st.session_state.pop("board_logo_error", None)
    except ValueError as exc:
        st.session_state.pop(K_LOGO, None)
        st.session_state["board_logo_error"] = str(exc)


def store_accent() -> None:
    st.session_state[K_ACCENT] = st.session_state.get(W_ACCENT)

