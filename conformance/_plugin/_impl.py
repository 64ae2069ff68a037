"""The pytest plugin's working parts: settings, collected items, fixtures' bodies.

:mod:`conformance.pytest_plugin` imports this module only when a conformance setting
is present (or a conformance fixture is used), so everything heavy lives here.

With ``conformance_handler`` set, the session gains one :class:`ConformanceItem` per
selected catalog event and per contract case, under the pytest ini file
(``pyproject.toml::conformance[vault.upload.completed]``); with ``conformance_baseline``
set, one :class:`CompatibilityItem` runs the compatibility gate. Items are built in a
fixed, sorted order so every xdist worker collects the same list.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from .._catalog import Catalog, load_catalog
from .._config import (
    SETTINGS,
    ConformanceConfig,
    environment_layer,
    marker_layer,
    pyproject_table,
    resolve,
)
from .._errors import ConformanceError, UsageError

#: The name the loaded plugin is registered under.
PLUGIN_NAME = "conformance-impl"
#: Items put their terminal-summary lines in ``user_properties`` under this key, so
#: they reach the controller under xdist.
SUMMARY_KEY = "casedev-conformance"

if TYPE_CHECKING:
    from hypothesis.database import ExampleDatabase

    from .._fuzzing import CaseRun, Coverage, HandlerFailure
    from .._generation import FuzzCase
    from .._usage import Recorder

#: This package's folder: its frames and warnings are the tool's, not the user's.
_PACKAGE_DIR = str(Path(__file__).resolve().parent.parent)
#: Where failing deliveries are saved, relative to the rootdir.
FAILURES_DIR = Path(".conformance") / "failures"
_WORKER_SEED_KEY = "conformance_seed"
_WORKER_USAGE_KEY = "conformance_usage"


class ConformancePlugin:
    """The session's resolved settings, catalog, handler and seed, plus its hooks."""

    def __init__(
        self,
        config: pytest.Config,
        settings: ConformanceConfig,
        catalog: Catalog,
        selected: Catalog,
        handler: Callable[..., Any] | None,
    ) -> None:
        self.config = config
        self.settings = settings
        self.catalog = catalog
        self.selected = selected
        self.handler = handler
        self.app: Callable[..., Any] | None = None
        self.secret: str | None = None
        self.forced_seed = config.getoption("hypothesis_seed", None)
        # The seed setting fixes the seed as --hypothesis-seed would, but for our items only.
        self.seed = _session_seed(
            config, self.forced_seed if self.forced_seed is not None else settings.seed
        )
        self.anchor = config.inipath or config.rootpath / "conformance"
        #: Lines for the terminal summary: what failed and how to rerun it.
        self.failed: list[str] = []
        #: Warnings already passed on (each is shown once a session).
        self.warned: set[tuple[Any, ...]] = set()
        # Usage recording (conformance_usage): the reads seen in this process, merged
        # with the xdist workers' when they finish, and the event items that ran.
        self.recorder: Recorder | None = None
        if settings.usage and settings.handler:
            from .._usage import Recorder

            self.recorder = Recorder()
        self.ran: set[str] = set()
        self.usage_note: str | None = None
        #: Keys of failures items of this process reported (each bug fails one item).
        self.reported: set[tuple[str, ...]] = set()
        #: Case ids whose item ran in this process, and the ids of all collected ones.
        self.collected: set[str] = set()
        #: Deliveries another item saw, to be replayed first by their owner's item.
        self.pending: dict[str, list[list[dict[str, Any]]]] = {}
        self.coverage: Coverage | None = None
        self._cases: dict[str, FuzzCase] | None = None
        self._database: list[ExampleDatabase | None] = []

    @classmethod
    def from_pytest(cls, config: pytest.Config) -> ConformancePlugin:
        """Resolve and check every setting now: misconfiguration is a usage error (exit 4)."""
        try:
            settings = settings_from_pytest(config)
            catalog = _catalog(_path(config.rootpath, settings.catalog))
            selected = catalog.select(*settings.events)
            handler = app = secret = None
            if settings.handler:
                handler = _load_handler(config.rootpath, settings.handler, settings)
            if settings.app:
                secret = _receiver_secret(settings)
                app = _load_app(config.rootpath, settings.app)
            elif settings.secret_env:
                raise UsageError("conformance_secret_env is set but conformance_app is not")
        except ConformanceError as exc:
            raise pytest.UsageError(f"casedev-conformance: {exc}") from None
        plugin = cls(config, settings, catalog, selected, handler)
        plugin.app, plugin.secret = app, secret
        return plugin

    # -- hooks -------------------------------------------------------------------------

    def pytest_report_header(self, config: pytest.Config) -> list[str]:
        """With ``-v``: catalog version, event counts, handler and seed. (A failing run's
        summary names the seed anyway; a passing run needs none of it.)"""
        if config.get_verbosity() < 1:
            return []
        selected = len(self.selected)
        source = self.settings.catalog or "packaged"
        lines = [
            f"conformance: catalog {self.catalog.version} ({source}), {len(self.catalog)} "
            f"events, {selected} selected by {' '.join(self.settings.events)}"
        ]
        if self.settings.handler:
            mode = "contract" if self.settings.contract else "schema-only"
            lines.append(f"conformance: handler {self.settings.handler}, {mode} mode")
        lines.append(f"conformance: seed {self._seed_text()}")
        return lines

    def _seed_text(self) -> str:
        from .._generation import active_profile

        if self.forced_seed is not None:
            return f"{self.forced_seed} (from --hypothesis-seed)"
        if self.settings.seed is not None:
            return f"{self.seed} (from the conformance seed setting)"
        if active_profile().derandomize:
            return "derandomized by the Hypothesis profile"
        return f"{self.seed} (rerun with --hypothesis-seed={self.seed})"

    @pytest.hookimpl(optionalhook=True)
    def pytest_configure_node(self, node: Any) -> None:
        """Give every xdist worker the controller's seed."""
        node.workerinput[_WORKER_SEED_KEY] = self.seed

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: Any) -> None:
        """Merge an xdist worker's recorded reads into the controller's."""
        output = getattr(node, "workeroutput", None) or {}
        part = output.get(_WORKER_USAGE_KEY)
        if self.recorder is not None and isinstance(part, dict):
            self.recorder.merge(part["logs"])
            self.ran.update(part["ran"])

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        """Hand the reads to the controller (in a worker), or write the usage manifest."""
        if self.recorder is None:
            return
        workeroutput = getattr(self.config, "workeroutput", None)
        if isinstance(workeroutput, dict):
            workeroutput[_WORKER_USAGE_KEY] = {
                "logs": self.recorder.to_data(),
                "ran": sorted(self.ran),
            }
            return
        self.usage_note = self._write_usage()

    def _write_usage(self) -> str:
        from .._config import consumer_name
        from .._usage import build_manifest, write_manifest

        assert self.recorder is not None
        expected = {c.id for c in self.cases() if c.id in self.selected}
        missing = sorted(expected - self.ran)
        if missing:
            # A partial run would publish a manifest that reads less than the handler
            # does, and the owners' gate would wave through changes that break it.
            return (
                f"usage manifest NOT written: {len(missing)} event item(s) did not run "
                f"(deselected or interrupted), e.g. {missing[0]}; run them all to record it"
            )
        path = _path(self.config.rootpath, self.settings.usage)
        assert path is not None
        try:
            manifest = build_manifest(
                self.recorder,
                self.catalog,
                consumer=consumer_name(self.settings, self.config.rootpath),
                handler=self.settings.handler,
            )
            write_manifest(manifest, path)
        except ConformanceError as exc:
            return f"usage manifest NOT written: {exc}"
        fields = sum(len(e.fields) for e in manifest.events.values())
        where = _relative(path, self.config.invocation_params.dir)
        return (
            f"usage manifest for {manifest.consumer}: {len(manifest.events)} event(s), "
            f"{fields} field(s) read -> {where}"
        )

    def pytest_collect_file(self, file_path: Path, parent: pytest.Collector) -> pytest.File | None:
        """Collect the items under the ini file when pytest visits it."""
        if self.settings.collects and file_path == self.anchor:
            return ConformanceFile.from_parent(parent, path=file_path)
        return None

    def attached(self) -> bool:
        """Whether this run selected the conformance items on purpose.

        They belong to the configuration, as ``testpaths`` do: a run without paths
        (``pytest``, ``pytest -m conformance``) gets them; a run naming paths or tests
        (``pytest tests/test_x.py``, ``pytest tests/test_x.py::test_y``) runs just
        those, unless ``--conformance`` asks for the items too (or the ini file is
        named itself: ``pytest pyproject.toml``).
        """
        if self.config.getoption("conformance_run", False):
            return True
        return self.config.args_source is not pytest.Config.ArgsSource.ARGS

    @pytest.hookimpl(tryfirst=True)
    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        """Add the items when the ini file was not collected (the usual case: testpaths)."""
        if not self.settings.collects or any(isinstance(i.parent, ConformanceFile) for i in items):
            return
        if not self.attached():
            return
        collector = ConformanceFile.from_parent(session, path=self.anchor)
        added = [item for item in collector.collect() if isinstance(item, pytest.Item)]
        # Report the collection as pytest would have, so "collected N items" counts them.
        report = pytest.CollectReport(collector.nodeid, "passed", None, [*added])
        session.ihook.pytest_collectreport(report=report)
        items.extend(added)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Note which case items this session runs (for handing failures over)."""
        self.collected = {i.case.id for i in session.items if isinstance(i, ConformanceItem)}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Note what each failing item of ours asks the summary to show, and sum the
        coverage of every item (under xdist, the workers' too)."""
        if report.failed:
            self.failed.extend(
                str(value) for key, value in report.user_properties if key == SUMMARY_KEY
            )
        if report.when != "call":
            return
        for name, value in report.user_properties:
            if name == "conformance_coverage" and isinstance(value, dict):
                from .._fuzzing import Coverage

                table = Coverage.from_dict(value)
                if self.coverage is None:
                    self.coverage = table
                else:
                    self.coverage.merge(table)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """The coverage table (per event, examples per rule); on failure, the failing
        events and the commands that rerun them; where the usage manifest went."""
        if self.coverage is not None:
            terminalreporter.write_sep("-", "conformance coverage")
            terminalreporter.write_line(self.coverage.render())
        if self.usage_note is not None:
            terminalreporter.write_line(f"conformance: {self.usage_note}")
        if not self.failed:
            return
        terminalreporter.section("casedev-conformance")
        for entry in dict.fromkeys(self.failed):
            terminalreporter.line(entry)
        if self.forced_seed is None and self.settings.seed is None:
            terminalreporter.line(
                f"rerun the same examples with --hypothesis-seed={self.seed}"
                if not _derandomized()
                else "examples are derandomized by the Hypothesis profile: a rerun repeats them"
            )

    def hand_over(self, owner: str | None, failure: HandlerFailure) -> bool:
        """Hand ``failure`` (seen by one item, owned by ``owner``) to the owner's item,
        if there is one that can still report it: True when handed over.

        In this process, an owner item still to run replays it first. Under xdist the
        owner's item may run on another worker, so the failure is saved under the
        owner's case in the failures folder, which that item replays first on the next
        run. An owner item that already ran here without reporting it, or no owner
        item at all: False, and the item that saw it reports it."""
        if owner is None or owner not in self.collected:
            return False
        if getattr(self.config, "workerinput", None) is not None:
            from .._fuzzing import save_failure

            failure.case = owner
            save_failure(failure, self.config.rootpath / FAILURES_DIR)
            return True
        if owner in self.ran:
            return False
        self.pending.setdefault(owner, []).append(failure.deliveries)
        return True

    def replays(self, case_id: str) -> list[list[dict[str, Any]]]:
        """What ``case_id``'s item replays first: failures saved under it by earlier
        runs (or by other xdist workers), then the ones other items handed over."""
        from .._fuzzing import saved_failures

        saved = saved_failures(self.config.rootpath / FAILURES_DIR)
        return [d for c, d in saved if c == case_id] + self.pending.pop(case_id, [])

    def case_map(self) -> dict[str, FuzzCase]:
        """Every case of the selection by id (ownership looks across all of them)."""
        if self._cases is None:
            from .._fuzzing import fuzz_cases

            cases = fuzz_cases(
                self.settings.events, contract=self.settings.contract, catalog=self.catalog
            )
            self._cases = {c.id: c for c in cases}
        return self._cases

    def database(self) -> ExampleDatabase | None:
        """The shared example database of ``conformance_database`` (None: the profile's)."""
        if not self._database:
            from .._fuzzing import open_database

            try:
                self._database.append(open_database(self.settings.database))
            except ConformanceError as exc:
                raise pytest.UsageError(f"casedev-conformance: {exc}") from None
        return self._database[0]

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Iterator[None]:
        """Run our items with warnings filtered to those a user can act on."""
        if not isinstance(item, _Item):
            return (yield)
        with self.actionable_warnings(item.name):
            return (yield)

    @contextlib.contextmanager
    def actionable_warnings(self, name: str) -> Iterator[None]:
        """Pass on only the warnings a user can act on, each once a session.

        Hypothesis' warnings and warnings raised in Hypothesis' or this package's code
        concern the tool, not the user's code: they are dropped. A warning the handler
        (or code it calls) raises is re-issued once per session, at the handler's
        line, saying where it came from and what to do.
        """
        import hypothesis
        from hypothesis.errors import HypothesisWarning

        tool_dirs = (_PACKAGE_DIR, str(Path(hypothesis.__file__).resolve().parent))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                yield
            finally:
                kept = [
                    m
                    for m in caught
                    if not isinstance(m.message, HypothesisWarning)
                    and not str(Path(m.filename).resolve()).startswith(tool_dirs)
                ]
        for message in kept:
            key = (message.category, str(message.message), message.filename, message.lineno)
            if key in self.warned:
                continue
            self.warned.add(key)
            warnings.warn_explicit(
                f"{message.message} (raised by your code while casedev-conformance ran "
                f"{name}: fix it there, or filter it with filterwarnings)",
                message.category,
                message.filename,
                message.lineno,
            )

    # -- what to collect ---------------------------------------------------------------

    def cases(self) -> list[FuzzCase]:
        """The fuzz cases of the selected events, plus the contract cases that own
        failures, sorted by id."""
        try:
            cases = list(self.case_map().values())
        except ConformanceError as exc:
            raise pytest.UsageError(f"casedev-conformance: {exc}") from None
        events = sorted((c for c in cases if c.id in self.selected), key=lambda c: c.id)
        # A case that owns no failures (boundary values: the event items own those)
        # would be an item that cannot fail; it is not collected.
        contract = sorted(
            (c for c in cases if c.id not in self.selected and c.claims != "event"),
            key=lambda c: c.id,
        )
        return [*events, *contract]

    def replay_command(self, path: Path) -> str:
        """The shell command that reruns a saved failure against this session's handler."""
        from .._fuzzing import replay_command

        where = _relative(path, self.config.invocation_params.dir)
        return replay_command(where, self.settings.handler or "")


