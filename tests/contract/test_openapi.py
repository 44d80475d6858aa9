"""The OpenAPI document describes what the server really does."""

from __future__ import annotations

from tests.support.client import Api

BODIES = {
    ("post", "/auth/signup"),
    ("post", "/auth/login"),
    ("post", "/auth/token"),
    ("post", "/class"),
    ("post", "/class/{class_id}/add-student"),
    ("post", "/attendance/start"),
    ("post", "/attendance/mark"),
    ("patch", "/class/{class_id}"),
    ("post", "/class/{class_id}/students"),
    ("post", "/auth/password"),
    ("post", "/auth/setup"),
    ("post", "/admin/users"),
    ("patch", "/admin/users/{user_id}"),
}
# docs/roster.md's routes without a body.
BODILESS = {
    ("delete", "/class/{class_id}"),
    ("delete", "/class/{class_id}/students/{student_id}"),
    ("post", "/auth/logout"),
    ("get", "/admin/schools"),
    ("get", "/admin/users"),
    ("post", "/admin/users/{user_id}/setup-code"),
}


async def test_every_route_has_its_body_success_and_failure_documented(api: Api) -> None:
    docs = await api.http.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    spec = (await api.http.get("/openapi.json")).json()
    operations = {
        (method, path): operation
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    }
    assert set(operations) >= BODIES | BODILESS
    assert {"/students", "/classes", "/class/{class_id}/attendance", "/readyz"} <= set(
        spec["paths"]
    )
    for (method, path), operation in operations.items():
        responses = operation["responses"]
        assert "422" not in responses, (method, path)
        if path not in ("/healthz", "/metrics"):  # answered by the process alone
            assert responses["503"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Failure"
            }
        success = [code for code in responses if code.startswith("2")]
        assert success, (method, path)
        if (method, path) in BODIES:
            assert operation["requestBody"]["required"] is True, (method, path)
    failure = spec["components"]["schemas"]["Failure"]
    assert set(failure["properties"]) == {"success", "error"}
    assert "OAuth2" in spec["components"]["securitySchemes"]
    query = {p["name"] for p in operations[("get", "/students")]["parameters"]}
    assert query == {"q", "limit", "offset"}
    query = {p["name"] for p in operations[("get", "/admin/users")]["parameters"]}
    assert query == {"q", "role", "active", "schoolId", "limit", "offset"}
    query = {p["name"] for p in operations[("get", "/classes")].get("parameters", [])}
    assert "archived" in query
