"""The /learn limits: one pydantic model, the single source of each (a DIGITS_LEARN_* setting, shown in GET /api/learn)."""

from __future__ import annotations

from pydantic import Field

from app.limits import SettingsGroup


class LearnLimits(SettingsGroup):
    """How many jobs train at once, how large and how long they may be, and how many messages flow."""

    learn_jobs_per_worker: int = Field(
        default=1, ge=0, le=64, description="Jobs training at once per worker process (0 turns /learn off)."
    )
    learn_queue_length: int = Field(
        default=8, ge=0, description="Visitors waiting for a job per worker; beyond it a start is refused."
    )
    learn_max_hidden_layers: int = Field(default=2, ge=1, le=4, description="Most hidden layers in a network.")
    learn_min_layer_size: int = Field(default=10, ge=1, description="Fewest neurons in a hidden layer.")
    learn_max_layer_size: int = Field(default=100, ge=1, le=1000, description="Most neurons in a hidden layer.")
    learn_max_batch_size: int = Field(default=100, ge=1, le=10_000, description="Largest mini-batch m.")
    learn_max_job_s: float = Field(
        default=600.0,
        gt=0,
        description="Longest job, in seconds; at the limit it stops and keeps its network for download.",
    )
    learn_updates_per_second: float = Field(
        default=5.0, ge=1, le=30, description="Progress and snapshot messages a job sends per second."
    )
    learn_max_messages_per_second: float = Field(
        default=20.0, gt=0, description="Messages a page may send per second; more are answered with an error."
    )
    learn_max_message_bytes: int = Field(
        default=1024 * 1024, ge=1024, description="Largest message a page may send (the start, with its own digits)."
    )
    learn_max_own_digits: int = Field(default=200, ge=0, description="Most of the learner's own digits in a start.")
    learn_niceness: int = Field(
        default=19,
        ge=0,
        le=19,
        description="CPU priority of a job (the nice value; 19 is the lowest): the worker's requests come first.",
    )
    learn_idle_policy: bool = Field(
        default=True,
        description=(
            "Run a job under Linux's SCHED_IDLE policy besides its nice value: it gets only the CPU time nothing "
            "else wants (false, or where not permitted: the nice value alone)."
        ),
    )
    learn_yield_share: float = Field(
        default=0.5,
        ge=0,
        le=1,
        description=(
            "While its worker, or another worker of the same server, uses more than this share of a CPU, a job "
            "trains only a trickle (20 mini-batches a second), so that it does not slow the answers through the "
            "cache and memory they share (0: never; Linux only)."
        ),
    )
