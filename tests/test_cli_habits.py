"""The command line fits CLI habits: --version, -q/-v with one meaning everywhere,
[tool.conformance] settings with the plugin's precedence, --catalog on every command that
reads the catalog, list output fit for pipes, compat -o's verdict, shell completion.

All runs are in-process (``conftest.cli``): exit code, stdout and stderr as a user sees
them when output is piped.
"""

from __future__ import annotations

import json
import re
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest
from conftest import ROOT, SCHEMAS, cli

from conformance import load_catalog

EXAMPLE_HANDLER = f"{ROOT / 'examples' / 'handler.py'}:handle"
EXAMPLE_APP = f"{ROOT / 'examples' / 'receiver.py'}:app"
SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
DELIVERY = {
    "id": "evt_01HZY3T4V5W6X7Y8Z9A0B1C2D3",
    "type": "ocr.job.created",
    "occurred_at": "2026-04-24T15:12:09.481Z",
    "data": {"jobId": "job_1", "objectId": "obj_1", "vaultId": "vault_1"},
}


def small_catalog(folder: Path, prefix: str = "ocr.job.") -> Path:
    """A copy of the packaged catalog with only the events starting with ``prefix``."""
    shutil.copytree(SCHEMAS, folder)
    (folder / "catalog.json").unlink()
    for schema in [*folder.glob("stable/*.json"), *folder.glob("beta/*.json")]:
        if not schema.name.startswith(prefix):
            schema.unlink()
    return folder


@pytest.fixture
def deliveries(tmp_path: Path) -> Path:
    path = tmp_path / "deliveries.jsonl"
    path.write_text(json.dumps(DELIVERY) + "\n", encoding="utf-8")
    return path


def test_version_comes_from_the_installed_metadata() -> None:
    out = cli("--version")
    assert out.returncode == 0
    assert out.stdout == f"casedev-conformance, version {version('casedev-conformance')}\n"


# -- -q / -v -------------------------------------------------------------------------------


def quiet_cases(tmp: Path, deliveries: Path) -> dict[str, tuple[list[str], str]]:
    """command -> (arguments, regex its one -q line must match)."""
    saved = tmp / "saved.json"
    saved.write_text(json.dumps({"deliveries": [DELIVERY]}), encoding="utf-8")
    docs = tmp / "docs.txt"
    docs.write_text(cli("catalog", "docs").stdout, encoding="utf-8")
    return {
        "validate": (["validate", str(deliveries)], r"1 deliveries: 1 valid, 0 invalid, 0 of"),
        "compat": (["compat", str(SCHEMAS), str(SCHEMAS), "--no-witness"], r"OK: 53 event"),
        "fuzz": (
            [
                "fuzz",
                EXAMPLE_HANDLER,
                "-e",
                "ocr.job.created",
                "--max-examples",
                "2",
                "--schema-only",
                "--seed",
                "1",
                "--failures-dir",
                str(tmp / "f"),
            ],
            r"no failures in .*handler\.py:handle: \d+ delivery sequences over 1 events",
        ),
        "replay": (["replay", str(saved), "--target", EXAMPLE_HANDLER], r"ok: .* accepted all 1"),
        "send": (
            ["send", "--app", EXAMPLE_APP, "-e", "ocr.job.created", "--secret", SECRET],
            r"ok: 1 of 1 delivery acknowledged \(2xx\)",
        ),
        "catalog docs": (["catalog", "docs", "--check", str(docs)], r"agrees with the 53"),
    }


@pytest.mark.parametrize(
    "command", ["validate", "compat", "fuzz", "replay", "send", "catalog docs"]
)
@pytest.mark.parametrize("where", ["after", "before"])
def test_quiet_prints_only_the_verdict_line(
    command: str, where: str, tmp_path: Path, deliveries: Path
) -> None:
    args, verdict = quiet_cases(tmp_path, deliveries)[command]
    argv = ["-q", *args] if where == "before" else [*args, "-q"]
    quiet = cli(*argv)
    assert quiet.returncode == 0, quiet.stderr
    assert quiet.stdout.count("\n") == 1, quiet.stdout
    assert re.search(verdict, quiet.stdout), quiet.stdout
    normal = cli(*args)
    assert normal.returncode == 0
    # The usual output (the verdict alone for some commands when all is well) ends
    # with the same verdict; timings may differ between runs, so match its fixed part.
    assert re.search(verdict, normal.stdout)
    assert len(normal.stdout) >= len(quiet.stdout)


