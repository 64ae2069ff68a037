"""``casedev-conformance send``: post signed sample deliveries to a receiver, or replay one.

Exit codes: 0 every delivery was acknowledged with a 2xx (with ``--replay``: an answer
came back), 1 otherwise, 2 usage errors and a receiver that cannot be reached at all
(connection refused, DNS, TLS), as for ``fuzz --url``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from .._errors import UsageError
from . import EXIT_FOUND, EXIT_OK
from ._options import QUIET, VERBOSE, catalog_option, common_options, echo, from_settings
from ._params import MAX_COUNT, POSITIVE_SECONDS
from ._receiver_cmd import SECRET_ENV, resolve_secret

_SHOWN = 300


def _parse_data(data: str) -> dict[str, Any]:
    text = data
    source = "--data"
    if data.startswith("@"):
        source = data[1:]
        try:
            text = Path(source).read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read --data file: {exc}", file=source) from None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"{source} is not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise UsageError(f"{source} must be a JSON object (the delivery's data field)")
    return value


def _show_response(response: Any) -> str:
    if response.status is None:
        return f"  <- no response after {response.elapsed * 1000:.0f} ms: {response.error}"
    body = response.body[:_SHOWN].decode("utf-8", "replace").strip()
    more = " ..." if len(response.body) > _SHOWN else ""
    return f"  <- {response.status} in {response.elapsed * 1000:.0f} ms {body}{more}".rstrip()


@click.command("send")
@common_options
@click.argument("url", required=False)
@click.option(
    "--app", "app_spec", metavar="TARGET", default=None, help="Send to a WSGI/ASGI app in-process."
)
@click.option("--receiver-path", default="/", show_default=True, help="With --app: the path.")
@click.option("--event", "-e", "event", metavar="TYPE", default=None, help="The event type.")
@click.option(
    "--secret",
    default=None,
    help=f"Signing secret (whsec_...), or a whsk_ key to sign v1a (ed25519); default ${SECRET_ENV}.",
)
@click.option("--secret-env", default=None, metavar="NAME", help="Read the secret from $NAME.")
@click.option(
    "--count", "-n", type=click.IntRange(min=1, max=MAX_COUNT), default=1, show_default=True
)
@click.option(
    "--data",
    default=None,
    metavar="JSON",
    help="The data object to send (JSON, or @FILE) instead of a generated payload.",
)
@click.option("--seed", type=int, default=None, help="Make generated payloads repeatable.")
@click.option(
    "--replay",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Send a request saved by `fuzz --app/--url` byte for byte.",
)
@click.option(
    "--resign",
    is_flag=True,
    help="With --replay: fresh timestamp and signature (needs the secret); body and id kept.",
)
@click.option("--timeout", type=POSITIVE_SECONDS, default=10.0, show_default=True)
@click.option(
    "--cacert",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With an https:// URL: a PEM file of CA certificates to trust.",
)
@click.option("--header-prefix", default="case-webhook", show_default=True)
@catalog_option
def send(
    *,
    url: str | None,
    app_spec: str | None,
    receiver_path: str,
    event: str | None,
    secret: str | None,
    secret_env: str | None,
    count: int,
    data: str | None,
    seed: int | None,
    replay: Path | None,
    resign: bool,
    timeout: float,
    cacert: Path | None,
    header_prefix: str,
    catalog_dir: Path | None,
) -> None:
    """Send signed sample deliveries of --event to a receiver and print its answers.

    URL is a running receiver; --app TARGET sends to a WSGI/ASGI app in-process instead.
    -v prints each request in full; -q only the closing verdict line.
    """
    from .._catalog import load_catalog
    from .._fuzzing import load_target
    from .._webhooks import (
        HttpRequest,
        URLTransport,
        Webhook,
        sample_payloads,
        saved_request,
        signed_deliveries,
        transport_for,
    )

    if secret is not None and from_settings(click.get_current_context(), "secret_env"):
        secret_env = None  # --secret on the command line beats the configured variable
    if (url is None) == (app_spec is None):
        raise UsageError("give exactly one of URL and --app TARGET")
    if not receiver_path.startswith("/"):
        raise UsageError(f"--receiver-path must start with '/', not {receiver_path!r}")
    transport = transport_for(load_target(app_spec) if app_spec else None, url, cacert=cacert)
    if isinstance(transport, URLTransport):
        path, host = transport.path, transport.netloc
    else:
        path, host = receiver_path, "testserver"
    requests: list[tuple[str, HttpRequest]] = []
    if replay is not None:
        if event is not None or data is not None or count != 1:
            raise UsageError("--replay sends the saved request; drop --event, --data and --count")
        signer = None
        if resign:
            signer = Webhook(resolve_secret(secret, secret_env), header_prefix=header_prefix)
        request = saved_request(replay, path=path, host=host, webhook=signer)
        requests.append((f"replay of {replay}", request))
    else:
        if resign:
            raise UsageError("--resign goes with --replay")
        if event is None:
            raise UsageError("missing --event TYPE (or --replay FILE)")
        webhook = Webhook(resolve_secret(secret, secret_env), header_prefix=header_prefix)
        if data is not None:
            bodies = [_parse_data(data)] * count
        elif event == "webhook.test":
            bodies = [{}] * count
        else:
            bodies = sample_payloads(event, count, seed, catalog=load_catalog(catalog_dir))
        requests.extend(signed_deliveries(webhook, event, bodies, path=path, host=host, seed=seed))
    target = url or f"{app_spec}{receiver_path}"
    failed = 0
    try:
        for label, request in requests:
            echo(f"-> POST {target} {label} ({len(request.body)} bytes)")
            echo("\n".join("   " + line for line in request.describe().splitlines()), level=VERBOSE)
            response = transport.send(request, timeout=timeout)
            if response.unreachable:
                # Same rule as `fuzz --url`: a receiver never reached is a usage error (2),
                # not a receiver that answered wrongly (1).
                raise UsageError(
                    f"cannot reach {target}: {response.error}; is the receiver running?"
                )
            echo(_show_response(response))
            if response.status is None or (replay is None and not 200 <= response.status < 300):
                failed += 1
    finally:
        transport.close()
    total = len(requests)
    wanted = "answered" if replay is not None else "acknowledged (2xx)"
    echo(
        f"{'ok' if not failed else 'FAILED'}: {total - failed} of {total} "
        f"deliver{'ies' if total != 1 else 'y'} {wanted} by {target}",
        level=QUIET,
    )
    sys.exit(EXIT_FOUND if failed else EXIT_OK)
