"""One object holding every service of the pillar, bound to a deployment (the CLI, the HTTP
routes, the pages and the demo all go through it)."""

from __future__ import annotations

from suyuan_co_governance.committees import Committees
from suyuan_co_governance.ledger import Ledger
from suyuan_co_governance.party import Party
from suyuan_co_governance.social import SocialForces
from suyuan_core import Deployment


class CoGovernance:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.ledger = Ledger(deployment)
        self.committees = Committees(deployment)
        self.party = Party(deployment)
        self.forces = SocialForces(deployment)


def service(deployment: Deployment) -> CoGovernance:
    return CoGovernance(deployment)
