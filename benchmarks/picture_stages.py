"""Where a picture's time goes, stage by stage: decode, paper, ink, pieces, thickness, framing.

Runs the stages of model.reading.pictures.pipeline one after the other, in this process, on the
pictures benchmarks/pictures.py sends (a 1-megapixel and a 12-megapixel JPEG) and on the 1-megapixel
one saved as PNG, and prints the median milliseconds of each stage over --repeat runs. The stages are
the pipeline's own functions, called as read_picture calls them (these pictures have dark ink, so
the paper stage's guess of the ink's way round holds and no stage runs twice); what the server adds on top (the
upload, the worker thread, the forward pass, the answer) is what benchmarks/pictures.py measures.

    python benchmarks/picture_stages.py [--repeat 30]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import driver  # benchmarks/ is a folder of scripts, not a package
import numpy as np
from pictures import jpeg, png

from model.reading.pictures.decode import decode
from model.reading.pictures.ink import find_ink
from model.reading.pictures.paper import find_paper
from model.reading.pictures.pieces import keep_digit
from model.reading.pictures.pipeline import place
from model.reading.pictures.thickness import crop, normalise_thickness

STAGES = ("decode", "paper", "ink", "pieces", "thickness", "framing")


def stage_times(data: bytes) -> list[float]:
    """Return the seconds each stage took on `data`, the stages run one after the other as read_picture runs them."""
    times = []
    value: Any = data
    steps: list[Callable[[Any], Any]] = [
        decode,
        find_paper,
        find_ink,
        keep_digit,
        lambda digit: normalise_thickness(crop(digit)),
        place,
    ]
    for step in steps:
        begun = time.perf_counter()
        value = step(value)
        times.append(time.perf_counter() - begun)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=30, help="runs per picture (default 30)")
    args = parser.parse_args(argv)
    one_mp = jpeg(1.0)
    pictures = {"1 MP JPEG": one_mp, "12 MP JPEG": jpeg(12.0, seed=1), "1 MP PNG": png(one_mp)}
    print(f"picture stages: {driver.machine_note()}")
    print(f"median ms over {args.repeat} runs, in this process")
    print(f"{'picture':<12}" + "".join(f"{name:>13}" for name in STAGES) + f"{'total':>10}")
    for name, data in pictures.items():
        stage_times(data)  # once to warm up
        runs = np.array([stage_times(data) for _ in range(args.repeat)]) * 1e3
        medians = np.median(runs, axis=0)
        total = float(np.median(runs.sum(axis=1)))
        print(f"{name:<12}" + "".join(f"{value:>13.2f}" for value in medians) + f"{total:>10.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
