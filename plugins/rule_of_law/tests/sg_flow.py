"""An effective self_governance agreement built through that pillar's own services (tests only:
the plugin code never imports another plugin)."""

from __future__ import annotations

import datetime as dt

from rol_testkit import at

from suyuan_core import NewCase


def effective_agreement(d):
    from suyuan_self_governance.agreements import AgreementInput
    from suyuan_self_governance.roster import MediatorInput
    from suyuan_self_governance.service import service
    from suyuan_self_governance.sessions import SessionInput

    sg = service(d)
    sg.roster.save_mediators([MediatorInput(external_id="M1", name="王秀英",
                                            background="veteran_party_member",
                                            areas=("C.T1.C1",), gender="female")])
    case = d.cases.create(NewCase(
        title="邻里排水纠纷", category="neighbour", source="application", area_code="C.T1.C1.G1",
        occurred_at=at("2026-03-02", 9),
        parties=[{"name": "刘大妈", "role": "applicant"}, {"name": "周大爷", "role": "respondent"}]),
        actor="t")
    d.cases.act(case.id, "accept", actor="t", occurred_at=at("2026-03-02"))
    sg.sessions.record(SessionInput(
        case_id=case.id, mediator="M1", held_at=at("2026-03-05", 15), matter="public",
        reasons=["sentiment", "law"], participants=[{"name": "刘大妈", "role": "party"},
                                                    {"name": "周大爷", "role": "party"}],
        outcome="success", summary="说事评理"), actor="t")
    a = sg.agreements.draft(AgreementInput(
        case_id=case.id, form="oral", facts="排水沟堵塞", issues="谁疏通",
        responsibilities={"刘大妈": "配合", "周大爷": "疏通"}, terms="周大爷三日内疏通",
        performance_manner="自行疏通", performance_due=dt.date(2026, 3, 20),
        reached_on=dt.date(2026, 3, 17)), actor="t")
    return sg, a.id, case.id
