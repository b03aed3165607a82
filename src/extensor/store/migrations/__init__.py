"""Alembic migrations of the training log (run by :meth:`extensor.store.Store.migrate`)."""