def test_verbose_adds_detail(tmp_path: Path) -> None:
    args = ["send", "--app", EXAMPLE_APP, "-e", "ocr.job.created", "--secret", SECRET]
    normal, verbose = cli(*args), cli("-v", *args)
    assert verbose.returncode == normal.returncode == 0
    assert "case-webhook-signature" not in normal.stdout.lower()
    assert "case-webhook-signature" in verbose.stdout.lower()
    fuzz = ["fuzz", EXAMPLE_HANDLER, "-e", "ocr.job.created", "--max-examples", "2",
            "--schema-only", "--failures-dir", str(tmp_path)]  # fmt: skip
    assert re.search(
        r"^  ocr\.job\.created: \d+ examples, 0 failing", cli(*fuzz, "-v").stdout, re.M
    )


def test_quiet_and_verbose_together_is_a_usage_error(deliveries: Path) -> None:
    out = cli("-q", "validate", str(deliveries), "-v")
    assert out.returncode == 2
    assert "-q/--quiet or -v/--verbose, not both" in out.stderr


# -- --catalog -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["list"],
        ["validate", "{deliveries}"],
        ["catalog", "docs"],
        ["export", "openapi"],
        ["export", "asyncapi"],
        ["fuzz", EXAMPLE_HANDLER, "--max-examples", "1"],
        ["fuzz", "--app", EXAMPLE_APP, "--secret", SECRET, "--max-examples", "1"],
        ["send", "--app", EXAMPLE_APP, "-e", "ocr.job.created", "--secret", SECRET],
        ["replay", "{saved}", "--target", EXAMPLE_HANDLER],
    ],
    ids=lambda a: " ".join(a[:2]).split(" /")[0].split(" --")[0],
)
def test_every_catalog_reading_command_takes_catalog(
    args: list[str], tmp_path: Path, deliveries: Path
) -> None:
    saved = tmp_path / "saved.json"
    saved.write_text(json.dumps({"deliveries": [DELIVERY]}), encoding="utf-8")
    argv = [a.format(deliveries=deliveries, saved=saved) for a in args]
    missing = tmp_path / "no-catalog"
    out = cli(*argv, "--catalog", str(missing), cwd=tmp_path)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stderr.count("\n") == 1
    assert str(missing) in out.stderr


def test_catalog_is_used_by_fuzz_and_list(tmp_path: Path) -> None:
    small = small_catalog(tmp_path / "schemas")
    names = load_catalog(small).names
    listed = cli("list", "--catalog", str(small))
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == names
    fuzzed = cli("fuzz", EXAMPLE_HANDLER, "--catalog", str(small), "--schema-only", "-q",
                 "--max-examples", "1", "--failures-dir", str(tmp_path / "f"))  # fmt: skip
    assert f"over {len(names)} events" in fuzzed.stdout, fuzzed.stdout + fuzzed.stderr


