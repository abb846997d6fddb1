"""Reservation service.

Reserves stock for every order atomically without overselling; keeps available-to-promise current.
"""
