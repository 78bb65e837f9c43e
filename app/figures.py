"""The article's figures: pages that can be framed (/figures/pixels, /neuron, /sigmoid) and their SVG.

Each page is one figure and a small drawing pad. The figure itself is drawn here, by model.figures, the
renderer `make figures` uses too: the page posts the pad's drawing to /figures/NAME.svg and puts the SVG
it gets in the page (static/js/figures/). GET /figures/NAME.svg is the figure of the sample drawing, or
of MNIST test image ?mnist=INDEX. The origins in DIGITS_FRAME_ANCESTORS may show the pages in an iframe
(app/security.py). With the MNIST files on the server (DIGITS_MNIST_DIR or MNIST_DIR), ?mnist=INDEX
starts from that test image; without them, from the sample drawing.
"""

from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response
from numpy.typing import NDArray
from starlette.concurrency import run_in_threadpool

from app.dependencies import RuntimeDep, SettingsDep, TemplatesDep
from app.errors import JSON, media_type
from app.parsing import PredictInput, parse_predict_body
from app.runtime import Runtime
from model.constants import IMAGE_SIDE
from model.datasets.mnist_files import DatasetError, MnistTestSet, load_test_set
from model.figures.export import NAMES, SAMPLE_DIGIT, draw, image_from_mnist, image_from_strokes
from model.figures.svg import to_bytes
from model.figures.terms import FigureError, check_neuron
from model.reading.strokes import render

logger = logging.getLogger("app")

SVG = "image/svg+xml"

FIGURES = {
    "pixels": "The pixels of a digit",
    "neuron": "One neuron: z = Σ wᵢxᵢ + b, a = σ(z)",
    "sigmoid": "The sigmoid σ(z) = 1 / (1 + e^−z)",
}
"""Each figure's page name and heading."""

FIGURE_PATHS = frozenset(f"/figures/{name}" for name in FIGURES)
"""The only paths that DIGITS_FRAME_ANCESTORS lets other sites frame."""

router = APIRouter(prefix="/figures", default_response_class=HTMLResponse, include_in_schema=False)
"""Pages for iframes, documented in docs/figures.md rather than in the API schema: their parameters are all
optional, and a generated "invalid" query often cannot be written in a URL at all (an empty list), so a
schema-driven fuzzer would take the page's fair 200 for a wrong answer."""


@dataclass(frozen=True)
class MnistDigit:
    """One MNIST test image: its index and its label (the page names it; GET /figures/NAME.svg draws it)."""

    index: int
    label: int


@functools.lru_cache(maxsize=2)
def mnist_test_set(folder: Path) -> MnistTestSet | None:
    """Return the MNIST test set in `folder`, read and verified once; None (logged) when it cannot be read."""
    try:
        return load_test_set(folder)
    except DatasetError as error:
        logger.warning("figures: no MNIST test images, ?mnist is ignored (%s)", error)
        return None


def mnist_digit(*, digits: MnistTestSet | None, index: int | None) -> MnistDigit | None:
    """Return test image `index`, or None when none was asked for or the server has no MNIST files.

    Raises FigureError for an index outside the test set.
    """
    if index is None or digits is None:
        return None
    count = len(digits.labels)
    if index >= count:
        raise FigureError(f"no MNIST test image {index}: the indices are 0-{count - 1}")
    return MnistDigit(index=index, label=int(digits.labels[index]))


@functools.cache
def sample_drawing() -> str:
    """Return the sample drawing the pages start from, as the JSON the page reads."""
    return json.dumps(json.loads(SAMPLE_DIGIT.read_text(encoding="utf-8")), separators=(",", ":"))


@functools.cache
def sample_image() -> tuple[NDArray[np.float32], str]:
    """Return the 28x28 image of the sample drawing (rendered once; never written to) and the sentence naming it."""
    image, source = image_from_strokes(json.loads(sample_drawing()), name=SAMPLE_DIGIT.name)
    return image.astype(np.float32), source


