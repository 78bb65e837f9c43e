"""The memory a picture at the pixel limit costs to read: peak resident memory over the idle process.

Each case is read in a fresh process, after the picture reader is imported, has read a small photo,
and the file is in memory, as it is in the server once the upload is parsed (Linux: /proc/self).
By default each picture is as large as its format is allowed to be (model.reading.pictures.decode's
DEFAULT_MAX_PIXELS and FORMAT_MAX_PIXELS); --megapixels reads them all at that size instead, past a
format's limit too (what it would cost were it allowed):

    python benchmarks/picture_memory.py [--megapixels 24] [--cases jpeg png-rgba ...]

The files are phone-like photos of a 7 (model.evaluation.photos) enlarged to the size asked for.
The target (TARGET_MIB) is printed beside each figure, never asserted.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

from model.evaluation.photos import photo
from model.reading.pictures.decode import DEFAULT_MAX_PIXELS, FORMAT_MAX_PIXELS

TARGET_MIB = 128
SEVEN = [[[10, 10], [90, 10], [40, 120]], [[30, 65], [75, 65]]]
CASES = {
    "jpeg": ("JPEG", "RGB"),
    "png-rgb": ("PNG", "RGB"),
    "png-rgba": ("PNG", "RGBA"),
    "png-grey": ("PNG", "L"),
    "png-16bit": ("PNG", "I;16"),
    "webp": ("WEBP", "RGB"),
    "bmp": ("BMP", "RGB"),
    "gif": ("GIF", "P"),
}
"""Each case: (format, mode) of the file."""


def picture(megapixels: float, fmt: str, mode: str) -> bytes:
    """Return a photo of a 7 enlarged to about `megapixels` (4:3), saved as `fmt` in `mode`."""
    small = Image.open(io.BytesIO(photo(SEVEN, np.random.default_rng(0))))
    width = round((megapixels * 1e6 * 4 / 3) ** 0.5)
    image = small.resize((width, width * 3 // 4), Image.Resampling.BILINEAR)
    if mode == "I;16":
        image = Image.fromarray((np.asarray(image.convert("L"), dtype=np.uint16) * 257).astype(np.uint16))
    else:
        image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, fmt, **({"quality": 85} if fmt == "JPEG" else {}))
    return out.getvalue()


def limit_megapixels(fmt: str) -> float:
    """Return the largest picture of format `fmt` the reader accepts, in megapixels."""
    return FORMAT_MAX_PIXELS.get(fmt, DEFAULT_MAX_PIXELS) / 1e6


def child(path: str) -> None:
    """Read the picture at `path` and print the peak resident memory before and after, in KiB.

    The formats' own pixel limits are lifted in this process, so that a picture past them is measured too.
    """
    from model.reading.pictures import decode
    from model.reading.pictures.pipeline import read_picture

    decode.FORMAT_MAX_PIXELS.clear()

    data = Path(path).read_bytes()
    read_picture(photo(SEVEN, np.random.default_rng(1)))  # a small photo first: what every read needs is counted idle
    # Linux: writing 5 to clear_refs resets the peak (VmHWM) to what is resident now; ru_maxrss cannot be reset
    # and after fork and exec it still holds the parent's peak.
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    read_picture(data, max_pixels=10**9)
    print(before, _status_kib("VmHWM"))


def _status_kib(field: str) -> int:
    """Return a field of /proc/self/status, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--megapixels", type=float, help="every picture this size (default: its format's limit)")
    parser.add_argument("--cases", nargs="*", default=list(CASES), choices=list(CASES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child)
        return 0
    size_text = "its format's limit" if args.megapixels is None else f"{args.megapixels:g} megapixels"
    print(f"peak memory of one picture at {size_text}, over the idle reader (target {TARGET_MIB} MiB)")
    with tempfile.TemporaryDirectory() as folder:
        for case in args.cases:
            path = Path(folder) / case
            fmt, mode = CASES[case]
            megapixels = limit_megapixels(fmt) if args.megapixels is None else args.megapixels
            path.write_bytes(picture(megapixels, fmt, mode))
            result = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], check=True, capture_output=True, text=True
            )
            before, after = (int(value) for value in result.stdout.split())
            peak = (after - before) / 1024
            verdict = "met" if peak <= TARGET_MIB else "OVER"
            size = path.stat().st_size / 2**20
            print(f"  {case:<10} {megapixels:4g} MP  file {size:6.1f} MiB  peak +{peak:6.1f} MiB  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
