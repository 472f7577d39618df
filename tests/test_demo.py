"""``suyuan demo``: the Jintang deployment builds, verifies, and its figures come from its events.

The demo always runs on SQLite (it is the quick start), so these tests do too, whatever
``SUYUAN_TEST_DATABASE_URL`` says.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import tomllib
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from suyuan_core import Deployment, NewCase, Period, PluginSpec, hookimpl
from suyuan_core.areas.tree import AreaTree
from suyuan_core.demo import build
from suyuan_core.demo.cases import Generator
from suyuan_core.demo.roster import generate as generate_roster
from suyuan_core.domain.areas import Area, Level
from suyuan_core.plugins import manager
from suyuan_core.storage import tables
from suyuan_core.testing import run_cli

CASES = 1000
JINTANG = Path(__file__).resolve().parents[1] / "examples" / "jintang"


def demo(directory: Path, *args: str, core_only: bool = True) -> Any:
    """The core's demo by default; plugin tests enable the (fake) pillar plugins."""
    extra = ("--core-only",) if core_only else ()
    return run_cli(None, "demo", "--dir", str(directory), *extra, *args)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Any]]:
    directory = tmp_path_factory.mktemp("jintang") / "demo"
    result = demo(directory, "--cases", str(CASES), "--seed", "1")
    assert result.exit_code == 0, result.output
    yield directory, result


@pytest.fixture(scope="module")
def d(built: tuple[Path, Any]) -> Iterator[Deployment]:
    deployment = Deployment.from_file(built[0] / "suyuan.toml")
    yield deployment
    deployment.close()


def window(d: Deployment, key: str, *sources: str | None) -> tuple[int, int, Any]:
    until = build.until_of(d.metric_service.tz)
    return build.window_figure(d, key, (until - dt.timedelta(days=400)).date(), until.date(),
                               sources or (None,))


def near(percent: float, n: int) -> float:
    """Three standard errors of a share of ``percent`` over ``n`` draws, in points."""
    p = percent / 100
    return float(300 * (p * (1 - p) / n) ** 0.5)


def test_the_demo_prints_where_it_is_and_what_to_run(built: tuple[Path, Any]) -> None:
    directory, result = built
    assert f"database: {directory / 'suyuan.db'}" in result.stdout
    assert f"--config {directory / 'suyuan.toml'} metrics show" in result.stdout
    assert "调解成功率" in result.stdout and f"{CASES:,} cases" in result.stdout
    assert {p.name for p in directory.iterdir()} >= {"suyuan.toml", "areas.csv",
                                                     "categories.toml", "roster.csv", "suyuan.db"}
    config = tomllib.loads((directory / "suyuan.toml").read_text(encoding="utf-8"))
    assert config["deployment"]["timezone"] == "Asia/Shanghai"
    assert config["deployment"]["database"] == "sqlite:///suyuan.db"


def test_metrics_verify_passes_on_the_demo(d: Deployment) -> None:
    result = run_cli(d, "metrics", "verify")
    assert result.exit_code == 0, result.output
    assert f"{CASES} cases match their events" in result.stdout


def test_headline_rates_land_near_the_seed(d: Deployment) -> None:
    assert window(d, "cases_received")[2] == CASES
    disputes = [s.code for s in d.sources if s.case_kind == "dispute"]
    success = window(d, "mediation_success_rate", *disputes)
    # every case draws its own outcome: the figures land within three standard errors of the
    # seed's rates, with the spread a county of this size would show
    assert success[1] > CASES * 0.5 and abs(success[2] - 92.69) < near(92.69, success[1]), success
    # appeals are handled, not mediated: they never enter the mediation success rate
    assert window(d, "mediation_success_rate") == success
    online = window(d, "satisfaction_rate", "hotline_12345", "mailbox")
    assert online[1] > CASES * 0.25 and abs(online[2] - 97.73) < near(97.73, online[1]), online
    hotline = window(d, "on_time_rate", "hotline_12345")
    assert hotline[1] > CASES * 0.2 and hotline[2] == 100.0, hotline
    # the other channels are not all on time, and the log is not all happy endings
    assert window(d, "on_time_rate", "walk_in")[2] < 100.0
    assert 0 < window(d, "escalations")[2] < CASES * 0.1
    county = d.areas.tree.roots()[0]
    now = dt.datetime.now(dt.UTC)
    assert d.metric_service.figure("overdue_now", county, Period("day", now.date())).num > 0
    assert window(d, "settled_at_community_rate")[2] > 70


