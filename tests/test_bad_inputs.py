"""The bad-input battery: every class of bad input is exit 2 and one line, never a traceback.

Each class is tested as a class: numeric options are found by walking the click command
tree (a future option is covered too), output paths go through one writer, schemas
through one loader. Most cases run in-process through ``conformance._cli.main``; a few
run as real subprocesses, where the exit code and stderr are what a user sees.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import ssl
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from conftest import DOCS_PAGE, ROOT, SCHEMAS, run_many

from conformance import ConformanceError, UsageError
from conformance._cli import EXIT_INTERNAL, cli, main
from conformance._cli._params import FiniteFloat
from conformance._errors import describe_exception, safe_repr
from conformance._files import make_dir, write_file

SCHEMA = SCHEMAS / "stable" / "vault.ingest.completed.json"
HANDLER = f"{ROOT / 'examples' / 'handler.py'}:handle"
#: Integer options that may be any integer (a seed is just a name for a run).
UNBOUNDED_INTS = {"seed"}


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The CLI in-process: exit code, stdout, stderr."""
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line(code: int, err: str, expected: int = 2) -> str:
    """Exit ``expected``, exactly one stderr line in the tool's format, no traceback."""
    lines = err.splitlines()
    assert code == expected, err
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert lines[0].startswith("casedev-conformance: ")
    return lines[0]


# -- numeric options: every one, found by walking the command tree -------------------------


def walk_commands() -> Iterator[tuple[list[str], click.Command]]:
    ctx = click.Context(cli)

    def walk(group: click.Group, path: list[str]) -> Iterator[tuple[list[str], click.Command]]:
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            assert command is not None
            yield [*path, name], command
            if isinstance(command, click.Group):
                yield from walk(command, [*path, name])

    return walk(cli, [])


def numeric_options() -> list[tuple[list[str], click.Option]]:
    found = []
    for path, command in walk_commands():
        for param in command.params:
            numeric = (click.types.FloatParamType, click.types.IntParamType, FiniteFloat)
            if isinstance(param, click.Option) and isinstance(param.type, numeric):
                found.append((path, param))
    return found


NUMERIC = numeric_options()


def test_the_tree_walk_finds_the_numeric_options() -> None:
    names = {(" ".join(p), o.name) for p, o in NUMERIC}
    assert {("fuzz", "deadline"), ("send", "timeout"), ("validate", "jobs")} <= names


@pytest.mark.parametrize(("path", "option"), NUMERIC, ids=lambda v: getattr(v, "name", None))
def test_every_numeric_option_is_finite_and_bounded(path: list[str], option: click.Option) -> None:
    if isinstance(option.type, click.types.FloatParamType):
        pytest.fail(f"{' '.join(path)} {option.opts[0]}: use FiniteFloat, not {option.type!r}")
    if isinstance(option.type, click.types.IntParamType) and option.name not in UNBOUNDED_INTS:
        assert isinstance(option.type, click.IntRange), option.opts
        assert option.type.min is not None, option.opts
        assert option.type.max is not None, option.opts


def bad_values(option: click.Option) -> list[str]:
    kind = option.type
    values = ["nan", "inf", "-inf", "1e999", "abc", ""]
    if isinstance(kind, click.IntRange):
        values.append("1.5")
        if kind.min is not None:
            values.append(str(kind.min - 1))
        if kind.max is not None:
            values.append(str(kind.max + 1))
    if isinstance(kind, FiniteFloat):
        if kind.min is not None:
            values.append(str(kind.min if kind.min_open else kind.min - 1))
        if kind.max is not None:
            values.append(str(kind.max if kind.max_open else kind.max * 2 + 1))
    return values


