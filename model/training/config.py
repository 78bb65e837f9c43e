"""What one training run is: its frozen config, and the command line of `python -m model.training` derived from it.

Every field of TrainConfig (and of its AugmentConfig, as --augment-NAME) is an option named after it, so
a new hyperparameter is one line in the dataclass; nothing is copied field by field. use_unipen is the one
exception: it is turned off by --no-unipen.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from model.constants import NUM_CLASSES, NUM_PIXELS
from model.network import Network
from model.serving.weights import WeightsError, load
from model.training.augment import AugmentConfig


@dataclass(frozen=True)
class TrainConfig:
    """Hyperparameters of one training run."""

    hidden: tuple[int, ...] = (1200, 400)
    epochs: int = 120
    batch_size: int = 64
    learning_rate: float = 0.05
    final_learning_rate: float = 0.0005
    cycles: int = 1
    """Cosine cycles in the schedule (warm restarts); with more than one, the network kept is the average
    of each cycle's last weights (stochastic weight averaging). `epochs` must be a multiple of it."""
    momentum: float = 0.9
    weight_decay: float = 1e-5
    validation_size: int = 5_000
    unipen_repeat: int = 6
    use_unipen: bool = True
    pen_variants: bool = True
    """Add stroke variants of the training writers' pen digits (model.datasets.pen_variants), once each."""
    train_limit: int | None = None
    init: str | None = None
    """A weights file to start from (a warm restart) instead of random weights; its layer sizes must match."""
    seed: int = 0
    augment: AugmentConfig = field(default_factory=AugmentConfig)

    def __post_init__(self) -> None:
        if self.cycles < 1 or self.epochs % self.cycles:
            raise ValueError(f"--epochs {self.epochs} must be a positive multiple of --cycles {self.cycles}")

    @property
    def sizes(self) -> list[int]:
        """Return the layer sizes of the network this run trains: input, hidden layers, output."""
        return [NUM_PIXELS, *self.hidden, NUM_CLASSES]


HELP = {
    "hidden": "hidden layer sizes",
    "pen_variants": "add slashed 0s, barred 7s and flagged 1s made from the training writers' pen digits",
    "train_limit": "use only this many MNIST training images",
    "cycles": "cosine cycles; more than one keeps the average of each cycle's last weights",
    "init": "start from this weights file (same layer sizes) instead of random weights",
}
"""Help for the options whose name does not say enough."""

OPTIONAL_TYPES: dict[str, type] = {"train_limit": int, "init": str}
"""The type of each option whose default is None."""


def _add_option(parser: argparse.ArgumentParser, name: str, default: Any, *, prefix: str = "") -> None:
    """Add the option --PREFIX-NAME for a field, typed by its default value."""
    flag = "--" + (prefix + name).replace("_", "-")
    help_text = HELP.get(name, f"default {default}")
    if isinstance(default, bool):
        parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default, help=help_text)
    elif isinstance(default, tuple):
        parser.add_argument(flag, type=type(default[0]), nargs="+", default=list(default), help=help_text)
    else:  # None stands for "all" (train_limit, a count when given) or "none" (init, a path when given)
        kind = OPTIONAL_TYPES.get(name, int) if default is None else type(default)
        parser.add_argument(flag, type=kind, default=default, help=help_text)


def parse_args(argv: list[str] | None, description: str | None = None) -> tuple[TrainConfig, argparse.Namespace]:
    """Return the config given on the command line and the namespace (which also holds --data-dir, --unipen, --out)."""
    defaults = TrainConfig()
    parser = argparse.ArgumentParser(prog="python -m model.training", description=description)
    for option in dataclasses.fields(TrainConfig):
        if option.name not in ("augment", "use_unipen"):  # use_unipen: --no-unipen below
            _add_option(parser, option.name, getattr(defaults, option.name))
    parser.add_argument("--no-unipen", dest="use_unipen", action="store_false", help="train on MNIST only")
    for option in dataclasses.fields(AugmentConfig):
        _add_option(parser, option.name, getattr(defaults.augment, option.name), prefix="augment_")
    parser.add_argument("--no-augment", action="store_true", help="train on the images as they are")
    parser.add_argument("--data-dir", default=None, help="MNIST folder (default: $MNIST_DIR, else data/mnist)")
    parser.add_argument(
        "--unipen", default=None, help="UNIPEN .jsonl.gz (default: $DIGITS_UNIPEN, else ../shared/datasets)"
    )
    parser.add_argument("--out", type=Path, default=None, help="run folder (default: runs/<date-time>)")
    args = parser.parse_args(argv)
    augment = AugmentConfig(**{f.name: getattr(args, f"augment_{f.name}") for f in dataclasses.fields(AugmentConfig)})
    if args.no_augment:
        augment = dataclasses.replace(augment, clean_fraction=1.0)
    given = {f.name: getattr(args, f.name) for f in dataclasses.fields(TrainConfig) if f.name != "augment"}
    try:
        config = TrainConfig(**given | {"hidden": tuple(args.hidden)}, augment=augment)
    except ValueError as error:
        parser.error(str(error))
    if config.init is not None:  # said now, not after the data has loaded
        if not Path(config.init).is_file():
            parser.error(f"--init {config.init}: no such weights file")
        try:
            load_init(config)
        except WeightsError as error:
            parser.error(f"--init {error}")
    return config, args


def load_init(config: TrainConfig) -> Network:
    """Return the network of the config's --init file; raise WeightsError when it is unreadable or its layer
    sizes are not the run's."""
    if config.init is None:
        raise WeightsError("this run has no --init file")
    network = load(Path(config.init)).network
    if network.sizes != config.sizes:
        raise WeightsError(f"{config.init}: layers {network.sizes}, but this run trains {config.sizes}")
    return network