def test_the_event_log_is_varied(d: Deployment) -> None:
    c, e = tables.cases.c, tables.case_events.c
    with d.reading() as s:
        statuses = dict(s.execute(select(c.status, func.count()).group_by(c.status)).all())
        kinds = dict(s.execute(select(e.kind, func.count()).group_by(e.kind)).all())
        categories = set(s.scalars(select(c.category).distinct()))
        sources = set(s.scalars(select(c.source).distinct()))
        up = {lvl: set(s.scalars(select(e.case_id).where(e.kind == "escalate",
                                                         e.level_before == lvl)))
              for lvl in ("grid", "community")}
        assignees = [a for (row,) in s.execute(select(c.assignees)) for a in row or ()]
    assert {"closed", "withdrawn", "in_progress"} <= set(statuses)
    assert statuses["closed"] > CASES * 0.8
    assert {"reopen", "refer", "fail", "withdraw", "callback", "escalate"} <= set(kinds)
    assert len(categories & {c for c in d.categories.codes()}) >= 15
    assert sources == {"hotline_12345", "mailbox", "walk_in", "phone", "patrol",
                       "self_initiated", "application", "referral"}
    assert up["grid"] & up["community"]  # some cases climbed grid → community → town
    mediators = {f"person:{p.external_id}" for p in d.roster.list(role="mediator")}
    assert assignees and set(assignees) <= mediators | {
        f"person:{p.external_id}" for p in d.roster.list(role="lawyer")}


def test_the_roster_has_the_seed_sizes(d: Deployment) -> None:
    mediators = list(d.roster.list(role="mediator"))
    assert len(mediators) == 1191
    assert sum(1 for p in mediators if p.employment == "full_time") == 137
    assert {"female", "male"} <= {p.gender for p in mediators}
    veterans = {s for p in mediators for s in p.specialities if s.startswith("veteran_")}
    assert veterans == {"veteran_leader", "veteran_legal", "veteran_soldier",
                        "veteran_party_member", "veteran_cadre"}
    assert d.roster.count("lawyer") == 24
    micro_grids = sum(1 for a in d.areas.tree.areas.values() if a.level is Level.micro_grid)
    assert d.roster.count("micro_grid_worker") == micro_grids >= 4700
    assert all(p.areas for p in mediators)
    with d.reading() as s:
        kinds = dict(s.execute(select(tables.organisations.c.kind, func.count())
                               .group_by(tables.organisations.c.kind)).all())
    assert kinds["mediation_committee"] == 1 + 16 + 200


def test_the_area_tree_is_jintang(d: Deployment) -> None:
    tree = d.areas.tree
    assert tree.roots() == ["510121"] and tree.get("510121").name_zh == "金堂县"
    by_level: dict[Level, list[Area]] = {}
    for area in tree.areas.values():
        by_level.setdefault(area.level, []).append(area)
    assert len(by_level[Level.community]) == 200
    towns = {a.name_zh: a.code for a in by_level[Level.town]}
    assert {"五凤镇", "土桥镇", "官仓街道", "赵镇街道"} <= set(towns) and len(towns) == 16
    tuoyuan = [a for a in by_level[Level.community] if a.name_zh == "沱源社区"]
    assert len(tuoyuan) == 1 and tuoyuan[0].parent_code == towns["赵镇街道"]
    assert len(by_level[Level.micro_grid]) >= 4700
    assert 900 <= len(by_level[Level.grid]) <= 1400  # about 300 households a grid


