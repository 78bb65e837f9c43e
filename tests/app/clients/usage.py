"""A program written against the Python client that openapi-python-client generates from the served document.

tests/app/test_openapi_clients.py generates the package `digit_reader_client`, checks it and this file
with mypy --strict, then runs this file against a live server: it prints what each call read, as JSON.

    python usage.py BASE_URL PICTURE
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from digit_reader_client import Client
from digit_reader_client.api.model import get_model, get_neuron
from digit_reader_client.api.reading import predict, predict_image
from digit_reader_client.models import (
    ErrorResponse,
    ModelInfo,
    Neuron,
    PixelsRequest,
    PredictResponse,
    PredictUpload,
    StrokesRequest,
)
from digit_reader_client.types import File, Unset

STROKES = [[[120.0, 40.0], [150.0, 40.0], [150.0, 90.0], [150.0, 160.0]], [[110.0, 100.0], [170.0, 100.0]]]
PIXELS = [[1.0 if 12 <= column <= 15 and 4 <= row <= 23 else 0.0 for column in range(28)] for row in range(28)]


def answer(result: PredictResponse | ErrorResponse | None) -> PredictResponse:
    """Return the reading, or stop with the error the server sent."""
    if not isinstance(result, PredictResponse):
        raise SystemExit(f"not an answer: {result!r}")
    return result


def main(base_url: str, picture: Path) -> None:
    """Read a drawing, pixels and a picture, have one drawing refused, and fetch the model and a neuron."""
    with Client(base_url=base_url) as client:
        drawing = answer(predict.sync(client=client, body=StrokesRequest(strokes=STROKES)))
        pixels = answer(predict.sync(client=client, body=PixelsRequest(pixels=PIXELS, explain=True, target=3)))
        with picture.open("rb") as file:
            upload = PredictUpload(image=File(payload=file, file_name=picture.name, mime_type="image/jpeg"))
            photo = answer(predict_image.sync(client=client, body=upload))
        refused = predict.sync(client=client, body=StrokesRequest(strokes=[]))
        model = get_model.sync(client=client)
        neuron = get_neuron.sync(layer=1, index=0, client=client)
    assert isinstance(refused, ErrorResponse) and isinstance(model, ModelInfo) and isinstance(neuron, Neuron)
    saliency = None if isinstance(pixels.saliency, Unset) else len(pixels.saliency)
    read = {
        "drawing": {"digit": drawing.digit, "probabilities": len(drawing.probabilities)},
        "pixels": {"digit": pixels.digit, "target": pixels.target, "saliency": saliency},
        # input is left out of answers asked with "display" (the page's packed form), so it is optional
        "picture": {"digit": photo.digit, "input": None if isinstance(photo.input_, Unset) else len(photo.input_)},
        "refused": {"detail": refused.detail},
        "model": {"sizes": model.sizes},
        "neuron": {"weights": len(neuron.weights)},
    }
    print(json.dumps(read))


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
