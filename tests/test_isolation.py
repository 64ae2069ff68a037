"""Hostile handlers cannot hang, crash or fool the tool: each is a reported failure with
its kind (exit 1), import-time problems are usage errors (exit 2), and the run goes on
with a fresh worker process. Through the CLI (real subprocesses), the pytest plugin
(pytester) and ``check_handler``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from conftest import ROOT
from hypothesis import given, settings

from conformance import fuzz
from conformance._errors import UsageError
from conformance._fuzzing import Handler, HandlerFailure, check_handler
from conformance._fuzzing._handler import RemoteException

pytest_plugins = ["pytester"]

HOSTILE = ROOT / "tests" / "handlers" / "hostile"
EVENT = "vault.upload.initiated"
#: Only a hang guard: a run that gets here is a hang, whatever the machine's load.
HANG_GUARD = 600

#: handler file -> (what the report says, extra CLI options)
AT_CALL: dict[str, tuple[str, list[str]]] = {
    "busy_loop": ("timeout: handler still running after the 1 s deadline", []),
    "sleeps": ("timeout: handler still running after the 1 s deadline", []),
    "os_exit": ("exited with 0", []),
    "sys_exit": ("exited with 0", []),
    "forks": ("forked", []),
    "segfault": ("killed by SIGSEGV", []),
    "floods_output": ("output limit", []),
    "raising_str": ("Nasty: <message unavailable: its __str__ raised RuntimeError>", []),
    # A deadline far beyond what filling 64 MiB takes, so only the limit can stop it.
    "eats_memory": ("memory limit", ["--memory-limit", "64", "--deadline", "300"]),
}
AT_IMPORT: dict[str, str] = {
    "exit_at_import": "it called sys.exit(3)",
    "interrupt_at_import": "KeyboardInterrupt",
    "raise_at_import": "RuntimeError: no database configured",
    "syntax_error": "SyntaxError",
}


def hostile(name: str, folder: Path) -> Path:
    """The hostile handler file (the syntax error is written on the fly: linters would
    choke on it in the repo)."""
    if name == "syntax_error":
        path = folder / "syntax_error.py"
        path.write_text("def handle(event)\n    pass\n")
        return path
    return HOSTILE / f"{name}.py"


def run_all(calls: list[list[str]], cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    """CLI runs at once, each a real process; output is read to EOF, so a child that
    held the tool's stdout open would show up here as a hang."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "conformance", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env={**os.environ, "NO_COLOR": "1"},
        )
        for args in calls
    ]
    out = []
    for args, proc in zip(calls, procs, strict=True):
        stdout, stderr = proc.communicate(timeout=HANG_GUARD)
        out.append(subprocess.CompletedProcess(args, proc.returncode, stdout, stderr))
    return out


