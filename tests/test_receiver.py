"""Receiver fuzzing: each broken receiver is caught for its own bug and graded with its
check's documented severity, in-process (WSGI and ASGI) and over loopback HTTP (wsgiref
and uvicorn); the correct receivers pass; failing requests replay byte for byte."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT

from conformance import FuzzError, UsageError, fuzz_receiver, load_catalog
from conformance._fuzzing._target import _import_file, load_object
from conformance._webhooks._http import (
    HttpRequest,
    app_kind,
    capture_app_output,
    load_request,
    transport_for,
)
from conformance._webhooks._receiver import (
    CHECK,
    CHECKS,
    SEVERITIES,
    ReceiverReport,
    parse_severities,
    severity_table,
)

RECEIVERS = ROOT / "tests" / "receivers"
EXAMPLE = ROOT / "examples" / "receiver.py"
sys.path.insert(0, str(RECEIVERS))
from _base import SECRET, HandRolled  # noqa: E402
from _serve import serve_asgi, serve_wsgi  # noqa: E402

BROKEN = sorted(
    p.stem for p in RECEIVERS.glob("*.py") if not p.stem.startswith("_") and p.stem != "correct"
)
#: Few events keep each run near 100 requests; the unknown types are always added.
EVENTS = "vault.ingest.*"
#: Only the slow receiver (it sleeps 1 s per delivery) gets a short limit: it always
#: exceeds it, and the others keep the generous default, so no verdict hangs on timing.
SLOW_LIMIT = 0.3


def module(name: str) -> ModuleType:
    """A receiver module, loaded from its file so a same-named module (tests/handlers has
    a not_idempotent.py too) cannot shadow it in a shared test process."""
    path = RECEIVERS / f"{name}.py"
    return _import_file(path, f"{path}:app")


def run(mod: ModuleType, **kwargs: Any) -> ReceiverReport:
    limit = {"time_limit": SLOW_LIMIT} if Path(str(mod.__file__)).stem == "slow" else {}
    return fuzz_receiver(
        secret=SECRET,
        events=EVENTS,
        max_examples=1,
        seed=7,
        side_effects=mod.receiver.side_effects,
        **limit,
        **kwargs,
    )


def graded_as_documented(report: ReceiverReport) -> None:
    """Every finding has its check's severity (answers-in-time: its request's check's)."""
    for failure in report.failures:
        documented = CHECK[failure.check].severity
        if documented is None:
            documented = CHECK[failure.group.removesuffix(" requests")].severity
        assert failure.severity == documented, failure


def test_there_is_a_broken_receiver_for_every_check_and_every_severity() -> None:
    caught = set().union(*(module(name).EXPECTED for name in BROKEN))
    assert caught == set(CHECKS)
    assert {CHECK[c].severity for c in caught} - {None} == set(SEVERITIES)
    assert len(BROKEN) >= 12


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
@pytest.mark.parametrize("name", BROKEN)
def test_broken_receiver_is_caught_in_process(name: str, kind: str) -> None:
    mod = module(name)
    app = mod.app if kind == "wsgi" else mod.asgi_app
    assert app_kind(app) == kind
    report = run(mod, app=app)
    assert {f.check for f in report.failures} == mod.EXPECTED, report.format()
    graded_as_documented(report)


@pytest.mark.parametrize("serve", [serve_wsgi, serve_asgi], ids=["wsgiref", "uvicorn"])
@pytest.mark.parametrize("name", BROKEN)
def test_broken_receiver_is_caught_over_loopback(name: str, serve: Any) -> None:
    mod = module(name)
    with serve(mod.app if serve is serve_wsgi else mod.asgi_app) as url:
        report = run(mod, url=url)
    assert {f.check for f in report.failures} == mod.EXPECTED, report.format()
    graded_as_documented(report)


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
@pytest.mark.parametrize("path", [RECEIVERS / "correct.py", EXAMPLE])
def test_correct_receivers_pass_in_process(path: Path, kind: str) -> None:
    app = load_object(f"{path}:{'app' if kind == 'wsgi' else 'asgi_app'}")
    secret = SECRET if path.stem == "correct" else load_object(f"{path}:SECRET")
    hook = module("correct").receiver.side_effects if path.stem == "correct" else None
    # The example gets every event (the claim in its docstring); the rest a family.
    events = "*" if path == EXAMPLE and kind == "wsgi" else "vault.*"
    report = fuzz_receiver(
        app, secret=secret, max_examples=1, seed=11, events=events, side_effects=hook
    )
    assert report.ok, report.format()
    assert not report.failures
    assert report.requests > 4 * len(load_catalog().select(events))
    ran = {c for c in CHECKS if report.cases[c] > 0}
    assert ran == (set(CHECKS) if hook else set(CHECKS) - {"processed-once"})


