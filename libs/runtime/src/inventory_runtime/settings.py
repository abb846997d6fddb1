"""Settings every service shares, read from environment variables at startup.

Build them in `main` (``settings = MyServiceSettings()``), never at import time, so tests and
tools can construct their own. A service subclasses `ServiceSettings` to add its fields and to
give `service_name`, `database_url` and `http_port` its own defaults::

    class ReservationSettings(ServiceSettings):
        service_name: str = "reservation"
        database_url: str = dev_database_url("reservation")
        http_port: int = 8002
        default_reservation_ttl_seconds: int = 900
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, ClassVar, Literal, get_args
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from inventory_runtime.auth.tokens import ClaimNames, KeySource, TokenVerifier, parse_role_map
from inventory_runtime.outbound import Allowlist, OutboundGuard
from inventory_runtime.secret_settings import (
    DEV_PASSWORD,
    PLACEHOLDER,
    SecretSetting,
    UnsafeSettingsError,
    dev_database_url,
    redact_url,
)

__all__ = [
    "DEV_PASSWORD",
    "PLACEHOLDER",
    "BatchingConsumerSettings",
    "SecretSetting",
    "ServiceSettings",
    "UnsafeSettingsError",
    "dev_database_url",
    "redact_url",
    "undeclared_secrets",
]

Environment = Literal["development", "test", "production"]

SECRET_WORDS = frozenset({"secret", "password", "token", "key", "credentials", "dsn"})
"""Words that make a setting's name look like a secret (`undeclared_secrets`)."""


def undeclared_secrets(settings_class: type[ServiceSettings]) -> list[str]:
    """String settings whose name has a secret-like word but which `secrets` does not check.

    Each service's tests call this, so a new ``*_token`` setting cannot ship unchecked
    (declare it in `secrets`, or in `not_secret` when it only looks like one).
    """
    declared = set(settings_class.secrets) | settings_class.not_secret
    return [
        name
        for name, field in settings_class.model_fields.items()
        if set(name.split("_")) & SECRET_WORDS
        and (field.annotation is str or str in get_args(field.annotation))
        and name not in declared
    ]


