"""Everything the routes need, built once at startup: the model, its thresholds and its description."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import orjson

from app.batching import ForwardBatcher
from app.caching import weak_etag
from app.limits import Limits
from app.settings import Settings
from model.serving.inference import ReadingNetwork
from model.serving.uncertainty import UncertaintyThresholds
from model.serving.weights import LoadedModel

logger = logging.getLogger("app")


@dataclass(frozen=True)
class Runtime:
    """The loaded model and what is derived from it once, so that no request repeats the work."""

    model: LoadedModel
    reader: ReadingNetwork
    """model.network, set up to read mostly blank drawings (see model.serving.inference.ReadingNetwork)."""
    batcher: ForwardBatcher
    """Reads the drawings waiting on the event loop at the same time in one forward pass (app.batching)."""
    thresholds: UncertaintyThresholds
    limits: Limits
    layer_names: tuple[str, ...]
    """Names of the layers after the input: "hidden 1", ..., "output"."""
    info: dict[str, Any]
    """The body of GET /api/model, also handed to the page templates."""
    info_json: bytes
    info_etag: str
    """The ETag of GET /api/model: from the SHA-256 of info_json (the weights' and the limits')."""
    evaluation: dict[str, Any] | None
    """static/report/evaluation.json, when the server started with one."""
    offload_points: int
    """Drawings with more points are rendered in a worker thread so the event loop stays responsive."""
    picture_threads: anyio.CapacityLimiter
    """At most this many pictures are decoded and preprocessed at once, each in a worker thread."""


SHOWN_METADATA = frozenset({"sizes", "activations", "test_accuracy", "unipen_accuracy", "training", "uncertainty"})
"""Metadata keys that GET /api/model shows as fields of their own (uncertainty: the thresholds in force)."""


def layer_names(num_layers: int) -> tuple[str, ...]:
    """Return the display names of `num_layers` layers after the input, the last being the output.

    The one naming rule: the pages and their scripts read these names from GET /api/model.
    """
    return (*(f"hidden {l}" for l in range(1, num_layers)), "output")


def describe(model: LoadedModel, thresholds: UncertaintyThresholds, limits: Limits) -> dict[str, Any]:
    """Return the GET /api/model body: shapes, accuracies and training info, checksum and limits."""
    network = model.network
    names = ("input", *layer_names(len(network.weights)))
    activations: list[str | None] = [None, *network.activations]
    metadata = model.metadata
    return {
        "sizes": network.sizes,
        "activations": network.activations,
        "layers": [
            {"name": name, "size": size, "activation": activation}
            for name, size, activation in zip(names, network.sizes, activations, strict=True)
        ],
        "num_parameters": network.num_parameters,
        "sha256": model.sha256,
        "weights_file": model.path.name,
        "test_accuracy": metadata.get("test_accuracy"),
        "unipen_accuracy": metadata.get("unipen_accuracy"),
        "training": metadata.get("training"),
        # Only what the fields above do not show already (the training block was in the answer twice).
        "metadata": {key: value for key, value in metadata.items() if key not in SHOWN_METADATA},
        "uncertainty": thresholds.as_dict(),
        "limits": limits.model_dump(),
    }


def read_evaluation(path: Path) -> dict[str, Any] | None:
    """Return the evaluation report at `path`, or None when it is absent or unreadable."""
    if not path.is_file():
        return None
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        # The page can do without the report; a broken one must not stop the server.
        logger.warning("%s: ignoring the evaluation report (%s)", path, error)
        return None
    return report if isinstance(report, dict) else None


def build_runtime(model: LoadedModel, settings: Settings) -> Runtime:
    """Return the Runtime serving `model` under `settings`; raise ValueError when its uncertainty metadata is malformed."""
    thresholds = UncertaintyThresholds.from_metadata(model.metadata)
    limits = settings.limits
    info = describe(model, thresholds, limits)
    # Non-finite metadata numbers (json allows NaN) become null rather than failing the page.
    info_json = orjson.dumps(info, option=orjson.OPT_NON_STR_KEYS)
    reader = ReadingNetwork(model.network)
    return Runtime(
        model=model,
        reader=reader,
        batcher=ForwardBatcher(reader),
        thresholds=thresholds,
        limits=limits,
        layer_names=layer_names(len(model.network.weights)),
        info=info,
        info_json=info_json,
        info_etag=weak_etag(hashlib.sha256(info_json).hexdigest()),
        evaluation=read_evaluation(settings.evaluation_path),
        offload_points=settings.offload_points,
        picture_threads=anyio.CapacityLimiter(settings.picture_threads),
    )
