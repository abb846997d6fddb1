"""Replenishment service.

Demand history, policies (reorder point, order quantity), inventory positions, purchase
requisitions and purchase orders.
"""
