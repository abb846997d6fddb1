"""Approval service.

Configurable approval flows with steps by amount, approver tasks, time limits, escalation and an
audit trail.
"""
