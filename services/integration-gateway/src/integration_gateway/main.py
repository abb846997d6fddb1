"""Wiring of the integration-gateway service: `create_app(settings)` and the command line."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import httpx
from fastapi import FastAPI
from inventory_runtime.app import BackgroundJob, ServiceRuntime, create_service_app
from inventory_runtime.auth.tokens import TokenVerifier
from inventory_runtime.cli import Command, service_cli
from inventory_runtime.clock import utc_now
from inventory_runtime.db import create_engine, create_session_factory
from inventory_runtime.outbound import OutboundRefused
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from integration_gateway import consumer, domain
from integration_gateway.adapters import webhooks
from integration_gateway.adapters.key_source import GatewayKeySource
from integration_gateway.adapters.retention import RETENTION
from integration_gateway.adapters.unit_of_work import GatewayUnitOfWork
from integration_gateway.api import (
    api_keys,
    identity,
    imports,
    inbound,
    login_page,
    oauth,
    promise,
    service_accounts,
    write_back,
)
from integration_gateway.api.import_limit import allow_large_imports
from integration_gateway.api.openapi_doc import publish
from integration_gateway.config import IntegrationGatewaySettings
from integration_gateway.domain.api_keys import client_record
from integration_gateway.domain.passwords import Passwords
from integration_gateway.domain.people import ServiceAccount
from integration_gateway.handlers import people

MIGRATIONS = Path(__file__).parent / "migrations"
BOOTSTRAP_CLIENT = "bootstrap"
CLI_ACTOR = "system:cli"
APPROVAL_SERVICE_ACCOUNT = ServiceAccount(
    "approval-service", "Approval inbox (reads the why of a purchase)", "", ("auditor",)
)
"""The approval service's own account (`approval_service_secret`): read-only roles."""
Number = TypeVar("Number", int, float)


async def ensure_configured(runtime: ServiceRuntime) -> None:
    """Startup: the bootstrap API client and the ERP subscription from settings (the service
    does not start when ERP_WEBHOOK_URL is refused by the outbound guard)."""
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    if settings.erp_webhook_url:
        try:
            await settings.outbound_guard.check_url(settings.erp_webhook_url)
        except OutboundRefused as exc:
            raise OutboundRefused(f"ERP_WEBHOOK_URL is refused: {exc}") from None
    async with GatewayUnitOfWork.keyed(settings.secret_box)(
        runtime.session_factory, source=settings.event_source
    ) as uow:
        if settings.bootstrap_api_key:
            await uow.clients.ensure(
                BOOTSTRAP_CLIENT,
                domain.hash_api_key(settings.bootstrap_api_key),
                [domain.ALL_SCOPES],
                rate_per_second=settings.bootstrap_rate_limit_per_second,
                burst=settings.bootstrap_rate_limit_burst,
            )
        else:  # no bootstrap key configured: a key left from an earlier setting must not work
            await uow.clients.deactivate(BOOTSTRAP_CLIENT)
        if settings.erp_webhook_url and settings.erp_webhook_secret:
            await uow.subscriptions.ensure_configured(
                settings.erp_webhook_url,
                settings.erp_webhook_secret,
                settings.erp_webhook_event_types,
            )
        await uow.signing_keys.ensure_active()
        await uow.commit()
        if settings.bootstrap_admin_password:
            await people.ensure_admin(
                uow, Passwords(), settings.bootstrap_admin_password, utc_now()
            )
        if settings.approval_service_secret:
            await people.ensure_service_account(
                uow, Passwords(), APPROVAL_SERVICE_ACCOUNT, settings.approval_service_secret
            )


async def run_delivery_worker(runtime: ServiceRuntime) -> None:
    """Background job ``webhook-delivery``: the runtime's worker over the deliveries queue."""
    settings = runtime.settings
    assert isinstance(settings, IntegrationGatewaySettings)
    async with httpx.AsyncClient(timeout=settings.delivery_timeout_seconds) as client:
        await webhooks.delivery_worker(runtime.session_factory, settings, client).run()


def create_app(
    settings: IntegrationGatewaySettings, *, monotonic: Callable[[], float] = time.monotonic
) -> FastAPI:
    """The integration-gateway app: operations routes, outbox relay, consumers and API.

    `monotonic` is the clock of the per-client rate limits (tests move it by hand).
    """
    app = create_service_app(
        settings,
        title="Integration gateway",
        description=(
            "REST entry for CRM/ERP (orders, master data, shipments, receipts) with API keys "
            "and idempotency; write-back to ERP."
        ),
        routers=[
            inbound.router,
            imports.router,
            write_back.router,
            oauth.router,
            login_page.router,
            identity.router,
            service_accounts.router,
            api_keys.router,
            promise.router,
        ],
        consumers=[consumer.subscription(settings.voucher_postings)],
        unit_of_work=GatewayUnitOfWork.keyed(settings.secret_box),
        background=[
            BackgroundJob("webhook-delivery", run_delivery_worker),
            RETENTION,
        ],
        on_startup=[ensure_configured],
    )
    app.state.rate_limiter = domain.RateLimiter(settings.default_rate_limit, monotonic)
    allow_large_imports(app, settings.import_max_body_bytes)
    publish(app)
    app.state.key_last_used = {}  # client id -> when its last_used_at was written (api/auth.py)
    app.state.import_tasks = set()  # running bulk imports (api/imports.py)
    app.state.token_clients = {}  # token subject -> its api_clients row (api/auth.py)
    app.state.passwords = Passwords()
    app.state.token_verifier = token_verifier(settings, app)
    return app


