"""Run the compatibility gate over a public corpus we did not write: IBM jsonsubschema's tests.

    python benchmarks/compat_corpus.py [--cache DIR] [--show-disagreements]

Downloads the ``jsonsubschema`` sdist with ``pip download`` (into ``--cache``, default
``~/.cache/casedev-conformance/corpus``), reads the schema pairs its unit tests assert
(``assertTrue/assertFalse(isSubschema(s1, s2))`` and ``isEquivalent``) by running the
test modules against a recording stub of the package (its own code never runs), and
judges each pair with our gate: ``isSubschema(s1, s2)`` is "every instance of s1 is valid
under s2", i.e. NEW = s1 is compatible with OLD = s2 under consumer-safe. The corpus is
written for draft-04, so schemas without ``$schema`` are read as draft-04.

Prints agreement figures: pairs, agreements, our undecided verdicts, disagreements, and
for each disagreement the witness we found (verified by python-jsonschema), so that who
is right can be judged. Nothing third-party is kept in this repository.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import types
import unittest
from pathlib import Path
from typing import Any

from conformance import check_compatibility
from conformance._errors import ConformanceError

DRAFT4 = "http://json-schema.org/draft-04/schema#"


class Pair:
    """What the stub's ``isSubschema``/``isEquivalent`` return: the call, recorded."""

    def __init__(self, kind: str, s1: Any, s2: Any) -> None:
        self.kind, self.s1, self.s2 = kind, copy.deepcopy(s1), copy.deepcopy(s2)

    def __bool__(self) -> bool:
        raise TypeError("recorded pair used as a boolean outside assertTrue/assertFalse")


def download(cache: Path) -> Path:
    """The extracted sdist folder of jsonsubschema (downloaded once)."""
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob("jsonsubschema-*.tar.gz"))
    if not found:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
             "jsonsubschema", "-d", str(cache)],
            check=True,
        )  # fmt: skip
        found = sorted(cache.glob("jsonsubschema-*.tar.gz"))
    target = cache / found[-1].name.removesuffix(".tar.gz")
    if not target.exists():
        with tarfile.open(found[-1]) as tar:
            tar.extractall(cache, filter="data")
    return target


def _stub() -> None:
    """Install a recording ``jsonsubschema`` package in ``sys.modules``."""
    package = types.ModuleType("jsonsubschema")
    package.isSubschema = lambda s1, s2: Pair("sub", s1, s2)  # type: ignore[attr-defined]
    package.isEquivalent = lambda s1, s2: Pair("eq", s1, s2)  # type: ignore[attr-defined]
    package.set_debug = lambda *a, **k: None  # type: ignore[attr-defined]
    package.set_warn_uninhabited = lambda *a, **k: None  # type: ignore[attr-defined]
    package.__all__ = ["isSubschema", "isEquivalent", "set_debug"]  # type: ignore[attr-defined]
    errors = types.ModuleType("jsonsubschema.exceptions")
    for name in ("UnsupportedEnumCanonicalization", "UnsupportedRecursiveRef"):
        setattr(errors, name, type(name, (Exception,), {}))
    sys.modules["jsonsubschema"] = package
    sys.modules["jsonsubschema.exceptions"] = errors


def harvest(tests: Path) -> list[tuple[str, Pair, bool]]:
    """(test id, pair, expected) for every asserted isSubschema/isEquivalent call."""
    _stub()
    found: list[tuple[str, Pair, bool]] = []
    current = [""]

    def recorder(expected: bool) -> Any:
        def check(self: Any, value: Any, msg: Any = None) -> None:
            if isinstance(value, Pair):
                found.append((current[0], value, expected))

        return check

    unittest.TestCase.assertTrue = recorder(True)  # type: ignore[method-assign,assignment]
    unittest.TestCase.assertFalse = recorder(False)  # type: ignore[method-assign,assignment]
    sys.path.insert(0, str(tests))
    for path in sorted(tests.glob("test_*.py")):
        try:
            module = __import__(path.stem)
        except Exception:  # needs the real package's internals (checkers, canonicaliser)
            continue
        for case in unittest.defaultTestLoader.loadTestsFromModule(module):
            for test in _flatten(case):
                current[0] = test.id()
                with contextlib.redirect_stderr(io.StringIO()):
                    test.run(unittest.TestResult())
    return found


