"""Immutable conformance settings, resolved from layered sources in one documented order.

Precedence, lowest first::

    defaults < pyproject.toml [tool.conformance] < pytest ini settings (conformance_*)
             < environment (CONFORMANCE_*) < command line (--conformance-*) < per-test marker

Every layer is a plain mapping of setting name to raw value; an unset value (``None``,
``""`` or an empty list) leaves the lower layer in force. Values are parsed and checked
as they are merged, and a bad one raises a one-line ``UsageError`` naming its source.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ._errors import UsageError

ENV_PREFIX = "CONFORMANCE_"
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


IniKind = Literal["string", "linelist"]


def _setting(default: Any, ini: IniKind, help_text: str) -> Any:
    """A settings field: its default, its pytest ini type and its one-line help."""
    return dataclasses.field(default=default, metadata={"ini": ini, "help": help_text})


@dataclass(frozen=True)
class ConformanceConfig:
    """The settings of one run (or one test): frozen, so layers can only replace it."""

    handler: str | None = _setting(
        None, "string", "handler to fuzz: package.module:callable or path/file.py:callable"
    )
    app: str | None = _setting(
        None, "string", "HTTP receiver to fuzz: package.module:app (ASGI/WSGI)"
    )
    secret_env: str | None = _setting(
        None, "string", "environment variable holding the receiver's whsec_ secret"
    )
    events: tuple[str, ...] = _setting(
        ("*",), "linelist", "event filters (exact names, prefix.*, *); default *"
    )
    max_examples: int | None = _setting(
        None, "string", "Hypothesis examples per event (default: the active profile's)"
    )
    contract: bool = _setting(
        True, "string", "contract mode (extras, unknown types, repeats, shuffles): true/false"
    )
    catalog: str | None = _setting(
        None, "string", "a pinned catalog folder instead of the packaged one"
    )
    baseline: str | None = _setting(
        None, "string", "baseline for the compatibility gate item, e.g. git:origin/main"
    )
    seed: int | None = _setting(
        None, "string", "a fixed random seed, so every run draws the same deliveries"
    )
    usage: str | None = _setting(
        None, "string", "write a usage manifest (events and fields the handler reads) to FILE"
    )
    consumer: str | None = _setting(
        None, "string", "consumer name in the usage manifest (default: the project's name)"
    )
    isolation: str | None = _setting(
        None, "string", "how the handler runs: process (default; a killable worker) or thread"
    )
    memory_limit: int | None = _setting(
        None, "string", "MiB of memory the handler's worker process may add (0: no limit)"
    )
    database: str | None = _setting(
        None,
        "string",
        "where failing examples are kept and shared (a folder, redis://HOST:PORT/DB, "
        "readonly:SPEC; several separated by spaces)",
    )

    @property
    def collects(self) -> bool:
        """Whether these settings ask the plugin to generate test items."""
        return bool(self.handler or self.app or self.baseline)

    def merged(self, layer: Mapping[str, Any], *, source: str) -> ConformanceConfig:
        """A copy with the set values of ``layer`` (from ``source``) applied on top.

        ``source`` names where the layer came from, for error messages; ``{name}`` and
        ``{NAME}`` in it stand for the setting's name (``--conformance-{name}``).
        """
        changes: dict[str, Any] = {}
        for name, raw in layer.items():
            if name not in FIELDS:
                raise UsageError(
                    f"unknown conformance setting {name!r} in {_where(source, '')}; "
                    f"known settings: {', '.join(FIELDS)}"
                )
            if _is_unset(raw):
                continue
            changes[name] = _PARSERS[name](raw, _where(source, name))
        return dataclasses.replace(self, **changes) if changes else self


FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ConformanceConfig))

#: The one settings table: name -> (pytest ini type, help). Each setting is also
#: ``--conformance-<name>`` in pytest and ``CONFORMANCE_<NAME>`` in the environment.
SETTINGS: dict[str, tuple[IniKind, str]] = {
    f.name: (f.metadata["ini"], f.metadata["help"]) for f in dataclasses.fields(ConformanceConfig)
}


def resolve(layers: Iterable[tuple[str, Mapping[str, Any]]]) -> ConformanceConfig:
    """Merge ``(source, values)`` layers, lowest precedence first, onto the defaults."""
    config = ConformanceConfig()
    for source, layer in layers:
        config = config.merged(layer, source=source)
    return config


def pyproject_table(path: Path) -> dict[str, Any]:
    """The ``[tool.conformance]`` table of ``path`` (empty when the file or table is absent)."""
    # Imported here: pytest imports this module in every run of every project that has
    # us installed, and most of those runs never read the table.
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read [tool.conformance]: {exc}", file=path) from None
    table = data.get("tool", {}).get("conformance", {})
    if not isinstance(table, dict):
        raise UsageError("[tool.conformance] must be a table", file=path)
    return {key.replace("-", "_"): value for key, value in table.items()}


def project_name(path: Path) -> str | None:
    """``[project] name`` of the pyproject.toml at ``path`` (None when absent)."""
    import tomllib  # here, not at the top: the plugin entry point imports this module

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read [project]: {exc}", file=path) from None
    project = data.get("project")
    name = project.get("name") if isinstance(project, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else None


def consumer_name(config: ConformanceConfig, root: Path) -> str:
    """The consumer a usage manifest names: the ``consumer`` setting, else the project's
    name in ``root``/pyproject.toml, else the folder's name."""
    if config.consumer:
        return config.consumer
    return project_name(root / "pyproject.toml") or root.resolve().name or "consumer"


