"""The values each /learn setting may take: defined once here, checked in every start (messages.check_start) and
published in GET /api/learn (its `ranges`), from which the page's form takes its min and max.

A few ranges are fixed (the learning rate, the seed, the mix, the epochs, the speed); the rest come from the
limits in force (LearnLimits) and the data there is (how many training digits).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.learn.limits import LearnLimits


class SettingRange(BaseModel):
    """From `minimum` to `maximum`, both allowed; whole numbers only where `integer`."""

    model_config = ConfigDict(frozen=True)

    minimum: int | float
    maximum: int | float
    integer: bool = Field(description="Whole numbers only.")

    def holds(self, value: float) -> bool:
        """Return True when `value` is in this range."""
        return self.minimum <= value <= self.maximum and (not self.integer or float(value).is_integer())

    def __str__(self) -> str:
        """Return the range as the error messages write it: "a whole number from 1 to 100"."""
        kind = "a whole number" if self.integer else "a number"
        return f"{kind} from {shown(self.minimum)} to {shown(self.maximum)}"


def shown(value: float) -> str:
    """Return a number as a message writes it: 4294967295 (an int in full), 0.001, 1e-05."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def _whole(minimum: int, maximum: int) -> SettingRange:
    return SettingRange(minimum=minimum, maximum=maximum, integer=True)


ETA = SettingRange(minimum=0.001, maximum=100.0, integer=False)
"""The learning rate η (below 0.001 a network hardly moves in a job's ten minutes)."""
SEED = _whole(0, 2**32 - 1)
"""NumPy's default_rng takes any non-negative integer; a 32-bit one is enough and fits every client's numbers."""
OWN_MIX = SettingRange(minimum=0.0, maximum=1.0, integer=False)
EPOCHS = _whole(1, 100_000)
SPEED = SettingRange(minimum=0.1, maximum=1000.0, integer=False)
"""Mini-batches a second (null: full speed): from one every ten seconds to faster than a job goes."""
SMALLEST = 1
"""The fewest hidden layers, mini-batch examples and training examples."""


class LearnRanges(BaseModel):
    """The values a start's settings may take here (with the limits and the data in force)."""

    model_config = ConfigDict(frozen=True)

    hidden_layers: SettingRange = Field(description="How many hidden layers (config.hidden's length).")
    layer_size: SettingRange = Field(description="Neurons in each hidden layer (each of config.hidden).")
    eta: SettingRange = Field(description="The learning rate η (config.eta).")
    batch_size: SettingRange = Field(description="The mini-batch size m (config.batch_size); also at most train_size.")
    train_size: SettingRange = Field(description="Training examples used (config.train_size): at most the data's.")
    seed: SettingRange = Field(description="The seed of the weights and of the order of the examples (config.seed).")
    own_mix: SettingRange = Field(
        description="Share of each mini-batch drawn from the learner's own digits (config.own_mix)."
    )
    epochs: SettingRange = Field(
        description="Epochs before the job stops (config.epochs), or null: train to the time limit."
    )
    own_digits: SettingRange = Field(description="How many own digits one start may carry (own_digits).")
    speed: SettingRange = Field(
        description="Mini-batches a second (a start's speed, a speed message), or null: full speed."
    )


def learn_ranges(*, limits: LearnLimits, train_available: int) -> LearnRanges:
    """Return the ranges of the settings under `limits`, with `train_available` training digits."""
    return LearnRanges(
        hidden_layers=_whole(SMALLEST, limits.learn_max_hidden_layers),
        layer_size=_whole(limits.learn_min_layer_size, limits.learn_max_layer_size),
        eta=ETA,
        batch_size=_whole(SMALLEST, limits.learn_max_batch_size),
        train_size=_whole(SMALLEST, train_available),
        seed=SEED,
        own_mix=OWN_MIX,
        epochs=EPOCHS,
        own_digits=_whole(0, limits.learn_max_own_digits),
        speed=SPEED,
    )
