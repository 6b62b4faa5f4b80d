"""Static chart images (PNG) from plotly figures, through kaleido and one kept-alive Chromium.

Kaleido drives a headless Chromium; starting one costs seconds, so a :class:`Renderer` starts
kaleido's sync server once (``kaleido.start_sync_server``) and every image after that reuses the
same browser (a fraction of a second each). The app keeps one renderer for the whole process
(``st.cache_resource``); the command line starts one per run.

Two guards around kaleido's server, which is a process-wide singleton:

* it is not safe to call from two threads at once (answers could be swapped), so calls are
  serialised with a lock;
* when the browser cannot start, its worker thread dies and a call would wait forever, so every
  call runs under a watchdog that notices a dead worker or a timeout and raises
  :class:`ImageExportUnavailable` instead.

Without a browser nothing fails obscurely: :func:`browser_path` returns None and starting a
renderer raises :class:`ImageExportUnavailable` whose message says what to install.
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
import time
from typing import Any

INSTALL_HINT = "Install Debian's chromium (apt-get install chromium) to export charts as images."
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DEFAULT_TIMEOUT = 90.0
TABS = max(1, min(2, os.cpu_count() or 1))  # the app's kept-alive browser: on 2 cores 4 charts take 0.57 s, not 0.75 s

_LOCK = threading.RLock()


class ImageExportUnavailable(RuntimeError):
    """Charts cannot be turned into images here; the message says what to install or what failed."""

    def __init__(self, detail: str = ""):
        super().__init__(INSTALL_HINT if not detail else f"{detail} {INSTALL_HINT}")
        self.detail = detail


def browser_path() -> str | None:
    """The Chromium kaleido would use (``BROWSER_PATH``, then PATH, then the usual places), or None.

    Uses choreographer's own browser lookup, so the answer matches what kaleido will launch.
    """
    try:
        from choreographer.browsers.chromium import Chromium
    except ImportError:
        return None
    try:
        path = Chromium.find_browser(skip_local=False)
    except Exception:  # the lookup is best effort; any failure means "no browser we can use"
        return None
    if not path or not os.path.isfile(path) or not os.access(path, os.X_OK):
        return None
    return str(path)


def _kaleido():
    try:
        import kaleido
    except ImportError:
        return None
    return kaleido


def _server():
    kaleido = _kaleido()
    return getattr(kaleido, "_global_server", None) if kaleido else None


def _server_alive() -> bool:
    server = _server()
    if server is None or not server.is_running():
        return False
    thread = getattr(server, "_thread", None)
    return thread is None or thread.is_alive()


class BrowserStart:
    """A renderer whose browser is started on a thread of its own, so that its seconds of starting overlap
    other work. ``python -m framework report`` begins one as the process begins, before pandas and the
    rest are imported (:func:`start_early`); the report takes it, and if nothing does (a wrong
    argument), ``__main__`` stops it."""

    def __init__(self, tabs: int = 1):
        self.renderer = Renderer(tabs=tabs)
        self.started: dict[str, ImageExportUnavailable] = {}  # "error": why the browser could not start
        self.thread = threading.Thread(target=self._start, name="chart-browser", daemon=True)
        self.taken = False

    def _start(self) -> None:
        try:
            self.renderer.start()
        except ImageExportUnavailable as exc:
            self.started["error"] = exc

    def begin(self) -> BrowserStart:
        self.thread.start()
        return self

    def stop_unless_taken(self) -> None:
        """What ``python -m framework`` does as it ends: a browser nothing took (a wrong argument, another
        command's error) is stopped before the interpreter's own exit handlers run."""
        if not self.taken:
            self.taken = True
            self.thread.join()
            self.renderer.stop()


_EARLY: BrowserStart | None = None


def start_early(tabs: int = 1) -> BrowserStart:
    """Start the chart browser now, for the report command to take (:func:`take_early`)."""
    global _EARLY
    if _EARLY is None:
        _EARLY = BrowserStart(tabs).begin()
    return _EARLY


def take_early() -> BrowserStart | None:
    """The browser started early, if any, now the caller's to stop."""
    global _EARLY
    early, _EARLY = _EARLY, None
    if early is not None:
        early.taken = True
    return early


class Renderer:
    """PNG bytes from plotly figures through one kept-alive Chromium (kaleido's sync server)."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT, tabs: int = 1):
        self.timeout = timeout
        self.tabs = tabs  # browser tabs that draw at once (kaleido's server is one per process: the first start wins)
        self.started = False
        self.images = 0  # how many images this renderer made (for tests and benchmarks)

    # ---- life cycle ---------------------------------------------------------------------
    def start(self) -> Renderer:
        """Start the browser (idempotent) and make one tiny image to prove it works."""
        kaleido = _kaleido()
        if kaleido is None:
            raise ImageExportUnavailable("The kaleido package is missing (pip install kaleido).")
        if browser_path() is None:
            raise ImageExportUnavailable("No Chromium browser was found.")
        with _LOCK:
            if self.started and _server_alive():
                return self
            if not _server_alive():
                if _server() is not None and _server().is_running():  # a dead worker: reset it
                    self._close_server()
                kaleido.start_sync_server(n=self.tabs, mathjax=False, timeout=self.timeout, silence_warnings=True)
            self.started = True
            try:
                self._call({"data": [], "layout": {"width": 10, "height": 10}}, 10, 10, 1)
            except ImageExportUnavailable:
                self.stop()
                raise
        return self

    def stop(self) -> None:
        with _LOCK:
            if self.started:
                self._close_server()
            self.started = False

    @staticmethod
    def _close_server() -> None:
        kaleido = _kaleido()
        if kaleido is None:
            return
        server = _server()
        thread = getattr(server, "_thread", None) if server is not None else None
        if thread is not None and not thread.is_alive():
            server._initialized = False  # its worker is gone; closing would wait on it
            return
        kaleido.stop_sync_server(silence_warnings=True)

    def __enter__(self) -> Renderer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def alive(self) -> bool:
        return self.started and _server_alive()

    # ---- images -------------------------------------------------------------------------
    def png(self, fig: Any, width: int, height: int, scale: float = 2.0) -> bytes:
        """PNG bytes of ``fig`` (a plotly figure or its dict) at ``width`` x ``height`` CSS pixels × ``scale``."""
        if not self.started:
            self.start()
        spec = fig.to_dict() if hasattr(fig, "to_dict") else fig
        with _LOCK:
            if not _server_alive():  # e.g. the browser was closed underneath us: start again once
                self.started = False
                self.start()
            data = self._call(spec, width, height, scale)
        if not data.startswith(PNG_MAGIC):
            raise ImageExportUnavailable("The browser returned something that is not a PNG image.")
        self.images += 1
        return data

    def pngs(self, figures: list[tuple[Any, int, int]], scale: float = 2.0) -> list[bytes]:
        """PNG bytes of several ``(figure, width, height)`` at once: the browser's tabs draw them concurrently
        (one request to kaleido, which writes each image to a private temporary folder)."""
        if not figures:
            return []
        if len(figures) == 1:
            fig, width, height = figures[0]
            return [self.png(fig, width, height, scale)]
        if not self.started:
            self.start()
        kaleido = _kaleido()
        with tempfile.TemporaryDirectory(prefix="charts-") as folder, _LOCK:
            paths = [os.path.join(folder, f"{i}.png") for i in range(len(figures))]
            jobs = [{"fig": fig.to_dict() if hasattr(fig, "to_dict") else fig, "path": path,
                     "opts": {"format": "png", "width": int(w), "height": int(h), "scale": scale}}
                    for (fig, w, h), path in zip(figures, paths)]
            if not _server_alive():
                self.started = False
                self.start()
            self._watched(lambda: kaleido.write_fig_from_object_sync(jobs, cancel_on_error=True))
            out = []
            for path in paths:
                try:
                    with open(path, "rb") as f:
                        data = f.read()
                except OSError:
                    raise ImageExportUnavailable("The browser did not draw every chart.") from None
                if not data.startswith(PNG_MAGIC):
                    raise ImageExportUnavailable("The browser returned something that is not a PNG image.")
                out.append(data)
        self.images += len(out)
        return out

    def _call(self, spec: dict, width: int, height: int, scale: float) -> bytes:
        """One image from the server thread, watched."""
        kaleido = _kaleido()
        return self._watched(lambda: kaleido.calc_fig_sync(
            spec, opts={"format": "png", "width": int(width), "height": int(height), "scale": scale}))

    def _watched(self, request):
        """One request to the server thread, watched: a dead worker or a timeout raises instead of hanging."""
        box: dict[str, Any] = {}

        def run():
            try:
                box["data"] = request()
            except BaseException as exc:  # handed to the caller below
                box["error"] = exc

        worker = threading.Thread(target=run, name="chart-image", daemon=True)
        worker.start()
        deadline = time.monotonic() + self.timeout + 5
        while worker.is_alive():
            worker.join(0.05)
            if not worker.is_alive():
                break
            if not _server_alive():
                raise ImageExportUnavailable("The browser that draws the charts stopped.")
            if time.monotonic() > deadline:
                raise ImageExportUnavailable(f"Drawing a chart took longer than {self.timeout:.0f} seconds.")
        if "error" in box:
            exc = box["error"]
            raise ImageExportUnavailable(f"The chart could not be drawn ({type(exc).__name__}: {exc}).") from exc
        return box["data"]


def start_renderer(timeout: float = DEFAULT_TIMEOUT) -> Renderer:
    """A started :class:`Renderer`; raises :class:`ImageExportUnavailable` when there is no usable browser."""
    return Renderer(timeout).start()


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height in pixels of PNG bytes (from the IHDR chunk)."""
    if not data.startswith(PNG_MAGIC) or len(data) < 24:
        raise ValueError("not a PNG image")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


# An uploaded logo: its file size, then its dimensions from the header, are checked before a pixel is decoded.
MAX_LOGO_BYTES = 5 * 1024 * 1024  # a logo file larger than this is refused unread
MAX_LOGO_SIDE = 8_000  # pixels, either side
MAX_LOGO_PIXELS = 16_000_000  # width x height: at most 64 MB decoded as RGBA
LOGO_FORMATS = ("PNG", "JPEG")  # what the upload offers; other decoders are never reached


def clean_logo(data: bytes, max_side: int = 800) -> bytes:
    """An uploaded logo as plain PNG bytes: decoded, size-limited, and without metadata.

    Re-encoding drops EXIF, XMP and text chunks, which can carry a person's name (the author of
    the file). Before anything is decoded, the file's size is checked, then its width and height as
    the header gives them (Pillow opens lazily), and Pillow's decompression-bomb guard is an error
    here rather than a warning; a large JPEG is decoded at a reduced scale. A file that is too large
    or not a PNG or JPEG image raises ``ValueError`` with one sentence (no trailing full stop).
    """
    import warnings

    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_LOGO_BYTES:
        raise ValueError(f"the logo file is larger than {MAX_LOGO_BYTES // 2**20} MB; use a smaller image")
    too_large = (f"the logo image is too large (more than {MAX_LOGO_SIDE:,} pixels on a side or "
                 f"{MAX_LOGO_PIXELS // 1_000_000} megapixels); use a smaller image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=LOGO_FORMATS) as img:  # reads the header only
                width, height = img.size
                fits = max(width, height) <= MAX_LOGO_SIDE and width * height <= MAX_LOGO_PIXELS
                if fits:
                    img.draft("RGB", (max_side, max_side))  # JPEG: decode at 1/2, 1/4 or 1/8 scale if enough
                    img.load()
                    if img.mode not in ("RGB", "RGBA"):
                        img = img.convert("RGBA")  # palette, grey, 1-bit, CMYK: convert before resampling
                    img.thumbnail((max_side, max_side))
                    img = img.convert("RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValueError(too_large) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):  # Pillow's ways of saying "broken"
        raise ValueError("the logo is not an image file this app can read (use PNG or JPEG)") from None
    if not fits:
        raise ValueError(too_large)
    out = io.BytesIO()
    clean = Image.new("RGBA", img.size)
    clean.paste(img)
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()
