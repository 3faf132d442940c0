"""`/api/openapi.json` describes every API endpoint the application serves, and only those."""

from __future__ import annotations

from starlette.routing import Route
from starlette.testclient import TestClient

from corrigo.domain.lifecycle import Action


def test_every_api_route_is_described(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    served = {
        (route.path_format, method.lower())
        for route in client.app.routes  # type: ignore[attr-defined]
        if isinstance(route, Route) and route.path_format.startswith("/api/v1/")
        for method in route.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }
    described = {
        (path, method) for path, operations in document["paths"].items() for method in operations
    }
    assert served == described
    public = {("/api/v1/reports", "post"), ("/api/v1/sites/{key}/check", "get")}
    assert document["paths"]["/api/v1/sites/{key}/check"]["get"]["security"] == []
    for path, method in described - public:
        operation = document["paths"][path][method]
        assert operation["security"] == [{"token": []}, {"session": []}], path
        assert "404" in operation["responses"], path


def test_decision_schema_lists_the_store_actions(client: TestClient) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    for body in ("Decision", "BulkDecision"):
        assert schemas[body]["properties"]["action"] == {"$ref": "#/components/schemas/Action"}
    assert set(schemas["Action"]["enum"]) == set(Action)
    assert schemas["BulkDecision"]["properties"]["ids"]["maxItems"] == 500
