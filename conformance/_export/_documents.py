"""Describe the catalog as an OpenAPI 3.1 or an AsyncAPI 3.0 document.

OpenAPI: one ``webhooks`` entry per event (what Case.dev sends), or, with a receiver
path, a ``paths`` entry describing the consumer's receiver (what it accepts and answers),
which API fuzzers such as Schemathesis can test. AsyncAPI: one channel (the receiver
endpoint), one message per event, one ``send`` operation. Payload schemas become
components; the signature headers are described with the (ASSUMED, configurable)
Standard Webhooks scheme.
"""

from __future__ import annotations

from typing import Any

from .._catalog import Catalog, Event
from .._errors import UsageError
from .._webhooks import DEFAULT_HEADER_PREFIX, DEFAULT_TOLERANCE, MAX_ID_LENGTH, Webhook

_DROPPED = ("$schema", "$id")
_SIGNATURE_PATTERN = r"^\S+,\S+( \S+,\S+)*$"


def _check(receiver_path: str | None, header_prefix: str) -> str:
    if receiver_path is not None and (
        not isinstance(receiver_path, str) or not receiver_path.startswith("/")
    ):
        raise UsageError(f"Expected a receiver path starting with '/', but got {receiver_path!r}")
    Webhook(b"k", header_prefix=header_prefix)  # validates the prefix
    return header_prefix.lower()


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    """A catalog schema as a component: without ``$schema``/``$id`` (the document's
    base URI applies), keeping the ``x-`` annotations."""
    return {k: v for k, v in schema.items() if k not in _DROPPED}


def _scheme_text(prefix: str) -> str:
    return (
        "Deliveries are signed with the Standard Webhooks v1 scheme (an ASSUMPTION inferred "
        "from Case.dev's docs and SDKs; the header names are configurable). The signed "
        f"content is `{{{prefix}-id}}.{{{prefix}-timestamp}}.{{raw body}}`; the HMAC-SHA256 "
        "key is the base64-decoded part of the `whsec_` secret; the signature header holds "
        "space-separated `v1,<base64>` entries (several during a secret rotation). "
        f"Receivers verify the raw body and reject timestamps more than {DEFAULT_TOLERANCE} s "
        "away from their clock."
    )


def _header_schemas(prefix: str) -> dict[str, dict[str, Any]]:
    return {
        f"{prefix}-id": {
            "description": "Message id, part of the signed content.",
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_ID_LENGTH,
            "pattern": "^[!-~]+$",
        },
        f"{prefix}-timestamp": {
            "description": "When the delivery was signed, in Unix seconds.",
            "type": "string",
            "pattern": "^[0-9]{1,12}$",
        },
        f"{prefix}-signature": {
            "description": "Space-separated `v1,<base64 HMAC-SHA256>` entries.",
            "type": "string",
            "pattern": _SIGNATURE_PATTERN,
        },
    }


def _parameter_name(header: str) -> str:
    return "".join(part.capitalize() for part in header.split("-"))


def _delivery_schema(event: Event) -> dict[str, Any]:
    return {
        "title": f"{event.name} delivery",
        "description": event.description,
        "allOf": [{"$ref": "#/components/schemas/Envelope"}],
        "type": "object",
        "properties": {
            "type": {"const": event.name},
            "data": {"$ref": f"#/components/schemas/{event.name}.payload"},
        },
        "required": ["id", "type", "occurred_at", "data"],
    }


def _components(catalog: Catalog, prefix: str) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Envelope": _plain(catalog.envelope)}
    for name in catalog.order:
        event = catalog[name]
        schemas[f"{name}.payload"] = _plain(event.schema)
        schemas[f"{name}.delivery"] = _delivery_schema(event)
    parameters = {
        _parameter_name(header): {
            "name": header,
            "in": "header",
            "required": True,
            "description": schema["description"],
            "schema": {k: v for k, v in schema.items() if k != "description"},
        }
        for header, schema in _header_schemas(prefix).items()
    }
    return {"schemas": schemas, "parameters": parameters}


def _parameter_refs(prefix: str) -> list[dict[str, str]]:
    return [
        {"$ref": f"#/components/parameters/{_parameter_name(header)}"}
        for header in _header_schemas(prefix)
    ]


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _info(catalog: Catalog, prefix: str, title: str) -> dict[str, Any]:
    return {
        "title": title,
        "version": catalog.version,
        "description": (
            f"{len(catalog)} Case.dev webhook events. Each delivery is a JSON envelope "
            "(`id`, `type`, `occurred_at`, `data`); stable events only ever gain fields, so "
            "receivers must ignore unknown fields and acknowledge unknown event types. "
            "Deliveries are at least once: be idempotent on the event `id`. " + _scheme_text(prefix)
        ),
    }