@pytest.mark.parametrize("serve", [serve_wsgi, serve_asgi])
def test_example_receiver_passes_on_loopback(serve: Any) -> None:
    app = load_object(f"{EXAMPLE}:{'app' if serve is serve_wsgi else 'asgi_app'}")
    with serve(app) as url:
        report = fuzz_receiver(url=url, secret=load_object(f"{EXAMPLE}:SECRET"), events="vault.*")
    assert report.ok, report.format()


# -- reachability: the same hostile body unsigned, with a garbage signature, signed -------


def test_decode_before_verify_is_anyones_to_trigger_and_verify_first_only_the_senders() -> None:
    before = run(module("decode_before_verify"), app=module("decode_before_verify").app)
    after = run(module("crashes_on_bad_json"), app=module("crashes_on_bad_json").app)
    hostile = [f for f in before.failures if f.check == "rejects-hostile-bodies"]
    assert {f.severity for f in hostile} == {"anyone"}
    # Both ways of sending without the secret show it, each as its own labelled group.
    assert {f.group for f in hostile} == {
        "hostile bodies, unsigned",
        "hostile bodies, garbage signature",
    }
    assert all("not UTF-8" in f.members for f in hostile)
    assert all(f.response.status == 500 for f in hostile)
    # Verifying first leaves only the signed copies of the same bodies: the sender's.
    assert {(f.check, f.severity) for f in after.failures} == {("signed-junk", "sender")}
    (junk,) = after.failures
    assert {"not UTF-8", "cut in the middle of a character", "not JSON"} <= set(junk.members)


def test_signed_junk_is_one_rule_any_4xx_or_2xx_never_5xx() -> None:
    def answering(status: int) -> Any:
        class Receiver(HandRolled):
            def parse(self, body: bytes) -> Any:
                event = super().parse(body)
                if not isinstance(event, dict):
                    raise _Answer(status)
                return event

        return _answering(Receiver())

    for status, caught in ((400, False), (422, False), (200, False), (500, True), (503, True)):
        report = fuzz_receiver(
            answering(status), secret=SECRET, events="vault.ingest.completed", max_examples=1
        )
        junk = [f for f in report.failures if f.check == "signed-junk"]
        assert bool(junk) == caught, (status, report.format())
        if caught:
            # Arrays, strings, null: one finding under one rule, whatever the JSON shape.
            (finding,) = junk
            assert {"a JSON array", "a JSON string", "JSON null"} <= set(finding.members)


