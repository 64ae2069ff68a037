"""The CLI as users run it: `fuzz --app/--url` and `send`, in subprocesses, against apps
in-process and servers on loopback."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, cli

from conformance import Webhook
from conformance._fuzzing._target import _import_file, load_object
from conformance._webhooks._http import load_request

RECEIVERS = ROOT / "tests" / "receivers"
EXAMPLE = ROOT / "examples" / "receiver.py"
sys.path.insert(0, str(RECEIVERS))
from _base import SECRET  # noqa: E402
from _serve import serve_wsgi  # noqa: E402

EXAMPLE_SECRET = load_object(f"{EXAMPLE}:SECRET")


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return cli(*args, env=env, cwd=cwd)


def fuzz_args(*args: str) -> list[str]:
    return ["fuzz", *args, "-e", "vault.ingest.*", "--max-examples", "1", "--seed", "5"]


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("crashes_on_malformed_header", "[anyone] rejects-forgery"),
        ("first_signature_only", "[lost-delivery] accepts-rotation"),
    ],
)
def test_fuzz_app_catches_a_broken_receiver_and_replays_its_request(
    tmp_path: Path, name: str, first: str
) -> None:
    target = f"{RECEIVERS / name}.py:app"
    out = run(*fuzz_args("--app", target, "--secret", SECRET, "--failures-dir", str(tmp_path)))
    assert out.returncode == 1, out.stderr
    assert f"FAIL 1: {first} [" in out.stdout
    saved = sorted((tmp_path / "receiver").glob("*.http"))
    assert saved
    assert str(saved[0]) in out.stdout
    assert f"send --app {target} --replay {saved[0]}" in out.stdout
    replay = run("send", "--app", target, "--replay", str(saved[0]))
    assert replay.returncode == 0, replay.stderr
    first = out.stdout.split("FAIL 1:")[1].split("response: ")[1].split()[0]
    assert f"<- {first} " in replay.stdout


def test_fuzz_app_passes_the_example_receiver_with_the_secret_from_the_environment(
    tmp_path: Path,
) -> None:
    out = run(
        *fuzz_args("--app", f"{EXAMPLE}:app", "--secret-env", "MY_SECRET"),
        env={"MY_SECRET": EXAMPLE_SECRET},
        cwd=tmp_path,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "all checks that ran passed; skipped: processed-once" in out.stdout
    assert "processed-once           sender             0 cases  skipped: no side-effect hook" in (
        out.stdout
    )
    assert not (tmp_path / ".conformance").exists()


@pytest.mark.parametrize(("name", "code"), [("ignores_timestamp", 1), ("correct", 0)])
def test_fuzz_url_against_a_loopback_server(tmp_path: Path, name: str, code: int) -> None:
    app = load_object(f"{RECEIVERS / name}.py:app")
    with serve_wsgi(app) as url:
        out = run(*fuzz_args("--url", url, "--secret", SECRET, "--failures-dir", str(tmp_path)))
    assert out.returncode == code, out.stdout + out.stderr
    if code:
        assert "FAIL 1: [anyone] rejects-replay [" in out.stdout
        assert f"send {url} --replay" in out.stdout


def test_fuzz_report_file_is_json_and_its_folder_is_created(tmp_path: Path) -> None:
    report = tmp_path / "new" / "folder" / "report.json"
    out = run(
        *fuzz_args("--app", f"{RECEIVERS / 'not_idempotent.py'}:app", "--secret", SECRET),
        "--report",
        str(report),
        "--failures-dir",
        str(tmp_path),
    )
    assert out.returncode == 1
    data = json.loads(report.read_text())
    assert data["ok"] is False
    assert {(f["check"], f["severity"]) for f in data["failures"]} == {
        ("repeat-accepted", "lost-delivery")
    }
    assert all(Path(f["saved"]).is_file() for f in data["failures"])
    assert data["checks"]["processed-once"]["status"] == "skipped"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--app", "a.py:app", "--url", "http://127.0.0.1:1/", "--secret", "whsec_AAAA"],
            "exactly one",
        ),
        (["x.py:handle", "--secret", "whsec_AAAA"], "need --app or --url"),
        (["x.py:handle", "--fail-on", "spec"], "--fail-on: need --app or --url"),
        (["x.py:handle", "--subscribed", "vault.*"], "--subscribed: need --app or --url"),
        (
            ["--url", "http://127.0.0.1:1/", "--secret", "whsec_AAAA", "--fail-on", "bad"],
            "Expected severities",
        ),
        (
            [
                "--url",
                "http://127.0.0.1:1/",
                "--secret",
                "whsec_AAAA",
                "--side-effects",
                "a.py:f",
                "--side-effects-command",
                "true",
            ],
            "give one side-effect hook",
        ),
        ([], "missing TARGET"),
        (["--url", "http://127.0.0.1:1/"], "no signing secret"),
        (
            ["--url", "http://127.0.0.1:1/", "--secret", "whsec_AAAA", "--secret-env", "X"],
            "not both",
        ),
        (["--url", "http://127.0.0.1:1/", "--secret", "not base64!"], "base64"),
        (["--url", "http://127.0.0.1:1/", "--secret", "whsec_AAAA"], "cannot reach"),
        (["--app", "no_such_module:app", "--secret", "whsec_AAAA"], "no module named"),
    ],
)
def test_fuzz_receiver_usage_errors_exit_2(args: list[str], message: str) -> None:
    out = run("fuzz", *args, env={"CASEDEV_WEBHOOK_SECRET": ""})
    assert out.returncode == 2, out.stdout + out.stderr
    assert message in out.stderr
    assert "Traceback" not in out.stderr


class Recorder:
    """A WSGI app that records raw requests and answers like the example receiver."""

    def __init__(self) -> None:
        self.bodies: list[tuple[dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        self.inner = load_object(f"{EXAMPLE}:app")

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        import io

        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {
            k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")
        }
        with self.lock:
            self.bodies.append((headers, body))
        environ["wsgi.input"] = io.BytesIO(body)
        return self.inner(environ, start_response)


def test_send_posts_signed_generated_deliveries() -> None:
    recorder = Recorder()
    with serve_wsgi(recorder) as url:
        out = run(
            "send", url, "--event", "vault.ingest.completed", "-n", "3", "--secret", EXAMPLE_SECRET
        )
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("<- 200 ") == 3
    assert len(recorder.bodies) == 3
    for headers, body in recorder.bodies:
        delivery = Webhook(EXAMPLE_SECRET).verify(body, headers)  # signed over the exact bytes
        assert delivery["type"] == "vault.ingest.completed"
        assert {"vaultId", "objectId", "durationMs"} <= set(delivery["data"])


def test_send_with_data_and_with_a_wrong_secret() -> None:
    recorder = Recorder()
    with serve_wsgi(recorder) as url:
        good = run(
            "send",
            url,
            "-e",
            "future.event.type",
            "--data",
            '{"x": "ü"}',
            "--secret",
            EXAMPLE_SECRET,
        )
        bad = run("send", url, "-e", "webhook.test", "--secret", "whsec_" + "QUJD" * 8)
    assert good.returncode == 0, good.stderr
    assert recorder.bodies[0][1].endswith(b'"data":{"x":"\xc3\xbc"}}')
    assert bad.returncode == 1
    assert "<- 400 " in bad.stdout
    assert "no-matching-signature" in bad.stdout


def test_send_replay_is_byte_for_byte_and_resign_refreshes_the_signature(tmp_path: Path) -> None:
    recorder = Recorder()
    saved = tmp_path / "saved.http"
    webhook = Webhook(EXAMPLE_SECRET)
    body = b'{"id":"evt_01HV8ZK8M7Q9YJ6P5E3P2R1A0B","type":"webhook.test","occurred_at":"2026-01-01T00:00:00Z","data":{}}'
    stale = webhook.headers("msg_1", 1_700_000_000, body)
    head = "".join(f"{k}: {v}\r\n" for k, v in stale.items())
    saved.write_bytes(
        f"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: {len(body)}\r\n{head}\r\n".encode() + body
    )
    with serve_wsgi(recorder) as url:
        exact = run("send", url, "--replay", str(saved))
        fresh = run("send", url, "--replay", str(saved), "--resign", "--secret", EXAMPLE_SECRET)
    assert exact.returncode == 0
    assert "<- 400 " in exact.stdout
    assert "too-old" in exact.stdout
    assert fresh.returncode == 0
    assert "<- 200 " in fresh.stdout
    first, second = recorder.bodies
    assert first[1] == second[1] == body == load_request(saved).body
    assert first[0]["case-webhook-signature"] == stale["case-webhook-signature"]
    assert second[0]["case-webhook-signature"] != stale["case-webhook-signature"]


@pytest.mark.parametrize(
    "args",
    [
        ["send", "http://127.0.0.1:1/", "--secret", "whsec_AAAA"],
        ["send", "--event", "webhook.test", "--secret", "whsec_AAAA"],
        ["send", "http://127.0.0.1:1/", "-e", "no.such.event", "--secret", "whsec_AAAA"],
        [
            "send",
            "http://127.0.0.1:1/",
            "-e",
            "webhook.test",
            "--data",
            "[1]",
            "--secret",
            "whsec_AAAA",
        ],
        [
            "send",
            "http://127.0.0.1:1/",
            "-e",
            "webhook.test",
            "--data",
            "{",
            "--secret",
            "whsec_AAAA",
        ],
        ["send", "http://127.0.0.1:1/", "--replay", "/no/such/file.http"],
    ],
)
def test_send_usage_errors_exit_2(args: list[str]) -> None:
    out = run(*args)
    assert out.returncode == 2, out.stdout + out.stderr
    assert "Traceback" not in out.stderr


# -- severities, subscriptions, side effects, output -------------------------------------


def test_fail_on_picks_the_severities_that_fail_the_run(tmp_path: Path) -> None:
    target = f"{RECEIVERS / 'ignores_version'}.py:app"  # a spec finding only
    args = ["--app", target, "--secret", SECRET, "--failures-dir", str(tmp_path)]
    strict = run(*fuzz_args(*args))
    relaxed = run(*fuzz_args(*args, "--fail-on", "anyone,sender,lost-delivery"))
    assert strict.returncode == 1, strict.stderr
    assert relaxed.returncode == 0, relaxed.stderr
    assert "FAIL 1: [spec] (not failing: --fail-on) strict-signature-labels" in relaxed.stdout
    assert "no finding of a failing severity" in relaxed.stdout


def test_subscribed_lets_other_types_be_refused(tmp_path: Path) -> None:
    target = f"{RECEIVERS / 'subscribed_only'}.py:app"
    args = ["--app", target, "--secret", SECRET, "--failures-dir", str(tmp_path)]
    plain = run(*fuzz_args(*args))
    scoped = run(*fuzz_args(*args, "--subscribed", "vault.ingest.completed"))
    assert plain.returncode == 1
    assert "[lost-delivery] accepts-valid" in plain.stdout
    assert scoped.returncode == 0, scoped.stdout


@pytest.mark.parametrize("name", ["processes_twice", "correct"])
def test_side_effects_target_with_app(tmp_path: Path, name: str) -> None:
    path = f"{RECEIVERS / name}.py"
    out = run(
        *fuzz_args(
            "--app", f"{path}:app", "--secret", SECRET, "--side-effects", f"{path}:side_effects"
        ),
        "--failures-dir",
        str(tmp_path),
    )
    if name == "correct":
        assert out.returncode == 0, out.stdout
        assert "processed-once           sender" in out.stdout
        assert "skipped" not in out.stdout
    else:
        assert out.returncode == 1, out.stdout
        assert "FAIL 1: [sender] processed-once [" in out.stdout
        assert "processed 2 times" in out.stdout


class Counts:
    """A WSGI app answering GET ?id=EVENT with how often a receiver processed it."""

    def __init__(self, receiver: Any) -> None:
        self.receiver = receiver

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        from urllib.parse import parse_qs

        event_id = parse_qs(environ["QUERY_STRING"])["id"][0]
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"count": self.receiver.side_effects(event_id)}).encode()]


@pytest.mark.parametrize(
    ("name", "how"),
    # A command starts a process per repeated delivery: once is enough to show it.
    [("processes_twice", "url"), ("correct", "url"), ("processes_twice", "command")],
)
def test_side_effects_url_and_command_with_url(tmp_path: Path, name: str, how: str) -> None:
    mod = _import_file(RECEIVERS / f"{name}.py", f"{RECEIVERS / name}.py:app")
    with serve_wsgi(mod.app) as url, serve_wsgi(Counts(mod.receiver), "/count") as counts:
        if how == "url":
            hook = ["--side-effects-url", counts + "?id={id}"]
        else:
            script = (
                "import sys, json, urllib.request; "
                f"print(json.load(urllib.request.urlopen({counts!r} + '?id=' + sys.argv[1]))['count'])"
            )
            hook = ["--side-effects-command", shlex.join([sys.executable, "-c", script])]
        out = run(
            *fuzz_args("--url", url, "--secret", SECRET, *hook), "--failures-dir", str(tmp_path)
        )
    assert out.returncode == (1 if name == "processes_twice" else 0), out.stdout + out.stderr
    assert ("processed 2 times" in out.stdout) == (name == "processes_twice")


def test_junit_carries_the_severity(tmp_path: Path) -> None:
    from xml.etree import ElementTree as ET

    junit = tmp_path / "out" / "receiver.xml"
    target = f"{RECEIVERS / 'ignores_timestamp'}.py:app"
    out = run(
        *fuzz_args("--app", target, "--secret", SECRET, "--junit", str(junit)),
        "--failures-dir",
        str(tmp_path),
    )
    assert out.returncode == 1
    suite = ET.parse(junit).getroot()
    replay = next(c for c in suite.iter("testcase") if c.get("name") == "rejects-replay")
    assert replay.find("failure").get("type") == "anyone"  # type: ignore[union-attr]
    assert replay.find("properties/property").get("value") == "anyone"  # type: ignore[union-attr]


def test_the_apps_output_is_shown_per_finding_not_interleaved(tmp_path: Path) -> None:
    app = tmp_path / "noisy.py"
    app.write_text(
        "import logging, sys\n"
        f"sys.path.insert(0, {str(RECEIVERS)!r})\n"
        "from _base import HandRolled\n"
        "class Receiver(HandRolled):\n"
        "    def process(self, event):\n"
        "        print('NOISY processing', event.get('type'))\n"
        "        logging.getLogger('noisy').error('NOISY failing')\n"
        "        raise RuntimeError('boom')\n"
        "app = Receiver().wsgi()\n"
    )
    out = run(
        *fuzz_args("--app", f"{app}:app", "--secret", SECRET), "--failures-dir", str(tmp_path)
    )
    assert out.returncode == 1
    assert "NOISY" not in out.stderr
    noisy = [line for line in out.stdout.splitlines() if "NOISY" in line]
    assert noisy
    assert all(line.startswith("    | ") for line in noisy)
    assert "response: 500 (the app raised RuntimeError: boom)" in out.stdout
    assert "EVERY VALID DELIVERY WAS REFUSED" in out.stdout.splitlines()[2]


def test_help_shows_the_defaults_that_apply() -> None:
    from conformance._webhooks import DEFAULT_EXAMPLES_PER_EVENT, DEFAULT_TIME_LIMIT

    out = run("fuzz", "--help")
    text = " ".join(out.stdout.split())
    assert f"{DEFAULT_EXAMPLES_PER_EVENT} per event for --app/--url" in text
    assert f"[default: {DEFAULT_TIME_LIMIT:g}]" in text
    assert "[default: all]" in text
    assert "[default: every type]" in text
