"""Interactive API docs at /docs, with Swagger UI served from this server so they work offline.

FastAPI's own /docs loads Swagger UI from a CDN and starts it with an inline script; both would
break the app offline or need a weaker Content-Security-Policy. The Swagger UI files come from the
swagger-ui-bundle-v2 package (Swagger UI 5, which reads the OpenAPI 3.1 that FastAPI writes) and
the start-up script is a file of its own, so /docs needs no inline script.
"""

from __future__ import annotations

import json
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse, Response
from swagger_ui_bundle import swagger_ui_path

from app.caching import RevalidatedStaticFiles

SWAGGER_UI_DIR = Path(str(swagger_ui_path))

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title} - API docs</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
"""

_INIT = """window.ui = SwaggerUIBundle({
  url: %s,
  dom_id: "#swagger-ui",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
"""


def add_docs(app: FastAPI, *, title: str) -> None:
    """Serve Swagger UI at /docs (page, start-up script and assets), reading app.openapi_url."""
    page = _PAGE.format(title=title)
    init = _INIT % json.dumps(app.openapi_url)
    router = APIRouter(include_in_schema=False)

    @router.get("/docs")
    async def docs_page() -> HTMLResponse:
        """Return the Swagger UI page."""
        return HTMLResponse(page)

    @router.get("/docs/init.js")
    async def docs_init() -> Response:
        """Return the script that starts Swagger UI on this app's OpenAPI schema."""
        return Response(init, media_type="text/javascript")

    app.include_router(router)
    app.mount("/docs/assets", RevalidatedStaticFiles(directory=SWAGGER_UI_DIR), name="docs-assets")