def settings_from_pytest(config: pytest.Config) -> ConformanceConfig:
    """Resolve the layers: defaults < [tool.conformance] < ini < environment < options."""
    ini_name = config.inipath.name if config.inipath else "the ini file"
    return resolve(
        [
            (
                "pyproject.toml [tool.conformance] {name}",
                pyproject_table(config.rootpath / "pyproject.toml"),
            ),
            (
                f"{ini_name} conformance_{{name}}",
                {name: config.getini("conformance_" + name) for name in SETTINGS},
            ),
            ("environment variable CONFORMANCE_{NAME}", environment_layer(os.environ)),
            (
                "--conformance-{name}",
                {name: config.getoption("conformance_" + name) for name in SETTINGS},
            ),
        ]
    )


class ConformanceFile(pytest.File):
    """The collector standing for the ini file that switched the plugin on."""

    def collect(self) -> Iterator[pytest.Item]:
        """One item per event and contract case (sorted), then the compatibility gate."""
        plugin = _plugin(self.config)
        if plugin.settings.handler:
            for case in plugin.cases():
                yield ConformanceItem.from_parent(self, name=f"conformance[{case.id}]", case=case)
        if plugin.settings.app:
            yield ReceiverItem.from_parent(
                self, name=f"conformance-receiver[{plugin.settings.app}]"
            )
        if plugin.settings.baseline:
            yield CompatibilityItem.from_parent(
                self, name=f"conformance-compat[{plugin.settings.baseline}]"
            )


