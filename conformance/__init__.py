"""Contract tests, fuzzing and a compatibility gate for Case.dev webhook events."""

from ._catalog import Catalog, Event, load_catalog
from ._errors import (
    CatalogError,
    CompatibilityError,
    ConformanceError,
    FuzzError,
    GenerationError,
    InputError,
    SchemaError,
    UnknownEventError,
    UsageError,
    ValidationError,
    WebhookVerificationError,
)

__version__ = "0.1.0"

__all__ = [
    "Catalog",
    "CatalogError",
    "CompatibilityError",
    "ConformanceError",
    "Event",
    "FuzzError",
    "GenerationError",
    "InputError",
    "SchemaError",
    "UnknownEventError",
    "UsageError",
    "ValidationError",
    "WebhookVerificationError",
    "__version__",
    "load_catalog",
]
