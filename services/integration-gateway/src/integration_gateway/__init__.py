"""Integration gateway service: REST entry for CRM/ERP with API keys and idempotency.

Orders, master data, shipments and receipts become events; purchase orders and reservation
outcomes are written back to the ERP by signed webhooks.
"""
