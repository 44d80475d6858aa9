"""Storage: SQLAlchemy tables, the engine wrapper and Alembic migrations."""
