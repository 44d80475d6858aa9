"""The OpenAPI document as clients should read it: our envelopes, our auth, no FastAPI 422s.

Routes validate bodies and queries themselves (after authentication, SPEC §1), so FastAPI's
generated 422 responses never happen and are taken out.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

PUBLIC = {"/auth/signup", "/auth/login", "/auth/token", "/healthz", "/readyz", "/metrics"}
SECURITY_SCHEMES = {
    "OAuth2": {"type": "oauth2", "flows": {"password": {"tokenUrl": "/auth/token"}}},
    "Bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"},
}


def document(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title, version=app.version, summary=app.summary, routes=app.routes
        )
        for path, operations in schema["paths"].items():
            for operation in operations.values():
                operation["responses"].pop("422", None)
                if path not in PUBLIC:
                    operation["security"] = [{"OAuth2": []}, {"Bearer": []}]
        components = schema.setdefault("components", {})
        for name in ("HTTPValidationError", "ValidationError"):
            components.get("schemas", {}).pop(name, None)
        components["securitySchemes"] = SECURITY_SCHEMES
        app.openapi_schema = schema
    return app.openapi_schema