class _Answer(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


def _answering(receiver: HandRolled) -> Any:
    inner = receiver.wsgi()

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        try:
            return inner(environ, start_response)
        except _Answer as answer:
            start_response(f"{answer.status} X", [])
            return [b"chosen"]

    return app


# -- repeats and side effects --------------------------------------------------------------


def test_side_effect_hook_catches_processing_twice_and_passes_deduplication() -> None:
    twice = module("processes_twice")
    once = module("correct")
    caught = run(twice, app=twice.app)
    passed = run(once, app=once.app)
    assert {(f.check, f.severity) for f in caught.failures} == {("processed-once", "sender")}
    assert all("processed 2 times" in f.reason for f in caught.failures)
    assert sum(f.count for f in caught.failures) == caught.cases["processed-once"]
    assert caught.cases["repeat-accepted"] > 0  # the answers alone looked fine
    assert not passed.failures
    assert passed.cases["processed-once"] == passed.cases["repeat-accepted"] > 0
    # Without the hook only the answers are seen: the check says it was skipped, and why.
    blind = fuzz_receiver(twice.app, secret=SECRET, events=EVENTS, max_examples=1)
    assert blind.ok
    assert blind.status("processed-once").startswith("skipped: no side-effect hook")
    assert "processed-once" in blind.format().splitlines()[-1]


def test_a_hook_that_sees_nothing_skips_the_check_and_a_failing_hook_is_a_usage_error() -> None:
    mod = module("correct")
    report = fuzz_receiver(
        mod.app, secret=SECRET, events=EVENTS, max_examples=1, side_effects=lambda _: 0
    )
    assert report.status("processed-once").startswith("skipped: the side-effect hook reported 0")

    def broken(event_id: str) -> int:
        raise KeyError(event_id)

    with pytest.raises(UsageError, match="side-effect hook failed"):
        fuzz_receiver(mod.app, secret=SECRET, events=EVENTS, max_examples=1, side_effects=broken)


def test_checks_with_no_cases_are_skipped_with_a_reason_never_ok() -> None:
    mod = module("secret_as_text")  # refuses everything: nothing gets repeated
    report = fuzz_receiver(mod.app, secret=SECRET, events=EVENTS, max_examples=1)
    for check in CHECKS:
        status = report.status(check)
        assert (status == "ok") <= (report.cases[check] > 0), check
        if report.cases[check] == 0:
            assert status.startswith("skipped: "), check
            assert len(status) > len("skipped: ") + 3, check
    assert report.status("repeat-accepted") == (
        "skipped: no delivery was accepted, so none was repeated"
    )


# -- subscriptions, --fail-on ---------------------------------------------------------------


def test_subscribed_types_may_refuse_others_with_a_4xx() -> None:
    mod = module("subscribed_only")

    def fuzz(**kwargs: Any) -> ReceiverReport:
        return fuzz_receiver(mod.app, secret=SECRET, events=EVENTS, max_examples=1, **kwargs)

    plain = fuzz()
    assert {f.check for f in plain.failures} == mod.EXPECTED
    scoped = fuzz(subscribed=mod.SUBSCRIBED)
    assert scoped.ok, scoped.format()
    assert scoped.cases["accepts-valid"] == plain.cases["accepts-valid"]
    # A subscribed type is still owed a 2xx.
    wrong = fuzz(subscribed=["vault.ingest.*", "casedev.*"])
    assert {f.check for f in wrong.failures} == mod.EXPECTED
    with pytest.raises(UsageError):
        fuzz(subscribed="vault*")


def test_fail_on_picks_what_fails_but_every_finding_is_reported() -> None:
    mod = module("ignores_version")  # spec only
    spec_only = fuzz_receiver(mod.app, secret=SECRET, events=EVENTS, max_examples=1)
    assert not spec_only.ok
    relaxed = fuzz_receiver(
        mod.app, secret=SECRET, events=EVENTS, max_examples=1, fail_on="anyone,sender"
    )
    assert relaxed.ok
    assert [f.check for f in relaxed.failures] == ["strict-signature-labels"]
    text = relaxed.format()
    assert "(not failing: --fail-on)" in text
    assert relaxed.to_dict()["failures"][0]["fails_run"] is False
    assert parse_severities("all") == frozenset(SEVERITIES)
    assert parse_severities(["anyone", "spec,sender"]) == {"anyone", "spec", "sender"}
    for bad in ("", "critical", "anyone,nobody"):
        with pytest.raises(UsageError, match="Expected severities"):
            parse_severities(bad)


# -- what the report says ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("app", "first_cause"),
    [
        (lambda: module("secret_as_text").app, "the secret"),
        (lambda: _on_path("/hooks", module("correct").app), "the path"),
        (lambda: _answering(_Crashing()), "the receiver crashes"),
    ],
    ids=["wrong-secret", "wrong-path", "crashes"],
)
def test_every_valid_delivery_refused_is_said_first_with_causes_and_one_exchange(
    app: Callable[[], Any], first_cause: str
) -> None:
    report = fuzz_receiver(app(), secret=SECRET, events=EVENTS, max_examples=1)
    assert report.all_refused is not None
    example, causes = report.all_refused
    assert causes[0].startswith(first_cause)
    assert {c.split(":")[0] for c in causes} >= {"the secret", "the header prefix", "the path"}
    lines = report.format().splitlines()
    assert lines[2].startswith("EVERY VALID DELIVERY WAS REFUSED")
    assert example.request.header("case-webhook-signature") in "\n".join(lines[:20])
    assert report.to_dict()["all_refused"]["causes"] == list(causes)
    # A receiver that takes some deliveries gets no such diagnosis.
    extra = module("rejects_extra_fields")
    assert run(extra, app=extra.app).all_refused is None


