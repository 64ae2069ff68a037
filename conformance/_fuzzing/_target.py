"""Load a user's callable from a ``package.module:attr`` or ``path/to/file.py:attr`` spec.

Used for fuzz targets (a webhook handler) and, by the receiver fuzzer, for ``--app``
(an ASGI/WSGI application). Every problem becomes a one-line ``UsageError``.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import re
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from .._errors import UsageError, describe_exception

_FORMAT = "use package.module:callable or path/to/file.py:callable"


def split_spec(spec: str) -> tuple[str, str]:
    """Split ``spec`` into its module part and its (dotted) attribute path."""
    if not isinstance(spec, str) or ":" not in spec:
        raise UsageError(f"invalid target {spec!r}: {_FORMAT}")
    # rpartition keeps Windows drive letters ("C:\\x\\h.py:handle") in the module part.
    module, _, attr = spec.rpartition(":")
    if not module or not attr or not all(part.isidentifier() for part in attr.split(".")):
        raise UsageError(f"invalid target {spec!r}: {_FORMAT}")
    return module, attr


def _import_file(path: Path, spec: str) -> ModuleType:
    if not path.is_file():
        raise UsageError(f"target {spec!r}: no such file {str(path)!r}")
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        # The handler's own imports (siblings of the file) must resolve, as they would
        # when the user runs the file's package themselves.
        sys.path.insert(0, folder)
    # A private module name per file (loading the same file twice returns the same
    # module, so its state persists), never the bare stem: a handler file called
    # handler.py or json.py must not shadow other modules of that name.
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
    stem = re.sub(r"\W", "_", path.stem)
    name = f"_conformance_target_{stem}_{digest}"
    if name in sys.modules:
        return sys.modules[name]
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise UsageError(f"target {spec!r}: cannot import {str(path)!r}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module
    try:
        module_spec.loader.exec_module(module)
    except Exception as exc:
        del sys.modules[name]
        raise UsageError(
            f"target {spec!r}: importing {str(path)!r} failed: {describe_exception(exc)}"
        ) from exc
    return module


def _import_module(name: str, spec: str) -> ModuleType:
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        # Like `python -m`, let modules in the current folder be importable.
        sys.path.insert(0, str(Path.cwd()))
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and (name == exc.name or name.startswith(exc.name + ".")):
            raise UsageError(f"target {spec!r}: no module named {exc.name!r}") from exc
        raise UsageError(
            f"target {spec!r}: importing {name!r} failed: ModuleNotFoundError: {exc}"
        ) from exc
    except Exception as exc:
        raise UsageError(
            f"target {spec!r}: importing {name!r} failed: {describe_exception(exc)}"
        ) from exc


def load_object(spec: str) -> Any:
    """Import and return the object named by ``spec`` (callable or not)."""
    module_part, attr = split_spec(spec)
    if module_part.endswith(".py") or "/" in module_part or "\\" in module_part:
        module = _import_file(Path(module_part), spec)
    else:
        module = _import_module(module_part, spec)
    obj: Any = module
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise UsageError(
                f"target {spec!r}: {module_part!r} has no attribute {attr!r}"
            ) from None
    return obj


def load_target(spec: str) -> Callable[..., Any]:
    """Import and return the callable named by ``spec``.

    ``spec`` is ``package.module:callable`` (imported like ``python -m`` would, with the
    current folder importable) or ``path/to/file.py:callable`` (the file's folder is put
    on ``sys.path`` first). Raises ``UsageError`` when it cannot be imported or is not
    callable.
    """
    obj = load_object(spec)
    if not callable(obj):
        raise UsageError(f"target {spec!r} is not callable (got {type(obj).__name__})")
    return obj  # type: ignore[no-any-return]