def test_replay_names_saved_deliveries_the_catalog_no_longer_allows(tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    stale = {**DELIVERY, "data": {"jobId": 7}}
    saved.write_text(json.dumps({"deliveries": [stale]}), encoding="utf-8")
    out = cli("replay", str(saved), "--target", EXAMPLE_HANDLER)
    assert "delivery 1 no longer fits the catalog" in out.stderr


# -- [tool.conformance] --------------------------------------------------------------------


def test_settings_precedence_defaults_pyproject_environment_command_line(tmp_path: Path) -> None:
    small_catalog(tmp_path / "pinned")
    (tmp_path / "pyproject.toml").write_text(
        "[tool.conformance]\n"
        f'handler = "{EXAMPLE_HANDLER}"\n'
        'events = ["ocr.job.created"]\n'
        "max_examples = 2\n"
        "contract = false\n"
        "seed = 5\n"
        'catalog = "pinned"\n',
        encoding="utf-8",
    )
    work = tmp_path / "sub"
    work.mkdir()  # found upwards, as pytest finds its rootdir; paths relative to the file

    def verdict(*args: str, env: dict[str, str] | None = None) -> str:
        out = cli("fuzz", "-q", "--failures-dir", str(tmp_path / "f"), *args, cwd=work, env=env)
        assert out.returncode == 0, out.stdout + out.stderr
        return out.stdout

    from_file = verdict()
    assert "over 1 events, schema only" in from_file
    assert "(seed 5;" in from_file
    env = {"CONFORMANCE_SEED": "6", "CONFORMANCE_EVENTS": "ocr.job.*"}
    from_env = verdict(env=env)
    assert "(seed 6;" in from_env
    assert f"over {len(load_catalog(tmp_path / 'pinned').names)} events" in from_env
    from_args = verdict("--seed", "7", "-e", "ocr.job.failed", env=env)
    assert "(seed 7;" in from_args
    assert "over 1 events" in from_args
    # The pinned catalog (relative to pyproject.toml) is the one read: list shows it.
    listed = cli("list", cwd=work).stdout.splitlines()
    assert [line.split("\t")[0] for line in listed] == load_catalog(tmp_path / "pinned").names
    assert cli("list", cwd=work, env={"CONFORMANCE_CATALOG": str(SCHEMAS)}).stdout.count(
        "\n"
    ) == len(load_catalog())
    # A target on the command line replaces the configured handler.
    other = cli("fuzz", "-q", "--app", EXAMPLE_APP, "--secret", SECRET, "--max-examples", "1",
                "--failures-dir", str(tmp_path / "f"), cwd=work)  # fmt: skip
    assert other.returncode == 0, other.stdout + other.stderr


def test_a_bad_setting_is_one_line_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.conformance]\nmax_examples = 0\n")
    out = cli("list", cwd=tmp_path)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1
    assert "pyproject.toml [tool.conformance] max_examples" in out.stderr
    env = cli("list", cwd=tmp_path.parent, env={"CONFORMANCE_SEED": "-1"})
    assert env.returncode == 2
    assert "CONFORMANCE_SEED" in env.stderr


# -- list, completion ----------------------------------------------------------------------


def test_list_piped_is_one_full_line_per_event_with_tab_separated_fields() -> None:
    out = cli("list")
    assert out.returncode == 0
    catalog = load_catalog()
    rows = [line.split("\t") for line in out.stdout.splitlines()]
    assert [row[0] for row in rows] == catalog.names
    for row, event in zip(rows, catalog, strict=True):
        assert row == [
            event.name,
            event.stability,
            event.scope,
            event.resource or "-",
            " ".join(event.description.split()),
        ]
    table = cli("list", "--format", "table").stdout
    assert "53 events" in table


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_and_completions(shell: str) -> None:
    out = cli("completion", shell)
    assert out.returncode == 0
    assert "_CASEDEV_CONFORMANCE_COMPLETE" in out.stdout
    env = {
        "_CASEDEV_CONFORMANCE_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": "casedev-conformance li",
        # fish passes the word being completed; bash and zsh its index.
        "COMP_CWORD": "li" if shell == "fish" else "1",
    }
    completed = cli(env=env)
    assert completed.returncode == 0
    assert "list" in completed.stdout
    assert "validate" not in completed.stdout


def test_completion_rejects_an_unknown_shell() -> None:
    out = cli("completion", "tcsh")
    assert out.returncode == 2


# -- docs/cli.md stays true ----------------------------------------------------------------


def test_the_cli_page_lists_every_command_and_shows_real_output() -> None:
    from conformance._cli import COMMANDS

    page = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    table = page.split("| command |", 1)[1].split("\n\n", 1)[0]
    for name in COMMANDS:
        assert f"| `{name}" in table, f"docs/cli.md's table lacks {name}"
    shown_version = re.search(r"\$ casedev-conformance --version\n(.*)\n", page)
    assert shown_version is not None
    assert shown_version.group(1) + "\n" == cli("--version").stdout
    # `list | cut -f1,2 | grep beta | head -2`, done in Python on the real output.
    shown_list = page.split("grep beta | head -2\n", 1)[1].split("```", 1)[0]
    rows = ["\t".join(line.split("\t")[:2]) for line in cli("list").stdout.splitlines()]
    assert shown_list.splitlines() == [r for r in rows if "beta" in r][:2]


def test_a_secret_on_the_command_line_beats_the_configured_variable(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.conformance]\nsecret_env = "HOUSE_TEST_UNSET_SECRET"\n', encoding="utf-8"
    )
    send = ["send", "--app", EXAMPLE_APP, "-e", "ocr.job.created", "-q"]
    missing = cli(*send, cwd=tmp_path)
    assert missing.returncode == 2
    assert "HOUSE_TEST_UNSET_SECRET" in missing.stderr
    given = cli(*send, "--secret", SECRET, cwd=tmp_path)
    assert given.returncode == 0, given.stderr