class ConformanceFailure(Exception):
    """Raised by an item whose handler failed; ``str()`` is the whole report."""


class _Item(pytest.Item):
    """What every item of ours shares: the ``conformance`` marker (so ``-m conformance``
    selects them and ``-m "not conformance"`` leaves them out), our own failure text
    located at the ini file, and warnings filtered to those a user can act on."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.add_marker("conformance")

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,
    ) -> str | Any:
        """Our own report for conformance failures; pytest's for anything else."""
        if isinstance(excinfo.value, ConformanceFailure):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        """Locate the item at the ini file that configured it."""
        return self.path, None, self.name


class ConformanceItem(_Item):
    """One Hypothesis test: every delivery the case generates, handed to the handler."""

    def __init__(self, *, case: FuzzCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        """Run the case through the library's case runner (``run_case``).

        The item fails on the failures its case owns (an event item on what fails on
        the plain event, a contract item on what fails only because of what its rule
        adds) and on the ones it saw whose owner does not reproduce them: nothing
        found is lost. A failure owned by an item that runs later in this process is
        handed to that item, which replays it first; one already reported by another
        item is not reported again.
        """
        from .._fuzzing import DEFAULT_DEADLINE, run_case
        from .._generation import active_profile
        from .._ids import seeded_ids

        plugin = _plugin(self.config)
        handler = plugin.handler
        assert handler is not None
        case = self.case
        base = active_profile()
        seed = (
            plugin.seed
            if plugin.forced_seed is None
            and (plugin.settings.seed is not None or not base.derandomize)
            else None
        )
        ids_seed = None if seed is None else f"{seed}:{case.id}"
        with seeded_ids(ids_seed):
            run = run_case(
                case,
                handler,
                max_examples=plugin.settings.max_examples or base.max_examples,
                seed=seed,
                deadline=DEFAULT_DEADLINE,
                cases=plugin.case_map(),
                known=frozenset(plugin.reported),
                replay=plugin.replays(case.id),
                database=plugin.database(),
                base=base,
                target=plugin.settings.handler or "",
                observe=plugin.recorder,
            )
        plugin.ran.add(case.id)
        coverage = _coverage_of(plugin, case, run)
        self.user_properties.append(("conformance_coverage", coverage))
        failures = []
        seen = [
            *run.failures.values(),
            *(o for k, o in run.orphans.items() if k not in run.failures),
        ]
        for failure in seen:
            owner = (
                failure.case
                if failure.owner is None and failure.evidence is None
                else failure.owner
            )
            if failure.key in plugin.reported:
                continue
            if owner != case.id and plugin.hand_over(owner, failure):
                continue
            failures.append(failure)
        plugin.reported.update(f.key for f in failures)
        if failures:
            raise ConformanceFailure(self._describe(failures))

    def _describe(self, failures: Sequence[BaseException]) -> str:
        from .._fuzzing import HandlerFailure, format_failure, save_failure

        plugin = _plugin(self.config)
        folder = self.config.rootpath / FAILURES_DIR
        parts = []
        for number, failure in enumerate(failures, start=1):
            assert isinstance(failure, HandlerFailure)
            path = save_failure(failure, folder)
            # Shown relative to where pytest was started, so the command runs as printed.
            failure.path = Path(_relative(path, self.config.invocation_params.dir))
            self.user_properties.append(
                (
                    SUMMARY_KEY,
                    f"{failure.event or '?'}: {failure.summary}\n"
                    f"  replay: {plugin.replay_command(path)}",
                )
            )
            parts.append(
                format_failure(
                    number, failure, replay_target=plugin.settings.handler, with_traceback=True
                )
            )
        head = "; ".join(f.summary for f in failures if isinstance(f, HandlerFailure))
        return "\n\n".join([head, f"{self.name}: {self.case.description}", *parts])


class CompatibilityItem(_Item):
    """The compatibility gate: the catalog against the baseline (``git:REF`` or a folder)."""

    def runtest(self) -> None:
        """Compare the baseline with the current catalog; fail on a breaking change."""
        from .._compat import check_compatibility, load_side, render

        plugin = _plugin(self.config)
        root = self.config.rootpath
        baseline = plugin.settings.baseline or ""
        current = _path(root, plugin.settings.catalog) or root / "schemas"
        try:
            report = check_compatibility(load_side(baseline, cwd=root), load_side(current))
        except ConformanceError as exc:
            raise ConformanceFailure(f"{self.name}: {exc}") from None
        if not report.ok:
            shown = f"casedev-conformance compat {baseline} {_relative(current, root)}"
            self.user_properties.append(
                (
                    SUMMARY_KEY,
                    f"compatibility gate: breaking changes against {baseline}\n  rerun: {shown}",
                )
            )
            raise ConformanceFailure(
                f"{self.name}: breaking changes against {baseline} (rerun: {shown})\n"
                + render(report, "text", color=False)
            )


class ReceiverItem(_Item):
    """Receiver fuzzing: signed deliveries sent to the HTTP app, answers checked."""

    def runtest(self) -> None:
        """Run ``fuzz_receiver`` over the selected events and fail on any finding."""
        from .._webhooks import DEFAULT_EXAMPLES_PER_EVENT, fuzz_receiver

        plugin = _plugin(self.config)
        report = fuzz_receiver(
            app=plugin.app,
            secret=plugin.secret or "",
            events=plugin.settings.events,
            catalog=plugin.catalog,
            max_examples=plugin.settings.max_examples or DEFAULT_EXAMPLES_PER_EVENT,
            seed=plugin.seed,
            save_dir=self.config.rootpath / FAILURES_DIR,
        )
        # JUnit XML (--junitxml) shows these as <property> elements of the test case.
        for failure in report.failures:
            self.user_properties.append(
                (f"finding:{failure.severity}", f"{failure.check} [{failure.label}]")
            )
        if not report.ok:
            severities = sorted({f.severity for f in report.failing})
            self.user_properties.append(
                (
                    SUMMARY_KEY,
                    f"receiver {plugin.settings.app}: {len(report.failing)} failing "
                    f"check(s) of severity {', '.join(severities)}, each with its replay "
                    "command above",
                )
            )
            raise ConformanceFailure(
                f"receiver findings of severity {', '.join(severities)}\n{report.format()}"
            )


# -- fixtures' bodies -------------------------------------------------------------------


def config_for(request: pytest.FixtureRequest) -> ConformanceConfig:
    """The session settings with the test's ``conformance`` marker applied on top."""
    return _with_marker(request.config, request.node)


def catalog_for(settings: ConformanceConfig, config: pytest.Config | None = None) -> Catalog:
    """The catalog named by ``settings``, narrowed to its events.

    A session's pinned catalog is loaded once, by the plugin; fixtures reuse it rather
    than keeping a second cache of loaded catalogs.
    """
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME) if config is not None else None
    try:
        if isinstance(plugin, ConformancePlugin):
            return plugin.catalog.select(*settings.events)
        return _catalog(settings.catalog).select(*settings.events)
    except ConformanceError as exc:
        pytest.fail(f"casedev-conformance: {exc}", pytrace=False)


