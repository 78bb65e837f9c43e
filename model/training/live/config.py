"""What a /learn job is asked to do: its frozen config, and the start line that carries it (checked again here)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from model.constants import NUM_CLASSES, NUM_PIXELS
from model.network import COSTS


@dataclass(frozen=True)
class LiveConfig:
    """The network and the training: hidden layer sizes, cost, learning rate eta, mini-batch size m and the rest."""

    hidden: tuple[int, ...] = (30,)
    cost: str = "quadratic"
    eta: float = 3.0
    batch_size: int = 10
    train_size: int = 10_000
    seed: int = 0
    own_mix: float = 0.0
    """The share of each mini-batch drawn from the learner's own digits (when there are any)."""
    epochs: int | None = None
    """Stop after this many epochs ("finished"); None trains until the time limit."""

    def __post_init__(self) -> None:
        if not self.hidden or min(self.hidden) < 1:
            raise ValueError(f"hidden layers must be at least one, each of at least one neuron: {self.hidden}")
        if self.cost not in COSTS:
            raise ValueError(f"cost must be one of {', '.join(COSTS)}, got {self.cost!r}")
        if not self.eta > 0 or not 1 <= self.batch_size <= self.train_size or not 0 <= self.own_mix <= 1:
            raise ValueError("need eta > 0, 1 <= batch_size <= train_size and 0 <= own_mix <= 1")

    @property
    def sizes(self) -> list[int]:
        """Return the layer sizes: input, hidden layers, output."""
        return [NUM_PIXELS, *self.hidden, NUM_CLASSES]

    def as_dict(self) -> dict[str, Any]:
        """Return the config as JSON-ready values (hidden as a list)."""
        return dataclasses.asdict(self) | {"hidden": list(self.hidden)}


@dataclass(frozen=True)
class Start:
    """The job's first line: the config, the learner's own digits, where the data is and the limits it runs under."""

    config: LiveConfig
    own_x: NDArray[np.float32]
    own_y: NDArray[np.int64]
    data_dir: str | None
    max_s: float
    updates_per_second: float
    speed: float | None
    """Mini-batches per second; None = as fast as it goes."""
    paused: bool
    focus: tuple[int, int] | None
    """The neuron (layer, index) the step messages show; None: each step's first example's output neuron."""
    limits: dict[str, Any]
    """Echoed in the "started" message, so that the page shows what it runs under."""

    @classmethod
    def parse(cls, line: dict[str, Any]) -> Start:
        """Return the Start in a decoded start line; raise ValueError (or KeyError, TypeError) when it is malformed."""
        config = LiveConfig(**(line["config"] | {"hidden": tuple(line["config"]["hidden"])}))
        own = line.get("own") or {"pixels": [], "labels": []}
        own_x = np.asarray(own["pixels"], dtype=np.float32).reshape(-1, NUM_PIXELS)
        own_y = np.asarray(own["labels"], dtype=np.int64)
        if len(own_x) != len(own_y) or (own_y.size and not 0 <= own_y.min() <= own_y.max() < NUM_CLASSES):
            raise ValueError("own digits need one label 0-9 each")
        speed, focus = line.get("speed"), line.get("focus")
        return cls(
            config=config,
            own_x=own_x,
            own_y=own_y,
            data_dir=line.get("data_dir"),
            max_s=float(line["max_s"]),
            updates_per_second=float(line["updates_per_second"]),
            speed=None if speed is None else float(speed),
            paused=bool(line.get("paused", False)),
            focus=None if focus is None else (int(focus[0]), int(focus[1])),
            limits=dict(line.get("limits") or {}),
        )
