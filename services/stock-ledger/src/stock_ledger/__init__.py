"""Stock ledger service.

Stock documents (receipt, issue, transfer, count, adjustment), the immutable ledger per
SKU x location, lots, valuation and balances.
"""