def delivery_factory(catalog: Catalog) -> Callable[..., dict[str, Any]]:
    """``make(event=None, *, data=None, minimal=False, validate=True, **envelope)``."""
    from .._validation import make_delivery

    def make(
        event: str | None = None,
        *,
        data: dict[str, Any] | None = None,
        minimal: bool = False,
        validate: bool = True,
        **envelope: Any,
    ) -> dict[str, Any]:
        if event is None:
            if len(catalog) != 1:
                raise UsageError(
                    f"conformance_delivery(): name the event; this test is scoped to "
                    f"{len(catalog)} events"
                )
            event = catalog.names[0]
        if event not in catalog:
            raise UsageError(
                f"conformance_delivery(): {event!r} is not among the events this test is "
                f"scoped to ({', '.join(catalog.names[:5])}{', ...' if len(catalog) > 5 else ''})",
                event=event,
            )
        return make_delivery(
            catalog, event, data=data, minimal=minimal, validate=validate, **envelope
        )

    return make


def parametrize_events(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``conformance_event`` over the events the test is scoped to."""
    settings = _with_marker(metafunc.config, metafunc.definition)
    names = catalog_for(settings, metafunc.config).names
    metafunc.parametrize("conformance_event", names, ids=names)


# -- helpers ----------------------------------------------------------------------------


def _with_marker(config: pytest.Config, node: pytest.Item) -> ConformanceConfig:
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    base = plugin.settings if isinstance(plugin, ConformancePlugin) else ConformanceConfig()
    if isinstance(plugin, ConformancePlugin) and base.catalog:
        # Fixtures run with other working folders; pin the catalog to the rootdir.
        base = base.merged({"catalog": str(_path(config.rootpath, base.catalog))}, source="-")
    marker = node.get_closest_marker("conformance")
    if marker is None:
        return base
    try:
        return base.merged(
            marker_layer(marker.args, marker.kwargs),
            source=f"@pytest.mark.conformance on {node.nodeid}",
        )
    except ConformanceError as exc:
        pytest.fail(f"casedev-conformance: {exc}", pytrace=False)


def _plugin(config: pytest.Config) -> ConformancePlugin:
    plugin = config.pluginmanager.get_plugin(PLUGIN_NAME)
    assert isinstance(plugin, ConformancePlugin)
    return plugin


def _catalog(path: str | Path | None) -> Catalog:
    """The catalog at ``path``: the packaged one comes from the loader's one cache."""
    return load_catalog(path)


def _path(root: Path, value: str | None) -> Path | None:
    if not value:
        return None
    path = Path(value).expanduser()
    return path if path.is_absolute() else root / path


def _resolve_spec(root: Path, spec: str) -> str:
    from .._fuzzing import split_spec

    module, attr = split_spec(spec)
    if module.endswith(".py") or "/" in module or "\\" in module:
        return f"{_path(root, module)}:{attr}"
    if str(root) not in sys.path:
        # Settings are relative to the rootdir, so its modules must be importable.
        sys.path.insert(0, str(root))
    return spec


def _load_app(root: Path, spec: str) -> Callable[..., Any]:
    from .._fuzzing import load_target

    return load_target(_resolve_spec(root, spec))


def _load_handler(root: Path, spec: str, settings: ConformanceConfig) -> Callable[..., Any]:
    """The handler, loaded now so import problems are usage errors: in its worker
    process (the default isolation; the target is never imported into pytest) or here."""
    from .._fuzzing import Handler

    handler = Handler(
        _resolve_spec(root, spec),
        isolation=settings.isolation,
        memory_limit=settings.memory_limit,
    )
    handler.load()
    return handler


def _receiver_secret(settings: ConformanceConfig) -> str:
    if not settings.secret_env:
        raise UsageError(
            "conformance_app needs conformance_secret_env: the name of the environment "
            "variable holding the receiver's whsec_ signing secret"
        )
    secret = os.environ.get(settings.secret_env)
    if not secret:
        raise UsageError(
            f"conformance_secret_env names {settings.secret_env}, which is not set in the "
            "environment"
        )
    from .._webhooks import decode_secret

    decode_secret(secret)  # a malformed secret is a usage error now, not a failing item
    return secret


def _session_seed(config: pytest.Config, forced: object) -> int:
    if forced is not None:
        try:
            return int(str(forced))
        except ValueError:
            pass  # Hypothesis accepts any seed; other consumers of ours need an int
    workerinput = getattr(config, "workerinput", None)
    if isinstance(workerinput, dict) and _WORKER_SEED_KEY in workerinput:
        return int(workerinput[_WORKER_SEED_KEY])
    return random.SystemRandom().randrange(2**32)


def _coverage_of(plugin: ConformancePlugin, case: FuzzCase, run: CaseRun) -> dict[str, Any]:
    from .._fuzzing import coverage_table

    events = [c for c in plugin.case_map().values() if not c.is_contract and c.rule == "event"]
    table = coverage_table([*events, case], run.coverage, run.cells.values())
    return table.to_dict()


def _derandomized() -> bool:
    from .._generation import active_profile

    return bool(active_profile().derandomize)


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)
