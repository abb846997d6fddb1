"""PostgreSQL storage of the stock ledger, inside the unit of work's transaction."""

from stock_ledger.store.repository import LedgerUnitOfWork, LedgerUoW, Repository, SqlRepository

__all__ = ["LedgerUnitOfWork", "LedgerUoW", "Repository", "SqlRepository"]
