"""The ``suyuan`` console script: import every command module, then run."""

from suyuan_core.cli import (  # noqa: F401 - registers
    backup,
    cases,
    db,
    demo,
    docs,
    jobs,
    keys,
    metrics,
    plugins,
    roster,
    serve,
    users,
)
from suyuan_core.cli.app import cli, main

__all__ = ["cli", "main"]
