"""The pytest plugin, seen from a consumer repo: pytester runs of real pytest sessions.

Consumer repos get a handler module and one ini line; the sessions run in subprocesses
(the plugin is loaded through its installed ``pytest11`` entry point, as for users).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conformance import load_catalog

pytest_plugins = ["pytester"]

CORRECT = '''
"""A tolerant consumer: idempotent, ignores unknown types and fields."""
SEEN = set()


def handle(delivery):
    event_id = delivery.get("id")
    if event_id in SEEN:
        return None
    SEEN.add(event_id)
    data = delivery.get("data") or {}
    if delivery.get("type") == "ocr.job.created":
        pages = data.get("pageCount")
        return None if pages is None else pages * 2
    return None
'''

#: Reads ocr.job.created's optional pageCount unconditionally: only that event breaks.
BUGGY = CORRECT.replace('data.get("pageCount")', 'data["pageCount"]')

#: Speeds up each session: the schemathesis plugin (in the test extra, not a runtime
#: dependency) costs seconds to load and plays no part here. Seeded, so plain and xdist runs draw the same examples.
FAST = ["-p", "no:schemathesis", "-p", "no:cacheprovider", "--hypothesis-seed=1234"]


def consumer(pytester: pytest.Pytester, handler: str, **settings: str) -> None:
    """A consumer repo: webhooks.py plus a pyproject.toml with the given ini settings."""
    pytester.makepyfile(webhooks=handler)
    lines = "".join(f'{key} = "{value}"\n' for key, value in settings.items())
    pytester.makefile(".toml", pyproject=f"[tool.pytest.ini_options]\n{lines}")


def outcomes_by_id(stdout: str) -> dict[str, str]:
    """``nodeid -> PASSED/FAILED`` from ``-rA`` short test summary lines."""
    found = re.findall(r"^(PASSED|FAILED|ERROR) (\S+)", stdout, flags=re.MULTILINE)
    return {nodeid: outcome for outcome, nodeid in found}


@pytest.fixture(scope="module")
def event_names() -> list[str]:
    return load_catalog().names


def test_correct_handler_passes_one_item_per_event_and_contract_case(
    pytester: pytest.Pytester, event_names: list[str]
) -> None:
    consumer(pytester, CORRECT, conformance_handler="webhooks.py:handle")
    result = pytester.runpytest_subprocess(
        *FAST, "-rA", "-v", "--conformance-max-examples=3", "--junitxml=report.xml"
    )
    outcomes = outcomes_by_id(result.stdout.str())
    events = [n for n in outcomes if not n.startswith("pyproject.toml::conformance[contract:")]
    assert events == [f"pyproject.toml::conformance[{name}]" for name in event_names]
    contract = [n for n in outcomes if n not in events]
    assert contract, "contract mode is on by default"
    assert set(outcomes.values()) == {"PASSED"}
    assert result.ret == 0
    result.assert_outcomes(passed=len(event_names) + len(contract))
    catalog = load_catalog()
    result.stdout.fnmatch_lines(
        [
            f"conformance: catalog {catalog.version} (packaged), {len(catalog)} events, "
            f"{len(catalog)} selected by *",
            "conformance: handler webhooks.py:handle, contract mode",
            "conformance: seed 1234 (from --hypothesis-seed)",
        ]
    )
    cases = ET.parse(pytester.path / "report.xml").getroot().iter("testcase")
    names = sorted(case.get("name", "") for case in cases)
    assert names == sorted(n.split("::")[1] for n in outcomes)


#: Treats a redelivered id as an error: only contract:duplicate-delivery owns that.
NOT_IDEMPOTENT = CORRECT.replace(
    "        return None\n    SEEN.add", "        raise RuntimeError('seen twice')\n    SEEN.add"
)

#: Rejects unknown envelope fields: only contract:envelope-extras owns that.
ENVELOPE_STRICT = CORRECT.replace(
    '    event_id = delivery.get("id")\n',
    '    assert set(delivery) <= {"id", "type", "occurred_at", "data"}\n'
    '    event_id = delivery.get("id")\n',
)


def run_consumer(
    root: Path, handler: str, *extra: str, events: str = "*"
) -> tuple[int, dict[str, str], str]:
    """Run a consumer repo whose only settings are the ini line(s): contract mode is on."""
    (root / "webhooks.py").write_text(handler, encoding="utf-8")
    (root / "pyproject.toml").write_text(
        "[tool.pytest.ini_options]\n"
        'conformance_handler = "webhooks:handle"\n'
        f'conformance_events = "{events}"\n'
        'conformance_max_examples = "10"\n',
        encoding="utf-8",
    )
    run = subprocess.run(
        [sys.executable, "-m", "pytest", *FAST, "-rA", *extra],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    return run.returncode, outcomes_by_id(run.stdout), run.stdout


# One test, not three sharing a fixture: under xdist a shared module fixture would run
# once per worker, and these sessions are the slowest part of this file.
def test_buggy_handler_fails_on_exactly_the_broken_event_with_and_without_xdist(
    tmp_path: Path, event_names: list[str]
) -> None:
    (tmp_path / "plain").mkdir()
    code, outcomes, stdout = run_consumer(tmp_path / "plain", BUGGY)
    assert code == 1, stdout
    failed = sorted(n for n, outcome in outcomes.items() if outcome != "PASSED")
    # Contract items meet ocr.job.created too, but the plain delivery fails the same
    # way, so the event item owns the failure and they pass.
    assert failed == ["pyproject.toml::conformance[ocr.job.created]"]
    contract = [n for n in outcomes if "conformance[contract:" in n]
    assert "pyproject.toml::conformance[contract:duplicate-delivery]" in contract
    assert len(outcomes) == len(event_names) + len(contract)

    # The failure shows the minimal delivery and a replay command that reproduces it.
    assert "KeyError: 'pageCount'" in stdout
    assert "minimal failing delivery:" in stdout
    replay = re.search(r"casedev-conformance replay (\S+) --target (\S+)", stdout)
    assert replay is not None, stdout
    saved, target = replay.groups()
    assert target == "webhooks:handle"
    record = json.loads((tmp_path / "plain" / saved).read_text(encoding="utf-8"))
    (delivery,) = record["deliveries"]
    assert delivery["type"] == "ocr.job.created"
    assert "pageCount" not in delivery["data"]  # minimal: lacks exactly the field it needs
    rerun = subprocess.run(
        [sys.executable, "-m", "conformance", "replay", saved, "--target", target],
        cwd=tmp_path / "plain",
        capture_output=True,
        text=True,
        check=False,
    )
    assert rerun.returncode == 1, rerun.stderr
    assert "pageCount" in rerun.stdout + rerun.stderr

    # The same under xdist: identical collection on both workers, the same outcomes.
    (tmp_path / "xdist").mkdir()
    xdist_code, xdist_outcomes, xdist_stdout = run_consumer(tmp_path / "xdist", BUGGY, "-n", "2")
    assert "2 workers" in xdist_stdout
    assert xdist_code == code
    assert xdist_outcomes == outcomes


@pytest.mark.parametrize(
    ("handler", "owner"),
    [
        (NOT_IDEMPOTENT, "contract:duplicate-delivery"),
        (ENVELOPE_STRICT, "contract:envelope-extras"),
    ],
    ids=["duplicate-id", "strict-envelope"],
)
def test_a_contract_bug_fails_exactly_its_contract_item(
    tmp_path: Path, handler: str, owner: str
) -> None:
    # Event items draw envelope extras too; a failure that goes away on the plain
    # delivery is the contract case's, so they pass.
    code, outcomes, stdout = run_consumer(tmp_path, handler, events="ocr.job.*")
    assert code == 1, stdout
    failed = sorted(n for n, outcome in outcomes.items() if outcome != "PASSED")
    assert failed == [f"pyproject.toml::conformance[{owner}]"], stdout
    assert "pyproject.toml::conformance[ocr.job.created]" in outcomes


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"conformance_handler": "nowhere.to.be:found"}, "no module named 'nowhere'"),
        ({"conformance_handler": "webhooks:missing"}, "has no attribute 'missing'"),
        (
            {"conformance_handler": "webhooks:handle", "conformance_events": "vault.nothing.*"},
            "'vault.nothing.*' matches no event",
        ),
        (
            {"conformance_handler": "webhooks:handle", "conformance_events": "Vault!"},
            "invalid event filter 'Vault!'",
        ),
        (
            {"conformance_handler": "webhooks:handle", "conformance_max_examples": "many"},
            "expected a positive integer, but got 'many'",
        ),
        ({"conformance_app": "webhooks:handle"}, "conformance_app needs conformance_secret_env"),
    ],
    ids=["not-importable", "no-attribute", "unknown-pattern", "bad-pattern", "bad-int", "app"],
)
def test_misconfiguration_is_a_one_line_usage_error(
    pytester: pytest.Pytester, settings: dict[str, str], message: str
) -> None:
    consumer(pytester, CORRECT, **settings)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.strip()]
    assert len(errors) == 1, result.stderr.str()
    assert errors[0].startswith("ERROR: casedev-conformance: ")
    assert message in errors[0]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()


def test_command_line_option_overrides_the_ini_setting(pytester: pytest.Pytester) -> None:
    consumer(pytester, CORRECT, conformance_handler="webhooks:handle", conformance_events="vault.*")
    result = pytester.runpytest_inprocess(
        "-p",
        "no:cacheprovider",
        "--collect-only",
        "-q",
        "--conformance-events=ocr.job.*",
        "--conformance-contract=off",
    )
    result.stdout.fnmatch_lines(
        [
            "pyproject.toml::conformance[ocr.job.completed]",
            "pyproject.toml::conformance[ocr.job.created]",
            "pyproject.toml::conformance[ocr.job.failed]",
            "3 tests collected*",
        ]
    )


def test_without_settings_the_plugin_collects_nothing_and_imports_nothing_heavy(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    pass\n")
    pytester.makeconftest(
        """
        import sys

        def pytest_sessionfinish(session):
            heavy = ["conformance._plugin._impl", "conformance._catalog._loader", "hypothesis.strategies",
                     "jsonschema"]
            print("LOADED", [name for name in heavy if name in sys.modules])
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:schemathesis", "-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*LOADED []"])
    assert "conformance:" not in result.stdout.str()


