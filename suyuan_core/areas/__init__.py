"""The area tree: loading it, caching it, importing it."""
