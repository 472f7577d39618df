"""The permissions the pillar's routes need. The route helpers themselves (area scope, readable
case, audited writes, masking) are the core's public ``suyuan_core.http``, so the pillar refuses
and audits exactly as the core does; audit actions are ``self_governance.<thing>.<verb>``."""

from __future__ import annotations

READ = "cases.read"
ROSTER_READ = "roster.read"
ROSTER_EDIT = "self_governance.roster.edit"
SESSIONS = "self_governance.sessions.record"
AGREEMENTS = "self_governance.agreements.manage"
RULES = "self_governance.rules.manage"
PROCEDURES = "self_governance.procedures.manage"
SUPERVISION = "self_governance.supervision.review"
PATROLS = "self_governance.patrols.record"
ACTIVITIES = "self_governance.activities.record"
ASSIGN = "cases.assign"
UNMASK = "personal_data.unmask"
