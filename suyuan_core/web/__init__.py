"""The HTTP layer: a versioned JSON API (litestar) over the same services the CLI uses."""

from suyuan_core.web.app import create_app

__all__ = ["create_app"]
