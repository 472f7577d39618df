"""suyuan's benchmarks: ``python -m bench <intake|metrics|memory|all> [--cases N]`` (or
``./dev bench …``). Each prints suyuan's figure beside a bare SQLAlchemy baseline measured in the
same run, on the same machine and database file, and the ratio against the target. See README.md."""
