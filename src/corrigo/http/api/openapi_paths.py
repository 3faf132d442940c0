"""OpenAPI descriptions of the editors' API (groups, decisions, sites, deliveries, export).

Every endpoint accepts an API token (``Authorization: Bearer …``) or a
signed-in dashboard session; with a session, POSTs need the session's
``X-CSRF-Token`` header. An editor sees only their sites: anything of another
site answers 404, like something that does not exist.
"""

from __future__ import annotations

from typing import Any

import msgspec

from corrigo.domain.numbers import MAX_ID
from corrigo.http.api.apply import ApplyBody
from corrigo.http.api.groups import BulkDecision, Decision
from corrigo.http.api.proofread import MAX_BODY as MAX_PROOFREAD_BODY
from corrigo.http.api.proofread import ProofreadBody
from corrigo.http.api.sites import MAX_ORIGIN, ORIGIN_PATTERN
from corrigo.store.inbox import MAX_LIMIT, MAX_SEARCH, STATUS_ORDER

REF = "#/components/schemas/{name}"
SECURITY: list[dict[str, list[str]]] = [{"token": []}, {"session": []}]


def error(description: str) -> dict[str, Any]:
    """A response answered with the JSON error body."""
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(name="ErrorBody")}}},
    }


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"name": name, "in": "query", "schema": schema, "description": description}


ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _path_id(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": ID}


def _json(description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema or {"type": "object"}}},
    }


DAY = {"type": "string", "format": "date"}
INBOX_FILTERS = [
    _query("site", {"type": "string"}, "A site's public key (404 if it is not yours)."),
    _query(
        "status",
        {"enum": [*STATUS_ORDER, "all"]},
        "Only this status; by default every status, open ones first.",
    ),
    _query("lang", {"type": "string"}, "Page language, e.g. uk (also matches uk-UA)."),
    _query("url", {"type": "string"}, "Page addresses starting with this (a site section)."),
    _query("since", DAY, "A report on or after this day (UTC)."),
    _query("until", DAY, "A report on or before this day (UTC); before `since`, nothing."),
    _query(
        "q",
        {"type": "string", "maxLength": MAX_SEARCH},
        "Text in the quote or in a reader's comment (case-insensitive).",
    ),
    _query(
        "still_on_page",
        {"type": "boolean"},
        "Only groups marked fixed whose misprint the last page check still found.",
    ),
]
# Every endpoint that reads a JSON body (see corrigo.http.api.request_body).
JSON_BODY_ERRORS = {
    "400": error("The body is not JSON in UTF-8 (`malformed_json`)"),
    "413": error("The body is too large"),
}
_COMMON = {"401": error("No session and no valid token"), "404": error("Not found, or not yours")}


def group_schemas() -> dict[str, Any]:
    """JSON Schemas of the decision bodies, from the types the API decodes them with."""
    _refs, components = msgspec.json.schema_components(
        [Decision, BulkDecision, ApplyBody, ProofreadBody], ref_template=REF
    )
    components["BulkDecision"]["properties"]["ids"]["items"] = ID
    return components


def _decision_body(name: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": REF.format(name=name)}}},
    }


