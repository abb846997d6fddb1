"""Settings of the integration-gateway service, read from the environment at startup."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar, Self

from inventory_contracts.events.purchase_orders import (
    PurchaseOrderCancelled,
    PurchaseOrderReleased,
)
from inventory_runtime.secret_box import (
    DATA_ENCRYPTION_KEY_RULE,
    DEV_DATA_ENCRYPTION_KEY,
    DataEncryptionKey,
    SecretBox,
)
from inventory_runtime.settings import (
    BatchingConsumerSettings,
    SecretSetting,
    ServiceSettings,
    dev_database_url,
)
from pydantic import Field, model_validator

from integration_gateway.domain.rate_limits import RateLimit
from integration_gateway.domain.vouchers import Posting, parse_postings

DEV_API_KEY = "dev-api-key"
DEV_ADMIN_PASSWORD = "dev-admin-password"
"""The development password of the bootstrap person `admin` (refused outside development)."""
DEV_APPROVAL_SERVICE_SECRET = "dev-approval-service-secret"
"""The development secret of the service account `approval-service` (the approval service's
default SERVICE_CLIENT_SECRET; refused outside development)."""
DEV_WEB_REDIRECT_URIS = ",".join(
    f"http://{host}:{port}/auth/callback"
    for host in ("127.0.0.1", "localhost")
    for port in (8001, 8004)
)


class IntegrationGatewaySettings(BatchingConsumerSettings):
    """Integration gateway settings; every field can be set by the environment variable of its name.

    `bootstrap_api_key` is ensured at startup as the API client "bootstrap" (empty: none).
    `erp_webhook_url` and `erp_webhook_secret`, when set, are ensured as a write-back
    subscription for `erp_webhook_event_types` (a JSON list in the environment).
    """

    service_name: str = "integration-gateway"
    database_url: str = dev_database_url("integration_gateway")
    http_port: int = 8006

    secrets: ClassVar[Mapping[str, SecretSetting]] = {
        **ServiceSettings.secrets,
        # Empty is allowed: then no bootstrap client is made (keys come from the admin API).
        "bootstrap_api_key": SecretSetting(frozenset({DEV_API_KEY}), min_length=16),
        "erp_webhook_secret": SecretSetting(min_length=16),
        "data_encryption_key": DATA_ENCRYPTION_KEY_RULE,
        # Empty is allowed: then no bootstrap person is made.
        "bootstrap_admin_password": SecretSetting(frozenset({DEV_ADMIN_PASSWORD}), min_length=12),
        # Empty is allowed: then no approval service account is made or changed.
        "approval_service_secret": SecretSetting(frozenset({DEV_APPROVAL_SERVICE_SECRET})),
    }

    reservation_url: str = "http://127.0.0.1:8002"
    """Where the reservation service answers the promise and quote routes (env
    RESERVATION_URL)."""
    reservation_timeout_seconds: float = 5.0
    """How long a promise or quote call to reservation may take (env
    RESERVATION_TIMEOUT_SECONDS); past it the CRM gets 503."""

    data_encryption_key: DataEncryptionKey = DEV_DATA_ENCRYPTION_KEY
    """Encrypts the webhook subscriptions' secrets in the database (`secret_box`): base64 of
    32 random bytes, required outside development (env DATA_ENCRYPTION_KEY)."""

    bootstrap_api_key: str = DEV_API_KEY
    bootstrap_admin_password: str = DEV_ADMIN_PASSWORD
    """The password of the person `admin` (role admin), made at startup when missing; an
    existing admin's password is never overwritten (env BOOTSTRAP_ADMIN_PASSWORD)."""

    approval_service_secret: str = DEV_APPROVAL_SERVICE_SECRET
    """The client secret of the service account `approval-service` (role auditor: the approval
    inbox reads forecasts, stock and suppliers as it), ensured at startup: made when missing,
    its secret set to this one when it differs (roles and active flag stay as an administrator
    left them). Empty: not touched. Must equal the approval service's SERVICE_CLIENT_SECRET
    (env APPROVAL_SERVICE_SECRET)."""

    oidc_issuer: str = "http://127.0.0.1:8006"
    """The `iss` of the tokens and the base of the discovery document (env OIDC_ISSUER)."""
    oidc_audience: str = "inventory-platform"
    """The `aud` of access tokens (env OIDC_AUDIENCE)."""
    oidc_access_token_seconds: int = Field(default=900, ge=30, le=86400)
    oidc_refresh_idle_seconds: int = Field(default=8 * 3600, ge=60)
    """A refresh token unused this long expires (sliding; env OIDC_REFRESH_IDLE_SECONDS)."""
    oidc_refresh_absolute_seconds: int = Field(default=30 * 86400, ge=60)
    """No refresh token of a login outlives this (env OIDC_REFRESH_ABSOLUTE_SECONDS)."""
    oidc_web_redirect_uris: str = DEV_WEB_REDIRECT_URIS
    """Exact redirect URIs of the public client `inventory-web`, comma-separated."""
    oidc_password_grant: bool = True
    """Allow the resource-owner password grant (CLIs, the demo, tests)."""
    erp_webhook_url: str | None = None
    erp_webhook_secret: str | None = None
    erp_webhook_event_types: list[str] = Field(
        default_factory=lambda: [
            PurchaseOrderReleased.event_type,
            PurchaseOrderCancelled.event_type,
        ]
    )

    delivery_max_attempts: int = Field(default=10, ge=1)
    delivery_backoff_base_seconds: float = Field(default=2.0, gt=0)
    delivery_backoff_cap_seconds: float = Field(default=900.0, gt=0)
    delivery_timeout_seconds: float = Field(default=10.0, gt=0)
    delivery_poll_interval_seconds: float = Field(default=0.5, gt=0)
    delivery_batch_size: int = Field(default=20, ge=1)

    idempotency_key_ttl_hours: float = Field(default=24.0, gt=0)
    """A retried request with the same Idempotency-Key gets the first answer for at least this
    long (env IDEMPOTENCY_KEY_TTL_HOURS); then the key is purged and could be used afresh."""
    delivery_retention_days: float = Field(default=30.0, gt=0)
    """How long delivered, cancelled and failed deliveries stay (env DELIVERY_RETENTION_DAYS)."""
    circuit_failure_threshold: int = Field(default=5, ge=1)
    """Failed POSTs in a row after which a receiver is paused (env CIRCUIT_FAILURE_THRESHOLD)."""
    circuit_pause_seconds: float = Field(default=60.0, gt=0)
    """How long a failing receiver is paused; then one try decides (env CIRCUIT_PAUSE_SECONDS)."""
    voucher_account_roles: dict[str, dict[str, str]] = Field(default_factory=dict)
    """Account roles per movement type of the vouchers, over the defaults (env
    VOUCHER_ACCOUNT_ROLES, JSON: ``{"issue": {"debit": "cogs", "credit": "inventory"}}``)."""
    import_max_body_bytes: int = Field(default=64 * 1024 * 1024, ge=1024)
    """The largest file `POST /v1/imports` reads, in bytes (env IMPORT_MAX_BODY_BYTES; other
    routes keep HTTP_MAX_BODY_BYTES)."""

    rate_limit_per_second: float = Field(default=50.0, gt=0)
    """Requests a second an API client may send on average, per gateway process, unless the
    client has a limit of its own (env RATE_LIMIT_PER_SECOND)."""
    rate_limit_burst: int = Field(default=100, ge=1)
    """Requests a client may send at once before the average applies (env RATE_LIMIT_BURST)."""
    bootstrap_rate_limit_per_second: float = Field(default=1000.0, gt=0)
    """The bootstrap client's own limit, set at every start: high, because the demo, the e2e
    suite and set-up scripts send through it (env BOOTSTRAP_RATE_LIMIT_PER_SECOND)."""
    bootstrap_rate_limit_burst: int = Field(default=2000, ge=1)

    @property
    def secret_box(self) -> SecretBox:
        """Encrypts and decrypts the secrets the gateway stores, with `data_encryption_key`."""
        return SecretBox.from_setting(self.data_encryption_key)

    @property
    def voucher_postings(self) -> dict[str, Posting]:
        """VOUCHER_ACCOUNT_ROLES as postings (checked at start-up, see `_check_voucher_roles`)."""
        return parse_postings(self.voucher_account_roles)

    @model_validator(mode="after")
    def _check_voucher_roles(self) -> Self:
        parse_postings(self.voucher_account_roles)  # a ValueError names the bad entry
        return self

    @property
    def default_rate_limit(self) -> RateLimit:
        """The limit of a client without one of its own."""
        return RateLimit(self.rate_limit_per_second, self.rate_limit_burst)

    @property
    def web_redirect_uris(self) -> frozenset[str]:
        """The exact redirect URIs `inventory-web` may use."""
        return frozenset(u.strip() for u in self.oidc_web_redirect_uris.split(",") if u.strip())

    @property
    def issuer_url(self) -> str:
        """`oidc_issuer` without a trailing slash."""
        return self.oidc_issuer.rstrip("/")

    def production_problems(self) -> list[str]:
        """Besides the shared checks: the pages' redirect URIs must be the deployment's own."""
        problems = super().production_problems()
        if self.oidc_web_redirect_uris == DEV_WEB_REDIRECT_URIS:
            problems.append(
                "OIDC_WEB_REDIRECT_URIS is the development default (this machine's pages); "
                "set the deployment's https://<host>/auth/callback"
            )
        return problems

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Self:
        if self.erp_webhook_url and not self.erp_webhook_secret:
            raise ValueError("ERP_WEBHOOK_URL is set but ERP_WEBHOOK_SECRET is not")
        return self
