"""``fuzz --app TARGET`` / ``fuzz --url URL``: receiver fuzzing options for the fuzz command.

:func:`receiver_options` decorates the ``fuzz`` command's callback: it adds the receiver
options and, when ``--app`` or ``--url`` is given, runs :func:`conformance.fuzz_receiver`
instead of handler fuzzing. Exit codes as for handler fuzzing: 0 no finding of a
``--fail-on`` severity, 1 such a finding, 2 usage errors.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click

from .._errors import UsageError
from .._files import write_file
from .._webhooks import MAX_TOLERANCE
from . import EXIT_FOUND, EXIT_OK
from ._options import QUIET, echo, from_command_line, from_settings, verbosity
from ._params import POSITIVE_SECONDS

SECRET_ENV = "CASEDEV_WEBHOOK_SECRET"
#: Receiver-only options (parameter name: flag) that a handler TARGET must not get.
_RECEIVER_ONLY = {
    "fail_on": "--fail-on",
    "subscribed": "--subscribed",
    "side_effects_target": "--side-effects",
    "side_effects_url": "--side-effects-url",
    "side_effects_command": "--side-effects-command",
    "junit_path": "--junit",
}
#: Seconds a side-effect URL or command may take to answer (a hang guard, not a limit).
HOOK_TIMEOUT = 60.0

_OPTIONS = [
    click.option(
        "--app",
        "app_spec",
        metavar="TARGET",
        default=None,
        help="Fuzz a WSGI or ASGI receiver in-process: package.module:app or file.py:app "
        "(--max-examples then counts payloads per event, default 5); its prints and logs "
        "are shown with each finding.",
    ),
    click.option(
        "--url", default=None, metavar="URL", help="Fuzz a running receiver at this http(s) URL."
    ),
    click.option(
        "--secret",
        default=None,
        metavar="SECRET",
        help=f"The receiver's signing secret (whsec_...), or a whsk_ key to sign v1a "
        f"(ed25519; the receiver holds its whpk_); default: ${SECRET_ENV}.",
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
        type=POSITIVE_SECONDS,
        default=None,
        help="Seconds a receiver may take to answer [default: 10].",
    ),
    click.option(
        "--tolerance",
        type=click.IntRange(min=0, max=MAX_TOLERANCE),
        default=300,
        show_default=True,
        help="The receiver's timestamp tolerance in seconds (stale/future forgeries go beyond).",
    ),
    click.option(
        "--cacert",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="With --url https://...: a PEM file of CA certificates to trust.",
    ),
    click.option(
        "--header-prefix",
        default="case-webhook",
        show_default=True,
        help="Signature header names are PREFIX-id, PREFIX-timestamp, PREFIX-signature.",
    ),
    click.option(
        "--fail-on",
        default="all",
        show_default=True,
        metavar="SEVERITY[,...]",
        help="Severities that fail the run (exit 1): anyone, sender, lost-delivery, spec, "
        "or all; other findings are still reported.",
    ),
    click.option(
        "--subscribed",
        multiple=True,
        metavar="PATTERN",
        help="Event types the endpoint subscribes to (repeatable; filter syntax); others "
        "may be refused with a 4xx. [default: every type]",
    ),
    click.option(
        "--side-effects",
        "side_effects_target",
        default=None,
        metavar="TARGET",
        help="A Python callable (module:func or file.py:func) taking an event id and "
        "returning how many times the receiver processed it; enables processed-once.",
    ),
    click.option(
        "--side-effects-url",
        default=None,
        metavar="URL",
        help="Like --side-effects, over HTTP: GET URL ({id} replaced, else ?id= added) "
        'answers the count as a number or {"count": N}.',
    ),
    click.option(
        "--side-effects-command",
        default=None,
        metavar="COMMAND",
        help="Like --side-effects, as a command ({id} replaced, else the id appended) that "
        "prints the count.",
    ),
    click.option(
        "--junit",
        "junit_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Also write the findings as JUnit XML to FILE (one test case per check, "
        "severity as a property).",
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
        cacert: Path | None,
        fail_on: str,
        subscribed: tuple[str, ...],
        side_effects_target: str | None,
        side_effects_url: str | None,
        side_effects_command: str | None,
        junit_path: Path | None,
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
            if cacert is not None:
                raise UsageError("--cacert needs --url")
            receiver_only = from_command_line(ctx, *_RECEIVER_ONLY)
            if receiver_only:
                flags = [flag for name, flag in _RECEIVER_ONLY.items() if name in receiver_only]
                raise UsageError(f"{', '.join(flags)}: need --app or --url")
            return command(*args, **kwargs)
        handler_only = [
            flag
            for flag, name in (
                ("--deadline", "deadline"),
                ("--schema-only", "schema_only"),
                ("--usage", "usage_path"),
                ("--consumer", "consumer"),
            )
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
            cacert=cacert,
            failures_dir=kwargs.get("failures_dir"),
            report_path=kwargs.get("report_path"),
            catalog_dir=kwargs.get("catalog_dir"),
            fail_on=fail_on,
            subscribed=subscribed,
            side_effects=side_effects_hook(
                side_effects_target, side_effects_url, side_effects_command
            ),
            junit_path=junit_path,
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
    cacert: Path | None = None,
    fail_on: str = "all",
    subscribed: tuple[str, ...] = (),
    side_effects: Callable[[str], int] | None = None,
    junit_path: Path | None = None,
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
        cacert=cacert,
        subscribed=subscribed or None,
        side_effects=side_effects,
        fail_on=fail_on,
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
        write_file(report_path, json.dumps(report.to_dict(), indent=2) + "\n", what="report")
    if junit_path is not None:
        write_file(junit_path, report.to_junit(), what="JUnit report")
    return EXIT_OK if report.ok else EXIT_FOUND


def side_effects_hook(
    target: str | None, url: str | None, command: str | None
) -> Callable[[str], int] | None:
    """The side-effect hook from at most one of --side-effects, --side-effects-url and
    --side-effects-command: a callable from an event id to a processing count."""
    given = [
        flag
        for flag, value in (
            ("--side-effects", target),
            ("--side-effects-url", url),
            ("--side-effects-command", command),
        )
        if value
    ]
    if len(given) > 1:
        raise UsageError(f"give one side-effect hook, not {' and '.join(given)}")
    if target:
        from .._fuzzing import load_target

        hook: Callable[[str], int] = load_target(target)
        return hook
    if url:
        return functools.partial(_count_from_url, url)
    if command:
        words = shlex.split(command)
        if not words:
            raise UsageError("--side-effects-command is empty")
        return functools.partial(_count_from_command, words)
    return None


def _count(text: str, source: str) -> int:
    try:
        value = json.loads(text)
    except ValueError:
        value = None
    if isinstance(value, dict):
        value = value.get("count")
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{source} answered {text[:200]!r}, not a count")
    return value


def _count_from_url(template: str, event_id: str) -> int:
    from .._webhooks import HttpRequest, URLTransport, request_headers

    if "{id}" in template:
        url = template.replace("{id}", quote(event_id, safe=""))
    else:
        url = template + ("&" if "?" in template else "?") + "id=" + quote(event_id, safe="")
    transport = URLTransport(url)
    request = HttpRequest(
        "GET",
        transport.path,
        request_headers((), host=transport.netloc, body=b"", content_type=None),
        b"",
    )
    response = transport.send(request, timeout=HOOK_TIMEOUT)
    if response.status is None or not 200 <= response.status < 300:
        raise ValueError(f"GET {url}: {response.describe()}")
    return _count(response.body.decode("utf-8", "replace"), f"GET {url}")


def _count_from_command(words: list[str], event_id: str) -> int:
    argv = [w.replace("{id}", event_id) for w in words]
    if not any("{id}" in w for w in words):
        argv.append(event_id)
    done = subprocess.run(argv, capture_output=True, text=True, timeout=HOOK_TIMEOUT, check=False)
    if done.returncode != 0:
        raise ValueError(f"{shlex.join(argv)} exited {done.returncode}: {done.stderr.strip()}")
    return _count(done.stdout.strip(), shlex.join(argv))