def figure_svg(
    *, runtime: Runtime, figure: str, image: NDArray[np.floating], source: str, layer: int, index: int
) -> bytes:
    """Return the SVG file of `figure` for `image` and neuron `index` of `layer`: the bytes `make figures` writes.

    Raises FigureError for a figure or neuron that does not exist.
    """
    root = draw(figure, network=runtime.reader, image=image, source=source, layer=layer, index=index)
    return to_bytes(root)


def figure_context(
    *, figure: str, sizes: list[int], layer: int, index: int, digit: MnistDigit | None, mnist_asked: bool
) -> dict[str, Any]:
    """Return what a figure template needs; raise FigureError when the neuron is not a hidden one."""
    check_neuron(sizes=sizes, layer=layer, index=index)
    return {
        "figure": figure,
        "heading": FIGURES[figure],
        "image_side": IMAGE_SIDE,
        "layer": layer,
        "index": index,
        "sample": sample_drawing(),
        "digit": digit,
        "mnist_missing": mnist_asked and digit is None,
    }


def drawing_svg(*, runtime: Runtime, figure: str, drawing: PredictInput, layer: int, index: int) -> bytes:
    """Return the SVG file of `figure` for a checked POST body: its strokes rendered, or its pixels as they are.

    Raises NoInkError for strokes that leave no ink, FigureError for a figure or neuron that does not exist.
    """
    image = render(drawing.strokes) if drawing.strokes is not None else drawing.pixels
    assert image is not None  # parse_predict_body guarantees strokes or pixels
    source = "the drawing" if drawing.strokes is not None else "the image sent"
    return figure_svg(runtime=runtime, figure=figure, image=image, source=source, layer=layer, index=index)


def query_problem(*, names: list[str], allowed: tuple[str, ...]) -> str | None:
    """Return why a query with these parameter names is refused (a name unknown or repeated), or None.

    A mistyped parameter would otherwise be ignored and the figure show another neuron than the author meant.
    """
    for name in names:
        if name not in allowed:
            return f"unknown query parameter {name!r}: this figure takes {', '.join(allowed)}"
        if names.count(name) > 1:
            return f"query parameter {name!r} is given {names.count(name)} times"
    return None


def refuse_other_parameters(request: Request, allowed: tuple[str, ...]) -> None:
    """Raise 422 for a query parameter the route does not take, or one given twice (see query_problem)."""
    problem = query_problem(names=[name for name, _ in request.query_params.multi_items()], allowed=allowed)
    if problem:
        raise HTTPException(422, problem)


async def get_digits(settings: SettingsDep) -> MnistTestSet | None:
    """Return the server's MNIST test set, or None without the files (loaded on first use, off the event loop)."""
    folder = settings.mnist_dir
    return None if folder is None else await run_in_threadpool(mnist_test_set, folder)


DigitsDep = Annotated[MnistTestSet | None, Depends(get_digits)]
Layer = Annotated[int, Query(ge=1, description="The neuron's layer: 1 = the first hidden layer.")]
Index = Annotated[int, Query(ge=0, description="The neuron's index in its layer, from 0.")]
Mnist = Annotated[int | None, Query(ge=0, description="Start from this MNIST test image (if the server has MNIST).")]


@dataclass(frozen=True)
class FigureQuery:
    """What a figure's query asks for: neuron `index` of hidden layer `layer`, and MNIST test image `mnist` (or None)."""

    layer: int
    index: int
    mnist: int | None


async def figure_query(layer: Layer = 1, index: Index = 0, mnist: Mnist = None) -> FigureQuery:
    """Return the query parameters a neuron figure's page and SVG take (FastAPI answers 422 for a wrong one)."""
    return FigureQuery(layer=layer, index=index, mnist=mnist)


FigureQueryDep = Annotated[FigureQuery, Depends(figure_query)]


async def _page(
    request: Request,
    templates: TemplatesDep,
    runtime: RuntimeDep,
    digits: DigitsDep,
    *,
    figure: str,
    query: FigureQuery,
) -> HTMLResponse:
    """Return the page of `figure`; 404 for a neuron or MNIST image that does not exist, 422 for a wrong parameter."""
    refuse_other_parameters(request, ("mnist",) if figure == "pixels" else ("layer", "index", "mnist"))
    digit = mnist_digit(digits=digits, index=query.mnist)  # FigureError: 404 (app.errors.STATUS_OF)
    context = figure_context(
        figure=figure,
        sizes=runtime.info["sizes"],
        layer=query.layer,
        index=query.index,
        digit=digit,
        mnist_asked=query.mnist is not None,
    )
    return templates.TemplateResponse(request, "figures/figure.html", {"info": runtime.info, **context})


@router.get("/pixels", summary="Figure: a digit as its 784 values 0-255")
async def pixels(
    request: Request, templates: TemplatesDep, runtime: RuntimeDep, digits: DigitsDep, mnist: Mnist = None
) -> HTMLResponse:
    """Return the pixel figure page: the grid of the drawing's (or ?mnist test image's) values."""
    query = FigureQuery(layer=1, index=0, mnist=mnist)
    return await _page(request, templates, runtime, digits, figure="pixels", query=query)


def _hidden_neuron_figure(figure: str, summary: str, doc: str) -> None:
    """Register the page route of `figure`, a figure of neuron `index` of hidden layer `layer` (returns nothing)."""

    async def route(
        request: Request, templates: TemplatesDep, runtime: RuntimeDep, digits: DigitsDep, query: FigureQueryDep
    ) -> HTMLResponse:
        return await _page(request, templates, runtime, digits, figure=figure, query=query)

    route.__name__ = figure
    route.__doc__ = doc
    router.get(f"/{figure}", summary=summary)(route)


_hidden_neuron_figure(
    "neuron",
    "Figure: one neuron as the classic diagram",
    "Return the neuron figure page for neuron `index` of hidden layer `layer`.",
)
_hidden_neuron_figure(
    "sigmoid",
    "Figure: the sigmoid, with a neuron's (z, a) on it",
    "Return the sigmoid figure page with the point of neuron `index` of hidden layer `layer`.",
)


def _svg_query(request: Request, figure: str, *, mnist: bool) -> None:
    """Raise 404 for a figure that does not exist and 422 for a query parameter it does not take."""
    if figure not in NAMES:
        raise HTTPException(404, f"no figure {figure!r}: the figures are {', '.join(NAMES)}")
    refuse_other_parameters(request, ("layer", "index", "mnist") if mnist else ("layer", "index"))


@router.get("/{figure}.svg", response_class=Response, summary="A figure as SVG: the sample drawing or ?mnist")
async def figure_file(
    request: Request, runtime: RuntimeDep, digits: DigitsDep, figure: str, query: FigureQueryDep
) -> Response:
    """Return the SVG of `figure` for the sample drawing, or MNIST test image `mnist`; 404 for what does not exist."""
    _svg_query(request, figure, mnist=True)
    mnist = query.mnist
    if mnist is not None and digits is None:
        raise HTTPException(404, "this server has no MNIST files: ?mnist cannot be drawn")
    # FigureError (no such image, figure or neuron): 404 (app.errors.STATUS_OF)
    image, source = image_from_mnist(digits, mnist) if digits is not None and mnist is not None else sample_image()
    svg = await run_in_threadpool(
        figure_svg, runtime=runtime, figure=figure, image=image, source=source, layer=query.layer, index=query.index
    )
    return Response(svg, media_type=SVG)


@router.post("/{figure}.svg", response_class=Response, summary="A figure as SVG, of a drawing")
async def figure_of_drawing(
    request: Request, runtime: RuntimeDep, figure: str, layer: Layer = 1, index: Index = 0
) -> Response:
    """Return the SVG of `figure` for the drawing in the body, a POST /predict JSON body (strokes or pixels).

    The errors are /predict's for the body (415, 413, 422 for no ink), 404 for a figure or neuron that does not exist.
    """
    _svg_query(request, figure, mnist=False)
    if media_type(request.headers.get("content-type", "")) != JSON:
        raise HTTPException(415, "the body must be application/json: strokes or pixels, as for POST /predict")
    # InputError, NoInkError, FigureError: answered by app.errors.STATUS_OF
    drawing = parse_predict_body(await request.body(), runtime.limits)
    svg = await run_in_threadpool(
        drawing_svg, runtime=runtime, figure=figure, drawing=drawing, layer=layer, index=index
    )
    return Response(svg, media_type=SVG)
