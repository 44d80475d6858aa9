"""The two envelopes every HTTP body is in (SPEC §1)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from starlette.responses import Response


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def ok(data: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse({"success": True, "data": data}, status_code=status_code)


def fail(status_code: int, message: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"success": False, "error": message}, status_code, headers=headers)
