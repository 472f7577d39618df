"""Every area filter is an index range, never a LIKE (issue 15): EXPLAIN proves it on the
database the suite runs on (SQLite, and PostgreSQL when SUYUAN_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text

from suyuan_core import CaseFilter
from suyuan_core.tables import case_events, cases, under
from suyuan_core.testing import Factories


def _plan(d, query) -> str:
    compiled = query.compile(d.engine, compile_kwargs={"literal_binds": True})
    with d.engine.connect() as conn:
        if d.dialect == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))  # a tiny table would be scanned anyway
            rows = conn.execute(text(f"EXPLAIN {compiled}")).scalars()
        else:
            rows = (r[-1] for r in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}")))
        return "\n".join(str(r) for r in rows)


@pytest.mark.parametrize("table, index", [
    (cases, "ix_cases_area_path_status"),
    (case_events, "ix_case_events_area_path_occurred_at"),
])
def test_a_subtree_filter_is_served_by_the_area_path_index(deployment, table, index):
    Factories(deployment).case("accepted")
    town = next(a for a in deployment.areas.tree.areas.values() if a.level.name == "town")
    query = select(func.count()).select_from(table).where(
        under(table.c.area_path, deployment.areas.tree.path(town.code)))
    plan = _plan(deployment, query)
    assert index in plan, plan
    if deployment.dialect == "sqlite":
        assert "SEARCH" in plan and "area_path>" in plan, plan  # a range, not a full scan


def test_the_case_list_filter_uses_the_index(deployment):
    Factories(deployment).case("accepted")
    town = next(a for a in deployment.areas.tree.areas.values() if a.level.name == "town")
    where = deployment.case_query.conditions(CaseFilter(area_code=town.code))
    plan = _plan(deployment, select(cases.c.id).where(*where))
    assert "ix_cases_area_path_status" in plan, plan


def test_the_range_selects_exactly_the_subtree(deployment):
    """The range is the prefix match: every case below the area, none beside it."""
    f = Factories(deployment)
    made = [f.case("accepted", area_code=code) for code in sorted(deployment.areas.tree.areas)]
    tree = deployment.areas.tree
    with deployment.reading() as s:
        for code in tree.areas:
            path = tree.path(code)
            got = set(s.scalars(select(cases.c.id).where(under(cases.c.area_path, path))))
            want = {c.id for c in made if tree.path(c.area_code).startswith(path)}
            assert got == want, code


@given(st.lists(st.sampled_from("/0159a"), min_size=1, max_size=8).map("".join),
       st.lists(st.sampled_from("/0159a"), min_size=0, max_size=8).map("".join))
def test_upper_bound_is_the_prefix_match(prefix, rest):
    from suyuan_core.storage.paths import upper_bound

    value = prefix + rest
    assert prefix <= value < upper_bound(prefix)
    other = rest + prefix
    assert (prefix <= other < upper_bound(prefix)) == other.startswith(prefix)
