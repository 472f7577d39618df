"""Helpers shared by the rule_of_law tests: a tiny agreement keeper plugin (what any pillar
keeping agreements does through the hooks), a small roster on the standard test tree."""

from __future__ import annotations

import datetime as dt
import types

from suyuan_core import MediationAgreement, NewCase, Person, PluginSpec, hookimpl

CST = dt.timezone(dt.timedelta(hours=8))


def at(day: str, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour), CST)


def keeper_plugin() -> types.ModuleType:
    """A plugin keeping agreements in memory: answers ``keeper:<n>`` and records decisions."""
    module = types.ModuleType("keeper")
    module.plugin = PluginSpec(label=("协议保管", "Agreement keeper"))  # type: ignore[attr-defined]
    module.agreements = {}  # type: ignore[attr-defined]
    module.decisions = []  # type: ignore[attr-defined]

    @hookimpl
    def suyuan_mediation_agreement(agreement_ref):
        return module.agreements.get(agreement_ref)

    @hookimpl
    def suyuan_mediation_agreements(effective_from, effective_to):
        return [a for a in module.agreements.values() if a.status == "effective"
                and a.effective_on and effective_from <= a.effective_on <= effective_to]

    @hookimpl
    def suyuan_judicial_confirmation_decided(decision, agreement):
        module.decisions.append((decision.agreement_ref, decision.outcome))

    module.suyuan_mediation_agreement = suyuan_mediation_agreement  # type: ignore[attr-defined]
    module.suyuan_mediation_agreements = suyuan_mediation_agreements  # type: ignore[attr-defined]
    module.suyuan_judicial_confirmation_decided = (  # type: ignore[attr-defined]
        suyuan_judicial_confirmation_decided)
    return module


def agreement(d, keeper, n: int, *, effective_on: str | None = "2026-03-02",
              category: str = "neighbour", area: str = "C.T1.C1.G1") -> MediationAgreement:
    case = d.cases.create(NewCase(
        title="邻里排水纠纷", category=category, source="application", area_code=area,
        occurred_at=at("2026-02-20"),
        parties=[{"name": "刘大妈", "role": "applicant"}, {"name": "周大爷", "role": "respondent"}]),
        actor="t")
    a = MediationAgreement(ref=f"keeper:{n}", case_id=case.id, area_code=area, matter=category,
                           parties=[{"name": "刘大妈"}, {"name": "周大爷"}],
                           effective_on=dt.date.fromisoformat(effective_on) if effective_on
                           else None, status="effective" if effective_on else "draft",
                           terms="周大爷三日内疏通排水沟")
    keeper.agreements[a.ref] = a
    return a


def people(d) -> None:
    d.roster.save([
        Person(external_id="L1", name="张律师", roles=("lawyer", "legal_advisor"),
               areas=("C.T1.C1", "C.T1.C2")),
        Person(external_id="L2", name="李律师", roles=("legal_advisor",), areas=("C.T2.C1",)),
        Person(external_id="P1", name="王警官", roles=("community_police",), areas=("C.T1.C1",)),
        Person(external_id="X1", name="赵大爷", roles=("mediator",), areas=("C.T1.C1",)),
    ])
