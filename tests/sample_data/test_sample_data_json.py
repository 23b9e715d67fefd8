"""`sample-data --json [PATH]` (README "Command options"): what was written (records, files,
days, folder, shapes), counted from the files themselves; bad options are exit 2 with the
JSON all the same, and nothing written."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from tests.cli_json import json_in_file, json_on_stdout


def test_what_was_written(tmp_path: Path) -> None:
    out = tmp_path / "logs"
    args = ["sample-data", "--out", str(out), "--days", "2", "--end", "2026-01-02", "--shape", "no-event-id"]
    doc, res = json_on_stdout(args, 0)
    files = sorted(out.rglob("*.json.gz"))
    records = sum(len(json.loads(gzip.decompress(p.read_bytes()))["Records"]) for p in files)
    assert doc == {
        "ok": True,
        "command": "sample-data",
        "status": "ok",
        "exit_code": 0,
        "error": None,
        "problems": [],
        "out": str(out),
        "seed": 7,
        "records": records,
        "files": len(files),
        "first_day": "2026-01-01",
        "last_day": "2026-01-02",
        "shapes": ["no-event-id"],
    }
    assert res.stderr.startswith(f"wrote {records} records in {len(files)} files")

    again, res = json_in_file([*args[:2], str(tmp_path / "again"), *args[3:]], tmp_path / "s.json", 0)
    assert {k: v for k, v in again.items() if k != "out"} == {k: v for k, v in doc.items() if k != "out"}
    assert res.stdout.startswith(f"wrote {records} records")


def test_all_shapes_are_spelt_out(tmp_path: Path) -> None:
    from looker_ops.sample_data.generate import REAL_LOG_SHAPES

    args = [
        "sample-data",
        "--out",
        str(tmp_path / "o"),
        "--days",
        "1",
        "--end",
        "2026-01-01",
        "--shape",
        "all",
    ]
    doc, _ = json_on_stdout(args, 0)
    assert doc["shapes"] == list(REAL_LOG_SHAPES)


def test_a_folder_not_empty_is_exit_2_and_nothing_written(tmp_path: Path) -> None:
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "keep.txt").write_text("mine")
    doc, res = json_on_stdout(["sample-data", "--out", str(tmp_path / "o"), "--days", "1"], 2)
    assert "not empty" in doc["error"]["message"] and "records" not in doc
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["keep.txt"]
    doc_file, res = json_in_file(
        ["sample-data", "--out", str(tmp_path / "x"), "--end", "2026-02-30"], tmp_path / "e.json", 2
    )
    assert "--end" in doc_file["error"]["message"] and res.stdout == "" and not (tmp_path / "x").exists()
