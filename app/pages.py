"""The HTML pages: the drawing canvas at /, training live at /learn and the model report at /model (templates/*.html)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.dependencies import RuntimeDep, TemplatesDep
from app.learn.routes import LearnDep, learn_info
from app.runtime import layer_names
from model.constants import NUM_CLASSES, NUM_PIXELS

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


@router.get("/learn", summary="The page where a network trains live", response_class=HTMLResponse)
async def learn_page(request: Request, learn: LearnDep, templates: TemplatesDep) -> HTMLResponse:
    """Return the page that trains a network in front of the learner (templates/learn.html).

    Its form is filled from GET /api/learn's body (limits, defaults, costs, data); the layer sizes of the input
    and the output come from model.constants and the layers' names from app.runtime.layer_names, so the page's
    scripts hold no size or name of their own.
    """
    info = learn_info(service=learn)
    # The layers' names for each number of hidden layers a job may have, by the server's one naming rule.
    names = {
        hidden: ["input", *layer_names(hidden + 1)] for hidden in range(1, learn.limits.learn_max_hidden_layers + 1)
    }
    context = {"learn": info, "pixels": NUM_PIXELS, "classes": NUM_CLASSES, "layer_names": names}
    return templates.TemplateResponse(request, "learn.html", context)
