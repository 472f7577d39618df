"""`suyuan db revision --plugin NAME` writes the plugin's next migration from its table metadata."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
import sqlalchemy as sa

from suyuan_core import ConfigError, MigrationSource, PluginSpec, hookimpl


def _plugin(folder: Path, metadata: sa.MetaData) -> types.ModuleType:
    mod = types.ModuleType("suyuan_acme")
    mod.plugin = PluginSpec(label=("某插件", "Acme"))  # type: ignore[attr-defined]
    mod.suyuan_register_migrations = hookimpl(  # type: ignore[attr-defined]
        lambda: MigrationSource(branch_label="acme", location=str(folder), metadata=metadata))
    return mod


def test_first_and_next_revision_from_the_metadata(make_deployment, tmp_path):
    folder = tmp_path / "versions"
    folder.mkdir()
    metadata = sa.MetaData()
    things = sa.Table("acme_things", metadata,
                      sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("name", sa.String(80), nullable=False))
    d = make_deployment(extra_plugins={"acme": _plugin(folder, metadata)}, upgrade=False)
    with pytest.raises(ConfigError, match="has no revisions"):
        d.upgrade()  # a new plugin: `suyuan db upgrade` points to `db revision`
    first = d.new_revision("acme", "things")
    text = first.read_text(encoding="utf-8")
    assert first.name.startswith("acme_0001")
    assert "op.create_table('acme_things'" in text or 'op.create_table("acme_things"' in text
    assert "branch_labels: str | Sequence[str] | None = ('acme',)" in text
    assert "depends_on: str | Sequence[str] | None = 'c0" in text
    assert "cases" not in text.split("def upgrade", 1)[1]  # only the plugin's own tables
    d.upgrade()
    assert d.migration_status()["acme"] == ("acme_0001", "acme_0001")
    things.append_column(sa.Column("note", sa.String(200)))
    second = d.new_revision("acme", "a note")
    text = second.read_text(encoding="utf-8")
    assert "op.add_column" in text and "'note'" in text and "acme_0001" in text
    d.upgrade()
    assert d.migration_status()["acme"] == ("acme_0002", "acme_0002")
    with d.reading() as s:
        s.execute(sa.text("SELECT note FROM acme_things"))


def test_revision_of_an_unknown_plugin_or_one_without_tables(make_deployment):
    from suyuan_core import PluginError

    bare = types.ModuleType("suyuan_bare")
    bare.plugin = PluginSpec(label=("无表", "No tables"))  # type: ignore[attr-defined]
    d = make_deployment(extra_plugins={"bare": bare})
    with pytest.raises(PluginError, match="'nope' is not enabled"):
        d.new_revision("nope", "x")
    with pytest.raises(PluginError, match="plugin 'bare' has no migration branch"):
        d.new_revision("bare", "x")
