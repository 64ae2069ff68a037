"""``fuzz --app TARGET`` / ``fuzz --url URL``: receiver fuzzing options for the fuzz command.

:func:`receiver_options` decorates the ``fuzz`` command's callback: it adds the receiver
options and, when ``--app`` or ``--url`` is given, runs :func:`conformance.fuzz_receiver`
instead of handler fuzzing. Exit codes as for handler fuzzing: 0 every check passed, 1 a
check failed, 2 usage errors.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from .._errors import UsageError
from . import EXIT_FOUND, EXIT_OK
from ._options import QUIET, echo, from_command_line, from_settings, verbosity

SECRET_ENV = "CASEDEV_WEBHOOK_SECRET"

_OPTIONS = [
    click.option(
        "--app",
        "app_spec",
        metavar="TARGET",
        default=None,
        help="Fuzz a WSGI or ASGI receiver in-process: package.module:app or file.py:app "
        "(--max-examples then counts payloads per event, default 5).",
    ),
    click.option(
        "--url", default=None, metavar="URL", help="Fuzz a running receiver at this http(s) URL."
    ),
    click.option(
        "--secret",
        default=None,
        metavar="SECRET",
        help=f"The receiver's signing secret (whsec_...); default: ${SECRET_ENV}.",
    ),
    click.option(
        "--secret-env",
        default=None,
        metavar="NAME",
        help="Read the receiver's signing secret from this environment variable.",
    ),
    click.option(
        "--receiver-path",
        default="/",
        show_default=True,
        help="With --app: the path the deliveries are posted to.",
    ),
    click.option(
        "--time-limit",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        help="Seconds a receiver may take to answer [default: 10].",
    ),
    click.option(
        "--tolerance",
        type=click.IntRange(min=0),
        default=300,
        show_default=True,
        help="The receiver's timestamp tolerance in seconds (stale/future forgeries go beyond).",
    ),
    click.option(
        "--header-prefix",
        default="case-webhook",
        show_default=True,
        help="Signature header names are PREFIX-id, PREFIX-timestamp, PREFIX-signature.",
    ),
]


def resolve_secret(secret: str | None, secret_env: str | None) -> str:
    """The secret from --secret, --secret-env NAME or $CASEDEV_WEBHOOK_SECRET."""
    if secret is not None and secret_env is not None:
        raise UsageError("give --secret or --secret-env, not both")
    if secret is not None:
        return secret
    name = secret_env or SECRET_ENV
    value = os.environ.get(name)
    if not value:
        raise UsageError(
            f"no signing secret: give --secret whsec_..., or --secret-env NAME, or set ${name}"
        )
    return value


def receiver_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add --app/--url and friends to the fuzz command, and dispatch on them."""

    @functools.wraps(command)
    def wrapper(
        *args: Any,
        app_spec: str | None,
        url: str | None,
        secret: str | None,
        secret_env: str | None,
        receiver_path: str,
        time_limit: float | None,
        tolerance: int,
        header_prefix: str,
        **kwargs: Any,
    ) -> Any:
        ctx = click.get_current_context()
        if secret is not None and from_settings(ctx, "secret_env"):
            secret_env = None  # --secret on the command line beats the configured variable
        # A target given on the command line replaces the configured one(s).
        typed = from_command_line(ctx, "target", "app_spec", "url")
        if typed:
            if "target" not in typed and from_settings(ctx, "target"):
                kwargs["target"] = None
            if "app_spec" not in typed and from_settings(ctx, "app_spec"):
                app_spec = None
        given = [
            n
            for n, v in (("TARGET", kwargs.get("target")), ("--app", app_spec), ("--url", url))
            if v
        ]
        if len(given) > 1:
            configured = " ([tool.conformance] sets handler and app: choose on the command line)"
            raise UsageError(
                f"give exactly one of TARGET, --app and --url, not {' and '.join(given)}"
                + (configured if not typed else "")
            )
        if not given:
            raise UsageError(
                "missing TARGET (a handler), --app TARGET (a WSGI/ASGI receiver) or --url URL"
            )
        if kwargs.get("target"):
            if from_settings(ctx, "secret_env"):
                secret_env = None  # configured for the receiver, not asked for here
            if secret is not None or secret_env is not None or time_limit is not None:
                raise UsageError("--secret, --secret-env and --time-limit need --app or --url")
            return command(*args, **kwargs)
        handler_only = [
            flag
            for flag, name in (("--deadline", "deadline"), ("--schema-only", "schema_only"))
            if from_command_line(ctx, name)
        ]
        if handler_only:
            used = "--app" if app_spec else "--url"
            raise UsageError(
                f"{' and '.join(handler_only)} "
                f"{'apply' if len(handler_only) > 1 else 'applies'} only to a handler TARGET, "
                f"not to {used} (a receiver has --time-limit)"
            )
        explicit_examples = bool(from_command_line(ctx, "max_examples")) or from_settings(
            ctx, "max_examples"
        )
        code = run_receiver_fuzz(
            app_spec=app_spec,
            url=url,
            secret=resolve_secret(secret, secret_env),
            events=kwargs.get("events") or (),
            max_examples=kwargs["max_examples"] if explicit_examples else None,
            seed=kwargs.get("seed"),
            time_limit=time_limit,
            receiver_path=receiver_path,
            tolerance=tolerance,
            header_prefix=header_prefix,
            failures_dir=kwargs.get("failures_dir"),
            report_path=kwargs.get("report_path"),
            catalog_dir=kwargs.get("catalog_dir"),
        )
        sys.exit(code)

    for option in reversed(_OPTIONS):
        wrapper = option(wrapper)
    return wrapper


