"""GET /api/v1/labour_arbitration/referrals: the referrals in the caller's areas."""

from typing import Any

import sqlalchemy as sa
from litestar import get

from suyuan_core import http, sql, tables
from suyuan_labour_arbitration import READ, referrals


@get("/referrals", opt={"permission": READ}, sync_to_thread=True,
     summary="劳动仲裁移送 (referrals to labour arbitration)")
def referral_list(deployment: http.DeploymentDep,
                  principal: http.PrincipalDep) -> list[dict[str, Any]]:
    c = tables.cases.c
    query = (sa.select(referrals.c.case_id, referrals.c.commission)
             .join(tables.cases, c.id == referrals.c.case_id)
             .where(sql.within(c.area_path, principal.scope(READ))).order_by(referrals.c.id))
    with deployment.reading() as s:
        return [{"case_id": r.case_id, "commission": r.commission} for r in s.execute(query)]


ROUTES = [referral_list]
