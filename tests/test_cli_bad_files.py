"""Every CLI command answers a bad file in one line, without a traceback, and writes nothing
(issue 14 point 2): configs that are binary, not UTF-8 or a directory; CSV, JSONL and XLSX files
that are binary, not UTF-8, nested 100 000 deep, of the wrong shape or with a 10 MB cell."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from suyuan_core.testing.kit import run_cli

BAD_FILES: dict[str, bytes] = {
    "byte_ff.csv": b"source,title,category,area_code\nwalk_in,\xff\xfe,neighbour,C.T1\n",
    "binary.csv": os.urandom(4096),
    "nul.csv": b"source,title\x00,category\nwalk_in,x\x00,y\n",
    "huge_cell.csv": b"source,title,category,area_code\nwalk_in," + b"x" * 10_000_000
                     + b",neighbour,C.T1\n",
    "binary.xlsx": os.urandom(4096),
    "lots.jsonl": b'{"source": "walk_in", "title": "t", "category": "neighbour", '
                  b'"area_code": "C.T1.C1.G1", "events": "lots"}\n',
    "deep.jsonl": b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n",
    "list.jsonl": b"[1, 2, 3]\n",
    "byte_ff.jsonl": b'{"title": "\xff"}\n',
    "data_list.jsonl": b'{"source": "walk_in", "title": "t", "category": "neighbour", '
                       b'"area_code": "C.T1.C1.G1", "data": [1], "events": [1]}\n',
}


def _one_line(result: Any) -> None:
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("Error:")


def _commands(path: Path) -> list[tuple[str, ...]]:
    cmds = [("cases", "import", str(path)), ("roster", "import", str(path)),
            ("smart", "import-12345", str(path))]
    if path.suffix == ".jsonl":
        cmds = [("cases", "import", str(path))]
    return cmds


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_import_files_are_one_line_and_write_nothing(make_deployment: Any, tmp_path: Path,
                                                         name: str) -> None:
    from suyuan_core.testing.badinput import row_counts

    d = make_deployment(plugins=["smart"])
    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    before = row_counts(d)
    for args in _commands(path):
        result = run_cli(d, *args)
        _one_line(result)
    after = row_counts(d)
    assert {k: v for k, v in after.items() if k != "audit_log"} == {
        k: v for k, v in before.items() if k != "audit_log"}


def test_line_numbers_are_named(make_deployment: Any, tmp_path: Path) -> None:
    d = make_deployment()
    path = tmp_path / "lots.jsonl"
    path.write_bytes(b"\n" + BAD_FILES["lots.jsonl"])
    result = run_cli(d, "cases", "import", str(path))
    assert "line 2" in result.stderr and "events" in result.stderr


@pytest.mark.parametrize("content", [b"[deployment]\nname = \"\xff\"\n", os.urandom(2048),
                                     b"a = " + b"[" * 100_000])
def test_bad_config_files_are_one_line(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "suyuan.toml"
    path.write_bytes(content)
    for args in (("db", "status"), ("plugins", "list"), ("cases", "show", "1")):
        result = run_cli(None, "--config", str(path), *args)
        _one_line(result)


def test_config_pointing_at_a_directory(tmp_path: Path) -> None:
    result = run_cli(None, "--config", str(tmp_path), "db", "status")
    _one_line(result)
    assert "directory" in result.stderr


def test_unknown_language_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "suyuan.toml"
    path.write_text('[deployment]\nlanguage = "klingon"\n', encoding="utf-8")
    result = run_cli(None, "--config", str(path), "db", "status")
    _one_line(result)
    assert "deployment.language" in result.stderr


def test_db_status_on_a_missing_database_does_not_create_it(tmp_path: Path) -> None:
    path = tmp_path / "suyuan.toml"
    path.write_text('[deployment]\ndatabase = "sqlite:///nothing-here.db"\n', encoding="utf-8")
    result = run_cli(None, "--config", str(path), "db", "status")
    _one_line(result)
    assert "does not exist" in result.stderr
    assert not (tmp_path / "nothing-here.db").exists()
