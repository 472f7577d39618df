"""Core tests use the same fixtures a third-party plugin gets (suyuan_core.testing)."""
