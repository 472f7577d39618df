"""A plugin with its own Alembic branch can be switched off and on again: the core still upgrades
(the plugin's revision hides the core revision it depends on in ``alembic_version``) and nothing
of the plugin's is lost."""

from __future__ import annotations

import sqlalchemy as sa

from suyuan_core import Deployment, NewCase


def _core_only(url: str) -> Deployment:
    return Deployment.from_dict({"deployment": {"name": "core", "database": url},
                                 "plugins": {"enabled": []}}, discover=False)


def test_switch_a_plugin_off_and_on_again(make_deployment):
    d = make_deployment(plugins=["labour_arbitration"])
    url = d.config.database_url
    assert d.migration_status()["suyuan_core"][0] == "c0001_core"
    case = d.cases.create(NewCase(title="欠薪", category="wage_arrears", source="walk_in",
                                  area_code="C.T1.C1"), actor="t")
    d.cases.act(case.id, "accept", actor="t")
    d.cases.act(case.id, "refer", actor="t", data={"commission": "县仲裁委"})
    d.close()

    core = _core_only(url)
    try:
        core.upgrade()
        core.upgrade()  # twice: nothing to do, nothing breaks
        assert core.migration_status() == {"suyuan_core": ("c0001_core", "c0001_core")}
        core.cases.create(NewCase(title="邻里", category="neighbour", source="walk_in",
                                  area_code="C.T1.C1"), actor="t")
        with core.engine.connect() as c:
            versions = {r[0] for r in c.execute(sa.text("SELECT version_num FROM alembic_version"))}
            kept = c.execute(sa.text("SELECT count(*) FROM labour_referrals")).scalar()
        assert versions == {"la0001_referrals"} and kept == 1
    finally:
        core.close()

    again = Deployment.from_dict({"deployment": {"name": "again", "database": url},
                                  "plugins": {"enabled": ["labour_arbitration"]}})
    try:
        again.upgrade()
        assert again.migration_status()["labour_arbitration"] == ("la0001_referrals",
                                                                  "la0001_referrals")
        assert again.migration_status()["suyuan_core"][0] == "c0001_core"
    finally:
        again.close()
