"""The OpenAPI 3.1 document of head office, assembled from the protocol's pydantic models.

The routes read raw bodies (the size, nesting and text checks come before any parsing), so
FastAPI's own generated document would not know the bodies; this one names them all: every
endpoint, a push's op of every entity and kind with its payload's model, the device token,
and each refusal with the stable codes it may carry. ``crm headoffice openapi`` writes it
(``docs/openapi.json``, kept current by a test) and head office serves it to administrators
(``GET /admin/openapi.json``).
"""

from __future__ import annotations

import json
from typing import Any, Final

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from crm.sync import protocol as P

OPENAPI_PATH: Final = "/admin/openapi.json"
REGENERATE: Final = "crm headoffice openapi -o docs/openapi.json"
_REF = "#/components/schemas/{model}"

# The models named in the document (their nested models come along).
_MODELS: tuple[type[BaseModel], ...] = (
    P.HelloRequest,
    P.Register,
    P.Unlock,
    P.Op,
    P.HelloAnswer,
    P.RegisterAnswer,
    P.UnlockAnswer,
    P.PushAnswer,
    P.PullAnswer,
    P.SnapshotAnswer,
    P.CountsAnswer,
    P.ErrorBody,
    P.BlobState,
)

# Why each status is answered, and which codes it carries.
_REFUSALS: dict[int, str] = {
    400: "a malformed request: not a JSON object, nested too deeply, a number out of range, "
    "text that cannot be stored (a lone surrogate, NUL)",
    401: "no device token, or one head office does not know (registration: a wrong user name "
    "or password)",
    403: "a revoked device (it wipes its data) or a role that may not do this",
    404: "no such user in the lead's team",
    409: "the device's clock is too far from head office's, or the device id is another user's",
    413: "a body over the size limit (declared or streamed, chunked too) or too many ops",
    422: "a body that does not fit the request's model",
    426: "a sync protocol head office does not speak: update the app",
    429: "too many wrong passwords from this user or this address: try again later",
}


def _refusal(status: int, *codes: str) -> dict[str, Any]:
    return {
        "description": _REFUSALS[status],
        "content": {
            "application/json": {
                "schema": {
                    "allOf": [
                        {"$ref": _REF.format(model="ErrorBody")},
                        {"properties": {"error": {"enum": list(codes)}}},
                    ]
                }
            }
        },
    }


def _ok(model: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": _REF.format(model=model)}}},
    }


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


_PROTOCOL = {"$ref": "#/components/parameters/Protocol"}
_TOKEN: list[dict[str, list[str]]] = [{"deviceToken": []}]
_COUNT = {"type": "integer", "minimum": 0, "maximum": P.MAX_INT}
_PAGE = {"type": "integer", "minimum": 1, "maximum": P.MAX_PAGE}


