"""The residents' page (``/residents``): file an appeal, follow it, rate the result — a public
client of the deployment's own Open311 endpoint (see :mod:`suyuan_smart.residents.pages`)."""
