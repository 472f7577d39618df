"""Plugin metadata, discovery and the per-deployment plugin manager."""