class _Crashing(HandRolled):
    def process(self, event: Any) -> None:
        raise RuntimeError("database is down")


def _on_path(path: str, inner: Any) -> Any:
    def app(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] != path:
            start_response("404 Not Found", [])
            return [b"not found"]
        return inner(environ, start_response)

    return app


def test_grouped_findings_are_labelled_by_everything_they_cover() -> None:
    mod = module("first_signature_only")
    report = fuzz_receiver(mod.app, secret=SECRET, events="vault.*", max_examples=2, seed=5)
    (rotation,) = report.failures
    assert rotation.group == "rotation"
    assert rotation.count > len(rotation.members) >= 2
    assert all(m.startswith("position ") for m in rotation.members)
    assert rotation.label == "rotation: " + ", ".join(rotation.members)
    # The label names positions the example does not, and the example is one of them.
    assert any(m not in rotation.case for m in rotation.members)
    assert any(m in rotation.case for m in rotation.members)
    extra = module("rejects_extra_fields")
    valid = next(f for f in run(extra, app=extra.app).failures if f.check == "accepts-valid")
    assert valid.group == "stable events with additive fields" or "beta" in valid.group
    assert set(valid.members) <= {e.name for e in load_catalog().select(EVENTS)}
    assert valid.label.startswith(valid.group + ": ")


def test_no_text_is_said_twice_and_the_exception_stands_in_for_the_body() -> None:
    mod = module("not_idempotent")
    for app in (mod.app, mod.asgi_app):
        report = run(mod, app=app)
        failure = report.failures[0]
        line = failure.response.describe()
        assert line.startswith("500 (the app raised RuntimeError: UNIQUE constraint failed")
        assert line.count("UNIQUE constraint failed") == 1
        text = report.format()
        assert text.count("raised RuntimeError") == len(report.failures)


