"""The interactive API docs at /docs, served entirely by this server.

Swagger UI's files come from the `fastapi-swagger` package (mounted at /docs/swagger-ui in
app.py), so the docs work on a network without internet; the page starts Swagger UI from a
static script, so its Content-Security-Policy needs no inline script and no CDN.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import APIRouter
from starlette.responses import FileResponse

from headcount.http.routes.pages import REVALIDATE, STATIC

SWAGGER_UI = Path(str(files("fastapi_swagger") / "resources"))
SWAGGER_UI_PATH = "/docs/swagger-ui"

router = APIRouter(include_in_schema=False)


@router.api_route("/docs", methods=["GET", "HEAD"])
async def docs() -> FileResponse:
    return FileResponse(STATIC / "docs" / "index.html", media_type="text/html", headers=REVALIDATE)
