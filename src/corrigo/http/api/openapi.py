"""The OpenAPI 3.1 document at ``/api/openapi.json``, built from the wire types."""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from corrigo import __version__
from corrigo.domain.report import (
    LIMITS,
    MAX_BODY_BYTES,
    MAX_SITE_KEY,
    Accepted,
    ErrorBody,
    ReportIn,
)
from corrigo.http.api.openapi_paths import REF, editor_paths, error, group_schemas


def _with_limits(schemas: dict[str, Any]) -> dict[str, Any]:
    """Document the length limits, which apply after cleaning (so msgspec cannot enforce them)."""
    where = {
        "QuoteIn": ("exact", "prefix", "suffix"),
        "ReportIn": (
            "url",
            "title",
            "author",
            "comment",
            "suggestion",
            "lang",
            "client_id",
            "widget_version",
        ),
    }
    for schema_name, fields in where.items():
        props = schemas[schema_name]["properties"]
        for name in fields:
            target = props[name]
            target = next(
                (s for s in target.get("anyOf", [target]) if s.get("type") == "string"), target
            )
            target["maxLength"] = LIMITS[name]
    schemas["QuoteIn"]["properties"]["exact"]["minLength"] = 1
    report = schemas["ReportIn"]["properties"]
    report["site"].update(minLength=1, maxLength=MAX_SITE_KEY)
    report["url"]["pattern"] = "^\\s*[Hh][Tt][Tt][Pp][Ss]?://[^/?#\\s]"
    client_id = next(s for s in report["client_id"]["anyOf"] if s.get("type") == "string")
    client_id["pattern"] = "^[A-Za-z0-9_-]{8,64}$"
    return schemas


def build_document() -> dict[str, Any]:
    """The OpenAPI document (cached by the route after the first call)."""
    (_, _, _), components = msgspec.json.schema_components(
        [ReportIn, Accepted, ErrorBody], ref_template=REF
    )
    schemas = {**_with_limits(components), **group_schemas()}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Corrigo API",
            "version": __version__,
            "description": "Misprint reports from readers; groups for editors.",
        },
        "paths": {
            "/api/v1/reports": {
                "post": {
                    "summary": "Send a misprint report",
                    "description": f"Body at most {MAX_BODY_BYTES} bytes. Answered only after "
                    "the report is committed. Lengths count characters after "
                    "NFC normalisation, control-character removal and "
                    "whitespace folding.",
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": REF.format(name="ReportIn")}}
                        },
                    },
                    "responses": {
                        "202": {
                            "description": "Stored",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": REF.format(name="Accepted")}
                                }
                            },
                        },
                        "400": error("Malformed JSON"),
                        "403": error("Origin or page address not allowed for the site"),
                        "404": error("Unknown site"),
                        "413": error("Body too large"),
                        "422": error("A field breaks a rule"),
                        "429": error("Rate limited; see Retry-After"),
                        "503": error("Not stored; retry later"),
                    },
                },
            },
            **editor_paths(),
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "token": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": "corrigo_session"},
            },
        },
    }


async def openapi_json(_request: Request) -> JSONResponse:
    """Serve the OpenAPI document."""
    return JSONResponse(build_document())


routes = [Route("/api/openapi.json", openapi_json, methods=["GET"])]