def _flask_like(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Renders its own HTML 500 page and writes the traceback to wsgi.errors, as Flask."""
    try:
        {}["missing"]
    except KeyError:
        environ["wsgi.errors"].write(traceback.format_exc())
    start_response("500 INTERNAL SERVER ERROR", [("Content-Type", "text/html")])
    return [b"<!doctype html><title>500 Internal Server Error</title><h1>Oops</h1>"]


def _django_like(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Renders its own 500 page and logs the exception, as Django's django.request."""
    try:
        int("forty-two")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /")
    start_response("500 Internal Server Error", [("Content-Type", "text/html")])
    return [b"<html><body><h1>Server Error (500)</h1></body></html>"]


@pytest.mark.parametrize(
    ("app", "raised"),
    [(_flask_like, "KeyError: 'missing'"), (_django_like, "ValueError: invalid literal")],
    ids=["wsgi-errors", "logger"],
)
def test_a_wsgi_500_shows_the_exception_behind_it_not_the_html_page(app: Any, raised: str) -> None:
    with capture_app_output():
        response = transport_for(app).send(HttpRequest("POST", "/", (), b"{}"), timeout=30)
    assert response.status == 500
    assert response.raised is not None
    assert response.raised.startswith(raised)
    assert "<" not in response.describe()
    assert "Traceback" in response.output


class _Chatty(HandRolled):
    """Prints and logs while answering, and crashes on repeats."""

    def handle(self, method: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        print(f"chatty got {len(body)} bytes")
        logging.getLogger("chatty").warning("chatty warns about %d bytes", len(body))
        return super().handle(method, headers, body)

    def duplicate(self, event_id: object) -> tuple[int, str]:
        print(f"chatty sees {event_id} again")
        raise RuntimeError("duplicate")


@pytest.mark.parametrize("kind", ["wsgi", "asgi"])
def test_the_apps_prints_and_logs_are_kept_per_finding(
    kind: str, capsys: pytest.CaptureFixture[str]
) -> None:
    chatty = _Chatty()
    app = chatty.wsgi() if kind == "wsgi" else chatty.asgi()
    print("before the run")
    report = fuzz_receiver(app, secret=SECRET, events=EVENTS, max_examples=1)
    print("after the run")
    out, err = capsys.readouterr()
    assert out == "before the run\nafter the run\n"  # nothing of the app's in between
    assert "chatty" not in err
    failure = report.failures[0]
    assert {f.check for f in report.failures} == {"repeat-accepted"}
    event_id = failure.request.body.split(b'"id"')[1].split(b'"')[1].decode()
    assert f"chatty sees {event_id} again" in failure.response.output
    assert "WARNING chatty: chatty warns about" in failure.response.output
    assert f"    | chatty sees {event_id} again" in report.format()
    assert report.to_dict()["failures"][0]["response"]["app_output"] == failure.response.output


def test_json_and_junit_carry_the_severity() -> None:
    mod = module("unauthenticated_400_means_500")
    report = run(mod, app=mod.app, fail_on="anyone")
    data = report.to_dict()
    assert {f["severity"] for f in data["failures"]} == {"anyone", "spec"}
    assert data["checks"]["rejects-forgery"]["severity"] == "anyone"
    assert data["checks"]["processed-once"]["status"] == "ok"
    suite = ET.fromstring(report.to_junit())
    cases = {c.get("name"): c for c in suite.iter("testcase")}
    assert set(cases) == set(CHECKS)
    forgery = cases["rejects-forgery"]
    assert forgery.find("properties/property").get("value") == "anyone"  # type: ignore[union-attr]
    assert forgery.find("failure").get("type") == "anyone"  # type: ignore[union-attr]
    labels = cases["strict-signature-labels"]
    assert labels.find("failure") is None  # spec is not in --fail-on here
    assert "not failing" in (labels.find("system-out").text or "")  # type: ignore[union-attr]
    assert suite.get("failures") == str(
        len({f.check for f in report.failures if f.severity == "anyone"})
    )
    skipped = fuzz_receiver(mod.app, secret=SECRET, events=EVENTS, max_examples=1).to_junit()
    once = next(
        c for c in ET.fromstring(skipped).iter("testcase") if c.get("name") == "processed-once"
    )
    assert "no side-effect hook" in once.find("skipped").get("message")  # type: ignore[union-attr,operator]


def test_docs_page_shows_the_severity_table_of_the_code() -> None:
    page = (ROOT / "docs" / "receivers.md").read_text("utf-8")
    assert severity_table() in page
    for check in CHECKS:
        assert f"`{check}`" in page


# -- replay, reachability, arguments ----------------------------------------------------------


def test_failures_carry_the_exact_request_and_replay_byte_for_byte(tmp_path: Path) -> None:
    mod = module("crashes_on_malformed_header")
    report = fuzz_receiver(
        mod.app, secret=SECRET, events=EVENTS, max_examples=1, seed=3, save_dir=tmp_path
    )
    assert not report.ok
    failure = next(f for f in report.failures if "without a comma" in f.case)
    assert failure.response.status == 500
    saved = report.saved[report.failures.index(failure)]
    request = load_request(saved)
    assert request == failure.request
    assert saved.read_bytes() == failure.request.to_bytes()
    # The same bytes sent again get the same answer, in-process and over HTTP.
    again = transport_for(mod.app).send(request, timeout=30)
    assert again.status == 500
    text = report.format()
    assert str(saved) in text
    assert failure.request.header("case-webhook-signature") in text  # type: ignore[operator]


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
        {"url": "http://127.0.0.1:1/", "fail_on": "nobody"},
        {"url": "http://127.0.0.1:1/", "subscribed": ""},
        {"url": "http://127.0.0.1:1/", "side_effects": 3},
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
