"""Contract tests, fuzzing and a compatibility gate for Case.dev webhook events.

Public names are re-exported here; everything else lives in private modules. Only the
exception tree is imported eagerly: the rest loads on first attribute access, so that
``import conformance`` (done by the pytest plugin and the CLI) stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from . import models, types
    from ._catalog import Catalog, Event, load_catalog
    from ._compat import (
        CompatReport,
        Finding,
        ReleaseReport,
        Rule,
        Side,
        Waiver,
        Witness,
        check_compatibility,
        history_report,
        load_side,
        load_waivers,
        release_report,
    )
    from ._fuzzing import FuzzReport, fuzz
    from ._validation import DeliveryValidator, validate
    from ._version import __version__
    from ._webhooks import Webhook, fuzz_receiver

#: public name -> the private module that defines it, imported on first use.
_LAZY: dict[str, str] = {
    "Catalog": "._catalog",
    "CompatReport": "._compat",
    "DeliveryValidator": "._validation",
    "Event": "._catalog",
    "Finding": "._compat",
    "FuzzReport": "._fuzzing",
    "Rule": "._compat",
    "ReleaseReport": "._compat",
    "Side": "._compat",
    "Waiver": "._compat",
    "Webhook": "._webhooks",
    "Witness": "._compat",
    "check_compatibility": "._compat",
    "fuzz": "._fuzzing",
    "fuzz_receiver": "._webhooks",
    "history_report": "._compat",
    "load_catalog": "._catalog",
    "load_side": "._compat",
    "load_waivers": "._compat",
    "release_report": "._compat",
    "validate": "._validation",
    "__version__": "._version",
}


#: public submodules, also imported on first use (``conformance.models.decode``).
_SUBMODULES = frozenset({"models", "types"})


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        value = importlib.import_module(f".{name}", __name__)
        globals()[name] = value
        return value
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY, *_SUBMODULES})


__all__ = [
    "Catalog",
    "CatalogError",
    "CompatReport",
    "CompatibilityError",
    "ConformanceError",
    "DeliveryValidator",
    "Event",
    "Finding",
    "FuzzError",
    "FuzzReport",
    "GenerationError",
    "InputError",
    "ReleaseReport",
    "Rule",
    "SchemaError",
    "Side",
    "UnknownEventError",
    "UsageError",
    "ValidationError",
    "Waiver",
    "Webhook",
    "WebhookVerificationError",
    "Witness",
    "__version__",
    "check_compatibility",
    "fuzz",
    "fuzz_receiver",
    "history_report",
    "load_catalog",
    "load_side",
    "load_waivers",
    "models",
    "release_report",
    "types",
    "validate",
]
