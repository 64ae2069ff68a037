"""The ``casedev-conformance`` command line: a thin shell over the library.

Subcommands live in their own modules and are imported only when invoked, so
``casedev-conformance validate`` does not pay for Hypothesis or the compatibility
checker. Every ``ConformanceError`` and every click usage error becomes one line on
stderr and exit code 2 (exit 1 is reserved for "the check ran and found problems"). An
exception nobody meant to raise is a bug in the tool: one "internal error" line and
exit 3 (``CASEDEV_CONFORMANCE_DEBUG=1`` shows the traceback). See docs/errors.md.
"""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import click

from .._errors import ConformanceError, describe_exception
from ._options import common_options, configured, default_map

#: subcommand name -> "module:attribute" (relative to this package), loaded lazily.
COMMANDS: dict[str, str] = {
    "catalog": "._catalog_cmd:catalog",
    "codegen": "._codegen_cmd:codegen",
    "compat": "._compat_cmd:compat",
    "completion": "._completion_cmd:completion",
    "export": "._export_cmd:export",
    "fuzz": "._fuzz_cmd:fuzz",
    "list": "._catalog_cmd:list_events",
    "replay": "._fuzz_cmd:replay",
    "report": "._report_cmd:report",
    "send": "._send_cmd:send",
    "validate": "._validate_cmd:validate",
}

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
#: Set to 1 to see the traceback of an internal error.
DEBUG_ENV = "CASEDEV_CONFORMANCE_DEBUG"


def one_line(message: str) -> str:
    """``message`` on a single line: the error format is one line per error."""
    return " ".join(message.split())


def fail(message: str) -> NoReturn:
    """Print a one-line error and exit 2 (bad input or usage)."""
    click.echo(f"casedev-conformance: error: {one_line(message)}", err=True)
    sys.exit(EXIT_USAGE)


def _click_error_line(exc: click.ClickException) -> str:
    """A click usage error as one line, naming the command it is about."""
    message = exc.format_message()
    ctx = getattr(exc, "ctx", None)
    if isinstance(exc, click.UsageError) and ctx is not None:
        _, _, command = ctx.command_path.partition(" ")  # drop the program's own name
        if command:
            message = f"{command}: {message}"
    return one_line(message)


def internal_error(exc: BaseException) -> int:
    """Report an exception the tool did not mean to raise: one line, exit 3."""
    if os.environ.get(DEBUG_ENV):
        traceback.print_exception(exc)
    click.echo(
        f"casedev-conformance: internal error: {describe_exception(exc)} "
        "(a bug in casedev-conformance: please report it with the command you ran; "
        f"{DEBUG_ENV}=1 shows the traceback)",
        err=True,
    )
    return EXIT_INTERNAL


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
            fail(describe_error(exc))

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the CLI; in standalone mode every way out is an exit code, never a traceback.

        click would print usage errors over several lines; ours are one line each.
        """

        def body() -> Any:
            return click.Group.main(
                self, args, prog_name, complete_var, standalone_mode=False, **extra
            )

        if not standalone_mode:
            return body()
        sys.exit(_run(body))


def describe_error(exc: ConformanceError) -> str:
    """The one-line message of one of our errors, even if its own ``__str__`` breaks."""
    try:
        return str(exc)
    except Exception:
        return describe_exception(exc)


def _run(body: Callable[[], Any]) -> int:
    """Run the CLI body; map every outcome to an exit code and at most one stderr line."""
    try:
        body()
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else EXIT_USAGE)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc), err=True)
        return EXIT_USAGE
    except click.exceptions.Exit as exc:  # --help, --version
        return exc.exit_code
    except click.ClickException as exc:
        click.echo(f"casedev-conformance: error: {_click_error_line(exc)}", err=True)
        return exc.exit_code if exc.exit_code != 1 else EXIT_USAGE
    except click.exceptions.Abort:
        click.echo("casedev-conformance: interrupted", err=True)
        return 130
    except KeyboardInterrupt:
        click.echo("casedev-conformance: interrupted", err=True)
        return 130
    except ConformanceError as exc:  # raised outside a subcommand (e.g. while loading one)
        click.echo(f"casedev-conformance: error: {one_line(describe_error(exc))}", err=True)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``| head``): stop quietly, as other command-line tools do.
        _silence_stdout()
        return 141
    except Exception as exc:
        return internal_error(exc)
    return EXIT_OK


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="casedev-conformance")
@common_options
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Contract tests, fuzzing and a compatibility gate for Case.dev webhook events.

    Settings shared with the pytest plugin (handler, app, secret_env, events,
    max_examples, contract, catalog, seed) are read from [tool.conformance] in the
    nearest pyproject.toml, then CONFORMANCE_* variables; options given on the command
    line win.
    """
    if ctx.resilient_parsing:  # shell completion: never fail on a bad settings file
        return
    ctx.default_map = default_map(*configured())


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code (the console script's entry point)."""
    return _run(lambda: cli.main(args=argv, prog_name="casedev-conformance", standalone_mode=False))


def command_entry(func: Callable[..., int]) -> Callable[..., None]:
    """Wrap a command body that returns an exit code so click exits with it."""

    def wrapper(*args: Any, **kwargs: Any) -> None:
        code = func(*args, **kwargs)
        sys.exit(code)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper
