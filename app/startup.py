"""Server startup: the lifespan that loads the weights and builds the runtime, and its one-line errors.

The weights are loaded in the lifespan, at server startup, never at import: a bad weights file stops
the server with one line naming the file and the problem, and a non-zero exit.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.blas import limit_blas_threads
from app.runtime import build_runtime
from app.settings import Settings
from model.serving.weights import WeightsError, load

logger = logging.getLogger("app")


class StartupError(Exception):
    """The server cannot start; the message is one line naming the file and the problem."""


def freeze_startup_objects() -> int:
    """Move every object alive after startup out of the garbage collector's reach; return how many were moved.

    The app, FastAPI's routes and models, NumPy and the loaded network are hundreds of thousands of
    objects that live as long as the process. Python's oldest-generation collection walks them all:
    about 20 ms during which no request is answered, often enough under load to set /predict's p99
    (at 8 connections, 52 ms with them tracked, 15 ms frozen; benchmarks/learn_load.py). Collected once
    first, so that no garbage is frozen with them.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


YOUNG_COLLECTION_THRESHOLD = 10_000
"""Tracked objects allocated, net of those freed, between two youngest-generation collections (Python's default: 700).

A drawing's JSON is about 450 lists, alive while its request is checked. At 32 connections, with requests checked
one after another, the default set off 170 collections a second, each walking those lists: 16 to 19 µs of CPU a
request with `"layers": false` (timed with gc.callbacks, 2026-12-03). With 10,000 there was none in 4 s, and none at
one connection either way: the requests' objects are freed as they go, so what still triggers a collection is
garbage in cycles, at most 10,000 objects of it."""


def collect_young_less_often() -> tuple[int, int, int]:
    """Raise the youngest generation's threshold to YOUNG_COLLECTION_THRESHOLD; return the thresholds it replaced."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, before[1], before[2])
    return before


def lifespan(settings: Settings) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    """Return the app's lifespan: load `settings.weights_path`, put the Runtime in app.state while serving."""

    @asynccontextmanager
    async def serving(app: FastAPI) -> AsyncIterator[None]:
        threads = limit_blas_threads()
        try:
            loaded = load(settings.weights_path, settings.weights_sha256)
            runtime = build_runtime(loaded, settings)
        except WeightsError as error:
            raise StartupError(str(error)) from None
        except ValueError as error:
            raise StartupError(f"{settings.weights_path}: {error}") from None
        app.state.runtime = runtime
        freeze_startup_objects()
        thresholds = collect_young_less_often()
        logger.info("serving %s (sha256 %s), %d BLAS thread(s)", loaded.path, loaded.sha256, threads)
        yield
        app.state.runtime = None
        gc.set_threshold(*thresholds)  # the process may go on (tests): as it was

    return serving


class StartupErrorMiddleware:
    """Report a StartupError from the lifespan as its one-line message, without a traceback.

    Starlette reports a failed lifespan to the server with the whole traceback, which uvicorn logs;
    for a known cause (bad weights) the message alone says everything. The error is still raised,
    so the server exits non-zero and a test client sees the exception.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await self.app(scope, receive, send)
            return
        held: list[Message] = []

        async def holding_send(message: Message) -> None:
            if message["type"] == "lifespan.startup.failed":
                held.append(message)  # sent below, once the cause is known
                return
            await send(message)

        try:
            await self.app(scope, receive, holding_send)
        except StartupError as error:
            await send({"type": "lifespan.startup.failed", "message": str(error)})
            raise
        except BaseException:
            for message in held:
                await send(message)
            raise
