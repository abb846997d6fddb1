"""Alerting service: Alert rules over the event stream and notifications by email, IM and webhook."""
