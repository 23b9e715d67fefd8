"""`check --athena`: the SQL checks of `check --sql` run on Athena, each query under LIMIT 0.

Athena is stood in for at the runner boundary (the object pyathena's calls go through): the fake
answers each query the way Athena would by planning it on the embedded engine, so a query that
is wrong for the engine is wrong for "Athena" too, with a query id and a message. The runner's
own calls to AWS are tested with botocore's Stubber in test_athena_setup.py.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from looker_ops.athena import check as athena_check
from looker_ops.athena.runner import AthenaError, QueryOutcome
from looker_ops.check.run import run_check
from looker_ops.cli import main
from looker_ops.config.athena import AthenaSettings
from looker_ops.engines.local import EngineError, LocalEngine

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "check_scenarios"
GUARD = re.compile(r"^SELECT \* FROM \(\n(.*)\n\) AS looker_ops_guard LIMIT 0$", re.S)


class FakeAthena:
    """Answers like Athena: SUCCEEDED or FAILED with a query id; bytes scanned per query."""

    instances: ClassVar[list[FakeAthena]] = []

    def __init__(self, settings: AthenaSettings, **_: Any) -> None:
        self.settings = settings
        self.engine = LocalEngine()
        self.sent: list[str] = []
        self.ids = itertools.count(1)
        self.refuse = False
        FakeAthena.instances.append(self)

    def run(self, sql: str, *, fetch: bool = True) -> QueryOutcome:
        if self.refuse:
            raise AthenaError(
                "Athena StartQueryExecution", "not authorized to run queries", code="AccessDeniedException"
            )
        self.sent.append(sql)
        qid = f"q-{next(self.ids)}"
        m = GUARD.match(sql)
        assert m, f"every query is sent under the LIMIT 0 guard: {sql[:80]}"
        try:
            self.engine.query(m.group(1))
        except EngineError as exc:
            return QueryOutcome(sql, qid, "FAILED", error=f"SYNTAX_ERROR: {exc.message.splitlines()[0]}")
        return QueryOutcome(sql, qid, "SUCCEEDED", bytes_scanned=0)

    def close(self) -> None:
        self.engine.close()


@pytest.fixture
def fake_athena(monkeypatch: pytest.MonkeyPatch) -> type[FakeAthena]:
    FakeAthena.instances = []
    monkeypatch.setattr(athena_check, "AthenaRunner", FakeAthena)
    return FakeAthena


def test_the_block_checks_clean_on_athena_with_the_same_queries(fake_athena: type[FakeAthena]) -> None:
    local = run_check(ROOT / "lookml_project", dashboard_dirs=[ROOT / "dashboards"], sql=True, cache_dir=None)
    on_athena = run_check(
        ROOT / "lookml_project",
        dashboard_dirs=[ROOT / "dashboards"],
        cache_dir=None,
        athena=AthenaSettings(region="eu-west-1", workgroup="primary"),
    )
    assert on_athena.findings == [] and local.findings == []
    (athena,) = fake_athena.instances
    local_queries = int(
        re.search(r"sql: (\d+) queries on the embedded engine", " ".join(local.notes)).group(1)
    )  # type: ignore[union-attr]
    notes = " ".join(on_athena.notes)
    # the same compiled field and tile queries (the primary-key data checks, which need rows and
    # are not counted among them locally, are not made on Athena)
    assert len(athena.sent) == local_queries
    assert f"sql: {len(athena.sent)} queries on Athena, 0 bytes scanned" in notes
    assert "primary keys not checked on data" in notes


def test_a_failing_field_is_found_by_bisection_with_the_query_id(fake_athena: type[FakeAthena]) -> None:
    bad = SCENARIOS / "sql001_field_fails_on_engine" / "bad"
    result = run_check(bad, cache_dir=None, athena=AthenaSettings(region="eu-west-1"))
    sql001 = [f for f in result.findings if f.code == "SQL001"]
    assert sql001, result.findings
    assert all(re.search(r"Athena query q-\d+: SYNTAX_ERROR", f.message) for f in sql001)
    assert all(f.file and f.file.endswith(".view.lkml") and f.line for f in sql001)


def test_a_refused_call_is_a_remote_error_exit_3(
    fake_athena: type[FakeAthena], monkeypatch: pytest.MonkeyPatch
) -> None:
    real_init = FakeAthena.__init__

    def refusing(self: FakeAthena, settings: AthenaSettings, **kw: Any) -> None:
        real_init(self, settings, **kw)
        self.refuse = True

    monkeypatch.setattr(FakeAthena, "__init__", refusing)
    result = CliRunner().invoke(
        main, ["check", str(ROOT / "lookml_project"), "--athena", "--aws-region", "eu-west-1", "--no-cache"]
    )
    assert result.exit_code == 3, result.output
    assert "AccessDeniedException" in result.output


def test_athena_does_not_go_with_data_or_no_sql() -> None:
    result = CliRunner().invoke(main, ["check", str(ROOT / "lookml_project"), "--athena", "--no-sql"])
    assert result.exit_code == 2
    assert "--athena" in result.output
