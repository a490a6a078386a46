"""/docs: Swagger UI over /openapi.json, its assets served from the installed package.

FastAPI's own /docs loads Swagger UI from a CDN and starts it with an inline script: blank
offline or behind a strict proxy, and refused by our Content-Security-Policy. Here the
assets come from the `swagger-ui-bundle-v2` package and the start-up script is a file.
Both /docs and /openapi.json are public: the document describes the API and holds no data.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>holdwatch — API</title>"
    "<link rel=stylesheet href=/docs/assets/swagger-ui.css></head><body>"
    "<div id=swagger-ui></div><script src=/docs/assets/swagger-ui-bundle.js></script>"
    "<script src=/static/docs.js></script></body></html>"
)


def swagger_ui_assets() -> Path:
    """The Swagger UI build inside the swagger_ui_bundle package (vendor/swagger-ui-X.Y.Z)."""
    vendor = Path(str(importlib.resources.files("swagger_ui_bundle").joinpath("vendor")))
    builds = sorted(vendor.glob("swagger-ui-*"))
    if not builds:
        raise RuntimeError("swagger_ui_bundle: no Swagger UI build in the package")
    return builds[-1]


def add_docs(app: FastAPI) -> None:
    app.mount("/docs/assets", StaticFiles(directory=swagger_ui_assets()), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(DOCS)
