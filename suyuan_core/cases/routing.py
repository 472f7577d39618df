"""Routing and classification: every plugin proposes, the core merges and sorts, a person decides."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from suyuan_core.domain.cases import Case
from suyuan_core.domain.registry_items import RouteProposal, Suggestion

if TYPE_CHECKING:
    from suyuan_core.deployment import Deployment


class RoutingService:
    """Who should handle a case, and what it is about (``deployment.routing``): the answers of
    every plugin's routing and classification hooks, merged and ranked."""

    def __init__(self, deployment: Deployment) -> None:
        self.d = deployment

    def propose(self, case: Case) -> list[RouteProposal]:
        """``suyuan_case_route`` and ``suyuan_roster_candidates`` from every plugin, best first;
        one handler proposed twice keeps its best score."""
        best: dict[tuple[str, str], RouteProposal] = {}
        with self.d.reading() as session:
            for hook in ("suyuan_case_route", "suyuan_roster_candidates"):
                for name, proposals in self.d.call_each(hook, case=case, session=session):
                    for p in proposals:
                        p = attrs.evolve(p, provider=p.provider or name)
                        key = (p.handler_kind, p.handler_id)
                        if key not in best or best[key].score < p.score:
                            best[key] = p
        return sorted(best.values(), key=lambda p: (-p.score, p.handler_kind, p.handler_id))

    def classify(self, text: str, case: Case | None = None) -> list[Suggestion]:
        """Category suggestions for free text, highest confidence first (one per category)."""
        best: dict[str, Suggestion] = {}
        for _, suggestions in self.d.call_each("suyuan_case_classify", text=text, case=case):
            for s in suggestions:
                if s.category in self.d.categories and (
                        s.category not in best or best[s.category].confidence < s.confidence):
                    best[s.category] = s
        return sorted(best.values(), key=lambda s: -s.confidence)