def _signed_in(status_ok: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The answers of an endpoint that needs the device token (its own added)."""
    return {
        200: status_ok,
        400: _refusal(400, P.E_BAD),
        401: _refusal(401, P.E_AUTH),
        403: _refusal(403, P.E_REVOKED),
        426: _refusal(426, P.E_UPGRADE),
    }


def _answers(table: dict[int, dict[str, Any]]) -> dict[str, Any]:
    return {str(status): table[status] for status in sorted(table)}


def op_variants() -> list[dict[str, Any]]:
    """An op of each entity and kind head office knows, with its payload's model: a
    prospect's kinds, each child entity's kinds that make a record, the field changes
    (any other kind) and the removals; an entity head office does not know yet is a child
    record too (any kind, any fields under a ``prospect_id``)."""
    variants: list[dict[str, Any]] = []

    def add(entity: Any, kind: Any, payload: dict[str, Any], title: str) -> None:
        variants.append(
            {
                "title": title,
                "allOf": [
                    {"$ref": _REF.format(model="Op")},
                    {"properties": {"entity": entity, "kind": kind, "payload": payload}},
                ],
            }
        )

    def ref(model: type[BaseModel]) -> dict[str, Any]:
        return {"$ref": _REF.format(model=model.__name__)}

    def child(model: type[BaseModel]) -> dict[str, Any]:
        # A child's fields come as the payload itself or under its "fields".
        return {
            "anyOf": [
                ref(model),
                {"type": "object", "properties": {"fields": ref(model)}, "required": ["fields"]},
            ]
        }

    removal = sorted(P.DELETE_KINDS)
    for kind, model in P.PROSPECT_PAYLOADS.items():
        if kind not in P.DELETE_KINDS:
            add({"const": "prospect"}, {"const": kind}, ref(model), f"prospect {kind}")
    for entity, kinds in P.CHILD_PAYLOADS.items():
        for kind, model in kinds.items():
            add({"const": entity}, {"const": kind}, child(model), f"{entity} {kind}")
        fields = P.CHILD_FIELDS[entity]
        taken = sorted({*kinds, *P.DELETE_KINDS})
        add(
            {"const": entity},
            {"not": {"enum": taken}},
            child(fields),
            f"{entity}: any other kind changes fields",
        )
    known = sorted({"prospect", *P.CHILD_FIELDS, *P.ENTITY_ORDER})
    add({"enum": known}, {"enum": removal}, ref(P.Removal), "a removal (delete wins)")
    add(
        {"not": {"enum": known}},
        {"type": "string"},
        child(P.ChildFields),
        "a record of an entity head office does not know by name (under a prospect)",
    )
    return variants


def _schemas() -> dict[str, Any]:
    payloads: set[type[BaseModel]] = {
        *P.PROSPECT_PAYLOADS.values(),
        *P.CHILD_FIELDS.values(),
        *(m for kinds in P.CHILD_PAYLOADS.values() for m in kinds.values()),
        P.ChildFields,
        P.Removal,
    }
    models: list[type[BaseModel]] = [*_MODELS, *sorted(payloads, key=lambda m: m.__name__)]
    _, top = models_json_schema([(m, "validation") for m in models], ref_template=_REF)
    schemas: dict[str, Any] = dict(sorted(top.get("$defs", {}).items()))
    schemas["PushRequest"] = {
        "title": "PushRequest",
        "description": (P.PushRequest.__doc__ or "").strip()
        + " An op that does not fit its kind's model is rejected on its own (code "
        f"'{P.R_INVALID}'); the other ops go on.",
        "type": "object",
        "properties": {
            "ops": {
                "type": "array",
                "maxItems": P.MAX_PAGE,
                "items": {"anyOf": op_variants()},
            }
        },
        "required": ["ops"],
    }
    return schemas


def _blob_paths() -> dict[str, Any]:
    """A visit record's file by SHA-256 (``?attachment=ID`` names the attachment record
    whose scope rules it): HEAD says how much head office holds, PUT sends a chunk from
    there, GET gives a complete file."""
    params = [
        _PROTOCOL,
        {
            "name": "sha256",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "description": "the SHA-256 of the file's bytes",
        },
        {
            "name": "attachment",
            "in": "query",
            "required": True,
            "schema": {"type": "string", "minLength": 1, "maxLength": P.MAX_ID},
            "description": "the id of an attachment record naming the file",
        },
    ]
    offset = {
        P.OFFSET_HEADER: {"schema": _COUNT, "description": "bytes held, from the start"},
        P.COMPLETE_HEADER: {"schema": {"enum": ["0", "1"]}, "description": "hash checked"},
    }

    def refused(status: int, description: str, *codes: str) -> dict[str, Any]:
        return {**_refusal(min(status, 413), *codes), "description": description}

    missing = refused(
        404,
        "no such file, or an attachment record that does not name it or is out of the "
        "device's scope",
        P.E_NOT_FOUND,
    )
    return {
        "head": {
            "operationId": "blobState",
            "summary": "How much of a file head office holds (where an upload goes on)",
            "security": _TOKEN,
            "parameters": params,
            "responses": _answers(
                {
                    **_signed_in({"description": "head office's copy", "headers": offset}),
                    404: missing,
                }
            ),
        },
        "put": {
            "operationId": "blobPut",
            "summary": "A chunk of a file, from where head office's copy ends",
            "description": (
                f"At most {P.BLOB_CHUNK} bytes, with Content-Range: bytes FIRST-LAST/TOTAL; "
                "the last chunk completes the file, whose hash is checked (bytes that do not "
                "hash to its name are thrown away)."
            ),
            "security": _TOKEN,
            "parameters": [
                *params,
                {
                    "name": "Content-Range",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "pattern": "^bytes [0-9]+-[0-9]+/[0-9]+$"},
                },
            ],
            "requestBody": {
                "required": True,
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            },
            "responses": _answers(
                {
                    **_signed_in(_ok("BlobState", "head office's copy after the chunk")),
                    404: missing,
                    409: refused(
                        409,
                        "the chunk does not start where head office's copy ends (its "
                        "params say where)",
                        P.E_BLOB_OFFSET,
                    ),
                    413: refused(
                        413, "a chunk or a file larger than head office takes", P.E_TOO_LARGE
                    ),
                    422: refused(
                        422,
                        "the bytes do not hash to the file's name (thrown away), or the "
                        "file's size is not its record's",
                        P.E_BLOB_HASH,
                        P.E_BAD,
                    ),
                }
            ),
        },
        "get": {
            "operationId": "blobGet",
            "summary": "A complete file's bytes (from an offset with Range: bytes=N-)",
            "security": _TOKEN,
            "parameters": params,
            "responses": _answers(
                {
                    **_signed_in(
                        {
                            "description": "the file's bytes",
                            "content": {"application/octet-stream": {"schema": {"type": "string"}}},
                        }
                    ),
                    206: {"description": "the bytes from the offset asked"},
                    404: missing,
                    416: refused(416, "a Range other than bytes=N- within the file", P.E_BAD),
                }
            ),
        },
    }


def build_openapi() -> dict[str, Any]:
    """The document (plain JSON data, the same on every run)."""
    api = P.API
    paths: dict[str, Any] = {
        "/healthz": {
            "get": {
                "operationId": "healthz",
                "summary": "Whether head office is up",
                "security": [],
                "responses": _answers(
                    {
                        200: {
                            "description": "up",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"ok": {"const": True}},
                                        "required": ["ok"],
                                    }
                                }
                            },
                        }
                    }
                ),
            }
        },
        f"{api}/hello": {
            "post": {
                "operationId": "hello",
                "summary": "Protocol range, clock check, the data's epoch, the device's status",
                "description": "The token is optional: with one, the device's status and user.",
                "security": [{}, *_TOKEN],
                "requestBody": _body({"$ref": _REF.format(model="HelloRequest")}),
                "responses": _answers(
                    {
                        200: _ok("HelloAnswer", "head office's protocol range, clock and epoch"),
                        400: _refusal(400, P.E_BAD),
                        409: _refusal(409, P.E_CLOCK),
                        413: _refusal(413, P.E_TOO_LARGE),
                        426: _refusal(426, P.E_UPGRADE),
                    }
                ),
            }
        },
        f"{api}/register": {
            "post": {
                "operationId": "register",
                "summary": "A user's password for a device token (shown once)",
                "description": (
                    "Attempts are counted per user and per client address before the slow "
                    "check; an unknown user is answered as a wrong password, after the same "
                    "work. Lockouts grow with each one and end by themselves; a team lead or "
                    "head office can end one. A device id stays with its first user. When "
                    "the security policy requires encryption, a device whose book is plain "
                    "is refused (403 encryption_required)."
                ),
                "security": [],
                "parameters": [_PROTOCOL],
                "requestBody": _body({"$ref": _REF.format(model="Register")}),
                "responses": _answers(
                    {
                        200: _ok("RegisterAnswer", "the device token and the user"),
                        400: _refusal(400, P.E_BAD),
                        401: _refusal(401, P.E_PASSWORD),
                        403: _refusal(403, P.E_REVOKED, P.E_ENCRYPTION),
                        409: _refusal(409, P.E_DEVICE_TAKEN),
                        413: _refusal(413, P.E_TOO_LARGE),
                        422: _refusal(422, P.E_BAD),
                        426: _refusal(426, P.E_UPGRADE),
                        429: _refusal(429, P.E_LOCKED),
                    }
                ),
            }
        },
        f"{api}/unlock": {
            "post": {
                "operationId": "unlock",
                "summary": "End a user's lockout (a team lead for their team, or head office)",
                "security": _TOKEN,
                "parameters": [_PROTOCOL],
                "requestBody": _body({"$ref": _REF.format(model="Unlock")}),
                "responses": _answers(
                    {
                        **_signed_in(_ok("UnlockAnswer", "the user may sign in again")),
                        403: _refusal(403, P.E_REVOKED, P.E_AUTH),
                        404: _refusal(404, P.E_BAD),
                        413: _refusal(413, P.E_TOO_LARGE),
                        422: _refusal(422, P.E_BAD),
                    }
                ),
            }
        },
        f"{api}/push": {
            "post": {
                "operationId": "push",
                "summary": "Ops in outbox order; a result for each (applied, duplicate, rejected)",
                "security": _TOKEN,
                "parameters": [_PROTOCOL],
                "requestBody": _body({"$ref": _REF.format(model="PushRequest")}),
                "responses": _answers(
                    {
                        **_signed_in(_ok("PushAnswer", "one result per op, in order")),
                        413: _refusal(413, P.E_TOO_LARGE),
                    }
                ),
            }
        },
        f"{api}/pull": {
            "get": {
                "operationId": "pull",
                "summary": "Changes to the device's scope after a position of the change log",
                "security": _TOKEN,
                "parameters": [
                    _PROTOCOL,
                    _query("since", _COUNT, "the last change the device has (default 0)"),
                    _query("limit", _PAGE, f"changes per page (default {P.PULL_PAGE})"),
                ],
                "responses": _answers(_signed_in(_ok("PullAnswer", "a page of changes"))),
            }
        },
        f"{api}/snapshot": {
            "get": {
                "operationId": "snapshot",
                "summary": "Everything in the device's scope, page by page (a first download)",
                "security": _TOKEN,
                "parameters": [
                    _PROTOCOL,
                    _query("as_of", _COUNT, "the change-log position of the first page"),
                    _query(
                        "after",
                        {"type": "string", "maxLength": P.MAX_KEY + 24, "pattern": "^[0-9]+:"},
                        "where the page starts (ORD:ID, from the previous page)",
                    ),
                    _query("limit", _PAGE, f"records per page (default {P.SNAPSHOT_PAGE})"),
                ],
                "responses": _answers(_signed_in(_ok("SnapshotAnswer", "a page of records"))),
            }
        },
        f"{api}/counts": {
            "get": {
                "operationId": "counts",
                "summary": "How many records of each entity the device's scope holds",
                "security": _TOKEN,
                "parameters": [
                    _PROTOCOL,
                    _query(
                        "entity", {"type": "string", "maxLength": P.MAX_NAME}, "one entity only"
                    ),
                ],
                "responses": _answers(_signed_in(_ok("CountsAnswer", "counts per entity"))),
            }
        },
        f"{api}/blobs/{{sha256}}": _blob_paths(),
        OPENAPI_PATH: {
            "get": {
                "operationId": "openapi",
                "summary": "This document (head office administrators only)",
                "security": _TOKEN,
                "responses": _answers(
                    {
                        200: {
                            "description": "the OpenAPI document",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        },
                        401: _refusal(401, P.E_AUTH),
                        403: _refusal(403, P.E_REVOKED, P.E_AUTH),
                    }
                ),
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "FirstLoan CRM head office",
            "version": str(P.PROTOCOL_VERSION),
            "description": (
                "The sync protocol between FirstLoan CRM laptops and head office. Every "
                "refusal is an ErrorBody whose `error` is a stable code; every op of a push "
                "gets its own result. Generated from crm/sync/protocol.py by "
                f"`{REGENERATE}`."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": _schemas(),
            "parameters": {
                "Protocol": {
                    "name": P.PROTOCOL_HEADER,
                    "in": "header",
                    "required": True,
                    "schema": {
                        "type": "integer",
                        "minimum": P.PROTOCOL_MIN,
                        "maximum": P.PROTOCOL_MAX,
                    },
                    "description": "the sync protocol version the device speaks",
                }
            },
            "securitySchemes": {
                "deviceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "the device token registration gave (shown once)",
                }
            },
        },
    }


def openapi_text() -> str:
    """The document as ``docs/openapi.json`` holds it."""
    return json.dumps(build_openapi(), ensure_ascii=False, indent=2) + "\n"
