"""The pillar's code lists, each code with its label (Chinese first, English beside)."""

from __future__ import annotations

from collections.abc import Mapping

Labels = Mapping[str, tuple[str, str]]

#: 五老 + lawyers: where a people's mediator comes from.
BACKGROUNDS: Labels = {
    "veteran_leader": ("老领导", "Veteran leader"),
    "veteran_legal": ("老政法", "Veteran of politics and law"),
    "veteran_soldier": ("老军人", "Veteran soldier"),
    "veteran_party_member": ("老党员", "Veteran Party member"),
    "veteran_cadre": ("老干部", "Veteran cadre"),
    "lawyer": ("律师", "Lawyer"),
    "other": ("其他", "Other"),
}

#: 说三事.
MATTERS: Labels = {"family": ("家事", "Family"), "public": ("公事", "Public"),
                   "farming": ("农事", "Farming")}
#: 评三理.
REASONS: Labels = {"sentiment": ("情理", "Sentiment"), "morality": ("德理", "Morality"),
                   "law": ("法理", "Law")}

SESSION_OUTCOMES: Labels = {
    "success": ("调解成功", "Settled"),
    "failure": ("调解不成", "Not settled"),
    "continued": ("继续调解", "To be continued"),
    "refused": ("当事人拒绝调解", "A party refused mediation"),
}

PARTICIPANT_ROLES = ("party", "mediator", "witness", "kin", "volunteer", "official", "lawyer",
                     "other")

BODY_KINDS: Labels = {
    "mediation_committee": ("人民调解委员会", "People's mediation committee"),
    "mediation_studio": ("调解室", "Mediation studio"),
    "supervision_committee": ("村(居)务监督委员会", "Supervision committee"),
    "villagers_committee": ("村(居)民委员会", "Villagers' committee"),
    "courtyard_alliance": ("院落互助联盟", "Courtyard mutual-aid alliance"),
}

POSITIONS: Labels = {"chair": ("主任", "Chair"), "vice_chair": ("副主任", "Vice chair"),
                     "member": ("委员", "Member"), "lead": ("负责人", "Lead")}

#: 近亲属 (Civil Code Art 1045): spouse, parents, children, siblings, grandparents, grandchildren.
CLOSE_RELATIONS: Labels = {
    "spouse": ("配偶", "Spouse"), "parent": ("父母", "Parent"), "child": ("子女", "Child"),
    "sibling": ("兄弟姐妹", "Sibling"), "grandparent": ("(外)祖父母", "Grandparent"),
    "grandchild": ("(外)孙子女", "Grandchild"),
}
INVERSE_RELATION = {"spouse": "spouse", "parent": "child", "child": "parent",
                    "sibling": "sibling", "grandparent": "grandchild", "grandchild": "grandparent"}

RULE_KINDS: Labels = {"village_rules": ("村规民约", "Village rules"),
                      "courtyard_compact": ("院落公约", "Courtyard compact")}

MEETING_BODIES: Labels = {
    "villagers_assembly": ("村民会议", "Villagers' assembly"),
    "residents_assembly": ("居民会议", "Residents' assembly"),
    "representative_assembly": ("村民代表会议", "Villagers' representative assembly"),
    "villager_group": ("村民小组会议", "Villager group meeting"),
    "party_members_meeting": ("党员大会", "Party members' meeting"),
    "two_committees": ("两委联席会议", "Joint meeting of the two committees"),
    "party_branch": ("党支部", "Party branch"),
    "courtyard_meeting": ("院落居民会议", "Courtyard meeting"),
}

#: 四议两公开, in order.
STEPS: Labels = {
    "propose": ("党组织提议", "Party organisation proposes"),
    "consult": ("两委商议", "Two committees consult"),
    "review": ("党员大会审议", "Party members review"),
    "decide": ("村民(代表)会议决议", "Villagers' (representative) assembly decides"),
    "disclose_resolution": ("决议公开", "Resolution disclosed"),
    "disclose_result": ("实施结果公开", "Result disclosed"),
}
STEP_ORDER = tuple(STEPS)

#: Organic Law Art 24: matters that must be decided by the villagers' assembly (or its
#: representatives by delegation).
PROCEDURE_MATTERS: Labels = {
    "allowance": ("误工补贴", "Allowances for lost work"),
    "collective_income": ("集体经济收益", "Use of collective income"),
    "fundraising": ("筹资筹劳", "Raising funds and labour"),
    "land_contracting": ("土地承包经营方案", "Land contracting plan"),
    "collective_project": ("村集体经济项目", "Collective projects"),
    "homestead": ("宅基地使用方案", "Homestead use plan"),
    "compensation": ("征地补偿费分配", "Distribution of land compensation"),
    "asset_disposal": ("集体财产处分", "Disposal of collective assets"),
    "other": ("其他重大事项", "Other major matter"),
}

ALLIANCE_MATTERS: Labels = {"small": ("小事", "Small matter"), "difficult": ("难事", "Hard matter"),
                            "bothersome": ("烦心事", "Bothersome matter")}

#: 百姓星期天: the four platforms.
PLATFORMS: Labels = {
    "deliberation_mediation": ("议事调解", "Deliberation and mediation"),
    "learning": ("学习教育", "Learning"),
    "recreation": ("文体娱乐", "Fitness and recreation"),
    "mutual_service": ("互助服务", "Mutual service"),
}


def label(labels: Labels, code: str) -> str:
    zh, en = labels[code]
    return f"{zh} {en}"
