"""One object holding every service of the pillar, bound to a deployment: entry points (CLI, HTTP,
demo) build an input, call one method and print or serialise what it returns."""

from __future__ import annotations

from suyuan_core import Deployment
from suyuan_rule_of_law.advisors import Advisors
from suyuan_rule_of_law.confirmation import Confirmations
from suyuan_rule_of_law.courts import Courts
from suyuan_rule_of_law.directory import Directory
from suyuan_rule_of_law.education import Education
from suyuan_rule_of_law.invited import Invited
from suyuan_rule_of_law.video import Video


class RuleOfLaw:
    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment
        self.directory = Directory(deployment)
        self.advisors = Advisors(deployment)
        self.education = Education(deployment)
        self.courts = Courts(deployment)
        self.confirmations = Confirmations(deployment)
        self.invited = Invited(deployment)
        self.video = Video(deployment)


def service(deployment: Deployment) -> RuleOfLaw:
    return RuleOfLaw(deployment)