def test_the_committed_areas_csv_is_what_make_areas_writes() -> None:
    spec = importlib.util.spec_from_file_location("make_areas", JINTANG / "make_areas.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = module.render()
    assert (JINTANG / "areas.csv").read_text(encoding="utf-8") == text
    assert len(text.encode()) < 1_000_000


def _snapshot(directory: Path) -> dict[str, Any]:
    d = Deployment.from_file(directory / "suyuan.toml")
    try:
        c, e, r = tables.cases.c, tables.case_events.c, tables.metric_rollups.c
        with d.reading() as s:
            return {
                "cases": s.execute(select(c.id, c.title, c.category, c.source, c.area_code,
                                          c.status, c.level, c.assignees, c.reported_at)
                                   .order_by(c.id)).all(),
                "events": s.execute(select(e.case_id, e.seq, e.kind, e.occurred_at, e.data)
                                    .order_by(e.case_id, e.seq)).all(),
                "rollups": s.execute(select(r.metric, r.area_code, r.grain, r.period_start,
                                            r.category, r.source, r.num, r.den)
                                     .order_by(*r)).all(),
                "roster": [(p.external_id, p.name, p.areas) for p in d.roster.list()],
            }
    finally:
        d.close()


def test_the_same_seed_gives_the_same_demo_and_force_rebuilds(tmp_path: Path) -> None:
    assert demo(tmp_path / "a", "--cases", "200", "--seed", "7").exit_code == 0
    assert demo(tmp_path / "b", "--cases", "20", "--seed", "2").exit_code == 0
    result = demo(tmp_path / "b", "--cases", "200", "--seed", "7", "--force")
    assert result.exit_code == 0, result.output
    first, second = _snapshot(tmp_path / "a"), _snapshot(tmp_path / "b")
    assert len(first["cases"]) == 200 and len(first["roster"]) > 7000
    assert first["rollups"] and first == second


def test_another_seed_gives_another_log() -> None:
    areas = [Area("C", "县", "county"), Area("T", "镇", "town", "C"),
             Area("V", "村", "community", "T"), Area("G", "网格", "grid", "V"),
             *[Area(f"M{i}", "微网格", "micro_grid", "G") for i in range(3)]]
    tree = AreaTree(areas)
    until = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)

    def log(seed: int) -> list[Any]:
        roster = generate_roster(tree, seed)
        gen = Generator(tree, roster, frozenset({"neighbour"}), seed, until)
        return [(r.case.title, r.case.occurred_at, [e.kind for e in r.events])
                for r in gen.records(50)]

    assert log(1) == log(1)
    assert log(1) != log(2)


def test_an_existing_demo_is_not_overwritten_without_force(built: tuple[Path, Any]) -> None:
    directory = built[0]
    before = {p.name: p.stat().st_mtime_ns for p in directory.iterdir()}
    result = demo(directory, "--cases", "5")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.output
    assert "--dir" in result.stderr and "--force" in result.stderr
    assert {p.name: p.stat().st_mtime_ns for p in directory.iterdir()} == before


def test_zero_cases_is_a_one_line_error_and_writes_nothing(tmp_path: Path) -> None:
    result = demo(tmp_path / "none", "--cases", "0")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: --cases: must be at least 1, got 0 (e.g. --cases 20000)"
    assert not (tmp_path / "none").exists()


# -- plugins ----------------------------------------------------------------------------------
def _plugin(name: str, pillar: str | None, calls: list[dict[str, Any]] | None = None,
            requires: tuple[str, ...] = (), conflicts: tuple[str, ...] = ()) -> manager.Available:
    module = types.ModuleType(f"fake_{name}")
    module.plugin = PluginSpec(label=(name, name), pillar=pillar, requires=requires,  # type: ignore[attr-defined]
                               conflicts=conflicts)
    if calls is not None:
        @hookimpl
        def suyuan_demo_data(deployment: Deployment, seed: int, scale: float) -> None:
            calls.append({"seed": seed, "scale": scale})
            case = deployment.cases.create(NewCase(
                title="家风家训宣讲中发现的赡养纠纷", category="marriage_family", source="walk_in",
                area_code=deployment.areas.tree.roots()[0]), actor=f"plugin:{name}")
            deployment.cases.act(case.id or 0, "accept", actor=f"plugin:{name}")
        module.suyuan_demo_data = suyuan_demo_data  # type: ignore[attr-defined]
    return manager.Available(name=name, version="1.0", distribution=f"fake-{name}",
                             load=lambda: module)


