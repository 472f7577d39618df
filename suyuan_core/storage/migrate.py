"""Apply the core's and every enabled plugin's Alembic branch (``suyuan db upgrade``)."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, MetaData

from suyuan_core.errors import ConfigError
from suyuan_core.plugins.spec import MigrationSource

CORE_BRANCH = "suyuan_core"


def _folder(location: str) -> str:
    if ":" in location and not Path(location).is_absolute() and location[1:3] != ":\\":
        package, _, sub = location.partition(":")
        try:
            base = resources.files(package)
        except ModuleNotFoundError:
            raise ConfigError(f"migrations location {location!r}: no package {package!r}") from None
        return str(Path(str(base)) / sub)
    return location


def core_source() -> MigrationSource:
    from suyuan_core.storage.tables import Base

    return MigrationSource(branch_label=CORE_BRANCH, location="suyuan_core.storage:migrations/versions",
                           metadata=Base.metadata)


def alembic_config(engine: Engine, sources: Sequence[MigrationSource]) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", _folder("suyuan_core.storage:migrations"))
    folders = [_folder(s.location) for s in sources]
    for folder in folders:
        if not Path(folder).is_dir():
            raise ConfigError(f"migrations folder {folder} does not exist")
    cfg.set_main_option("version_locations", " ".join(folders))
    cfg.set_main_option("path_separator", "space")
    metadata = MetaData()
    for source in sources:
        if source.metadata is not None:
            for table in source.metadata.tables.values():
                table.to_metadata(metadata)
    cfg.attributes["target_metadata"] = metadata
    return cfg


def upgrade(engine: Engine, sources: Sequence[MigrationSource]) -> list[str]:
    """Upgrade every branch in ``sources`` to its head; return the revisions now current."""
    cfg = alembic_config(engine, sources)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        for source in sources:
            command.upgrade(cfg, f"{source.branch_label}@head")
        return sorted(MigrationContext.configure(connection).get_current_heads())


def status(engine: Engine, sources: Sequence[MigrationSource]) -> dict[str, tuple[str | None, str]]:
    """branch → (revision in the database or None, head in the code)."""
    cfg = alembic_config(engine, sources)
    script = ScriptDirectory.from_config(cfg)
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    # Applied = every current head and everything it stands on (depends_on included): a plugin
    # head that depends on the core's revision is the only row alembic_version keeps for both.
    applied: set[str] = set()
    for rev in current:
        applied.update(r.revision for r in script.iterate_revisions(rev, "base"))
    out: dict[str, tuple[str | None, str]] = {}
    for source in sources:
        head = script.get_revision(f"{source.branch_label}@head")
        assert head is not None
        mine = next((r.revision for r in script.iterate_revisions(head.revision, "base")
                     if source.branch_label in r.branch_labels and r.revision in applied), None)
        out[source.branch_label] = (mine, head.revision)
    return out
