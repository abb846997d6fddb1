"""Integration gateway service: REST entry for CRM/ERP (orders, master data, shipments, receipts) with API keys and idempotency; write-back to ERP."""