def _flatten(suite: Any) -> list[Any]:
    if isinstance(suite, unittest.TestSuite):
        return [t for s in suite for t in _flatten(s)]
    return [suite]


def _doc(schema: Any) -> dict[str, Any]:
    doc = schema if isinstance(schema, dict) else {"allOf": [schema]}
    doc = copy.deepcopy(doc)
    doc.setdefault("$schema", DRAFT4)
    return doc


def judge(new: Any, old: Any) -> tuple[str, Any]:
    """Our consumer-safe verdict on NEW against OLD: compatible, breaking, undecided, error."""
    try:
        report = check_compatibility(
            _doc(old), _doc(new), policy="consumer-safe", stability="stable"
        )
    except ConformanceError as exc:
        return "error", str(exc)
    witness = next((f.witness.payload for f in report.findings if f.breaking and f.witness), None)
    if any(f.breaking for f in report.findings):
        return "breaking", witness
    if any(f.undecided for f in report.findings):
        return "undecided", [(f.keyword, f.pointer) for f in report.findings if f.undecided]
    return "compatible", None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache", type=Path, default=Path.home() / ".cache/casedev-conformance/corpus"
    )
    parser.add_argument("--show-disagreements", action="store_true")
    parser.add_argument("--list-undecided", action="store_true")
    args = parser.parse_args()
    root = download(args.cache)
    cases = harvest(root / "test")
    rows: list[tuple[str, str, bool, str, Any, Pair]] = []
    for test_id, pair, expected in cases:
        if pair.kind == "sub":
            verdict, detail = judge(pair.s1, pair.s2)
            rows.append((test_id, "s1<=s2", expected, verdict, detail, pair))
        else:
            one, d1 = judge(pair.s1, pair.s2)
            two, d2 = judge(pair.s2, pair.s1)
            verdicts = {one, two}
            verdict = (
                "error" if "error" in verdicts else "breaking" if "breaking" in verdicts
                else "undecided" if "undecided" in verdicts else "compatible"
            )  # fmt: skip
            rows.append(
                (test_id, "s1==s2", expected, verdict, d1 if one == "breaking" else d2, pair)
            )
    tally = {"agree": 0, "undecided": 0, "error": 0, "disagree": 0}
    disagreements = []
    for row in rows:
        _, _, expected, verdict, _, _ = row
        if verdict in ("undecided", "error"):
            tally[verdict] += 1
        elif (verdict == "compatible") == expected:
            tally["agree"] += 1
        else:
            tally["disagree"] += 1
            disagreements.append(row)
    decided = tally["agree"] + tally["disagree"]
    print(f"corpus: {root.name} unit tests, {len(rows)} asserted pairs")
    print(
        f"  agree {tally['agree']}  disagree {tally['disagree']}  undecided {tally['undecided']}"
        f"  not loadable {tally['error']}"
    )
    if decided:
        print(f"  agreement on decided pairs: {tally['agree'] / decided:.1%}")
    print(f"  decided: {decided / len(rows):.1%} of pairs")
    if args.show_disagreements or disagreements:
        for test_id, kind, expected, verdict, detail, pair in disagreements:
            print(
                f"\n- {test_id} ({kind}) theirs: {'subschema' if expected else 'not subschema'}; ours: {verdict}"
            )
            print(f"  s1 = {json.dumps(pair.s1)}")
            print(f"  s2 = {json.dumps(pair.s2)}")
            if verdict == "breaking":
                print(f"  our witness (valid under s1, rejected by s2): {json.dumps(detail)}")
    if args.list_undecided:
        for test_id, kind, _, verdict, detail, _ in rows:
            if verdict in ("undecided", "error"):
                print(f"  {verdict}: {test_id} {kind} {detail}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