@pytest.fixture(scope="module")
def cli_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Every hostile handler through `casedev-conformance fuzz`, in one batch."""
    folder = tmp_path_factory.mktemp("hostile")
    names = [*AT_CALL, *AT_IMPORT]
    calls = []
    for name in names:
        extra = AT_CALL[name][1] if name in AT_CALL else []
        calls.append(
            ["fuzz", f"{hostile(name, folder)}:handle", "-e", EVENT, "--schema-only",
             "--max-examples", "3", "--seed", "1", "--deadline", "1",
             "--failures-dir", str(folder / "failures"), *extra]
        )  # fmt: skip
    for name in AT_IMPORT:  # the thread mode imports in the tool: still a usage error
        calls.append(["fuzz", f"{hostile(name, folder)}:handle", "-e", EVENT, "--isolation",
                      "thread", "--max-examples", "1"])  # fmt: skip
    runs = run_all(calls, folder)
    keys = names + [f"{name}/thread" for name in AT_IMPORT]
    return dict(zip(keys, runs, strict=True))


@pytest.mark.parametrize("name", sorted(AT_CALL))
def test_cli_reports_a_hostile_handler_with_its_kind(
    name: str, cli_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    run = cli_runs[name]
    assert run.returncode == 1, (run.stdout[-2000:], run.stderr[-2000:])
    first = run.stdout.splitlines()[0]
    assert first.startswith("FAIL 1: "), first
    assert AT_CALL[name][0] in first, first
    assert "FAIL 2" not in run.stdout  # one bug, reported once
    assert "1 distinct failure in" in run.stdout
    assert "Traceback" not in run.stderr
    # Whatever the handler printed stays out of the tool's own output, beyond a tail.
    assert len(run.stdout) < 64_000


@pytest.mark.parametrize("name", sorted(AT_CALL))
def test_the_failure_points_at_the_handlers_line_when_there_is_one(
    name: str, cli_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    lines = hostile(name, HOSTILE).read_text().splitlines()
    marked = [i for i, line in enumerate(lines, start=1) if "# HOSTILE" in line]
    first = cli_runs[name].stdout.splitlines()[0]
    if name in ("os_exit", "floods_output"):
        return  # os._exit leaves no trace; a flood is stopped wherever it is
    if name == "busy_loop":
        marked.append(marked[0] + 1)  # caught on the loop's line or on its body's
    assert any(f"{name}.py:{line} in handle" in first for line in marked), first


@pytest.mark.parametrize("name", sorted(AT_IMPORT))
@pytest.mark.parametrize("isolation", ["process", "thread"])
def test_cli_import_time_problems_are_usage_errors(
    name: str, isolation: str, cli_runs: dict[str, subprocess.CompletedProcess[str]]
) -> None:
    run = cli_runs[name if isolation == "process" else f"{name}/thread"]
    assert run.returncode == 2, (run.stdout, run.stderr)
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert f"{name}.py:handle" in lines[0]
    assert AT_IMPORT[name] in lines[0]
    assert run.stdout == ""


# -- the pytest plugin ------------------------------------------------------------------

FAST = ["-p", "no:schemathesis", "-p", "no:cacheprovider", "--hypothesis-seed=1", "-rA"]


def plugin_session(pytester: pytest.Pytester, name: str, **settings: str) -> None:
    """A consumer repo whose webhooks.py is the hostile handler."""
    source = hostile(name, pytester.path).read_text()
    (pytester.path / "webhooks.py").write_text(source)
    values = {
        "conformance_handler": "webhooks.py:handle",
        "conformance_events": EVENT,
        "conformance_contract": "false",
        "conformance_max_examples": "2",
        **settings,
    }
    lines = "".join(f'{key} = "{value}"\n' for key, value in values.items())
    pytester.makefile(".toml", pyproject=f"[tool.pytest.ini_options]\n{lines}")


PLUGIN_AT_CALL = {
    "busy_loop": "timeout: handler still running after the 5 s deadline",
    "os_exit": "exited with 0",
    "sys_exit": "exited with 0",
    "forks": "forked",
    "segfault": "killed by SIGSEGV",
    "floods_output": "output limit",
    "raising_str": "<message unavailable: its __str__ raised RuntimeError>",
    "eats_memory": "memory limit",
}


#: Run as a real pytest process (the rest run inside this one, which must survive them).
SUBPROCESS = {"os_exit", "segfault", "exit_at_import"}


def run_pytest(pytester: pytest.Pytester, name: str) -> pytest.RunResult:
    if name in SUBPROCESS:
        return pytester.runpytest_subprocess(*FAST, timeout=HANG_GUARD)
    return pytester.runpytest_inprocess(*FAST)


@pytest.mark.parametrize("name", sorted(PLUGIN_AT_CALL))
def test_plugin_reports_a_hostile_handler_with_its_kind(
    name: str, pytester: pytest.Pytester
) -> None:
    plugin_session(pytester, name, conformance_memory_limit="64")
    result = run_pytest(pytester, name)
    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()[-3000:]
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert PLUGIN_AT_CALL[name] in text
    assert "saved:    .conformance/failures/" in text


@pytest.mark.parametrize("name", sorted(AT_IMPORT))
def test_plugin_import_time_problems_are_usage_errors(name: str, pytester: pytest.Pytester) -> None:
    plugin_session(pytester, name)
    result = run_pytest(pytester, name)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if "casedev-conformance" in line]
    assert len(errors) == 1, result.stderr.str()
    assert "webhooks.py:handle" in errors[0]
    assert AT_IMPORT[name] in errors[0]
    assert "Traceback" not in result.stderr.str()


# -- check_handler and fuzz directly ----------------------------------------------------

DELIVERY: dict[str, Any] = {"id": "evt_1", "type": "a.b", "occurred_at": "x", "data": {}}
COUNT: list[int] = []


def counting(event: dict[str, Any]) -> None:
    """Counts deliveries in module state; exits, crashes or raises on request."""
    COUNT.append(1)
    action = event["data"].get("do")
    if action == "exit":
        os._exit(5)
    if action == "raise":
        raise LookupError(f"seen {len(COUNT)}")


class HandlersOwnError(Exception):
    """An exception type the tool has never imported (only the worker has it)."""


def raises_own(event: dict[str, Any]) -> None:
    raise HandlersOwnError("mine")


def test_state_persists_in_a_worker_and_resets_when_it_is_replaced() -> None:
    handler = Handler(counting)
    try:
        check_handler(handler, [DELIVERY, DELIVERY])
        with pytest.raises(HandlerFailure) as info:
            check_handler(handler, [{**DELIVERY, "data": {"do": "raise"}}])
        assert str(info.value.exception) == "seen 3"  # an exception keeps the worker
        with pytest.raises(HandlerFailure) as info:
            check_handler(handler, [DELIVERY, {**DELIVERY, "data": {"do": "exit"}}])
        assert (info.value.kind, info.value.detail, info.value.index) == (
            "exit",
            "exited with 5",
            1,
        )
        with pytest.raises(HandlerFailure) as info:
            check_handler(handler, [{**DELIVERY, "data": {"do": "raise"}}])
        assert str(info.value.exception) == "seen 1"  # a fresh worker, fresh module state
    finally:
        handler.close()
    assert COUNT == []  # none of it ran in the tool's process


def test_exceptions_come_back_as_their_type_or_a_named_stand_in() -> None:
    with pytest.raises(HandlerFailure) as info:
        check_handler(raises_own, [DELIVERY])
    failure = info.value
    # The test module is loaded here too, so its class rebuilds; the name is the same.
    assert type(failure.exception).__name__ == "HandlersOwnError"
    assert failure.summary.startswith("test_isolation.HandlersOwnError: mine")
    assert failure.traceback_text is not None
    assert "HandlersOwnError: mine" in failure.traceback_text
    stand_in = RemoteException("pkg.Error", "text")
    assert HandlerFailure(kind="exception", deliveries=[DELIVERY], index=0, exception=stand_in,
                          frame=None).summary == "pkg.Error: text"  # fmt: skip


def test_a_target_is_imported_in_the_worker_never_in_the_tool() -> None:
    spec = f"{HOSTILE / 'sys_exit.py'}:handle"
    before = set(sys.modules)
    handler = Handler(spec)
    try:
        handler.load()
        with pytest.raises(HandlerFailure) as info:
            check_handler(handler, [DELIVERY])
    finally:
        handler.close()
    assert info.value.kind == "exit"
    assert {m for m in sys.modules if "sys_exit" in m} - before == set()


def test_the_handlers_output_never_reaches_the_tools(capfd: pytest.CaptureFixture[str]) -> None:
    def chatty(event: dict[str, Any]) -> None:
        print("HANDLER SAYS HI")
        os.write(2, b"HANDLER WRITES TO FD 2\n")

    check_handler(chatty, [DELIVERY, DELIVERY])
    out, err = capfd.readouterr()
    assert "HANDLER" not in out + err


def test_a_forked_child_is_reported_and_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"

    def forks(event: dict[str, Any]) -> None:
        child = os.fork()
        if child == 0:
            time.sleep(HANG_GUARD)
            os._exit(0)
        pid_file.write_text(str(child))

    with pytest.raises(HandlerFailure) as info:
        check_handler(forks, [DELIVERY, DELIVERY])
    assert (info.value.kind, info.value.index) == ("fork", 0)
    child = int(pid_file.read_text())
    for _ in range(HANG_GUARD * 10):  # killed with its worker's process group
        try:
            os.kill(child, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("the handler's child outlived its worker")


def test_running_a_command_is_not_a_fork() -> None:
    """subprocess starts programs without the fork hooks: a handler may do that."""

    def runs(event: dict[str, Any]) -> None:
        subprocess.run([sys.executable, "-c", "print('child')"], check=True)

    check_handler(runs, [DELIVERY, DELIVERY])


def test_a_stuck_handler_costs_one_deadline_per_case(tmp_path: Path) -> None:
    report = fuzz(f"{HOSTILE / 'sleeps.py'}:handle", EVENT, contract=False, max_examples=20,
                  deadline=0.5, seed=3, failures_dir=tmp_path)  # fmt: skip
    (failure,) = report.failures
    assert failure.kind == "timeout"
    assert failure.frame is not None
    assert failure.frame.lineno == 7
    assert [c.examples for c in report.cases] == [1]  # no further examples, no shrinking


def test_thread_mode_keeps_the_verdicts_it_can() -> None:
    def exits(event: dict[str, Any]) -> None:
        sys.exit(0)

    with pytest.raises(HandlerFailure) as info:
        check_handler(exits, [DELIVERY], isolation="thread")
    assert (info.value.kind, info.value.detail) == ("exit", "exited with 0")
    with pytest.raises(UsageError, match="unknown isolation 'vm'"):
        Handler(exits, isolation="vm")


def fails_where_told(event: dict[str, Any]) -> None:
    if event["data"].get("fail") == "exception":
        raise ValueError(event["id"])
    if event["data"].get("fail") == "exit":
        sys.exit(event["data"]["code"])


def a_delivery(fail: str | None) -> st.SearchStrategy[dict[str, Any]]:
    data = (
        st.just({})
        if fail is None
        else st.fixed_dictionaries({"fail": st.just(fail), "code": st.integers(0, 3)})
    )
    return st.fixed_dictionaries({"id": st.text(max_size=5), "type": st.just("a.b"), "data": data})


@settings(max_examples=15, deadline=None, database=None)
@given(
    st.lists(
        st.sampled_from([None, "exception", "exit"]).flatmap(a_delivery), min_size=1, max_size=4
    )
)
def test_both_modes_give_the_same_verdict(deliveries: list[dict[str, Any]]) -> None:
    """The law: the worker process changes where a handler runs, not the verdict."""
    verdicts = []
    for isolation in ("process", "thread"):
        try:
            check_handler(fails_where_told, deliveries, isolation=isolation)
        except HandlerFailure as failure:
            verdicts.append((failure.key, failure.index, failure.summary, failure.deliveries))
        else:
            verdicts.append(None)
    assert verdicts[0] == verdicts[1]
    failing = [i for i, d in enumerate(deliveries) if d["data"].get("fail")]
    assert (verdicts[0] is None) == (not failing)
    if failing:
        assert verdicts[0] is not None
        assert verdicts[0][1] == failing[0]
