"""Alerting service: alert rules over the event stream; notifications by email, IM, webhook."""
