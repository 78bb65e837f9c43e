"""The request limits: one pydantic model, the single source of every limit.

`Settings` inherits these fields (so each is a DIGITS_* environment variable), the code that enforces
a limit reads it from the `Limits` in the runtime (or, outside the app, from the settings: the
connection deadlines and cap in app/protocol.py), GET /api/model returns them (`ModelInfo.limits`
is this model) and the OpenAPI document shows them (app/openapi.py puts the value in force wherever
a description says `$name`). Adding a limit is adding one field here.
"""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field


class SettingsGroup(BaseModel):
    """A group of settings that `Settings` inherits (as DIGITS_* variables) and that is published as it stands."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def of(cls, settings: BaseModel) -> Self:
        """Return this group's values as configured in `settings` (a Settings, which has every field of the group)."""
        return cls.model_validate(settings.model_dump(include=set(cls.model_fields)))

    def shown(self) -> dict[str, str]:
        """Return each value as the documentation writes it: integers as they are, other numbers like 1e+06."""
        return {name: f"{value:g}" if isinstance(value, float) else str(value) for name, value in self}


def _deadline(description: str) -> Any:
    """Return the field of a connection deadline: seconds, more than 0, 10 by default (the two deadlines agree)."""
    return Field(default=10.0, gt=0, description=description)


class Limits(SettingsGroup):
    """What one request may contain and how long and how many connections may take; shown in GET /api/model and /docs."""

    max_body_bytes: int = Field(
        default=256 * 1024, ge=1, description="Largest accepted JSON request body (strokes or pixels), in bytes."
    )
    max_upload_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1, description="Largest accepted picture upload (a multipart body), in bytes."
    )
    max_image_pixels: int = Field(
        default=24_000_000, ge=1, description="Largest picture decoded, in pixels (width x height, from its header)."
    )
    max_strokes: int = Field(default=100, ge=1, description="Most strokes in one drawing.")
    max_points: int = Field(default=10_000, ge=1, description="Most points in one drawing, all strokes together.")
    max_coordinate: float = Field(default=1e6, gt=0, description="Largest accepted |x| or |y| of a point.")

    header_timeout_s: float = _deadline(
        "A request's line and headers must arrive within this many seconds (408 and close otherwise)."
    )
    body_timeout_s: float = _deadline(
        "Longest wait for the next byte of a request body (408 and close); there is no total deadline."
    )
    max_connections: int = Field(
        default=4096,
        ge=1,
        description=(
            "Open connections per worker (about 7 KiB each when idle); beyond it a request gets 503 at once, "
            "except GET /healthz."
        ),
    )
