"""The HTML pages: the drawing canvas at / and the model report at /model (templates/*.html extend base.html)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.dependencies import RuntimeDep, TemplatesDep

router = APIRouter(default_response_class=HTMLResponse, include_in_schema=False)
"""Pages for people, not operations for clients: the API schema leaves them out."""


@router.get("/", summary="The drawing page", response_class=HTMLResponse)
async def index(request: Request, runtime: RuntimeDep, templates: TemplatesDep) -> HTMLResponse:
    """Return the page where a digit is drawn and read (templates/index.html)."""
    return templates.TemplateResponse(request, "index.html", {"info": runtime.info})


@router.get("/model", summary="The model report page", response_class=HTMLResponse)
async def model_page(request: Request, runtime: RuntimeDep, templates: TemplatesDep) -> HTMLResponse:
    """Return the page about the network and its evaluation (templates/model.html)."""
    context = {"info": runtime.info, "evaluation": runtime.evaluation}
    return templates.TemplateResponse(request, "model.html", context)