def run_receiver_fuzz(
    *,
    app_spec: str | None,
    url: str | None,
    secret: str,
    events: tuple[str, ...],
    max_examples: int | None,
    seed: int | None,
    time_limit: float | None,
    receiver_path: str,
    tolerance: int,
    header_prefix: str,
    failures_dir: Path | None,
    report_path: Path | None,
    catalog_dir: Path | None = None,
) -> int:
    """Run receiver fuzzing, print the report, save failing requests; return the exit code."""
    from .._catalog import load_catalog
    from .._fuzzing import load_target
    from .._webhooks import DEFAULT_EXAMPLES_PER_EVENT, DEFAULT_TIME_LIMIT, fuzz_receiver

    app = load_target(app_spec) if app_spec is not None else None
    folder = (failures_dir or Path(".conformance") / "failures") / "receiver"
    report = fuzz_receiver(
        app,
        url,
        secret=secret,
        events=events or "*",
        catalog=load_catalog(catalog_dir),
        max_examples=max_examples or DEFAULT_EXAMPLES_PER_EVENT,
        seed=seed,
        time_limit=time_limit or DEFAULT_TIME_LIMIT,
        receiver_path=receiver_path,
        tolerance=tolerance,
        header_prefix=header_prefix,
        save_dir=folder,
    )
    if app_spec is not None:
        report.target = f"{app_spec} ({report.target})"
        replay = shlex.join(["casedev-conformance", "send", "--app", app_spec])
        if receiver_path != "/":
            replay += f" --receiver-path {shlex.quote(receiver_path)}"
    else:
        replay = shlex.join(["casedev-conformance", "send", str(url)])
    text = report.format(replay_command=replay)
    # -q: the verdict is the report's last line.
    echo(text.rstrip("\n").rsplit("\n", 1)[-1] if verbosity() == QUIET else text, level=QUIET)
    if report_path is not None:
        try:
            report_path.write_text(json.dumps(report.to_dict(), indent=2) + "\n", "utf-8")
        except OSError as exc:
            raise UsageError(
                f"cannot write the report: {exc.strerror or exc}", file=report_path
            ) from None
    return EXIT_OK if report.ok else EXIT_FOUND
