"""What every /learn socket of a worker shares, built once with the app from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.learn.jobs import JobSlots
from app.learn.limits import LearnLimits
from app.learn.ranges import LearnRanges, learn_ranges
from app.limits import Limits
from app.settings import REPO, Settings
from model.datasets.learning import VALIDATION_SIZE, has_mnist, train_available


@dataclass(frozen=True)
class LearnService:
    """What every /learn socket of a worker shares: the limits, the slots, where the data is."""

    limits: LearnLimits
    ranges: LearnRanges
    """The values each setting of a start may take (from the limits and the data)."""
    drawing_limits: Limits
    slots: JobSlots
    data_dir: str | None
    train_available: int
    data_source: str
    """"subset" or "mnist" (model.datasets.learning)."""
    validation_size: int
    origins: tuple[str, ...]
    cwd: Path
    """Where `python -m model.training.live` runs (the repository, or /app in the image)."""


def build_service(settings: Settings) -> LearnService:
    """Return the /learn service of one worker under `settings`."""
    limits = settings.learn_limits
    data_dir = None if settings.mnist_dir is None else str(settings.mnist_dir)
    available = train_available(data_dir)
    return LearnService(
        limits=limits,
        ranges=learn_ranges(limits=limits, train_available=available),
        drawing_limits=settings.limits,
        slots=JobSlots(capacity=limits.learn_jobs_per_worker, queue_length=limits.learn_queue_length),
        data_dir=data_dir,
        train_available=available,
        data_source="mnist" if has_mnist(data_dir) else "subset",
        validation_size=VALIDATION_SIZE,
        origins=settings.learn_origins,
        cwd=REPO,
    )
