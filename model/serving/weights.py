"""Save and load a network as one .npz file: the arrays plus JSON metadata, checked by SHA-256."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from model.constants import NUM_CLASSES, NUM_PIXELS
from model.network import OUTPUTS, Network

DEFAULT_WEIGHTS = Path(__file__).parents[1] / "weights" / "default.npz"
"""The shipped model; its SHA-256 is in the file next to it with the suffix .sha256."""


class WeightsError(Exception):
    """The weights file is missing, unreadable, altered or of the wrong shape; the message says which."""


@dataclass(frozen=True)
class LoadedModel:
    """A network with the metadata it was saved with and the SHA-256 of its file."""

    network: Network
    metadata: dict[str, Any]
    sha256: str
    path: Path


def checksum_path(path: Path) -> Path:
    """Return where the expected SHA-256 of a weights file is kept."""
    return path.with_name(path.name + ".sha256")


def encode(network: Network, metadata: dict[str, Any]) -> bytes:
    """Return the weights file's bytes: the arrays as float32 and the metadata (sizes and activations added)."""
    arrays: dict[str, Any] = {}
    for l, (w, b) in enumerate(zip(network.weights, network.biases, strict=True), start=1):
        arrays[f"w{l}"] = w.astype(np.float32)
        arrays[f"b{l}"] = b.astype(np.float32)
    meta = {"sizes": network.sizes, "activations": network.activations, **metadata}
    arrays["metadata"] = np.array(json.dumps(meta, sort_keys=True))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **arrays)
    return buffer.getvalue()


def save(network: Network, path: Path, metadata: dict[str, Any]) -> str:
    """Write the network and metadata to `path`, its SHA-256 beside it; return the SHA-256."""
    content = encode(network, metadata)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    digest = hashlib.sha256(content).hexdigest()
    checksum_path(path).write_text(digest + "\n")
    return digest


def load(path: Path, expected_sha256: str | None = None) -> LoadedModel:
    """Return the model in `path`, after checking its SHA-256 and its shapes.

    The expected SHA-256 is `expected_sha256` if given, else the .sha256 file beside the weights.
    Raises WeightsError with a one-line message naming the file and the problem.
    """
    if not path.is_file():
        raise WeightsError(f"{path}: weights file not found (train one with `make train`)")
    content = path.read_bytes()  # read once: hashed, then parsed from memory
    digest = hashlib.sha256(content).hexdigest()
    if expected_sha256 is None and checksum_path(path).is_file():
        words = checksum_path(path).read_text().split()
        expected_sha256 = words[0] if words else ""
    if expected_sha256 is not None and digest != expected_sha256.lower():
        raise WeightsError(f"{path}: SHA-256 {digest} does not match the expected {expected_sha256}")
    try:
        with np.load(io.BytesIO(content), allow_pickle=False) as data:
            metadata = json.loads(str(data["metadata"]))
            n = len(metadata["sizes"]) - 1
            weights = [np.ascontiguousarray(data[f"w{l}"], dtype=np.float32) for l in range(1, n + 1)]
            biases = [np.ascontiguousarray(data[f"b{l}"], dtype=np.float32) for l in range(1, n + 1)]
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile, json.JSONDecodeError) as error:
        raise WeightsError(f"{path}: not a readable weights file ({type(error).__name__}: {error})") from None
    # The output layer's activation is the last of "activations"; files from before the choice existed are softmax.
    activations = metadata.get("activations")
    output = activations[-1] if isinstance(activations, list) and activations else "softmax"
    if output not in OUTPUTS:
        raise WeightsError(f"{path}: output activation {output!r} is not one of {', '.join(OUTPUTS)}")
    try:
        network = Network(weights, biases, output=output)
    except ValueError as error:
        raise WeightsError(f"{path}: wrong shapes: {error}") from None
    if network.sizes[0] != NUM_PIXELS or network.sizes[-1] != NUM_CLASSES:
        raise WeightsError(
            f"{path}: wrong shapes: layers {network.sizes} must start at {NUM_PIXELS} and end at {NUM_CLASSES}"
        )
    if network.sizes != list(metadata["sizes"]):
        raise WeightsError(f"{path}: wrong shapes: arrays give {network.sizes}, metadata says {metadata['sizes']}")
    for array in (*weights, *biases):
        if not np.isfinite(array).all():
            raise WeightsError(f"{path}: weights contain NaN or infinite values")
    return LoadedModel(network=network, metadata=metadata, sha256=digest, path=path)
