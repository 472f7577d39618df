"""``suyuan demo``: the Jintang county deployment with a deterministic synthetic event log.

:mod:`suyuan_core.demo.build` writes the deployment and loads it, :mod:`~suyuan_core.demo.roster`
generates the roster, :mod:`~suyuan_core.demo.cases` the cases and their events. The figures the
demo prints are computed from those events by the core's metrics; none is stored.
"""
