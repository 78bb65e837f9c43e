"""Typed, immutable server settings, read from DIGITS_* environment variables."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from model.weights import DEFAULT_WEIGHTS

REPO = Path(__file__).resolve().parents[1]


class Settings(BaseSettings):
    """Where the weights and web assets are, where to listen, and the request limits.

    Every field can be set with an environment variable named DIGITS_ + the field name in capitals,
    e.g. DIGITS_WEIGHTS_PATH=/models/net.npz or DIGITS_MAX_BODY_BYTES=131072.
    """

    model_config = SettingsConfigDict(env_prefix="DIGITS_", frozen=True, extra="ignore")

    weights_path: Path = Field(default=DEFAULT_WEIGHTS, description="The .npz weights file loaded at startup.")
    weights_sha256: str | None = Field(
        default=None, description="Expected SHA-256 of the weights; default: the .sha256 file beside them."
    )
    host: str = Field(default="127.0.0.1", description="Interface to listen on (python -m app).")
    port: int = Field(default=8000, ge=0, le=65535, description="Port to listen on (python -m app).")
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        validation_alias=AliasChoices("DIGITS_WORKERS", "WEB_CONCURRENCY"),
        description="Worker processes (python -m app); also read from WEB_CONCURRENCY, as uvicorn does.",
    )
    templates_dir: Path = Field(default=REPO / "templates", description="Jinja2 templates for the pages.")
    static_dir: Path = Field(default=REPO / "static", description="Files served under /static.")
    max_body_bytes: int = Field(default=256 * 1024, ge=1, description="Largest accepted request body, in bytes.")
    max_strokes: int = Field(default=100, ge=1, description="Most strokes in one drawing.")
    max_points: int = Field(default=10_000, ge=1, description="Most points in one drawing, all strokes together.")
    max_coordinate: float = Field(default=1e6, gt=0, description="Largest accepted |x| or |y| of a point.")
    offload_points: int = Field(
        default=2_000, ge=0, description="Drawings with more points than this are rendered in a worker thread."
    )
    docs: bool = Field(default=True, description="Serve the interactive API docs at /docs.")
    header_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="A request's line and headers must arrive within this many seconds (408 and close otherwise).",
    )
    body_timeout_s: float = Field(
        default=10.0,
        gt=0,
        description="Longest wait for the next byte of a request body (408 and close); there is no total deadline.",
    )
    max_connections: int = Field(
        default=4096,
        ge=1,
        description=(
            "Open connections per worker (about 7 KiB each when idle); beyond it a request gets 503 at once, "
            "except GET /healthz."
        ),
    )

    @property
    def evaluation_path(self) -> Path:
        """Return where the evaluation report of the shipped model is, if there is one."""
        return self.static_dir / "report" / "evaluation.json"
