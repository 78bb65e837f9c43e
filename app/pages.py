"""The HTML pages: the drawing canvas at / and the model report at /model."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from app.api import get_runtime


def pages_router(templates: Jinja2Templates) -> APIRouter:
    """Return the router of the pages, rendered with `templates`."""
    router = APIRouter(default_response_class=HTMLResponse)

    @router.get("/", summary="The drawing page", response_class=HTMLResponse)
    async def index(request: Request) -> HTMLResponse:
        """Return the page where a digit is drawn and read (templates/index.html)."""
        info = get_runtime(request).info
        return templates.TemplateResponse(request, "index.html", {"info": info})

    @router.get("/model", summary="The model report page", response_class=HTMLResponse)
    async def model_page(request: Request) -> HTMLResponse:
        """Return the page about the network and its evaluation (templates/model.html)."""
        runtime = get_runtime(request)
        context = {"info": runtime.info, "evaluation": runtime.evaluation}
        return templates.TemplateResponse(request, "model.html", context)

    return router