@pytest.mark.parametrize(
    ("path", "option", "value"),
    [(p, o, v) for p, o in NUMERIC for v in bad_values(o)],
    ids=lambda v: v if isinstance(v, str) else getattr(v, "name", None),
)
def test_a_bad_number_is_a_usage_error_naming_the_option(
    path: list[str], option: click.Option, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # Options on the command line are processed first, so the bad number is reported
    # before any missing argument.
    code, _, err = run([*path, option.opts[0], value], capsys)
    line = assert_one_line(code, err)
    assert option.opts[0] in line or (option.opts[-1] in line), line


# -- output paths: one writer, every command that writes ------------------------------------


def writers(tmp: Path) -> dict[str, Callable[[Path], list[str]]]:
    """Commands that write a file, each as: output path -> argv."""
    return {
        "catalog-import": lambda p: ["catalog", "import", str(DOCS_PAGE), "--out", str(p)],
        "export-openapi": lambda p: ["export", "openapi", "-e", "vault.*", "-o", str(p)],
        "export-asyncapi": lambda p: ["export", "asyncapi", "-e", "vault.*", "-o", str(p)],
        "compat": lambda p: ["compat", str(SCHEMA), str(SCHEMA), "--no-witness", "-o", str(p)],
        "fuzz-report": lambda p: [
            *(
                "fuzz",
                HANDLER,
                "-e",
                "vault.ingest.completed",
                "--max-examples",
                "1",
                "--schema-only",
            ),
            *("--seed", "1", "--report", str(p), "--failures-dir", str(tmp / "failures")),
        ],
    }


def bad_output_paths(tmp: Path) -> dict[str, Path]:
    blocker = tmp / "a-file"
    blocker.write_text("x")
    paths = {"under-a-file": blocker / "out" / "x.json"}
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        paths["unwritable"] = locked / "sub" / "x.json"
    return paths


@pytest.mark.parametrize("writer", sorted(writers(Path())))
def test_every_output_path_error_is_one_line(
    writer: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = writers(tmp_path)[writer]
    cases = bad_output_paths(tmp_path)
    if writer != "catalog-import":  # a file option given an existing folder
        cases["a-folder"] = tmp_path
    else:  # a folder option given an existing file
        cases["a-file"] = tmp_path / "a-file"
    for label, path in cases.items():
        code, _, err = run(argv(path), capsys)
        line = assert_one_line(code, err)
        assert "cannot" in line or "directory" in line, (label, line)
    # A path whose folders do not exist yet is fine: they are made.
    good = tmp_path / "new" / "deeper" / ("catalog" if writer == "catalog-import" else "out.txt")
    code, _, err = run(argv(good), capsys)
    assert code in (0, 1), err
    assert good.exists()


def test_the_writer_names_the_problem(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="is a folder, not a file"):
        write_file(tmp_path, "x")
    with pytest.raises(UsageError, match="is a file, where a folder is needed"):
        write_file(tmp_path / "f" / "x", "x")
    with pytest.raises(UsageError, match="is a file, where a folder is needed"):
        make_dir(tmp_path / "f")
    with pytest.raises(UsageError, match="cannot"):
        write_file(tmp_path / "nul\0byte", "x")
    assert write_file(tmp_path / "a" / "b" / "c.txt", "é").read_bytes() == "é".encode()


# -- the safety net and the safe renderer --------------------------------------------------


class Hostile(Exception):
    def __str__(self) -> str:
        raise RuntimeError("no str for you")

    def __repr__(self) -> str:
        raise RuntimeError("no repr either")


def test_describe_exception_survives_a_raising_str() -> None:
    text = describe_exception(Hostile("x"))
    assert text.startswith("Hostile: ")
    assert "\n" not in describe_exception(ValueError("two\nlines"))
    assert safe_repr(Hostile()) == "<Hostile object (repr failed)>"
    assert safe_repr(10**5000).endswith("...") or "repr failed" in safe_repr(10**5000)


def test_an_unexpected_exception_is_one_internal_error_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import conformance._cli._catalog_cmd as catalog_cmd

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise Hostile

    monkeypatch.setattr(catalog_cmd, "load_catalog", broken)
    code, _, err = run(["list"], capsys)
    line = assert_one_line(code, err, expected=EXIT_INTERNAL)
    assert "internal error" in line
    assert "Hostile" in line


def test_an_internal_error_in_a_real_process_is_exit_3_and_one_line() -> None:
    import subprocess

    script = (
        "import conformance._cli._catalog_cmd as m\n"
        "def boom(*a, **k):\n"
        "    raise RecursionError('maximum recursion depth exceeded')\n"
        "m.load_catalog = boom\n"
        "from conformance._cli import main\n"
        "raise SystemExit(main(['list']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "CASEDEV_CONFORMANCE_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert result.returncode == EXIT_INTERNAL
    assert result.stderr.count("\n") == 1, result.stderr
    assert "internal error: RecursionError" in result.stderr
    assert "Traceback" not in result.stderr
    debug = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**env, "CASEDEV_CONFORMANCE_DEBUG": "1"},
    )
    assert debug.returncode == EXIT_INTERNAL
    assert "Traceback" in debug.stderr


def test_one_of_our_errors_with_a_raising_str_is_still_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import conformance._cli._catalog_cmd as catalog_cmd

    class Weird(ConformanceError):
        def __str__(self) -> str:
            raise RuntimeError("broken")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise Weird("a reason")

    monkeypatch.setattr(catalog_cmd, "load_catalog", broken)
    code, _, err = run(["list"], capsys)
    assert_one_line(code, err)


def test_a_target_whose_import_raises_a_hostile_exception(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    module = tmp_path / "hostile_import.py"
    module.write_text(
        "class E(Exception):\n    def __str__(self):\n        raise RuntimeError('no')\nraise E()\n"
    )
    code, _, err = run(["fuzz", f"{module}:handle", "-e", "vault.upload.completed"], capsys)
    assert "importing" in assert_one_line(code, err)


# -- the battery ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Bad input files, written once."""
    tmp = tmp_path_factory.mktemp("bad")
    files: dict[str, Any] = {
        "empty.jsonl": "",
        "blank.jsonl": "\n\n  \n",
        "empty-object.json": {},
        "hello.json": {"hello": 1},
        "empty-list.json": [],
        "a-string.json": '"delivery"',
        "not-deliveries.json": [{"type": "vault.ingest.completed", "data": {}}, {"x": 1}],
        "not-json.json": "{nope",
        "self-ref.json": {"$ref": "#"},
        "mutual-ref.json": {
            "$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}},
            "properties": {"x": {"$ref": "#/$defs/a"}},
        },
        "tree.json": {
            "type": "object",
            "properties": {"kids": {"type": "array", "items": {"$ref": "#"}}},
        },
        "numbers.json": [1, 2],
        "deep.json": json.loads('{"properties":{"a":' * 200 + "{}" + "}}" * 200),
    }
    for name, content in files.items():
        text = content if isinstance(content, str) else json.dumps(content)
        (tmp / name).write_text(text)
    for name, expires in (("basic", 20270101), ("basic-text", "20270101"), ("week", "2027-W01-1")):
        waiver = {"rule": "event-removed", "event": "a.b", "reason": "r", "approver": "a"}
        (tmp / f"waiver-{name}.json").write_text(json.dumps([{**waiver, "expires": expires}]))
    cyclic = tmp / "cyclic-catalog"
    shutil.copytree(SCHEMAS, cyclic)
    event = cyclic / "stable" / "vault.ingest.completed.json"
    schema = json.loads(event.read_text())
    schema.setdefault("$defs", {})["node"] = {
        "type": "object",
        "properties": {"child": {"$ref": "#/$defs/node"}},
    }
    schema["properties"]["tree"] = {"$ref": "#/$defs/node"}
    event.write_text(json.dumps(schema))
    files_dir = {name: tmp / name for name in files}
    files_dir["cyclic-catalog"] = cyclic
    files_dir["tmp"] = tmp
    for name in ("basic", "basic-text", "week"):
        files_dir[f"waiver-{name}"] = tmp / f"waiver-{name}.json"
    return files_dir


def battery(f: dict[str, Path]) -> dict[str, tuple[list[str], str]]:
    """Bad inputs -> (argv, a fragment of the error line); each must be exit 2, one line."""
    s = str(SCHEMA)
    cyc = str(f["cyclic-catalog"])
    secret = ("--secret", "c2VjcmV0")
    event = ("-e", "vault.ingest.completed")
    return {
        "catalog import --out is a file": (
            ["catalog", "import", str(DOCS_PAGE), "--out", s],
            "where a folder is needed",
        ),
        "catalog import of a missing page": (
            ["catalog", "import", "/no/such/page.txt"],
            "cannot read",
        ),
        "compat self-ref": (["compat", str(f["self-ref.json"]), s], "recursive $ref"),
        "compat mutual-ref": (["compat", s, str(f["mutual-ref.json"])], "recursive $ref"),
        # A single-file tree (recursion through the instance) is judged by the gate.
        "compat cyclic catalog": (["compat", str(SCHEMAS), cyc], "recursive $ref"),
        "compat not a schema": (["compat", str(f["hello.json"]), s], "not a JSON Schema"),
        "compat a list": (["compat", s, str(f["numbers.json"])], "must be a JSON object"),
        "compat not JSON": (["compat", s, str(f["not-json.json"])], "invalid JSON"),
        "compat too deep": (["compat", str(f["deep.json"]), s], "nested deeper"),
        "compat waiver 20270101": (
            ["compat", s, s, "--waivers", str(f["waiver-basic"])],
            "expires must be a date",
        ),
        "compat waiver '20270101'": (
            ["compat", s, s, "--waivers", str(f["waiver-basic-text"])],
            "expires must be a date",
        ),
        "compat waiver week date": (
            ["compat", s, s, "--waivers", str(f["waiver-week"])],
            "expires must be a date",
        ),
        "list cyclic catalog": (["list", "--catalog", cyc], "recursive $ref"),
        "validate cyclic catalog": (
            ["validate", "--catalog", cyc, str(f["hello.json"])],
            "recursive $ref",
        ),
        "export cyclic catalog": (["export", "openapi", "--catalog", cyc], "recursive $ref"),
        "fuzz --deadline inf": (["fuzz", HANDLER, *event, "--deadline", "inf"], "--deadline"),
        "fuzz --deadline 0": (["fuzz", HANDLER, *event, "--deadline", "0"], "--deadline"),
        "validate empty file": (["validate", str(f["empty.jsonl"])], "--allow-empty"),
        "validate blank lines": (["validate", str(f["blank.jsonl"])], "--allow-empty"),
        "validate a folder": (["validate", str(f["tmp"])], "not a file"),
        "replay {}": (
            ["replay", str(f["empty-object.json"]), "--target", HANDLER],
            "not a delivery",
        ),
        "replay hello": (["replay", str(f["hello.json"]), "--target", HANDLER], "not a delivery"),
        "replay []": (["replay", str(f["empty-list.json"]), "--target", HANDLER], "no deliveries"),
        "replay a string": (
            ["replay", str(f["a-string.json"]), "--target", HANDLER],
            "expected a failure file",
        ),
        "replay one non-delivery": (
            ["replay", str(f["not-deliveries.json"]), "--target", HANDLER],
            "at /1: not a delivery",
        ),
        "replay not JSON": (
            ["replay", str(f["not-json.json"]), "--target", HANDLER],
            "invalid JSON",
        ),
        "replay missing": (["replay", "/no/such.json", "--target", HANDLER], "cannot read"),
        "send refused": (
            ["send", "http://127.0.0.1:9/", "-e", "webhook.test", *secret],
            "cannot reach",
        ),
        "send no such host": (
            ["send", "http://no-such-host.invalid/", "-e", "webhook.test", *secret],
            "cannot reach",
        ),
        "send --cacert missing": (
            [
                "send",
                "https://127.0.0.1:9/",
                "-e",
                "webhook.test",
                *secret,
                "--cacert",
                "/no/such/ca.pem",
            ],
            "cannot load CA certificates",
        ),
        "fuzz --url refused": (
            ["fuzz", "--url", "http://127.0.0.1:9/", *event, *secret],
            "cannot reach",
        ),
        "unknown command": (["frobnicate"], "No such command"),
        "unknown option": (["validate", "--frobnicate", "x"], "--frobnicate"),
    }


def test_the_battery(inputs: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    failures = []
    for label, (argv, fragment) in battery(inputs).items():
        code = main(argv)
        _, err = capsys.readouterr()
        lines = err.splitlines()
        if code != 2 or len(lines) != 1 or "Traceback" in err or fragment not in err:
            failures.append(f"{label}: exit {code}, stderr {err!r}")
    assert not failures, "\n".join(failures)


def test_some_of_the_battery_as_real_processes(inputs: dict[str, Path]) -> None:
    chosen = ["compat cyclic catalog", "replay {}", "validate empty file", "send refused"]
    cases = battery(inputs)
    results = run_many([cases[label][0] for label in chosen])
    for label, result in zip(chosen, results, strict=True):
        assert result.returncode == 2, (label, result.stderr)
        assert len(result.stderr.splitlines()) == 1, (label, result.stderr)
        assert "Traceback" not in result.stderr


def test_empty_stdin_is_an_input_error_unless_allowed() -> None:
    import subprocess

    for extra, expected in (([], 2), (["--allow-empty"], 0)):
        result = subprocess.run(
            [sys.executable, "-m", "conformance", "validate", "-", *extra],
            input="",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == expected, result.stderr
        assert "Traceback" not in result.stderr
        if expected == 2:
            assert "--allow-empty" in result.stderr
            assert len(result.stderr.splitlines()) == 1


# -- TLS: a receiver with a certificate we do not trust is unreachable (2) -------------------


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An https receiver on loopback answering 200, with a certificate from a private CA."""
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    class Ok(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert.configure_cert(context)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/", ca_file
    finally:
        server.shutdown()
        server.server_close()


def test_an_untrusted_certificate_is_exit_2_and_cacert_fixes_it(
    tls_server: tuple[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    url, ca_file = tls_server
    base = ["send", url, "-e", "webhook.test", "--secret", "c2VjcmV0"]
    code, _, err = run(base, capsys)
    assert "cannot reach" in assert_one_line(code, err)
    code, out, err = run([*base, "--cacert", str(ca_file)], capsys)
    assert code == 0, err
    assert "<- 200" in out
    code, _, err = run(
        ["fuzz", "--url", url, "-e", "vault.ingest.completed", "--secret", "c2VjcmV0"],
        capsys,
    )
    assert "cannot reach" in assert_one_line(code, err)