def openapi_document(
    catalog: Catalog,
    *,
    receiver_path: str | None = None,
    header_prefix: str = DEFAULT_HEADER_PREFIX,
) -> dict[str, Any]:
    """The catalog as an OpenAPI 3.1 document.

    Without ``receiver_path``: a ``webhooks`` entry per event. With it: a ``paths`` entry
    for the consumer's receiver at that path, accepting every event's delivery.
    """
    prefix = _check(receiver_path, header_prefix)
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": _info(catalog, prefix, "Case.dev webhooks"),
    }
    tags = sorted({name.split(".")[0] for name in catalog.names})
    document["tags"] = [{"name": tag} for tag in tags]
    if receiver_path is None:
        document["webhooks"] = {
            name: {"post": _webhook_operation(catalog[name], prefix)} for name in catalog.order
        }
    else:
        document["info"]["title"] = "Case.dev webhook receiver"
        document["paths"] = {receiver_path: {"post": _receiver_operation(catalog, prefix)}}
    document["components"] = _components(catalog, prefix)
    return document


def _webhook_operation(event: Event, prefix: str) -> dict[str, Any]:
    return {
        "operationId": event.name,
        "summary": event.description or event.name,
        "tags": [event.name.split(".")[0]],
        "x-stability": event.stability,
        **({"x-required-scope": event.scope} if event.scope else {}),
        "parameters": _parameter_refs(prefix),
        "requestBody": _body({"$ref": f"#/components/schemas/{event.name}.delivery"}),
        "responses": {
            "2XX": {"description": "Acknowledged: the delivery is done."},
            "default": {
                "description": "408, 429, 5xx, network errors and timeouts are retried; other "
                "4xx answers fail the delivery without retry."
            },
        },
    }


def _receiver_operation(catalog: Catalog, prefix: str) -> dict[str, Any]:
    deliveries = [{"$ref": f"#/components/schemas/{name}.delivery"} for name in catalog.order]
    return {
        "operationId": "receiveCaseDevWebhook",
        "summary": "Receive a Case.dev webhook delivery",
        "description": _scheme_text(prefix)
        + " Acknowledge every verified delivery with a 2xx (unknown event types too); "
        "reject forged or stale ones with a 4xx; never answer 5xx for a bad request.",
        "parameters": _parameter_refs(prefix),
        "requestBody": _body(
            {
                "oneOf": deliveries,
                "discriminator": {
                    "propertyName": "type",
                    "mapping": {
                        name: f"#/components/schemas/{name}.delivery" for name in catalog.order
                    },
                },
            }
        ),
        "responses": {
            "2XX": {"description": "Verified and accepted (or already seen: idempotent)."},
            "4XX": {
                "description": "Rejected: missing or bad signature, stale timestamp, bad body."
            },
        },
    }


def asyncapi_document(
    catalog: Catalog,
    *,
    receiver_path: str | None = None,
    header_prefix: str = DEFAULT_HEADER_PREFIX,
) -> dict[str, Any]:
    """The catalog as an AsyncAPI 3.0 document: Case.dev sends each event to one channel."""
    prefix = _check(receiver_path, header_prefix)
    headers = {
        "type": "object",
        "properties": _header_schemas(prefix),
        "required": list(_header_schemas(prefix)),
    }
    messages: dict[str, Any] = {}
    schemas: dict[str, Any] = {"Envelope": _plain(catalog.envelope), "SignatureHeaders": headers}
    for name in catalog.order:
        event = catalog[name]
        schemas[f"{name}.payload"] = _plain(event.schema)
        schemas[f"{name}.delivery"] = _delivery_schema(event)
        messages[name] = {
            "name": name,
            "title": name,
            "summary": event.description or name,
            "contentType": "application/json",
            "headers": {"$ref": "#/components/schemas/SignatureHeaders"},
            "payload": {"$ref": f"#/components/schemas/{name}.delivery"},
            "tags": [{"name": name.split(".")[0]}],
            "x-stability": event.stability,
            **({"x-required-scope": event.scope} if event.scope else {}),
        }
    return {
        "asyncapi": "3.0.0",
        "info": _info(catalog, prefix, "Case.dev webhooks"),
        "defaultContentType": "application/json",
        "channels": {
            "receiver": {
                "address": receiver_path,
                "title": "The consumer's webhook receiver",
                "description": "HTTPS endpoint registered with Case.dev; deliveries are POSTed.",
                "messages": {name: {"$ref": f"#/components/messages/{name}"} for name in messages},
            }
        },
        "operations": {
            "sendDelivery": {
                "action": "send",
                "channel": {"$ref": "#/channels/receiver"},
                "summary": "Case.dev POSTs one signed delivery per event (at least once).",
                "messages": [{"$ref": f"#/channels/receiver/messages/{name}"} for name in messages],
                "bindings": {"http": {"method": "POST"}},
            }
        },
        "components": {"schemas": schemas, "messages": messages},
    }