def environment_layer(environ: Mapping[str, str]) -> dict[str, Any]:
    """The ``CONFORMANCE_<SETTING>`` variables that are set, keyed by setting name."""
    return {
        name: environ[ENV_PREFIX + name.upper()]
        for name in FIELDS
        if environ.get(ENV_PREFIX + name.upper())
    }


def marker_layer(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """The settings a ``@pytest.mark.conformance(...)`` marker gives (events, contract, ...)."""
    layer = dict(kwargs)
    if args:
        if "events" in layer:
            raise UsageError("conformance marker: give events positionally or as events=, not both")
        layer["events"] = [a for arg in args for a in ([arg] if isinstance(arg, str) else arg)]
    allowed = {"events", "contract", "max_examples"}
    for key in layer:
        if key not in allowed:
            raise UsageError(
                f"conformance marker: unknown argument {key!r}; use {', '.join(sorted(allowed))}"
            )
    return layer


def _where(source: str, name: str) -> str:
    if "{name}" in source or "{NAME}" in source:
        dashed = name.replace("_", "-")
        text = source.replace("{name}", dashed if "--" in source else name)
        return text.replace("{NAME}", name.upper()).strip()
    return f"{name} (from {source})" if name else source


def _is_unset(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str | list | tuple) and not raw)


def _text(raw: Any, where: str) -> str:
    if not isinstance(raw, str):
        raise UsageError(f"{where}: expected a string, but got {raw!r}")
    return raw.strip()


def _events(raw: Any, where: str) -> tuple[str, ...]:
    from ._catalog import check_pattern

    items: list[Any] = re.split(r"[\s,]+", raw) if isinstance(raw, str) else list(raw)
    patterns: list[str] = []
    for item in items:
        if not isinstance(item, str):
            raise UsageError(f"{where}: expected event filter strings, but got {item!r}")
        for part in re.split(r"[\s,]+", item.strip()):
            if part:
                try:
                    patterns.append(check_pattern(part))
                except UsageError as exc:
                    raise UsageError(f"{where}: {exc}") from None
    if not patterns:
        raise UsageError(f"{where}: no event filter given")
    return tuple(dict.fromkeys(patterns))


def _positive_int(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise UsageError(f"{where}: expected a positive integer, but got {raw!r}")
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{where}: expected a positive integer, but got {raw!r}") from None
    if value < 1:
        raise UsageError(f"{where}: expected a positive integer, but got {raw!r}")
    if value > MAX_COUNT:
        raise UsageError(f"{where}: expected at most {MAX_COUNT}, but got {raw!r}")
    return value


def _non_negative_int(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int | str):
        raise UsageError(f"{where}: expected a whole number >= 0, but got {raw!r}")
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(f"{where}: expected a whole number >= 0, but got {raw!r}") from None
    if value < 0:
        raise UsageError(f"{where}: expected a whole number >= 0, but got {raw!r}")
    return value


#: Largest count setting accepted (the CLI's count options share the bound): a bigger
#: one would not finish today, so it is a typo rather than a wish.
MAX_COUNT = 1_000_000


def _isolation(raw: Any, where: str) -> str:
    value = _text(raw, where).lower()
    if value not in ("process", "thread"):
        raise UsageError(f"{where}: expected process or thread, but got {raw!r}")
    return value


def _boolean(raw: Any, where: str) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise UsageError(f"{where}: expected true or false, but got {raw!r}")


_PARSERS: dict[str, Any] = {
    "handler": _text,
    "app": _text,
    "secret_env": _text,
    "events": _events,
    "max_examples": _positive_int,
    "contract": _boolean,
    "catalog": _text,
    "baseline": _text,
    "seed": _non_negative_int,
    "usage": _text,
    "consumer": _text,
    "isolation": _isolation,
    "memory_limit": _non_negative_int,
    "database": _text,
}
