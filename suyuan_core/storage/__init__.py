"""Storage: SQLAlchemy 2 tables, engines (SQLite WAL by default, PostgreSQL by URL) and migrations."""
