"""The JSON API under ``/api/v1``: one module per resource, assembled in :mod:`suyuan_core.web.app`."""