def token_verifier(settings: IntegrationGatewaySettings, app: FastAPI) -> TokenVerifier:
    """The verifier `settings.token_verifier()` builds, over the gateway's own signing keys
    as well as the configured issuer's (`GatewayKeySource`)."""
    configured = settings.token_verifier()

    def session_factory() -> async_sessionmaker[AsyncSession]:
        runtime: ServiceRuntime = app.state.runtime
        return runtime.session_factory

    keys = GatewayKeySource(
        session_factory,
        own_issuer=settings.issuer_url,
        issuer=settings.oidc_issuer,
        inline_jwks=settings.oidc_jwks,
        jwks_url=settings.oidc_jwks_url,
        discovery_url=settings.oidc_discovery_url,
        cache_seconds=settings.oidc_jwks_cache_seconds,
    )
    return TokenVerifier(
        keys,
        issuer=configured.issuer,
        audience=configured.audience,
        claim_names=configured.claim_names,
        leeway_seconds=settings.oidc_leeway_seconds,
    )


async def rotate_signing_key(settings: IntegrationGatewaySettings) -> str:
    """Make a new active signing key; the old one stays in the JWKS for 24 hours, so tokens
    it signed still verify. Returns the new key's kid."""
    engine = create_engine(settings)
    try:
        keyed = GatewayUnitOfWork.keyed(settings.secret_box)
        async with keyed(create_session_factory(engine), source=settings.event_source) as uow:
            kid = await uow.signing_keys.rotate()
            await uow.commit()
    finally:
        await engine.dispose()
    return kid


ROTATE_SIGNING_KEY = Command(
    "make a new active token signing key (the old one verifies for 24 more hours)",
    lambda args: print(asyncio.run(rotate_signing_key(IntegrationGatewaySettings()))),
)


async def create_api_key(
    settings: IntegrationGatewaySettings,
    name: str,
    scopes: list[str],
    *,
    rate_per_second: float | None = None,
    burst: int | None = None,
) -> str:
    """Create (or re-key) API client `name`; return the new key, which is stored only hashed.

    `rate_per_second` / `burst` give the client a rate limit of its own (None: keep the one it
    has; a new client takes RATE_LIMIT_PER_SECOND / RATE_LIMIT_BURST)."""
    key = domain.generate_api_key()
    engine = create_engine(settings)
    try:
        keyed = GatewayUnitOfWork.keyed(settings.secret_box)
        uow = keyed(create_session_factory(engine), source=settings.event_source)
        async with uow:
            old = await uow.clients.by_name(name)
            await uow.clients.ensure(
                name, domain.hash_api_key(key), scopes, rate_per_second=rate_per_second, burst=burst
            )
            new = await uow.clients.by_name(name)
            assert new is not None
            before = None if old is None else client_record(old)
            action = "create" if old is None else "rekey"
            after = client_record(new) | {"key": "issued"}  # that a key was issued, never it
            uow.audit(CLI_ACTOR, action, "api_client", name, before=before, after=after)
            await uow.commit()
    finally:
        await engine.dispose()
    return key


def _api_key_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", required=True, help="name of the calling system, e.g. erp-sap")
    parser.add_argument(
        "--scope",
        action="append",
        choices=[domain.ALL_SCOPES, *domain.SCOPES],
        help="grant a scope (repeatable; default: all)",
    )
    parser.add_argument(
        "--rate-per-second",
        type=_positive(float),
        help="the client's own average rate limit (default: RATE_LIMIT_PER_SECOND)",
    )
    parser.add_argument(
        "--burst",
        type=_positive(int),
        help="requests the client may send at once (default: RATE_LIMIT_BURST)",
    )


def _positive(kind: type[Number]) -> Callable[[str], Number]:
    def parse(text: str) -> Number:
        value = kind(text)
        if value <= 0:
            raise argparse.ArgumentTypeError(f"{text} is not above 0")
        return value

    return parse


def _create_api_key(args: argparse.Namespace) -> None:
    settings = IntegrationGatewaySettings()
    scopes = args.scope or [domain.ALL_SCOPES]
    limits = {"rate_per_second": args.rate_per_second, "burst": args.burst}
    print(asyncio.run(create_api_key(settings, args.name, scopes, **limits)))


CREATE_API_KEY = Command(
    "create an API client (or give it a new key) and print the key",
    _create_api_key,
    _api_key_arguments,
)


def cli(argv: Sequence[str] | None = None) -> None:
    """`migrate` applies the migrations, `serve` runs the service, `create-api-key` prints a key,
    `rotate-signing-key` rotates the token signing key."""
    commands = {"create-api-key": CREATE_API_KEY, "rotate-signing-key": ROTATE_SIGNING_KEY}
    service_cli(
        "integration-gateway", IntegrationGatewaySettings, create_app, MIGRATIONS, argv, commands
    )
