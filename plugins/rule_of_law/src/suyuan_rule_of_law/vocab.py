"""The codes this pillar speaks and their bilingual labels (zh-Hans first)."""

from __future__ import annotations

Labels = dict[str, tuple[str, str]]

#: 社区法律服务资源库: the kinds of legal service in the directory.
RESOURCE_KINDS: Labels = {
    "people_mediation": ("人民调解", "People's mediation"),
    "administrative_mediation": ("行政调解", "Administrative mediation"),
    "trade_mediation": ("行业调解", "Trade mediation"),
    "commercial_mediation": ("商事调解", "Commercial mediation"),
    "lawyer_mediation": ("律师调解", "Lawyer mediation"),
    "notary": ("公证", "Notary"),
    "arbitration": ("仲裁", "Arbitration"),
    "legal_aid": ("法律援助", "Legal aid"),
}

#: what an advisor records (一月一通报 counts these).
ADVISOR_ACTIVITIES: Labels = {
    "consultation": ("法律咨询", "Consultations"),
    "case_joined": ("参与调解案件", "Cases joined"),
    "agreement_reviewed": ("审查调解协议", "Agreements reviewed"),
    "lecture": ("法治讲座", "Lectures given"),
}

EDUCATION_KINDS: Labels = {
    "legal_lecture": ("法治大讲堂", "Legal lecture"),
    "case_based_teaching": ("以案说法", "Case-based teaching"),
    "seven_into": ("法律七进", "Law into seven places"),
}

#: 法律七进: where the law goes.
SEVEN_INTO: Labels = {
    "agencies": ("进机关", "Agencies"), "villages": ("进乡村", "Villages"),
    "communities": ("进社区", "Communities"), "schools": ("进学校", "Schools"),
    "enterprises": ("进企业", "Enterprises"), "units": ("进单位", "Units"),
    "religious_sites": ("进宗教场所", "Religious sites"),
}

CIRCUIT_KINDS: Labels = {
    "trial": ("巡回审判", "Circuit trial"),
    "open_air_court": ("坝坝法庭", "Open-air court"),
    "open_air_mediation": ("坝坝调解", "Open-air mediation"),
}

CONFIRMATION_STATUS: Labels = {
    "applied": ("已申请", "Applied"),
    "accepted": ("已受理", "Accepted"),
    "not_accepted": ("不予受理", "Not accepted"),
    "confirmed": ("确认有效", "Confirmed"),
    "refused": ("驳回申请", "Refused"),
}

DELEGATION_MODES: Labels = {
    "delegated": ("委派调解", "Delegated (before filing)"),
    "entrusted": ("委托调解", "Entrusted (after filing)"),
}

DELEGATION_RESULTS: Labels = {
    "settled": ("调解成功", "Settled"),
    "failed": ("调解不成", "Not settled"),
    "withdrawn": ("撤回", "Withdrawn"),
}

VIDEO_OUTCOMES: Labels = {
    "settled": ("达成协议", "Settled"),
    "not_settled": ("未达成协议", "Not settled"),
    "adjourned": ("择期再调", "Adjourned"),
}


def zh(labels: Labels, code: str) -> str:
    return labels.get(code, (code, code))[0]
