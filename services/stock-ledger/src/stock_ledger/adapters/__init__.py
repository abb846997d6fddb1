"""PostgreSQL side of the stock ledger, behind the ports: tables, repositories, the SQL unit
of work, and the read queries of the API and the reports."""

from stock_ledger.adapters.unit_of_work import LedgerUnitOfWork

__all__ = ["LedgerUnitOfWork"]
