"""The ``suyuan`` command line (click)."""
