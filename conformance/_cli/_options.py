"""Options every command shares, in one place: verbosity, ``--catalog``, and the settings
read from ``[tool.conformance]`` in ``pyproject.toml``.

Verbosity has one meaning everywhere: ``-q/--quiet`` prints only the verdict line and
errors; ``-v/--verbose`` adds detail (each request, each case); neither is the usual
output. Both are accepted before or after the command name.

Settings use the plugin's keys and its precedence, defaults < ``pyproject.toml``
``[tool.conformance]`` < environment (``CONFORMANCE_*``) < command line: the resolved
file and environment layers become click's ``default_map``, so an option given on the
command line always wins, and ``--help`` shows what was configured.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import click

from .._config import ConformanceConfig, environment_layer, pyproject_table, resolve

F = TypeVar("F", bound=Callable[..., Any])

QUIET, NORMAL, VERBOSE = -1, 0, 1
_VERBOSITY_KEY = "casedev_conformance.verbosity"


def verbosity() -> int:
    """The current command's verbosity: ``QUIET``, ``NORMAL`` or ``VERBOSE``."""
    ctx = click.get_current_context(silent=True)
    return NORMAL if ctx is None else int(ctx.meta.get(_VERBOSITY_KEY, NORMAL))


def echo(text: str = "", *, nl: bool = True, level: int = NORMAL) -> None:
    """Print ``text`` on stdout if the verbosity is at least ``level``.

    The verdict line is printed with ``level=QUIET`` (always); details with the default
    ``NORMAL``; extra detail with ``VERBOSE``.
    """
    if verbosity() >= level:
        click.echo(text, nl=nl)


def _set_verbosity(value: int) -> Callable[[click.Context, click.Parameter, bool], None]:
    def callback(ctx: click.Context, param: click.Parameter, given: bool) -> None:
        if given:
            current = int(ctx.meta.get(_VERBOSITY_KEY, NORMAL))
            if current not in (NORMAL, value):
                raise click.UsageError("give -q/--quiet or -v/--verbose, not both", ctx=ctx)
            ctx.meta[_VERBOSITY_KEY] = value  # meta is shared by the group and its commands

    return callback


def verbosity_options(command: F) -> F:
    """Add ``-q/--quiet`` and ``-v/--verbose`` (they set the verbosity; no arguments)."""
    for flags, value, help_text in (
        (("-v", "--verbose"), VERBOSE, "More detail: each request, each case."),
        (("-q", "--quiet"), QUIET, "Only the verdict line and errors."),
    ):
        command = click.option(
            *flags,
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_set_verbosity(value),
            help=help_text,
        )(command)
    return command


catalog_option = click.option(
    "--catalog",
    "catalog_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="A catalog folder to use instead of the packaged one "
    "(default: [tool.conformance] catalog, $CONFORMANCE_CATALOG).",
)


def common_options(command: F) -> F:
    """``-q``/``-v`` for every command (the group has them too)."""
    return verbosity_options(command)


# -- [tool.conformance] ------------------------------------------------------------------

#: command path -> {setting: parameter name}. A setting maps to the parameter it
#: defaults; "contract" is negated into "schema_only".
CONFIGURED: dict[tuple[str, ...], dict[str, str]] = {
    ("fuzz",): {
        "handler": "target",
        "app": "app_spec",
        "secret_env": "secret_env",
        "events": "events",
        "max_examples": "max_examples",
        "contract": "schema_only",
        "catalog": "catalog_dir",
        "seed": "seed",
    },
    ("replay",): {"handler": "target", "catalog": "catalog_dir"},
    ("send",): {"secret_env": "secret_env", "catalog": "catalog_dir", "seed": "seed"},
    ("validate",): {"catalog": "catalog_dir"},
    ("list",): {"catalog": "catalog_dir"},
    ("catalog", "docs"): {"catalog": "catalog_dir"},
    ("export", "openapi"): {"catalog": "catalog_dir", "events": "events"},
    ("export", "asyncapi"): {"catalog": "catalog_dir", "events": "events"},
}

#: Settings that name files: relative values are relative to the pyproject.toml's folder.
_PATHS = ("catalog",)


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` (as pytest finds its rootdir)."""
    for folder in (start, *start.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def configured(
    cwd: Path | None = None, environ: Mapping[str, str] | None = None
) -> tuple[ConformanceConfig, set[str]]:
    """The settings from ``[tool.conformance]`` and ``CONFORMANCE_*``, and which were set.

    Raises ``UsageError`` naming the file or variable for a bad value.
    """
    here = cwd or Path.cwd()
    pyproject = find_pyproject(here)
    table: dict[str, Any] = {}
    if pyproject is not None:
        table = pyproject_table(pyproject)
        for name in _PATHS:
            value = table.get(name)
            if isinstance(value, str) and value and not Path(value).expanduser().is_absolute():
                table[name] = str(pyproject.parent / value)
        handler = table.get("handler")
        if isinstance(handler, str) and ".py:" in handler:
            module, _, attr = handler.rpartition(":")
            if not Path(module).is_absolute():
                table["handler"] = f"{pyproject.parent / module}:{attr}"
    env = environment_layer(os.environ if environ is None else environ)
    config = resolve(
        [
            (f"{pyproject} [tool.conformance] {{name}}", table),
            ("environment variable CONFORMANCE_{NAME}", env),
        ]
    )
    given = {name for name, value in {**table, **env}.items() if value not in (None, "", [])}
    return config, given


def default_map(config: ConformanceConfig, given: set[str]) -> dict[str, Any]:
    """click's nested ``default_map`` for the settings that were set."""
    tree: dict[str, Any] = {}
    for path, params in CONFIGURED.items():
        node = tree
        for part in path:
            node = node.setdefault(part, {})
        for setting, param in params.items():
            if setting not in given:
                continue
            value = getattr(config, setting)
            if setting == "contract":
                value = not value
            elif setting == "events":
                value = list(value)
            node[param] = value
    return tree


def from_command_line(ctx: click.Context, *names: str) -> set[str]:
    """Which of the parameters ``names`` were given on the command line (or environment)."""
    from click.core import ParameterSource

    explicit = (ParameterSource.COMMANDLINE, ParameterSource.ENVIRONMENT, ParameterSource.PROMPT)
    return {name for name in names if ctx.get_parameter_source(name) in explicit}


def from_settings(ctx: click.Context, name: str) -> bool:
    """Whether parameter ``name`` took its value from ``[tool.conformance]``/the environment."""
    from click.core import ParameterSource

    return ctx.get_parameter_source(name) is ParameterSource.DEFAULT_MAP
