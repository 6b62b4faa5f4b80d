"""An uploaded logo is checked by its size and its header before a pixel is decoded."""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zlib

import pytest
from PIL import Image

from framework.images import MAX_LOGO_BYTES, MAX_LOGO_PIXELS, MAX_LOGO_SIDE, clean_logo, png_size
from tests.conftest import ROOT


def crafted_png(width: int, height: int, colour_type: int = 2, bit_depth: int = 8) -> bytes:
    """A valid PNG of one colour, compressed row by row, so a huge image costs the test almost nothing."""
    channels = {0: 1, 2: 3, 6: 4}[colour_type]

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    packer = zlib.compressobj(9)
    row = b"\0" * (1 + (width * channels * bit_depth + 7) // 8)  # filter byte + the row's pixels
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


# Peak memory of the process as the kernel counts it (VmHWM: the high-water mark of this address space;
# unlike getrusage's ru_maxrss it does not carry over the forking test process's own peak).
MEASURE = """
import json, sys, time
from framework.images import clean_logo

def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024

data = open(sys.argv[1], "rb").read()
before = peak_mb()
start = time.perf_counter()
try:
    clean_logo(data)
    outcome = "accepted"
except ValueError as exc:
    outcome = str(exc)
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start, "before_mb": before,
                  "peak_mb": peak_mb()}))
"""


def test_a_13000_pixel_png_is_refused_from_its_header_without_decoding(tmp_path):
    """The issue's attack: a PNG of under 0.5 MB that decodes to 13,000 x 13,000 pixels (677 MB as
    RGBA). Measured in a fresh process: refused in one sentence, the process's peak memory stays near
    what Python and Pillow need anyway, and no library warning is printed."""
    bomb = crafted_png(13_000, 13_000)
    assert len(bomb) < 700_000 and png_size(bomb) == (13_000, 13_000)
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb)
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    assert got["outcome"].startswith("the logo image is too large"), got
    assert got["peak_mb"] < 100 and got["peak_mb"] - got["before_mb"] < 25, got
    assert got["seconds"] < 2, got
    assert "DecompressionBomb" not in done.stderr and "Warning" not in done.stderr, done.stderr


def test_a_jpeg_whose_header_claims_13000_pixels_is_refused_unread():
    small = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(small, format="JPEG")
    data = bytearray(small.getvalue())
    sof = data.index(b"\xff\xc0")  # baseline frame header: length, precision, height, width
    data[sof + 5:sof + 9] = struct.pack(">HH", 13_000, 13_000)
    with pytest.raises(ValueError, match=r"^the logo image is too large \(more than 8,000 pixels on a side or 16"):
        clean_logo(bytes(data))


@pytest.mark.parametrize("size", [(MAX_LOGO_SIDE + 1, 10), (10, MAX_LOGO_SIDE + 1), (4_001, 4_000)])
def test_a_logo_beyond_either_limit_is_refused(size):
    assert size[0] * size[1] > MAX_LOGO_PIXELS or max(size) > MAX_LOGO_SIDE
    with pytest.raises(ValueError, match="too large"):
        clean_logo(crafted_png(*size, colour_type=0, bit_depth=1))


def test_the_largest_logo_allowed_is_read_and_made_small():
    out = clean_logo(crafted_png(MAX_LOGO_SIDE, MAX_LOGO_PIXELS // MAX_LOGO_SIDE, colour_type=0, bit_depth=1))
    assert png_size(out) == (800, 200)


def test_a_logo_file_larger_than_5_mb_is_refused_unread():
    assert MAX_LOGO_BYTES == 5 * 1024 * 1024
    data = crafted_png(10, 10)
    with pytest.raises(ValueError, match=r"^the logo file is larger than 5 MB; use a smaller image$"):
        clean_logo(data + b"\0" * (MAX_LOGO_BYTES - len(data) + 1))


def test_only_png_and_jpeg_are_read():
    """The upload offers PNG and JPEG; a GIF, or an icon renamed .png, never reaches another decoder."""
    for fmt in ("GIF", "ICO", "BMP"):
        blob = io.BytesIO()
        Image.new("RGB", (32, 32), "red").save(blob, format=fmt)
        with pytest.raises(ValueError, match=r"not an image file this app can read \(use PNG or JPEG\)"):
            clean_logo(blob.getvalue())
    rgba = io.BytesIO()
    Image.new("RGBA", (1600, 400), (0, 114, 178, 128)).save(rgba, format="PNG")
    assert png_size(clean_logo(rgba.getvalue())) == (800, 200)
    pixel = Image.open(io.BytesIO(clean_logo(rgba.getvalue()))).getpixel((10, 10))
    assert all(abs(a - b) <= 1 for a, b in zip(pixel, (0, 114, 178, 128))), pixel  # colour and alpha kept


def test_the_report_command_refuses_a_huge_logo_file_unread(tmp_path):
    """`report --logo` reads at most one byte past the 5 MB limit: a 64 GB file (sparse, nothing on disk)
    is refused in one sentence, at once."""
    huge = tmp_path / "huge.png"
    with huge.open("wb") as f:
        f.truncate(64 << 30)
    proc = subprocess.run([sys.executable, "-m", "framework", "report", str(ROOT / "data" / "sample_district.csv"),
                           "--out", str(tmp_path / "r.pdf"), "--logo", str(huge), "--no-charts"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "The logo file is larger than 5 MB; use a smaller image.", proc.stderr
    assert not (tmp_path / "r.pdf").exists()
