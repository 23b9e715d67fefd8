"""``sample-data --end`` outside the years the date filters handle: exit 2, nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main


@pytest.mark.parametrize(("end", "days"), [("0001-01-01", "14"), ("1000-01-03", "14"), ("9999-12-31", "1")])
def test_end_out_of_range_is_bad_input(tmp_path: Path, end: str, days: str) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(main, ["sample-data", "--out", str(out), "--end", end, "--days", days])
    assert result.exit_code == 2, result.output
    assert f"--end {end} with --days {days}: the days must fall in the years 1000 to 9998" in result.output
    assert not out.exists()


def test_the_first_year_in_range_is_written(tmp_path: Path) -> None:
    out = tmp_path / "o"
    result = CliRunner().invoke(
        main, ["sample-data", "--out", str(out), "--end", "1000-01-02", "--days", "2"]
    )
    assert result.exit_code == 0, result.output
    assert "1000-01-01 to 1000-01-02" in result.output
