"""Every service's app, built in-process without starting it (no database or broker needed:
credentials are checked before a route touches either)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import FastAPI


@dataclass(frozen=True)
class ServiceApp:
    name: str
    build: Callable[[], FastAPI]


def _stock_ledger() -> FastAPI:
    from stock_ledger.config import StockLedgerSettings
    from stock_ledger.main import create_app

    return create_app(StockLedgerSettings())


def _reservation() -> FastAPI:
    from reservation.config import ReservationSettings
    from reservation.main import create_app

    return create_app(ReservationSettings())


def _replenishment() -> FastAPI:
    from replenishment.config import ReplenishmentSettings
    from replenishment.main import create_app

    return create_app(ReplenishmentSettings())


def _approval() -> FastAPI:
    from approval.config import ApprovalSettings
    from approval.main import create_app

    return create_app(ApprovalSettings())


def _alerting() -> FastAPI:
    from alerting.config import AlertingSettings
    from alerting.main import create_app

    return create_app(AlertingSettings())


def _gateway() -> FastAPI:
    from integration_gateway.config import IntegrationGatewaySettings
    from integration_gateway.main import create_app

    return create_app(IntegrationGatewaySettings())


SERVICES = (
    ServiceApp("stock-ledger", _stock_ledger),
    ServiceApp("reservation", _reservation),
    ServiceApp("replenishment", _replenishment),
    ServiceApp("approval", _approval),
    ServiceApp("alerting", _alerting),
    ServiceApp("integration-gateway", _gateway),
)
