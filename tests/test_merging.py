"""Merging duplicates: both histories kept, one case in the figures, verify stays green."""

from __future__ import annotations

import datetime as dt

import pytest

from suyuan_core import Conflict, Period
from suyuan_core.metrics.verify import verify

AT = dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC)


def _figures(d):
    period = Period.containing("year", AT.date())
    return {k: (f.num, f.den) for k in ("cases_received", "satisfaction_rate", "cases_closed")
            for f in [d.metric_service.figure(k, "C", period)]}


def test_merge_takes_a_duplicate_out_of_every_figure_and_unmerge_puts_it_back(deployment,
                                                                               factories):
    d = deployment
    parent = factories.case("closed", at=AT)
    child = factories.case("closed", at=AT)
    d.cases.callback(child.id, actor="t", reached=True, satisfaction="dissatisfied", occurred_at=AT)
    before = _figures(d)
    assert before == {"cases_received": (2, 0), "satisfaction_rate": (0, 1), "cases_closed": (2, 0)}
    merged = d.merges.merge(child.id, parent.id, actor="t", reason="同一诉求",
                             occurred_at=AT + dt.timedelta(hours=1))
    assert merged.merged_into == parent.id
    assert _figures(d) == {"cases_received": (1, 0), "satisfaction_rate": (0, 0),
                           "cases_closed": (1, 0)}
    # an event on the merged child (every caller gets a callback) counts nowhere
    d.cases.callback(child.id, actor="t", reached=True, satisfaction="satisfied",
                     occurred_at=AT + dt.timedelta(hours=2))
    assert _figures(d)["satisfaction_rate"] == (0, 0)
    period = Period.containing("year", AT.date())
    assert d.metric_service.drill("cases_received", "C", period) == [parent.id]
    assert verify(d)[1] == []
    # the history is all there
    assert [e.kind for e in d.cases.timeline(child.id)][-2:] == ["merge", "callback"]
    d.merges.unmerge(child.id, actor="t", reason="不是同一诉求",
                     occurred_at=AT + dt.timedelta(hours=3))
    assert d.cases.get(child.id).merged_into is None
    # the child counts again, once, by its last callback (satisfied, given while merged)
    assert _figures(d) == {"cases_received": (2, 0), "satisfaction_rate": (1, 1),
                           "cases_closed": (2, 0)}
    assert verify(d)[1] == []


def test_bad_merges_are_refused_and_nothing_written(deployment, factories):
    d = deployment
    a, b, c = (factories.case("accepted", at=AT) for _ in range(3))
    # each is a conflict with the cases' current state (409), not a malformed request
    with pytest.raises(Conflict, match="itself"):
        d.merges.merge(a.id, a.id, actor="t")
    d.merges.merge(b.id, a.id, actor="t")
    with pytest.raises(Conflict, match="already merged"):
        d.merges.merge(b.id, c.id, actor="t")
    with pytest.raises(Conflict, match=f"merge into case {a.id}"):
        d.merges.merge(c.id, b.id, actor="t")
    with pytest.raises(Conflict, match="not merged"):
        d.merges.unmerge(c.id, actor="t")
    assert d.cases.get(c.id).version == 2 and d.cases.get(c.id).merged_into is None
    assert verify(d)[1] == []
    assert d.metric_service.figure("open_now", "C", Period.containing("year", AT.date())).num == 2
