"""`python -m model.figures` (`make figures`): write the three figures as SVG files into a folder.

The digit is an MNIST test image (--mnist-index) or a drawing saved as JSON (--strokes: a POST
/predict body {"strokes": [...]} or the bare list of strokes); by default, the sample digit shipped
in model/figures/sample_digit.json, so the files are the same on every machine.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from model.datasets.mnist_files import DatasetError, load_test_set
from model.figures.export import SAMPLE_DIGIT, FigureError, export, image_from_mnist, image_from_strokes
from model.serving.inference import ReadingNetwork
from model.serving.weights import DEFAULT_WEIGHTS, WeightsError, load


def main(argv: list[str] | None = None) -> int:
    """Write pixels.svg, neuron.svg and sigmoid.svg; return the exit status (1 with a message on bad input)."""
    parser = argparse.ArgumentParser(prog="python -m model.figures", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("build/figures"), help="folder to write into")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--mnist-index", type=int, help="index of an MNIST test image (needs the MNIST files)")
    source.add_argument("--strokes", type=Path, default=SAMPLE_DIGIT, help="a drawing saved as JSON")
    parser.add_argument("--data-dir", default=None, help="MNIST folder (default: $MNIST_DIR, else data/mnist)")
    parser.add_argument("--weights", type=Path, default=DEFAULT_WEIGHTS, help="the .npz weights")
    parser.add_argument("--layer", type=int, default=1, help="the neuron's layer (1 = first hidden)")
    parser.add_argument("--index", type=int, default=0, help="the neuron's index in its layer (from 0)")
    args = parser.parse_args(argv)
    try:
        # Read as the server reads (the same sums in the same order), so the files are the pages' bytes.
        network = ReadingNetwork(load(args.weights).network)
        if args.mnist_index is not None:
            image, source_text = image_from_mnist(load_test_set(args.data_dir), args.mnist_index)
        else:
            drawing = json.loads(args.strokes.read_text(encoding="utf-8"))
            image, source_text = image_from_strokes(drawing, name=args.strokes.name)
        paths = export(
            out=args.out, image=image, source=source_text, network=network, layer=args.layer, index=args.index
        )
    except (OSError, ValueError, DatasetError, WeightsError, FigureError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