def test_installed_pillar_plugins_are_enabled_and_add_their_demo_data(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []
    fake = {"fake_virtue": _plugin("fake_virtue", "virtue", calls),
            "other_virtue": _plugin("other_virtue", "virtue"),
            "fake_smart": _plugin("fake_smart", "smart", requires=("helper",)),
            "helper": _plugin("helper", None),
            "no_pillar": _plugin("no_pillar", None)}
    monkeypatch.setattr(manager, "discover", lambda: fake)
    result = demo(tmp_path, "--cases", "40", "--seed", "5", core_only=False)
    assert result.exit_code == 0, result.output
    enabled = tomllib.loads((tmp_path / "suyuan.toml").read_text(encoding="utf-8"))[
        "plugins"]["enabled"]
    assert enabled == ["helper", "fake_smart", "fake_virtue"]
    # the example's [plugins.smart] units belong to a plugin not installed here: left out
    assert "smart: not installed, its [plugins.smart] settings are left out" in result.stderr
    written = tomllib.loads((tmp_path / "suyuan.toml").read_text(encoding="utf-8"))
    assert "smart" not in written["plugins"]
    assert written["deployment"]["timezone"] == "Asia/Shanghai"
    assert "other_virtue: not enabled, fake_virtue already provides the pillar virtue" in \
        result.stderr
    assert calls == [{"seed": 5, "scale": 40 / 20000}]
    d = Deployment.from_file(tmp_path / "suyuan.toml")
    try:
        assert d.cases.get(41).title.startswith("家风家训")
        assert run_cli(d, "metrics", "verify").exit_code == 0
    finally:
        d.close()


def test_a_listed_plugin_keeps_its_pillar(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {"a_smart": _plugin("a_smart", "smart"), "b_smart": _plugin("b_smart", "smart")}
    monkeypatch.setattr(manager, "discover", lambda: fake)
    enabled, notes = build.choose_plugins(["b_smart"])
    assert enabled == ["b_smart"]
    assert notes == ["a_smart: not enabled, b_smart already provides the pillar smart"]


def test_a_listed_plugin_that_is_not_installed_is_a_one_line_error(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    example = tmp_path / "example"
    example.mkdir()
    for name in ("areas.csv", "categories.toml"):
        (example / name).write_bytes((JINTANG / name).read_bytes())
    text = (JINTANG / "suyuan.toml").read_text(encoding="utf-8")
    (example / "suyuan.toml").write_text(
        text.replace("enabled = []", 'enabled = ["self_governence"]'), encoding="utf-8")
    monkeypatch.setattr(build, "example_dir", lambda: example)
    result = demo(tmp_path / "out", "--cases", "10", core_only=False)
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "unknown plugin 'self_governence'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_pillar_plugins_that_conflict_or_miss_a_requirement_are_left_out(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> Any:
        raise ImportError("no module named suyuan_broken")
    fake = {"listed": _plugin("listed", None),
            "a_virtue": _plugin("a_virtue", "virtue", conflicts=("listed",)),
            "b_smart": _plugin("b_smart", "smart", requires=("missing",)),
            "c_broken": manager.Available(name="c_broken", version="1", distribution="broken",
                                          load=broken)}
    monkeypatch.setattr(manager, "discover", lambda: fake)
    enabled, notes = build.choose_plugins(["listed"])
    assert enabled == ["listed"]
    assert notes == ["a_virtue: not enabled, it conflicts with listed",
                     "b_smart: not enabled, a plugin it requires is not installed",
                     "c_broken: not enabled, it fails to load (ImportError: no module named "
                     "suyuan_broken)"]


def test_the_demo_enables_every_pillar_plugin_in_the_repository(tmp_path: Path) -> None:
    result = demo(tmp_path / "all", "--cases", "300", "--seed", "3", core_only=False)
    assert result.exit_code == 0, result.output
    enabled = tomllib.loads((tmp_path / "all" / "suyuan.toml").read_text(encoding="utf-8"))[
        "plugins"]["enabled"]
    in_repo = sorted(p.parent.name for p in (JINTANG.parents[1] / "plugins").glob("*/pyproject.toml"))
    assert sorted(enabled) == in_repo
    d = Deployment.from_file(tmp_path / "all" / "suyuan.toml")
    try:
        assert run_cli(d, "metrics", "verify").exit_code == 0
        with d.reading() as s:
            sources = set(s.scalars(select(tables.cases.c.source).distinct()))
        assert len(sources) > 5
        _the_demo_desk_works_end_to_end(d)
    finally:
        d.close()


def _the_demo_desk_works_end_to_end(d: Deployment) -> None:
    """The demo's ``hotline``, ``unit`` and ``callback`` logins run the 12345 loop on the pages:
    the example's handling units are configured, so the centre can dispatch to the unit the
    ``unit`` login acts for."""
    import re

    from litestar.testing import TestClient

    from suyuan_core import Party
    from suyuan_core.accounts import DEMO_PASSWORD
    from suyuan_core.testing.http import ApiClient

    units = tomllib.loads((JINTANG / "suyuan.toml").read_text(encoding="utf-8"))[
        "plugins"]["smart"]["units"]
    unit = d.accounts.as_user("unit").acts_for
    assert unit == f"organisation:{units[0]['code']}"
    community = next(c for c, a in d.areas.tree.areas.items() if a.level is Level.community)
    case = d.cases.create(NewCase(title="演示路灯不亮", category="urban_management",
                                  source="hotline_12345", area_code=community,
                                  parties=[Party(name="王五", role="caller")]), actor="t")
    app = ApiClient(d).app

    def signed_in(username: str) -> Any:
        c = TestClient(app, base_url="https://testserver.local")
        c.__enter__()
        assert c.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                      "next": "/"}, follow_redirects=False).status_code == 303
        token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/inbox").text)
        assert token
        c.headers["X-Test-Csrf"] = token.group(1)
        return c

    def post(c: Any, path: str, **form: str) -> int:
        data = {"csrf_token": c.headers["X-Test-Csrf"], **form}
        return int(c.post(path, data=data, follow_redirects=False).status_code)

    hotline, handler, callback = (signed_in(u) for u in ("hotline", "unit", "callback"))
    assert units[0]["name"] in hotline.get("/smart/desk").text
    assert post(hotline, "/smart/desk", op="dispatch", case=str(case.id),
                lead=units[0]["code"]) == 303
    assert "演示路灯不亮" in handler.get("/smart/unit").text
    assert post(handler, "/smart/unit", op="sign", case=str(case.id)) == 303
    assert post(handler, "/smart/unit", op="reply", case=str(case.id), text="已修复",
                resolved="1") == 303
    assert "演示路灯不亮" in callback.get("/smart/callbacks").text
    assert post(callback, "/smart/callbacks", case=str(case.id), reached="1",
                satisfaction="satisfied", resolved="1") == 303
    assert [e.kind for e in d.cases.timeline(case.id or 0)][-1] == "callback"


#: (cases, seed): small sizes, several seeds — a seed that fails to build is a bug (a name drawn
#: twice for two parties, a date before its case, a plugin's rule the generator forgot).
SEEDS_AND_SIZES = [(50, 1), (50, 2), (200, 3), (1000, 4)]


def test_every_seed_at_every_size_builds_with_every_pillar(tmp_path: Path) -> None:
    failed = []
    for count, seed in SEEDS_AND_SIZES:
        result = demo(tmp_path / "d", "--cases", str(count), "--seed", str(seed), "--force",
                      core_only=False)
        if result.exit_code != 0:
            failed.append(f"--cases {count} --seed {seed}: {result.output.strip()[-300:]}")
            continue
        assert f"{count:,} cases with their events" in result.stdout
        assert _online_appeals_january_to_may(tmp_path / "d") == round(22271 * count / 20000)
    assert not failed, "\n".join(failed)


def _online_appeals_january_to_may(directory: Path) -> int:
    """The seed's 今年1-5月 online appeals (12345, the mailboxes, the city's news account),
    counted from the demo's cases as the seed dates them: January to May 2026."""
    d = Deployment.from_file(directory / "suyuan.toml")
    try:
        c = tables.cases.c
        start = dt.datetime(2026, 1, 1, tzinfo=d.metric_service.tz)
        end = dt.datetime(2026, 6, 1, tzinfo=d.metric_service.tz)
        with d.reading() as s:
            return int(s.scalar(select(func.count()).where(
                c.source.in_(["hotline_12345", "mailbox", "messaging"]),
                c.reported_at >= start.astimezone(dt.UTC).replace(tzinfo=None),
                c.reported_at < end.astimezone(dt.UTC).replace(tzinfo=None))) or 0)
    finally:
        d.close()
