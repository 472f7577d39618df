"""The pillar's code lists, each code with its zh-Hans and English label (GLOSSARY.md names)."""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]

#: organisation kinds this pillar puts on the core roster.
ORG_KINDS: Labels = {
    "party_org": ("村(社区)党组织", "Village/community Party organisation"),
    "party_group": ("调解组织党小组", "Party group in a mediation body"),
    "industry_committee": ("行业性调解委员会", "Trade/industry mediation committee"),
    "social_org": ("社会组织", "Social organisation"),
    "law_society": ("法学会", "Law society"),
    "chamber_of_commerce": ("商会", "Chamber of commerce"),
    "trade_association": ("行业协会", "Trade association"),
    "responsible_unit": ("责任单位", "Responsible unit"),
}

#: what a Party organisation is: the village/community's own, or a group inside a body.
PARTY_KINDS: Labels = {
    "branch": ("村(社区)党组织", "Village/community Party organisation"),
    "group": ("调解组织党小组", "Party group in a mediation body"),
}

#: the two teams Party members are encouraged to join (seed §四 一).
TEAMS: Labels = {
    "prevention": ("矛盾纠纷预防队伍", "Dispute prevention team"),
    "mediation": ("矛盾纠纷化解队伍", "Dispute mediation team"),
}

COMMITTEE_FORMS: Labels = {
    "mediation": ("调解委员会", "Mediation committee"),
    "arbitration": ("仲裁会", "Arbitration board"),
}

#: social forces (seed §四 三) and the Party member: who takes part in a case.
FORCES: Labels = {
    "party_member": ("党员", "Party member"),
    "social_org": ("社会组织", "Social organisation"),
    "volunteer": ("志愿者", "Volunteer"),
    "deputy": ("两代表一委员", "Deputy or CPPCC member"),
    "retired_judicial": ("退休司法人员", "Retired judicial officer"),
    "retired_police": ("退休政法干警", "Retired police/legal officer"),
    "law_society": ("法学会", "Law society"),
    "chamber_of_commerce": ("商会", "Chamber of commerce"),
    "trade_association": ("行业协会", "Trade association"),
}

#: forces that are organisations (the rest are people).
ORG_FORCES = frozenset({"social_org", "law_society", "chamber_of_commerce", "trade_association"})

#: 两代表一委员: which of the three.
DEPUTY_KINDS: Labels = {
    "npc_deputy": ("人大代表", "People's congress deputy"),
    "party_congress_deputy": ("党代表", "Party congress deputy"),
    "cppcc_member": ("政协委员", "CPPCC member"),
}

#: what someone does in a case they join.
PARTICIPATION_ROLES: Labels = {
    "mediator": ("主持调解", "Leads the mediation"),
    "co_mediator": ("协助调解", "Co-mediates"),
    "adviser": ("提供咨询", "Advises"),
    "witness": ("见证", "Witnesses"),
    "visitor": ("走访", "Visits the parties"),
    "supervisor": ("监督", "Oversees"),
    "service": ("志愿服务", "Volunteer service"),
}

LEDGER_STATUS: Labels = {
    "open": ("未销号", "Open"),
    "closed": ("已销号", "Closed out"),
}

LEDGER_ENTRY_KINDS: Labels = {
    "register": ("挂号", "Registered"),
    "progress": ("进展", "Progress"),
    "close_out": ("销号", "Closed out"),
    "reopen": ("重新挂号(复发)", "Reopened (came back)"),
}

RESULTS: Labels = {
    "resolved": ("调解成功", "Resolved"),
    "unresolved": ("调解不成", "Unresolved"),
    "referred": ("移交", "Referred"),
    "withdrawn": ("撤回", "Withdrawn"),
}


def pick(labels: Labels, code: str | None, lang: str = "zh-Hans") -> str:
    pair = labels.get(code or "")
    if pair is None:
        return code or ""
    return pair[1] if lang == "en" else pair[0]
