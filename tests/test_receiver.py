"""Receiver fuzzing: each broken receiver is caught for its own bug, in-process and over
loopback HTTP; the correct receivers pass; failing requests replay byte for byte."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import ROOT

from conformance import FuzzError, UsageError, fuzz_receiver, load_catalog
from conformance._fuzzing._target import _import_file, load_object
from conformance._webhooks._http import HttpRequest, app_kind, load_request, transport_for
from conformance._webhooks._receiver import CHECKS, DEFAULT_TIME_LIMIT

RECEIVERS = ROOT / "tests" / "receivers"
EXAMPLE = ROOT / "examples" / "receiver.py"
sys.path.insert(0, str(RECEIVERS))
from _base import SECRET  # noqa: E402
from _serve import serve_asgi, serve_wsgi  # noqa: E402

BROKEN = sorted(
    p.stem for p in RECEIVERS.glob("*.py") if not p.stem.startswith("_") and p.stem != "correct"
)
#: Few events keep each run near 80 requests; the unknown types are always added.
EVENTS = "vault.ingest.*"
#: The slow receiver sleeps 1 s per request, so it misses a 0.3 s limit however loaded the
#: machine is (load only makes it later). Every other receiver gets the tool's default
#: limit: a 0.3 s limit let a loaded machine turn a correct receiver into a "slow" one.
SLOW_LIMIT = 0.3


def limit_for(name: str) -> float:
    """The time limit the fuzzer gives receiver ``name``: tight only where a miss is the bug."""
    return SLOW_LIMIT if "answers-in-time" in module(name).EXPECTED else DEFAULT_TIME_LIMIT


def module(name: str) -> ModuleType:
    """A receiver module, loaded from its file so a same-named module (tests/handlers has
    a not_idempotent.py too) cannot shadow it in a shared test process."""
    path = RECEIVERS / f"{name}.py"
    return _import_file(path, f"{path}:app")


def failed_checks(name: str, **kwargs: Any) -> set[str]:
    report = fuzz_receiver(
        secret=SECRET, events=EVENTS, max_examples=1, seed=7, time_limit=limit_for(name), **kwargs
    )
    return {f.check for f in report.failures}


def test_there_is_a_broken_receiver_for_every_check() -> None:
    caught = set().union(*(module(name).EXPECTED for name in BROKEN))
    assert caught == set(CHECKS)
    assert len(BROKEN) >= 10


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
@pytest.mark.parametrize("name", BROKEN)
def test_broken_receiver_is_caught_in_process(name: str, kind: str) -> None:
    mod = module(name)
    app = mod.app if kind == "wsgi" else mod.asgi_app
    assert app_kind(app) == kind
    assert failed_checks(name, app=app) == mod.EXPECTED


@pytest.mark.parametrize("name", BROKEN)
def test_broken_receiver_is_caught_over_loopback(name: str) -> None:
    mod = module(name)
    with serve_wsgi(mod.app) as url:
        assert failed_checks(name, url=url) == mod.EXPECTED


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
@pytest.mark.parametrize("path", [RECEIVERS / "correct.py", EXAMPLE])
def test_correct_receivers_pass_in_process(path: Path, kind: str) -> None:
    app = load_object(f"{path}:{'app' if kind == 'wsgi' else 'asgi_app'}")
    secret = SECRET if path.stem == "correct" else load_object(f"{path}:SECRET")
    # The example gets every event (the claim in its docstring); the rest a family.
    events = "*" if path == EXAMPLE and kind == "wsgi" else "vault.*"
    report = fuzz_receiver(app, secret=secret, max_examples=1, seed=11, events=events)
    assert report.ok, report.format()
    assert report.requests > 4 * len(load_catalog().select(events))
    assert all(report.cases[check] > 0 for check in CHECKS)


@pytest.mark.parametrize("serve", [serve_wsgi, serve_asgi])
def test_example_receiver_passes_on_loopback(serve: Any) -> None:
    app = load_object(f"{EXAMPLE}:{'app' if serve is serve_wsgi else 'asgi_app'}")
    with serve(app) as url:
        report = fuzz_receiver(url=url, secret=load_object(f"{EXAMPLE}:SECRET"), events="vault.*")
    assert report.ok, report.format()


def test_failures_carry_the_exact_request_and_replay_byte_for_byte(tmp_path: Path) -> None:
    mod = module("crashes_on_malformed_header")
    report = fuzz_receiver(
        mod.app, secret=SECRET, events=EVENTS, max_examples=1, seed=3, save_dir=tmp_path
    )
    assert not report.ok
    failure = next(f for f in report.failures if "without 'v1,'" in failure_case(f))
    assert failure.response.status == 500
    saved = report.saved[report.failures.index(failure)]
    request = load_request(saved)
    assert request == failure.request
    assert saved.read_bytes() == failure.request.to_bytes()
    # The same bytes sent again get the same answer, in-process and over HTTP.
    again = transport_for(mod.app).send(request, timeout=5)
    assert again.status == 500
    text = report.format()
    assert str(saved) in text
    assert failure.request.header("case-webhook-signature") in text  # type: ignore[operator]


def failure_case(failure: Any) -> str:
    return str(failure.case)


def test_unreachable_url_is_a_fuzz_error() -> None:
    with serve_wsgi(module("correct").app) as url:
        pass  # the port is free again
    with pytest.raises(FuzzError, match="cannot reach"):
        fuzz_receiver(url=url, secret=SECRET, events=EVENTS)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"app": lambda e, s: [], "url": "http://127.0.0.1:1/"},
        {"url": "ftp://example.com/"},
        {"url": "http://127.0.0.1:1/", "max_examples": 0},
        {"url": "http://127.0.0.1:1/", "time_limit": 0},
        {"url": "http://127.0.0.1:1/", "events": "no.such.*"},
    ],
)
def test_bad_arguments_are_usage_errors(kwargs: dict[str, Any]) -> None:
    with pytest.raises((UsageError, LookupError)):
        fuzz_receiver(secret=SECRET, **kwargs)


def test_request_roundtrips_through_its_http_form() -> None:
    request = HttpRequest("POST", "/x?y=1", (("A", "b c"), ("Empty", "")), b"\x00\xff\r\n\r\nz")
    from conformance._webhooks._http import parse_request

    assert parse_request(request.to_bytes()) == request


def lifespan_app(fail: bool) -> Any:
    """An ASGI app that needs its lifespan startup to have run (like FastAPI with a DB)."""
    inner = load_object(f"{EXAMPLE}:asgi_app")

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    scope["state"]["ready"] = True
                    kind = "failed" if fail else "complete"
                    await send({"type": f"lifespan.startup.{kind}", "message": "no database"})
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        assert scope["state"].get("ready"), "startup did not run"
        await inner(scope, receive, send)

    return app


def test_asgi_lifespan_startup_runs_before_the_deliveries() -> None:
    report = fuzz_receiver(
        lifespan_app(fail=False), secret=load_object(f"{EXAMPLE}:SECRET"), events=EVENTS
    )
    assert report.ok, report.format()


def test_asgi_lifespan_startup_failure_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="no database"):
        fuzz_receiver(lifespan_app(fail=True), secret=SECRET, events=EVENTS)
