"""Reading import files the same way everywhere (cases, roster, areas): UTF-8 or a one-line
error naming the line, cells bounded by ``bounds.MAX_IMPORT_FIELD``."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any, TextIO

from suyuan_core import bounds
from suyuan_core.errors import ImportFailed


def not_utf8(exc: UnicodeDecodeError) -> str:
    byte = exc.object[exc.start:exc.start + 1].hex() if exc.object else "?"
    return f"not UTF-8 text (byte 0x{byte}); save the file as UTF-8"


def csv_rows(fh: TextIO, *, first_line: int = 2) -> Iterator[tuple[int, dict[str, Any]]]:
    """Public helper for every CSV import (cases, roster, areas, plugins): the rows of a CSV
    file with a header, each numbered by its line, empty cells left out. Refuses — naming the
    line — a file that is not UTF-8, has a NUL byte, a cell longer than
    ``bounds.MAX_IMPORT_FIELD`` characters, or more values than columns."""
    old = csv.field_size_limit()
    csv.field_size_limit(bounds.MAX_IMPORT_FIELD)
    line = first_line - 1
    try:
        reader = csv.DictReader(fh)
        for line, row in enumerate(reader, start=first_line):
            if None in row:
                raise ImportFailed(line, None, "more values than columns")
            yield line, {k: v for k, v in row.items() if v != ""}
    except UnicodeDecodeError as exc:
        raise ImportFailed(line + 1, None, not_utf8(exc)) from None
    except csv.Error as exc:
        reason = (f"a cell is longer than {bounds.MAX_IMPORT_FIELD} characters"
                  if "field larger" in str(exc) else f"not a CSV file ({exc})")
        raise ImportFailed(line + 1, None, reason) from None
    finally:
        csv.field_size_limit(old)
