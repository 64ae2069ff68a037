"""The ``casedev-conformance`` command line: a thin shell over the library.

Subcommands live in their own modules and are imported only when invoked, so
``casedev-conformance validate`` does not pay for Hypothesis or the compatibility
checker. Every ``ConformanceError`` becomes one line on stderr and exit code 2 (exit 1
is reserved for "the check ran and found problems").
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import click

from .._errors import ConformanceError

#: subcommand name -> "module:attribute" (relative to this package), loaded lazily.
COMMANDS: dict[str, str] = {
    "catalog": "._catalog_cmd:catalog",
    "compat": "._compat_cmd:compat",
    "export": "._export_cmd:export",
    "fuzz": "._fuzz_cmd:fuzz",
    "list": "._catalog_cmd:list_events",
    "replay": "._fuzz_cmd:replay",
    "report": "._report_cmd:report",
    "send": "._send_cmd:send",
    "usage": "._usage_cmd:usage",
    "validate": "._validate_cmd:validate",
}

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_USAGE = 2


def fail(message: str) -> NoReturn:
    """Print a one-line error and exit 2 (bad input or usage)."""
    click.echo(f"casedev-conformance: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        module = importlib.import_module(module_name, __name__)
        command: click.Command = getattr(module, attr)
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ConformanceError as exc:
            fail(str(exc))


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casedev-conformance")
def cli() -> None:
    """Contract tests, fuzzing and a compatibility gate for Case.dev webhook events."""


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script's entry point)."""
    try:
        cli.main(args=argv, prog_name="casedev-conformance", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("casedev-conformance: interrupted", err=True)
        return 130
    return EXIT_OK


def command_entry(func: Callable[..., int]) -> Callable[..., None]:
    """Wrap a command body that returns an exit code so click exits with it."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        code = func(*args, **kwargs)
        sys.exit(code)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper
