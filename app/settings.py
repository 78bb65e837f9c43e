"""Typed, immutable server settings, read from DIGITS_* environment variables."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from app.learn.limits import LearnLimits
from app.limits import Limits
from model.serving.weights import DEFAULT_WEIGHTS

REPO = Path(__file__).resolve().parents[1]

ORIGIN = re.compile(r"https?://(\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]{1,5})?")
"""An origin as CSP's frame-ancestors takes it: scheme, host (maybe *.domain) and port; no path, no quotes."""


class Settings(BaseSettings, Limits, LearnLimits):
    """Where the weights and web assets are, where to listen, the request limits (the fields of Limits) and
    /learn's (the fields of LearnLimits).

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
    offload_points: int = Field(
        default=2_000, ge=0, description="Drawings with more points than this are rendered in a worker thread."
    )
    picture_threads: int = Field(
        default=1,
        ge=1,
        description=(
            "Pictures decoded and preprocessed at once per worker process, each in a worker thread; more "
            "uploads wait their turn, so that the event loop keeps a core and its share of the GIL."
        ),
    )
    docs: bool = Field(default=True, description="Serve the interactive API docs at /docs.")
    frame_ancestors: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description=(
            "Origins allowed to show the figure pages (/figures/...) in an iframe, separated by spaces or commas, "
            "e.g. https://blog.example.org; every other page can never be framed."
        ),
    )
    gzip_min_bytes: int = Field(
        default=1024,
        ge=0,
        description="Answers of at least this many bytes are gzipped for clients that accept it (docs/performance.md).",
    )
    gzip_level: int = Field(
        default=1,
        ge=0,
        le=9,
        description="zlib's compression level for those answers; 0 turns compression off (behind a proxy that compresses).",
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description=(
            "Origins whose pages may call the API from a browser (CORS), separated by spaces or commas, e.g. "
            "https://app.example.org, or * for any; never with cookies or credentials. Default: none, so only "
            "this server's own pages can read its answers in a browser (programs and curl are not affected)."
        ),
    )
    learn_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description=(
            "Origins besides the server's own whose pages may open /learn's WebSocket (start training jobs), "
            "separated by spaces or commas; browsers apply no CORS to WebSockets, so the server checks Origin."
        ),
    )
    mnist_dir: Path | None = Field(
        default=None,
        validation_alias=AliasChoices("DIGITS_MNIST_DIR", "MNIST_DIR"),
        description=(
            "Folder of the MNIST files, for the figures' ?mnist=INDEX and /learn's full training set; "
            "also read from MNIST_DIR."
        ),
    )

    @field_validator("frame_ancestors", "cors_origins", "learn_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: Any) -> Any:
        """Return the origins of a space- or comma-separated string, or of a JSON list (a list is taken as it is)."""
        if isinstance(value, str) and value.strip().startswith("["):
            try:
                return json.loads(value)  # the list form pydantic-settings users write: '["https://x.org"]'
            except json.JSONDecodeError:
                raise ValueError('a list of origins must be JSON, like ["https://x.org"]') from None
        return tuple(re.split(r"[\s,]+", value.strip())) if isinstance(value, str) and value.strip() else value or ()

    @field_validator("frame_ancestors", "learn_origins")
    @classmethod
    def _check_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        """Return the origins without a trailing slash; raise ValueError for anything that is not an origin."""
        origins = tuple(origin.rstrip("/") for origin in origins)
        for origin in origins:
            if not ORIGIN.fullmatch(origin):
                raise ValueError(f"{origin!r} is not an origin like https://blog.example.org or http://localhost:1313")
        return origins

    @field_validator("cors_origins")
    @classmethod
    def _check_cors_origins(cls, origins: tuple[str, ...]) -> tuple[str, ...]:
        """Return the origins without a trailing slash; raise ValueError for anything but exact origins or a lone *."""
        if origins == ("*",):
            return origins
        origins = tuple(origin.rstrip("/") for origin in origins)
        for origin in origins:
            if not ORIGIN.fullmatch(origin) or "*" in origin:
                raise ValueError(f"{origin!r} is not an origin like https://app.example.org (or give * alone, for any)")
        return origins

    @property
    def limits(self) -> Limits:
        """Return the request limits among these settings."""
        return Limits.of(self)

    @property
    def learn_limits(self) -> LearnLimits:
        """Return the /learn limits among these settings."""
        return LearnLimits.of(self)

    @property
    def evaluation_path(self) -> Path:
        """Return where the evaluation report of the shipped model is, if there is one."""
        return self.static_dir / "report" / "evaluation.json"


def variable_name(field: str) -> str:
    """Return the environment variable(s) that set `field`: DIGITS_ + its name in capitals, or its aliases."""
    alias = Settings.model_fields[field].validation_alias if field in Settings.model_fields else None
    if isinstance(alias, AliasChoices):
        return " or ".join(str(choice) for choice in alias.choices)
    return "DIGITS_" + field.upper()


def _field_of_alias(alias: str) -> str:
    """Return the field that environment variable `alias` sets (pydantic reports an alias, not the field)."""
    for name, info in Settings.model_fields.items():
        if isinstance(info.validation_alias, AliasChoices) and alias in info.validation_alias.choices:
            return name
    return alias.removeprefix("DIGITS_").lower()


def settings_problem(error: ValidationError) -> str:
    """Return one line naming each bad variable, the value it had and what is expected."""
    problems = []
    for item in error.errors(include_url=False):
        field = str(item["loc"][0]) if item["loc"] else ""
        name = variable_name(_field_of_alias(field) if field.isupper() else field)
        value = item.get("input")
        shown = f"={value!r}" if isinstance(value, str | int | float) else ""
        problems.append(f"{name}{shown}: {item['msg'].removeprefix('Value error, ')}")
    return "bad setting: " + "; ".join(problems)


def load_settings() -> Settings:
    """Return the settings from the environment; exit with one line (no traceback) when one is bad."""
    try:
        return Settings()
    except ValidationError as error:
        raise SystemExit(settings_problem(error)) from None
