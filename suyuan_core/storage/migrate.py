"""Apply the core's and every enabled plugin's Alembic branch (``suyuan db upgrade``)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import ResolutionError
from alembic.util.exc import CommandError
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    bindparam,
    delete,
    inspect,
    select,
    text,
)

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


def _whose(source: MigrationSource, owners: Mapping[str, str] | None) -> str:
    owner = (owners or {}).get(source.branch_label)
    return f"plugin {owner!r}" if owner else f"migration branch {source.branch_label!r}"


def script_for(cfg: AlembicConfig, sources: Sequence[MigrationSource],
               owners: Mapping[str, str] | None = None,
               starting: str | None = None) -> ScriptDirectory:
    """The revisions of every branch, checked first, so that a plugin's mistake is one line
    naming the plugin, the file and the fix instead of an Alembic traceback: an empty versions
    folder, a branch label no revision carries, a ``down_revision`` or ``depends_on`` that names
    no revision here."""
    script = ScriptDirectory.from_config(cfg)
    revisions = list(script._load_revisions())  # the files, before Alembic links them
    known = {r.revision for r in revisions}
    labels = {label for r in revisions for label in r.branch_labels}
    for source in sources:
        folder = Path(_folder(source.location)).resolve()
        mine = [r for r in revisions if Path(r.path).resolve().parent == folder]
        who = _whose(source, owners)
        if not mine and source.branch_label == starting:
            continue  # `suyuan db revision` is about to write the branch's first revision
        if not mine:
            raise ConfigError(f"{who}: its migrations folder {folder} has no revisions",
                              hint="write the first one with `suyuan db revision --plugin "
                                   f"{(owners or {}).get(source.branch_label, source.branch_label)}"
                                   " -m 'first tables'`")
        if not any(source.branch_label in r.branch_labels for r in mine):
            raise ConfigError(f"{who}: no revision in {folder} carries the branch label "
                              f"{source.branch_label!r}",
                              hint=f"set branch_labels = ({source.branch_label!r},) in the "
                                   "branch's first revision (the one with down_revision = None)")
        for r in mine:
            for field, names in (("down_revision", _names(r.down_revision)),
                                 ("depends_on", _names(r.dependencies))):
                for name in names:
                    if name not in known and name not in labels:
                        close = difflib.get_close_matches(name, sorted(known), n=1)
                        mean = f"; did you mean {close[0]!r}?" if close else ""
                        raise ConfigError(
                            f"{who}: revision {r.revision} ({Path(r.path).name}) has "
                            f"{field} {name!r}, which is no revision of the enabled "
                            f"branches{mean}",
                            hint="a plugin's first revision has down_revision = None and "
                                 "depends_on the core revision it needs (see `suyuan db "
                                 "status`)")
    return script


def _names(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def alembic_config(engine: Engine, sources: Sequence[MigrationSource]) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", _folder("suyuan_core.storage:migrations"))
    folders = [_folder(s.location) for s in sources]
    for folder in folders:
        if not Path(folder).is_dir():
            raise ConfigError(f"migrations folder {folder} does not exist",
                              hint="MigrationSource.location is 'package:folder' or a path to "
                                   "the versions folder")
    cfg.set_main_option("version_locations", " ".join(folders))
    cfg.set_main_option("path_separator", "space")
    metadata = MetaData()
    for source in sources:
        if source.metadata is not None:
            for table in source.metadata.tables.values():
                table.to_metadata(metadata)
    cfg.attributes["target_metadata"] = metadata
    return cfg


#: Bookkeeping beside ``alembic_version`` (made outside the migrations, like that table): each
#: branch's revision after the last upgrade. Alembic keeps one row per *head*, and a plugin revision
#: that ``depends_on`` a core revision hides that core revision's row; this table remembers it, so
#: the core can still be upgraded after the plugin is switched off.
branch_heads = Table("suyuan_branch_heads", MetaData(),
                     Column("branch", String(64), primary_key=True),
                     Column("revision", String(64), nullable=False))


def _implied(script: ScriptDirectory, revisions: Iterable[str]) -> set[str]:
    """Every known revision the given heads stand for: themselves, their ancestors and what they
    depend on."""
    seen: set[str] = set()
    stack = list(revisions)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        try:
            rev = script.revision_map.get_revision(name)
        except ResolutionError:
            continue
        if rev is None:
            continue
        seen.add(rev.revision)
        stack.extend(rev._all_down_revisions)  # down revisions and resolved depends_on
    return seen


def _unknown(script: ScriptDirectory, revisions: Iterable[str]) -> list[str]:
    out = []
    for revision in revisions:
        try:
            script.revision_map.get_revision(revision)
        except ResolutionError:
            out.append(revision)
    return out


def _park(connection: Connection, script: ScriptDirectory,
          sources: Sequence[MigrationSource]) -> tuple[list[str], list[str]]:
    """Take the rows of branches whose scripts are not here (a plugin switched off or removed) out
    of ``alembic_version`` for the upgrade, so that Alembic does not stop on them, and put in the
    rows of enabled branches they were hiding. :func:`_unpark` undoes both in the same transaction."""
    current = MigrationContext.configure(connection).get_current_heads()
    parked = _unknown(script, current)
    if not parked:
        return [], []
    connection.execute(text("DELETE FROM alembic_version WHERE version_num IN :revs")
                       .bindparams(bindparam("revs", expanding=True)), {"revs": parked})
    remembered = dict(connection.execute(select(branch_heads.c.branch, branch_heads.c.revision)).all())
    known = _implied(script, [r for r in current if r not in parked])
    shown = []
    for source in sources:
        revision = remembered.get(source.branch_label)
        if revision is None or revision in known or _unknown(script, [revision]):
            continue
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:rev)"),
                           {"rev": revision})
        shown.append(revision)
        known |= _implied(script, [revision])
    return parked, shown


def _unpark(connection: Connection, parked: list[str], shown: list[str]) -> None:
    current = set(MigrationContext.configure(connection).get_current_heads())
    for revision in shown:
        if revision in current:  # that branch did not move: the parked row stands for it again
            connection.execute(text("DELETE FROM alembic_version WHERE version_num = :rev"),
                               {"rev": revision})
    for revision in parked:
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:rev)"),
                           {"rev": revision})


def _remember(connection: Connection, script: ScriptDirectory,
              sources: Sequence[MigrationSource]) -> None:
    for source in sources:
        head = script.get_revision(f"{source.branch_label}@head")
        assert head is not None
        connection.execute(delete(branch_heads).where(branch_heads.c.branch == source.branch_label))
        connection.execute(branch_heads.insert().values(branch=source.branch_label,
                                                        revision=head.revision))


def upgrade(engine: Engine, sources: Sequence[MigrationSource],
            owners: Mapping[str, str] | None = None) -> list[str]:
    """Upgrade every branch in ``sources`` to its head; return the revisions now current.

    Branches of plugins that are installed but not enabled (or no longer installed) are left as
    they are: their tables and their row in ``alembic_version`` stay, so switching a plugin off
    and on again loses nothing."""
    cfg = alembic_config(engine, sources)
    script = script_for(cfg, sources, owners)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        branch_heads.create(connection, checkfirst=True)
        parked, shown = _park(connection, script, sources)
        for source in sources:
            command.upgrade(cfg, f"{source.branch_label}@head")
        _unpark(connection, parked, shown)
        _remember(connection, script, sources)
        return sorted(MigrationContext.configure(connection).get_current_heads())


def status(engine: Engine, sources: Sequence[MigrationSource],
           owners: Mapping[str, str] | None = None) -> dict[str, tuple[str | None, str]]:
    """branch → (revision in the database or None, head in the code)."""
    cfg = alembic_config(engine, sources)
    script = script_for(cfg, sources, owners)
    with engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
        remembered: dict[str, str] = {}
        if _unknown(script, current) and inspect(connection).has_table(branch_heads.name):
            remembered = dict(connection.execute(select(branch_heads.c.branch,
                                                        branch_heads.c.revision)).all())
    current |= set(remembered.values())  # revisions hidden behind a switched-off plugin's row
    # Applied = every current head and everything it stands on (depends_on included): a plugin
    # head that depends on the core's revision is the only row alembic_version keeps for both.
    applied = _implied(script, current)
    out: dict[str, tuple[str | None, str]] = {}
    for source in sources:
        head = script.get_revision(f"{source.branch_label}@head")
        assert head is not None
        mine = next((r.revision for r in script.iterate_revisions(head.revision, "base")
                     if source.branch_label in r.branch_labels and r.revision in applied), None)
        out[source.branch_label] = (mine, head.revision)
    return out


def revision(engine: Engine, sources: Sequence[MigrationSource], branch: str, message: str,
             owners: Mapping[str, str] | None = None) -> Path:
    """``suyuan db revision --plugin NAME``: write the next revision of ``branch`` from the
    difference between its tables' metadata and the database (Alembic autogenerate, limited to
    the branch's own tables). The first revision of a branch gets its branch label and
    ``depends_on`` the core's head; later ones follow the branch's head. The database is first
    brought to every head (as ``suyuan db upgrade`` would) so that only the new change is
    written."""
    source = next((s for s in sources if s.branch_label == branch), None)
    if source is None:
        raise ConfigError(f"no enabled plugin has the migration branch {branch!r}",
                          hint="enable the plugin; its branch is named in its MigrationSource")
    who = _whose(source, owners)
    if source.metadata is None:
        raise ConfigError(f"{who}: its MigrationSource has no metadata to compare",
                          hint="pass metadata=<the MetaData of its tables>")
    cfg = alembic_config(engine, sources)
    script = script_for(cfg, sources, owners, starting=branch)
    folder = Path(_folder(source.location)).resolve()
    mine = [r for r in script.walk_revisions() if Path(r.path).resolve().parent == folder]
    upgrade(engine, [s for s in sources if mine or s is not source], owners)
    cfg = alembic_config(engine, sources)
    names = set(source.metadata.tables)

    def include(obj: object, name: str | None, type_: str, reflected: bool,
                compare_to: object) -> bool:
        table = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
        return table in names

    cfg.attributes["target_metadata"] = source.metadata
    cfg.attributes["include_object"] = include
    rev_id = f"{branch}_{len(mine) + 1:04d}"
    options: dict[str, Any] = {"head": f"{branch}@head", "version_path": str(folder)}
    if not mine:
        core = script.get_revision(f"{CORE_BRANCH}@head")
        assert core is not None
        options = {"head": "base", "branch_label": branch, "depends_on": core.revision,
                   "version_path": str(folder)}
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        try:
            written = command.revision(cfg, message, autogenerate=True, rev_id=rev_id, **options)
        except CommandError as exc:
            raise ConfigError(f"{who}: {exc}", hint="run `suyuan db upgrade` first, so that only "
                                                    "the new change is written") from None
    assert written is not None and not isinstance(written, list)
    return Path(written.path)