HAND_WRITTEN = """
import pytest
from hypothesis import given, settings
from conformance.strategies import deliveries

from webhooks import handle


def test_catalog_fixture(conformance_catalog):
    assert len(conformance_catalog) >= 53
    assert "vault.upload.completed" in conformance_catalog


@pytest.mark.conformance(events=["ocr.job.*"])
def test_marker_scopes_the_catalog(conformance_catalog):
    assert conformance_catalog.names == ["ocr.job.completed", "ocr.job.created", "ocr.job.failed"]


@pytest.mark.conformance("vault.upload.*")
def test_marker_parametrizes_conformance_event(conformance_event, conformance_delivery):
    delivery = conformance_delivery(conformance_event)
    assert delivery["type"] == conformance_event
    handle(delivery)


def test_delivery_factory(conformance_delivery):
    delivery = conformance_delivery("ocr.job.created", data={"pageCount": None}, minimal=True)
    assert "pageCount" not in delivery["data"]
    assert delivery["id"].startswith("evt_")
    with pytest.raises(Exception, match="/data/jobId"):
        conformance_delivery("ocr.job.created", data={"jobId": 7})


@pytest.mark.conformance(events="ocr.job.created")
def test_factory_defaults_to_the_only_scoped_event(conformance_delivery):
    assert conformance_delivery()["type"] == "ocr.job.created"


@pytest.mark.conformance(contract=False, max_examples=7)
def test_marker_is_the_top_settings_layer(conformance_config):
    assert conformance_config.contract is False
    assert conformance_config.max_examples == 7
    assert conformance_config.events == ("*",)


@settings(max_examples=5, deadline=None)
@given(deliveries("ocr.job.*"))
def test_strategies_with_given(delivery):
    handle(delivery)
"""


