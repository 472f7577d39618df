"""One object that holds every service of the pillar, bound to a deployment.

Entry points stay thin: the CLI (and the HTTP routes, once the HTTP layer exists) build an input
object, call one method here and print or serialise what it returns.
"""

from __future__ import annotations

from suyuan_core import Deployment
from suyuan_self_governance.agreements import Agreements
from suyuan_self_governance.alliance import Alliance
from suyuan_self_governance.patrols import Patrols
from suyuan_self_governance.procedures import Procedures
from suyuan_self_governance.roster import Roster
from suyuan_self_governance.sessions import Sessions
from suyuan_self_governance.sunday import CitizensSunday
from suyuan_self_governance.village_rules import VillageRules


class SelfGovernance:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.roster = Roster(deployment)
        self.sessions = Sessions(deployment)
        self.agreements = Agreements(deployment)
        self.rules = VillageRules(deployment)
        self.procedures = Procedures(deployment)
        self.patrols = Patrols(deployment)
        self.alliance = Alliance(deployment)
        self.sunday = CitizensSunday(deployment)


def service(deployment: Deployment) -> SelfGovernance:
    return SelfGovernance(deployment)