class ServiceSettings(BaseSettings):
    """Settings of one service process; environment variables match the field names in caps."""

    model_config = SettingsConfigDict(extra="ignore", validate_default=True)

    service_name: str = Field(min_length=1, pattern=r"^[a-z][a-z0-9_-]*$")
    environment: Environment = "development"
    database_url: str = dev_database_url("inventory")
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    http_host: str = "127.0.0.1"
    http_port: int = 8000
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    outbound_allowlist: str = ""
    """Host names, addresses and CIDR networks (comma-separated) that webhooks and channels may
    call although internal (loopback, private, link-local); empty: none (`outbound`)."""

    http_max_body_bytes: int = 1024 * 1024
    """The largest request body read; a larger one is answered 413 ``payload_too_large``
    (env HTTP_MAX_BODY_BYTES; a service with large documents raises its own default)."""

    secrets: ClassVar[Mapping[str, SecretSetting]] = {
        "database_url": SecretSetting(
            frozenset({DEV_PASSWORD}), required=True, min_length=1, in_url=True
        )
    }
    """The secret settings, checked whenever ENVIRONMENT is not development. A subclass adds
    its own: ``secrets = {**ServiceSettings.secrets, "api_key": SecretSetting(...)}``."""
    not_secret: ClassVar[frozenset[str]] = frozenset()
    """Settings whose names look like secrets but are not (`undeclared_secrets`)."""

    oidc_issuer: str = "http://127.0.0.1:8006"
    """The token issuer every access token must name (``iss``): the built-in issuer of the
    integration-gateway by default, or the company's IdP (env OIDC_ISSUER; docs/security.md)."""
    oidc_audience: str = "inventory-platform"
    """The audience (``aud``) access tokens must be for (env OIDC_AUDIENCE)."""
    oidc_jwks: str = ""
    """The issuer's public key set as inline JSON (static keys, tests); empty: fetched."""
    oidc_jwks_url: str = ""
    """Where the key set is fetched; empty: the ``jwks_uri`` of the discovery document."""
    oidc_discovery_url: str = ""
    """The discovery document; empty: ``<issuer>/.well-known/openid-configuration``."""
    oidc_username_claim: str = "preferred_username"
    oidc_roles_claim: str = "roles"
    """Dotted path of the roles claim (Keycloak: ``realm_access.roles``)."""
    oidc_role_map: str = ""
    """The IdP's role names renamed to the platform's, e.g. ``"Inventory Admins=admin"``."""
    oidc_client_id: str = "inventory-web"
    """The OAuth client the web pages log in as (public client, PKCE)."""
    oidc_leeway_seconds: int = Field(default=30, ge=0, le=300)
    oidc_jwks_cache_seconds: float = Field(default=300.0, gt=0)

    db_pool_size: int = Field(default=5, ge=1)
    db_max_overflow: int = Field(default=5, ge=0)
    db_pool_timeout_seconds: float = Field(default=10.0, gt=0)

    consumer_max_batch_size: int = Field(default=100, ge=1)
    consumer_poll_timeout_ms: int = Field(default=1000, ge=10)
    consumer_fetch_min_bytes: int = Field(default=1, ge=1)
    """The broker answers a fetch once it has this much (or after `consumer_fetch_max_wait_ms`):
    1 answers at once (latency); more makes larger, cheaper batches for groups that can wait."""
    consumer_fetch_max_wait_ms: int = Field(default=500, ge=0)
    consumer_fetch_top_up_ms: int = Field(default=0, ge=0)
    """After a poll, wait up to this long for the fetch it started and take those records too
    (0: off). The client fetches ahead, so a poll's records are a processing cycle old;
    topping up saves latency-critical groups a cycle per message (`KafkaConsumerLoop`)."""
    consumer_retry_attempts: int = Field(default=3, ge=1)
    consumer_retry_backoff_base_seconds: float = Field(default=0.2, gt=0)
    consumer_retry_backoff_cap_seconds: float = Field(default=30.0, gt=0)

    relay_poll_interval_seconds: float = Field(default=0.2, gt=0)
    relay_batch_size: int = Field(default=200, ge=1)
    relay_send_timeout_ms: int = Field(default=15000, ge=1000)
    relay_stats_interval_seconds: float = Field(default=15.0, gt=0)
    relay_retention_hours: float = Field(default=24.0, ge=0)
    """How long published outbox rows are kept (marked ``published_at``); 0 deletes each row as
    soon as Kafka acknowledged it, the cheapest for high-volume services."""
    inbox_retention_hours: float = Field(default=168.0, gt=0)
    """How long inbox entries are kept; keep it at least the topics' retention (Kafka's default
    is 7 days), since a message older than that cannot come again."""
    retention_interval_seconds: float = Field(default=3600.0, gt=0)
    """How often a service's retention job (`inventory_runtime.retention`) looks (env
    RETENTION_INTERVAL_SECONDS)."""

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("outbound_allowlist")
    @classmethod
    def _parsable_allowlist(cls, value: str) -> str:
        Allowlist.parse(value)
        return value

    @field_validator("oidc_role_map")
    @classmethod
    def _parsable_role_map(cls, value: str) -> str:
        parse_role_map(value)
        return value

    @field_validator("database_url")
    @classmethod
    def _async_postgres_only(cls, value: str) -> str:
        if not value.startswith("postgresql+asyncpg://"):
            raise ValueError("DATABASE_URL must start with postgresql+asyncpg://")
        return value

    # Validators, not Field constraints, for the fields subclasses give their own defaults:
    # a subclass redefining the field would silently drop the constraints.
    @field_validator("http_port")
    @classmethod
    def _valid_port(cls, value: int) -> int:
        if not 1 <= value <= 65535:
            raise ValueError("HTTP_PORT must be between 1 and 65535")
        return value

    @field_validator("http_max_body_bytes")
    @classmethod
    def _positive_body_limit(cls, value: int) -> int:
        if value < 1024:
            raise ValueError("HTTP_MAX_BODY_BYTES must be at least 1024")
        return value

    @field_validator("kafka_bootstrap_servers")
    @classmethod
    def _host_port_list(cls, value: str) -> str:
        for server in value.split(","):
            host, _, port = server.strip().rpartition(":")
            if not host or not port.isdigit():
                raise ValueError(f"KAFKA_BOOTSTRAP_SERVERS entry {server!r} is not host:port")
        return value

    @model_validator(mode="after")
    def _refuse_unsafe_defaults_outside_development(self) -> ServiceSettings:
        problems = [] if self.environment == "development" else self.secret_problems()
        if self.environment == "production":
            problems += self.production_problems()
        if problems:
            raise UnsafeSettingsError(
                f"refusing to start in {self.environment}: " + "; ".join(problems)
            )
        return self

    def secret_problems(self) -> list[str]:
        """The secrets (`secrets`) left empty, short or at a development default."""
        problems = []
        for name, rule in self.secrets.items():
            problem = rule.problem(name.upper(), getattr(self, name))
            if problem:
                problems.append(problem)
        return problems

    def production_problems(self) -> list[str]:
        """Settings other than secrets that are unsafe for production (empty when all is well)."""
        problems = []
        if not self.oidc_jwks and urlsplit(self.oidc_issuer).hostname in ("127.0.0.1", "localhost"):
            problems.append(
                "OIDC_ISSUER is the development issuer on this machine; set the real one"
            )
        if self.log_level == "DEBUG":
            problems.append("LOG_LEVEL=DEBUG may log payloads with personal data; use INFO")
        return problems

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            rule = self.secrets.get(name or "")
            if rule is not None and value:
                value = redact_url(value) if rule.in_url else "***"
            yield name, value

    def token_verifier(self) -> TokenVerifier:
        """The verifier of access tokens these settings describe."""
        keys = KeySource(
            issuer=self.oidc_issuer,
            inline_jwks=self.oidc_jwks,
            jwks_url=self.oidc_jwks_url,
            discovery_url=self.oidc_discovery_url,
            cache_seconds=self.oidc_jwks_cache_seconds,
        )
        names = ClaimNames(
            self.oidc_username_claim, self.oidc_roles_claim, parse_role_map(self.oidc_role_map)
        )
        return TokenVerifier(
            keys,
            issuer=self.oidc_issuer,
            audience=self.oidc_audience,
            claim_names=names,
            leeway_seconds=self.oidc_leeway_seconds,
        )

    @property
    def event_source(self) -> str:
        """The CloudEvents `source` this service stamps on the events it publishes."""
        return f"/services/{self.service_name}"

    @property
    def outbound_guard(self) -> OutboundGuard:
        """The guard on webhook and channel addresses, with `outbound_allowlist`."""
        return OutboundGuard(Allowlist.parse(self.outbound_allowlist))

    @property
    def bootstrap_servers(self) -> list[str]:
        """`kafka_bootstrap_servers` split into the list aiokafka expects."""
        return [server.strip() for server in self.kafka_bootstrap_servers.split(",")]


class BatchingConsumerSettings(ServiceSettings):
    """Consumer defaults for a service off the order path (every env variable still applies).

    Its groups read the busy topics (every order, every availability change) but nobody waits
    on them by the millisecond, so the broker gathers up to 512 KiB or 500 ms per fetch
    (CONSUMER_FETCH_MIN_BYTES, CONSUMER_FETCH_MAX_WAIT_MS) and a poll takes up to 2,000
    messages (CONSUMER_MAX_BATCH_SIZE). Their handlers apply a run in a few set-based
    statements, so at 1,000 orders a second this is 1-2 transactions a second per partition
    set instead of 20-25, and the CPU they leave is reservation's (bench/README.md).
    """

    consumer_max_batch_size: int = 2000
    consumer_fetch_min_bytes: int = 512 * 1024
    consumer_fetch_max_wait_ms: int = 500