def test_fixtures_marker_and_strategies_in_hand_written_tests(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(webhooks=CORRECT, test_mine=HAND_WRITTEN)
    pytester.makeini("[pytest]\naddopts = --strict-markers\nfilterwarnings = error\n")
    result = pytester.runpytest_subprocess("-p", "no:schemathesis", "-p", "no:cacheprovider", "-v")
    result.assert_outcomes(passed=9)
    result.stdout.fnmatch_lines(
        ["*test_marker_parametrizes_conformance_event?vault.upload.completed? PASSED*"]
    )


def test_items_join_a_testpaths_run_but_not_an_explicit_test_id(
    pytester: pytest.Pytester, event_names: list[str]
) -> None:
    pytester.makepyfile(webhooks=CORRECT)
    pytester.makefile(
        ".toml",
        pyproject=(
            "[tool.pytest.ini_options]\n"
            'testpaths = ["tests"]\n'
            'conformance_handler = "webhooks:handle"\n'
            'conformance_contract = "off"\n'
        ),
    )
    (pytester.path / "tests").mkdir()
    (pytester.path / "tests" / "test_mine.py").write_text("def test_mine():\n    pass\n")
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "tests/test_mine.py::test_mine",
            "pyproject.toml::conformance[*",
            f"{1 + len(event_names)} tests collected*",
        ]
    )
    result = pytester.runpytest_inprocess(
        "-p", "no:cacheprovider", "--collect-only", "-q", "tests/test_mine.py::test_mine"
    )
    assert "conformance[" not in result.stdout.str()
    result.stdout.fnmatch_lines(["1 test collected*"])
