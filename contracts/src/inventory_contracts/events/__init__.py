"""Event models, one module per bounded context."""
