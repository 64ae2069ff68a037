"""Rejects payload fields it does not know (like a model with extra='forbid')."""

from conformance import load_catalog

KNOWN = {e.name: set(e.schema.get("properties", {})) for e in load_catalog()}


def handle(event):
    known = KNOWN.get(event["type"])
    if known is None:
        return
    unknown = set(event["data"]) - known
    if unknown:
        raise ValueError(f"unexpected fields {sorted(unknown)}")  # BUG: additive fields
