"""The plugin fits pytest habits: items only when selected on purpose, no warnings a user
cannot act on, and a terminal summary that names what failed and how to rerun it."""

from __future__ import annotations

import re

import pytest

pytest_plugins = ["pytester"]

PASSING = "def handle(delivery):\n    return None\n"
#: Reads ocr.job.created's optional pageCount unconditionally.
FAILING = (
    "def handle(delivery):\n"
    "    if delivery.get('type') == 'ocr.job.created':\n"
    "        return delivery['data']['pageCount'] * 2\n"
)
#: Works, but calls a deprecated function of its own on every delivery.
WARNING = (
    "import warnings\n\n"
    "def old():\n"
    "    warnings.warn('old() is deprecated; use new()', DeprecationWarning, stacklevel=2)\n\n"
    "def handle(delivery):\n"
    "    old()\n"
)
FAST = ["-p", "no:cacheprovider", "--hypothesis-seed=7"]


def consumer(pytester: pytest.Pytester, handler: str) -> None:
    """A repo with two ordinary tests under tests/ and the plugin configured for one event."""
    pytester.makepyfile(webhooks=handler)
    pytester.makefile(
        ".toml",
        pyproject=(
            "[tool.pytest.ini_options]\n"
            'testpaths = ["tests"]\n'
            'conformance_handler = "webhooks:handle"\n'
            'conformance_events = "ocr.job.created"\n'
            'conformance_contract = "false"\n'
            'conformance_max_examples = "5"\n'
        ),
    )
    tests = pytester.mkdir("tests")
    (tests / "test_a.py").write_text(
        "def test_one():\n    pass\n\ndef test_two():\n    pass\n", encoding="utf-8"
    )


def collected(pytester: pytest.Pytester, *args: str) -> list[str]:
    result = pytester.runpytest_inprocess(*FAST, "--collect-only", "-q", *args)
    return [line for line in result.outlines if "::" in line]


OURS = "pyproject.toml::conformance[ocr.job.created]"
MINE = ["tests/test_a.py::test_one", "tests/test_a.py::test_two"]


def test_items_come_only_when_selected_on_purpose(pytester: pytest.Pytester) -> None:
    consumer(pytester, PASSING)
    # A run without paths: the configuration's items, like testpaths.
    assert sorted(collected(pytester)) == sorted([OURS, *MINE])
    # Naming a file or a test runs just that.
    assert collected(pytester, "tests/test_a.py") == MINE
    assert collected(pytester, "tests/test_a.py::test_two") == MINE[1:]
    # The documented ways to run only them, to add them, and to leave them out.
    assert collected(pytester, "-m", "conformance") == [OURS]
    assert collected(pytester, "pyproject.toml") == [OURS]
    assert sorted(collected(pytester, "tests/test_a.py", "--conformance")) == sorted([OURS, *MINE])
    assert collected(pytester, "-m", "not conformance") == MINE


def test_a_passing_run_shows_no_warnings_and_no_summary(pytester: pytest.Pytester) -> None:
    consumer(pytester, PASSING)
    result = pytester.runpytest_inprocess(*FAST, "-W", "default")
    result.assert_outcomes(passed=3)
    out = result.stdout.str()
    assert "warnings summary" not in out
    assert "warning" not in result.parseoutcomes()
    assert " casedev-conformance =" not in out


def test_a_warning_from_the_handler_is_shown_once_with_what_to_do(
    pytester: pytest.Pytester,
) -> None:
    consumer(pytester, WARNING)
    result = pytester.runpytest_inprocess(*FAST, "-W", "default", "-m", "conformance")
    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["*webhooks.py:*DeprecationWarning: old() is deprecated; use new() (raised by your code*"]
    )


def test_a_failing_run_summary_names_the_event_and_the_replay_command(
    pytester: pytest.Pytester,
) -> None:
    consumer(pytester, FAILING)
    result = pytester.runpytest_inprocess(*FAST, "-W", "default")
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    section = out.split("casedev-conformance ===", 1)[1].split("short test summary", 1)[0]
    assert re.search(r"^ocr\.job\.created: KeyError: 'pageCount'", section, re.MULTILINE)
    assert re.search(
        r"^  replay: casedev-conformance replay \.conformance/failures/\S+\.json "
        r"--target webhooks:handle$",
        section,
        re.MULTILINE,
    ), section
    assert "warnings summary" not in out
