"""The pytest plugin's receiver item: its failure names the severities, and each finding
is a user property (a <property> in --junitxml)."""

from __future__ import annotations

import sys
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT

RECEIVERS = ROOT / "tests" / "receivers"
sys.path.insert(0, str(RECEIVERS))
from _base import SECRET  # noqa: E402

pytest_plugins = ["pytester"]


def test_receiver_item_carries_the_severity(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RECEIVER_SECRET", SECRET)
    pytester.makefile(
        ".toml",
        pyproject=(
            "[tool.pytest.ini_options]\n"
            f'conformance_app = "{RECEIVERS / "ignores_timestamp.py"}:app"\n'
            'conformance_secret_env = "RECEIVER_SECRET"\n'
            'conformance_events = "vault.ingest.completed"\n'
            'conformance_max_examples = "1"\n'
        ),
    )
    junit = pytester.path / "junit.xml"
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", f"--junitxml={junit}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*receiver findings of severity anyone*", "*FAIL 1: ?anyone? rejects-replay*"]
    )
    case = next(ET.parse(junit).getroot().iter("testcase"))
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties["finding:anyone"].startswith("rejects-replay [")
