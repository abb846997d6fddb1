"""JSON logs: one object per line with service, level, logger and the current correlation ids."""

from __future__ import annotations

import logging
import sys
from typing import Any

from pythonjsonlogger.json import JsonFormatter

from inventory_runtime.context import current_causation_id, current_correlation_id

_FIELDS = "%(timestamp)s %(levelname)s %(name)s %(message)s"


class _ContextFilter(logging.Filter):
    """Stamp every record with the service name and the ids of the work being done."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        record.correlation_id = current_correlation_id()
        record.causation_id = current_causation_id()
        record.__dict__.pop("color_message", None)  # uvicorn's ANSI-coloured duplicate
        return True


def json_formatter() -> logging.Formatter:
    """The formatter every handler uses: ISO timestamp, `level`, `logger`, `message`, extras."""
    return JsonFormatter(
        _FIELDS,
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp=True,
        json_ensure_ascii=False,
    )


def configure_logging(service: str, level: str = "INFO", *, stream: Any = None) -> None:
    """Send all logs (ours, uvicorn's, aiokafka's) as JSON lines to stdout.

    Idempotent: calling it again replaces the handler instead of adding a second one.
    """
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(json_formatter())
    handler.addFilter(_ContextFilter(service))
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_inventory_runtime", False):
            root.removeHandler(old)
    handler._inventory_runtime = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # aiokafka logs every reconnect attempt at ERROR while a broker restarts; keep it readable.
    logging.getLogger("aiokafka").setLevel(max(logging.getLevelName(level), logging.WARNING))
