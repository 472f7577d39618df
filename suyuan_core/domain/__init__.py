"""The domain: attrs classes validated at construction. Public; re-exported by ``suyuan_core``."""
