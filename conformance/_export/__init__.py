"""Exporting the catalog as OpenAPI and AsyncAPI documents."""

from __future__ import annotations

from ._documents import asyncapi_document, openapi_document

__all__ = [
    "asyncapi_document",
    "openapi_document",
]
