"""The ASGI app: `app.main:app` for uvicorn, and `create_app` for tests and other configurations.

Serve it with `python -m app` (app/__main__.py), which adds the deadlines for slow clients and the
connection cap of app/protocol.py; a bare `uvicorn app.main:app` has neither. Each part lives in its
own module; this one only puts them together.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.templating import Jinja2Templates
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware

from app import api, figures, pages
from app.body_limit import BodySizeLimitMiddleware
from app.caching import RevalidatedStaticFiles
from app.docs import add_docs
from app.errors import add_error_handlers
from app.head import HeadMiddleware
from app.learn import routes as learn
from app.learn.service import build_service
from app.openapi import use_openapi
from app.security import SecurityHeadersMiddleware
from app.settings import Settings, load_settings
from app.startup import StartupErrorMiddleware, lifespan

TITLE = "Digit reader"
CORS_MAX_AGE_S = 600
"""How long a browser may keep a CORS preflight's answer."""


def create_app(settings: Settings | None = None) -> FastAPI:
    """Return the app for `settings` (default: from the environment); it loads the weights at startup."""
    settings = settings or load_settings()
    app = FastAPI(
        title=TITLE,
        version="0.1.0",
        description=(
            "Draw a digit and watch a from-scratch NumPy sigmoid network read it. Every error is JSON "
            '`{"detail": ...}` saying what was wrong.'
        ),
        lifespan=lifespan(settings),
        docs_url=None,
        redoc_url=None,
    )
    app.state.runtime = None  # set by the lifespan once the weights are loaded
    app.state.settings = settings
    app.state.templates = Jinja2Templates(directory=settings.templates_dir)
    app.state.learn = build_service(settings)
    app.include_router(api.router)
    app.include_router(learn.router)
    app.include_router(pages.router)
    app.include_router(figures.router)
    if settings.docs:
        add_docs(app, title=TITLE)
    app.mount("/static", RevalidatedStaticFiles(directory=settings.static_dir, check_dir=False), name="static")
    add_error_handlers(app)
    use_openapi(app, settings.limits, settings.learn_limits)
    # The last added runs first: startup errors, CORS (so that every answer carries it), HEAD as GET (outside
    # gzip, so a HEAD's headers are the GET's), the headers on every answer, compression, then the body limit.
    app.add_middleware(
        BodySizeLimitMiddleware, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes
    )
    if settings.gzip_level:
        app.add_middleware(GZipMiddleware, minimum_size=settings.gzip_min_bytes, compresslevel=settings.gzip_level)
    app.add_middleware(
        SecurityHeadersMiddleware, framable_paths=figures.FIGURE_PATHS, frame_ancestors=settings.frame_ancestors
    )
    app.add_middleware(HeadMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Content-Type", "If-None-Match"],
            expose_headers=["ETag"],
            allow_credentials=False,
            max_age=CORS_MAX_AGE_S,
        )
    app.add_middleware(StartupErrorMiddleware)
    return app


app = create_app()
