"""Bytes that are not UTF-8 in a file the user hands over: one policy everywhere (issue 17,
item 6). The message names the file, the line and the byte offset; the exit code is 2; never a
UnicodeDecodeError traceback."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.config.schedules import load_schedules
from looker_ops.config.settings import load_config
from looker_ops.errors import BadInput
from looker_ops.textfile import decode_utf8, locate_bad_utf8

TESTS = Path(__file__).resolve().parents[1]
LATIN1 = "# café\n".encode("latin-1")  # 0xe9: a byte no UTF-8 text holds here


def with_bad_byte(text: str, line: int) -> tuple[bytes, int]:
    """``text`` with a Latin-1 comment inserted as line ``line``; the bad byte's offset."""
    lines = text.encode().splitlines(keepends=True)
    data = b"".join(lines[: line - 1]) + LATIN1 + b"".join(lines[line - 1 :])
    return data, data.index(b"\xe9")


def test_decode_names_line_and_offset() -> None:
    data, offset = with_bad_byte("a: 1\nb: 2\n", 2)
    with pytest.raises(BadInput) as err:
        decode_utf8(data, "f.yaml")
    assert err.value.message == (
        f"f.yaml:2: not UTF-8 text: byte 0xe9 at byte offset {offset} (save the file as UTF-8)"
    )
    assert decode_utf8("\ufeffa: é\n".encode(), "f.yaml") == "a: é\n"  # a BOM is dropped


@pytest.mark.parametrize("size", [1, 2, 3, 7, 4096])
def test_streamed_location_is_the_same_in_any_chunking(size: int) -> None:
    data = ("é" * 50 + "\n").encode() * 3 + b"ok \xc3(" + b"\n"
    expected = (data.index(b"\xc3("), 4, 0xC3)
    assert locate_bad_utf8(data[i : i + size] for i in range(0, len(data), size)) == expected
    assert locate_bad_utf8([data[: data.index(b"ok")]]) is None


def test_looker_ops_yaml(tmp_path: Path) -> None:
    data, offset = with_bad_byte("project:\n  name: ct\n", 2)
    path = tmp_path / "looker-ops.yaml"
    path.write_bytes(data)
    with pytest.raises(
        BadInput, match=rf"looker-ops.yaml:2: not UTF-8 text: byte 0xe9 at byte offset {offset}"
    ):
        load_config(path, env={})
    result = CliRunner().invoke(main, ["config", "check", "-c", str(path)])
    assert result.exit_code == 2
    assert f"byte offset {offset}" in result.output and "Traceback" not in result.output


def test_schedules_yaml(tmp_path: Path) -> None:
    data, offset = with_bad_byte("schedules: []\n", 1)
    path = tmp_path / "schedules.yaml"
    path.write_bytes(data)
    with pytest.raises(
        BadInput, match=rf"schedules.yaml:1: not UTF-8 text: byte 0xe9 at byte offset {offset}"
    ):
        load_schedules(path, TESTS / "schedules" / "dashboards", env={})
    result = CliRunner().invoke(
        main,
        [
            "schedules",
            "validate",
            "--file",
            str(path),
            "--dashboards",
            str(TESTS / "schedules" / "dashboards"),
        ],
    )
    assert result.exit_code == 2, result.output
    assert f"byte offset {offset}" in result.output


def test_baseline(tmp_path: Path) -> None:
    project = tmp_path / "proj"
    shutil.copytree(TESTS / "check_scenarios" / "ath401_json_text_struct_access" / "bad", project)
    base = tmp_path / "baseline.json"
    base.write_bytes(b'{"version": 1, "findings": [{"code": "ATH401", "message": "caf\xe9"}]}\n')
    result = CliRunner().invoke(
        main, ["check", "--no-cache", str(project), "--no-sql", "--baseline", str(base)]
    )
    assert result.exit_code == 2, result.output
    offset = base.read_bytes().index(b"\xe9")
    assert f"baseline.json:1: not UTF-8 text: byte 0xe9 at byte offset {offset}" in result.output


@pytest.mark.parametrize("gz", [False, True])
def test_geoip_csv(tmp_path: Path, gz: bool) -> None:
    text = (TESTS / "geoip" / "locations.csv").read_bytes()
    lines = text.splitlines(keepends=True)
    data = b"".join(lines[:3]) + lines[3].replace(b",", b",\xe9", 1) + b"".join(lines[4:])
    locations = tmp_path / ("locations.csv.gz" if gz else "locations.csv")
    if gz:
        with gzip.open(locations, "wb") as fh:
            fh.write(data)
    else:
        locations.write_bytes(data)
    blocks = TESTS / "geoip" / "blocks_ipv4.csv"
    out = tmp_path / "out"
    args = ["geoip", "build", "--blocks", str(blocks), "--locations", str(locations), "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2, result.output
    offset = data.index(b"\xe9")
    assert f"{locations}:4: not UTF-8 text: byte 0xe9 at byte offset {offset}" in result.output
    assert not any(out.rglob("*.parquet")) if out.exists() else True  # nothing written half-way
