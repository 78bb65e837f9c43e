"""What the routes take through `Depends`: the runtime built at startup and the page templates.

Routes declare `runtime: RuntimeDep` (or `TemplatesDep`) instead of reading app.state themselves;
tests replace a dependency with `app.dependency_overrides[get_runtime] = ...`.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from app.runtime import Runtime
from app.settings import Settings


async def get_runtime(request: Request) -> Runtime:
    """Return the runtime built at startup; raise 503 while the model is not loaded."""
    runtime: Runtime | None = getattr(request.app.state, "runtime", None)
    if runtime is None:
        raise HTTPException(503, "the model is not loaded yet")
    return runtime


async def get_settings(request: Request) -> Settings:
    """Return the settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_templates(request: Request) -> Jinja2Templates:
    """Return the page templates the app was created with."""
    templates: Jinja2Templates = request.app.state.templates
    return templates


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]
TemplatesDep = Annotated[Jinja2Templates, Depends(get_templates)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