def editor_paths() -> dict[str, Any]:
    """The paths of the editors' API."""
    decided = {
        "200": _json("The group(s) after the decision"),
        **JSON_BODY_ERRORS,
        "403": error("Session without the right X-CSRF-Token"),
        "422": error("A field breaks a rule"),
        **_COMMON,
    }
    return {
        "/api/v1/groups": {
            "get": {
                "summary": "The inbox: error groups, open first, most reported, most recent",
                "description": "Keyset-paginated: pass the answer's `next` as `after`.",
                "security": SECURITY,
                "parameters": [
                    *INBOX_FILTERS,
                    _query("after", {"type": "string"}, "The `next` cursor of the previous page."),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}, ""),
                ],
                "responses": {
                    "200": _json("`items` and the `next` cursor (null on the last page)"),
                    "422": error("A filter value is not valid"),
                    **_COMMON,
                },
            },
        },
        "/api/v1/groups/{group_id}": {
            "get": {
                "summary": "One group: reports, proposed corrections as word diffs, decisions",
                "security": SECURITY,
                "parameters": [_path_id("group_id")],
                "responses": {"200": _json("The group"), **_COMMON},
            },
        },
        "/api/v1/groups/{group_id}/actions": {
            "post": {
                "summary": "Decide on a group: fixed, reject, spam or reopen, with a note",
                "security": SECURITY,
                "parameters": [_path_id("group_id")],
                "requestBody": _decision_body("Decision"),
                "responses": decided,
            },
        },
        "/api/v1/groups/{group_id}/apply": {
            "post": {
                "summary": "Preview or apply a correction in the site's CMS through its connector",
                "description": "`preview: true` reads the source, places the words and answers "
                "the change as a word diff with the source's `base_version`; send that back "
                "with `preview: false` to apply. Nothing is written on a refusal.",
                "security": SECURITY,
                "parameters": [_path_id("group_id")],
                "requestBody": _decision_body("ApplyBody"),
                "responses": {
                    "200": _json(
                        "`applied`, `status`, `preview` (the word diff), `diff`, `connector`, "
                        "`base_version`, `revision`, `location`, `reason`"
                    ),
                    **JSON_BODY_ERRORS,
                    "403": error("Session without the right X-CSRF-Token"),
                    "409": _json("The source changed since the preview; nothing was written"),
                    "422": _json("The words cannot be placed in the source, or a field is wrong"),
                    **_COMMON,
                },
            },
        },
        "/api/v1/groups/{group_id}/verify": {
            "post": {
                "summary": "Check the group's page now: is the misprint still there?",
                "description": (
                    "Answers `outcome` (present, corrected, missing or unreachable), "
                    "`checked_at`, `now` (the text at that spot now, or null) and `reason` "
                    "(why the page could not be read, or null)."
                ),
                "security": SECURITY,
                "parameters": [_path_id("group_id")],
                "responses": {
                    "200": _json("The outcome of the check"),
                    "403": error("Session without the right X-CSRF-Token"),
                    "503": error("No worker did the check in time"),
                    **_COMMON,
                },
            },
        },
        "/api/v1/groups/actions": {
            "post": {
                "summary": "The same decision on several groups (all yours, or nothing changes)",
                "security": SECURITY,
                "requestBody": _decision_body("BulkDecision"),
                "responses": decided,
            },
        },
        "/api/v1/proofread": {
            "post": {
                "summary": "Proofread a draft with the dictionaries and the site's memory",
                "description": f"Body at most {MAX_PROOFREAD_BODY} bytes, with `html` or `text`. "
                "`issues` lists each suspect word: `word`, `start`, `end` (characters of the "
                "checked text), `sentence`, `suggestions`, `reason` (`dictionary` or `site: …`).",
                "security": SECURITY,
                "requestBody": _decision_body("ProofreadBody"),
                "responses": {
                    "200": _json("`dictionary` (null without one), `issues`, `truncated`"),
                    "400": error("Malformed JSON"),
                    "403": error("Session without the right X-CSRF-Token"),
                    "413": error("Body too large"),
                    "422": error("A field breaks a rule"),
                    **_COMMON,
                },
            },
        },
        "/api/v1/sites": {
            "get": {
                "summary": "The sites you may see (their keys filter the inbox)",
                "security": SECURITY,
                "responses": {"200": _json("`items`: key, name, lang"), **_COMMON},
            },
        },
        "/api/v1/sites/{key}/check": {
            "get": {
                "summary": "Public: whether a site key exists and an origin may send its reports",
                "description": "Needs no token (a site key is public). Says nothing else about "
                "the site; a CMS plugin asks it when its key is pasted.",
                "security": [],
                "parameters": [
                    {
                        "name": "key",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "minLength": 1, "maxLength": 64},
                    },
                    {
                        "name": "origin",
                        "in": "query",
                        "required": True,
                        "schema": {
                            "type": "string",
                            "maxLength": MAX_ORIGIN,
                            "pattern": ORIGIN_PATTERN,
                        },
                        "description": "The CMS's origin, e.g. https://news.example",
                    },
                ],
                "responses": {
                    "200": _json(
                        "`site`: true, `origin_allowed`: whether reports from there are accepted",
                        {
                            "type": "object",
                            "properties": {
                                "site": {"const": True},
                                "origin_allowed": {"type": "boolean"},
                            },
                            "required": ["site", "origin_allowed"],
                        },
                    ),
                    "404": error("No site has this key"),
                    "422": error("origin is missing or not like https://host[:port]"),
                },
            },
        },
        "/api/v1/deliveries": {
            "get": {
                "summary": "Notification deliveries of your sites, newest first",
                "security": SECURITY,
                "parameters": [
                    _query(
                        "status",
                        {"enum": ["pending", "sending", "sent", "failed", "digest", "all"]},
                        "failed by default",
                    ),
                    _query("limit", {"type": "integer", "minimum": 1, "maximum": 500}, ""),
                    _query(
                        "before",
                        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
                        "The `next` id of the previous page.",
                    ),
                ],
                "responses": {
                    "200": _json("`items` and `next`"),
                    "422": error("A parameter is not valid"),
                    **_COMMON,
                },
            },
        },
        "/api/v1/deliveries/{delivery_id}/retry": {
            "post": {
                "summary": "Send a failed delivery again now",
                "security": SECURITY,
                "parameters": [_path_id("delivery_id")],
                "responses": {
                    "200": _json("The delivery, queued"),
                    "403": error("Session without the right X-CSRF-Token"),
                    "409": error("The delivery has not failed"),
                    **_COMMON,
                },
            },
        },
        "/api/v1/export": {
            "get": {
                "summary": "Groups or reports as CSV or JSON, filtered like the inbox",
                "description": "CSV cells a spreadsheet would read as a formula are neutralised.",
                "security": SECURITY,
                "parameters": [
                    _query("what", {"enum": ["groups", "reports"]}, "groups by default"),
                    _query("format", {"enum": ["csv", "json"]}, "csv by default"),
                    *INBOX_FILTERS,
                ],
                "responses": {
                    "200": {
                        "description": "The file",
                        "content": {"text/csv": {}, "application/json": {}},
                    },
                    "422": error("A parameter is not valid"),
                    **_COMMON,
                },
            },
        },
    }
