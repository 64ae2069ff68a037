"""Validating deliveries: the validator, the msgspec fast path, streaming scans of
JSON Lines and arrays, and the factory of valid example deliveries."""

from __future__ import annotations

from ._factory import make_delivery
from ._readers import read_deliveries
from ._scan import Problem, Tally, scan
from ._validator import DeliveryValidator, validate

__all__ = [
    "DeliveryValidator",
    "Problem",
    "Tally",
    "make_delivery",
    "read_deliveries",
    "scan",
    "validate",
]
