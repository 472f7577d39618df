"""A plugin with its own Alembic branch can be switched off and on again: the core still upgrades
and nothing of the plugin's is lost — also when the plugin's revision depends on the core's head,
so that ``alembic_version`` keeps only the plugin's row for both."""

from __future__ import annotations

import types

import sqlalchemy as sa

from suyuan_core import Deployment, MigrationSource, NewCase, PluginSpec, hookimpl

REVISION = '''"""notes table"""
import sqlalchemy as sa
from alembic import op

revision = "x0001_notes"
down_revision = None
branch_labels = ("notes",)
depends_on = "{depends_on}"


def upgrade():
    op.create_table("x_notes", sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")))


def downgrade():
    op.drop_table("x_notes")
'''


def _deployment(url: str, extra: dict | None = None, enabled: list[str] | None = None) -> Deployment:
    return Deployment.from_dict({"deployment": {"name": "t", "database": url},
                                 "plugins": {"enabled": [*(enabled or []), *(extra or {})]}},
                                extra_plugins=extra, discover=bool(enabled))


def _versions(d: Deployment) -> set[str]:
    with d.engine.connect() as c:
        return {r[0] for r in c.execute(sa.text("SELECT version_num FROM alembic_version"))}


def _notes_plugin(folder) -> types.ModuleType:
    module = types.ModuleType("notes")
    module.plugin = PluginSpec(label=("备注", "Notes"))  # type: ignore[attr-defined]

    @hookimpl
    def suyuan_register_migrations() -> MigrationSource:
        return MigrationSource(branch_label="notes", location=str(folder))

    module.suyuan_register_migrations = suyuan_register_migrations  # type: ignore[attr-defined]
    return module


def test_plugin_on_the_core_head_switched_off_and_on(make_deployment, tmp_path):
    head = make_deployment().migration_status()["suyuan_core"][1]
    folder = tmp_path / "versions"
    folder.mkdir()
    (folder / "x0001_notes.py").write_text(REVISION.format(depends_on=head), encoding="utf-8")
    notes = _notes_plugin(folder)
    d = make_deployment(extra_plugins={"notes": notes})
    url = d.config.database_url
    assert _versions(d) == {"x0001_notes"}  # the plugin's row stands for the core's too
    assert d.migration_status() == {"suyuan_core": (head, head), "notes": ("x0001_notes",
                                                                           "x0001_notes")}
    d.close()

    core = _deployment(url)
    try:
        core.upgrade()
        core.upgrade()  # twice: nothing to do, nothing breaks
        assert core.migration_status() == {"suyuan_core": (head, head)}
        case = core.cases.create(NewCase(title="邻里", category="neighbour", source="walk_in",
                                         area_code="C.T1.C1"), actor="t")
        assert case.id
        assert _versions(core) == {"x0001_notes"}
        with core.engine.connect() as c:
            assert c.execute(sa.text("SELECT count(*) FROM x_notes")).scalar() == 0
    finally:
        core.close()

    again = _deployment(url, {"notes": notes})
    try:
        again.upgrade()
        assert again.migration_status()["notes"] == ("x0001_notes", "x0001_notes")
        assert _versions(again) == {"x0001_notes"}
    finally:
        again.close()


def test_switch_a_plugin_off_and_on_again(make_deployment):
    d = make_deployment(plugins=["labour_arbitration"])
    url = d.config.database_url
    head = d.migration_status()["suyuan_core"][1]
    case = d.cases.create(NewCase(title="欠薪", category="wage_arrears", source="walk_in",
                                  area_code="C.T1.C1"), actor="t")
    d.cases.act(case.id, "accept", actor="t")
    d.cases.act(case.id, "refer", actor="t", data={"commission": "县仲裁委"})
    d.close()

    core = _deployment(url)
    try:
        core.upgrade()
        assert core.migration_status() == {"suyuan_core": (head, head)}
        with core.engine.connect() as c:
            assert c.execute(sa.text("SELECT count(*) FROM labour_referrals")).scalar() == 1
        assert "la0001_referrals" in _versions(core)
    finally:
        core.close()

    again = _deployment(url, enabled=["labour_arbitration"])
    try:
        again.upgrade()
        assert again.migration_status()["labour_arbitration"] == ("la0001_referrals",
                                                                  "la0001_referrals")
    finally:
        again.close()
