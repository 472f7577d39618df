"""Alembic environment shared by the core and every plugin branch.

The connection and the metadata come from :func:`suyuan_core.storage.migrate.upgrade`, which builds
``version_locations`` from the core and the enabled plugins (one ``alembic_version`` table, one
branch per plugin: Alembic's "multiple bases")."""

from __future__ import annotations

from alembic import context

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=config.attributes.get("target_metadata"),
    render_as_batch=connection.dialect.name == "sqlite",
    version_table_schema=config.attributes.get("schema"),
    # `suyuan db revision --plugin NAME` compares only that plugin's tables
    include_object=config.attributes.get("include_object"),
)
with context.begin_transaction():
    context.run_migrations()
