"""``casedev-conformance send``: post signed sample deliveries to a receiver, or replay one.

Exit codes: 0 every delivery was acknowledged with a 2xx (with ``--replay``: an answer
came back), 1 otherwise, 2 usage errors.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import click

from .._errors import UsageError
from . import EXIT_FOUND, EXIT_OK
from ._receiver_cmd import SECRET_ENV, resolve_secret

_SHOWN = 300


def sample_payloads(event: str, count: int, seed: int | None) -> list[dict[str, Any]]:
    """``count`` schema-valid payloads of ``event``, drawn with Hypothesis."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed

    from ..strategies import payloads

    drawn: list[dict[str, Any]] = []

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(payloads(event, contract=False))
    def draw(data: dict[str, Any]) -> None:
        drawn.append(data)

    if seed is not None:
        draw = hypothesis_seed(seed)(draw)
    draw()
    # A tiny payload space may yield fewer distinct examples than asked for: repeat them.
    return [drawn[i % len(drawn)] for i in range(count)]


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
@click.option("--count", "-n", type=click.IntRange(min=1), default=1, show_default=True)
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
@click.option(
    "--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True
)
@click.option("--header-prefix", default="case-webhook", show_default=True)
@click.option("--verbose", "-v", is_flag=True, help="Print each request, not just its summary.")
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
    header_prefix: str,
    verbose: bool,
) -> None:
    """Send signed sample deliveries of --event to a receiver and print its answers.

    URL is a running receiver; --app TARGET sends to a WSGI/ASGI app in-process instead.
    """
    from .._fuzzing import load_target
    from .._webhooks import (
        HttpRequest,
        URLTransport,
        Webhook,
        load_request,
        request_headers,
        transport_for,
    )

    if (url is None) == (app_spec is None):
        raise UsageError("give exactly one of URL and --app TARGET")
    if not receiver_path.startswith("/"):
        raise UsageError(f"--receiver-path must start with '/', not {receiver_path!r}")
    transport = transport_for(load_target(app_spec) if app_spec else None, url)
    if isinstance(transport, URLTransport):
        path, host = transport.path, transport.netloc
    else:
        path, host = receiver_path, "testserver"
    requests: list[tuple[str, HttpRequest]] = []
    if replay is not None:
        if event is not None or data is not None or count != 1:
            raise UsageError("--replay sends the saved request; drop --event, --data and --count")
        saved = load_request(replay)
        if resign:
            webhook = Webhook(resolve_secret(secret, secret_env), header_prefix=header_prefix)
            msg_id = saved.header(webhook.id_header)
            if not msg_id:
                raise UsageError(
                    f"the saved request has no {webhook.id_header} header", file=replay
                )
            fresh = webhook.headers(msg_id, int(time.time()), saved.body)
            headers = tuple(
                (k, fresh.get(k.lower(), v)) for k, v in saved.headers if k.lower() != "host"
            )
            saved = HttpRequest(saved.method, path, (("Host", host), *headers), saved.body)
        else:
            saved = HttpRequest(saved.method, path, saved.headers, saved.body)
        requests.append((f"replay of {replay}", saved))
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
            bodies = sample_payloads(event, count, seed)
        from .._ids import new_event_id, new_message_id, now_timestamp

        rng = random.Random(seed)
        for payload in bodies:
            envelope = {
                "id": new_event_id(),
                "type": event,
                "occurred_at": now_timestamp(rng),
                "data": payload,
            }
            body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
            signed = webhook.headers(new_message_id(), int(time.time()), body)
            headers = request_headers(
                tuple(signed.items()), host=host, body=body, content_type="application/json"
            )
            requests.append((f"{event} {envelope['id']}", HttpRequest("POST", path, headers, body)))
    target = url or f"{app_spec}{receiver_path}"
    failed = 0
    try:
        for label, request in requests:
            click.echo(f"-> POST {target} {label} ({len(request.body)} bytes)")
            if verbose:
                click.echo("\n".join("   " + line for line in request.describe().splitlines()))
            response = transport.send(request, timeout=timeout)
            click.echo(_show_response(response))
            if response.status is None or (replay is None and not 200 <= response.status < 300):
                failed += 1
    finally:
        transport.close()
    sys.exit(EXIT_FOUND if failed else EXIT_OK)
