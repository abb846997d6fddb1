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
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, get_args
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from inventory_runtime.outbound import Allowlist, OutboundGuard

Environment = Literal["development", "test", "production"]

DEV_PASSWORD = "inventory"


def dev_database_url(database: str) -> str:
    """Return the local-stack URL of `database` (role and password ``inventory``).

    Meant as a development default only: `ServiceSettings` refuses it in production.
    """
    return f"postgresql+asyncpg://inventory:{DEV_PASSWORD}@127.0.0.1:5432/{database}"


def redact_url(url: str) -> str:
    """`url` with its password replaced by ``***`` (for logs and reprs)."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


PLACEHOLDER = "REPLACE_ME"
"""What the deployment templates (deploy/k8s/secrets.example.yaml) put where a secret goes."""


class UnsafeSettingsError(ValueError):
    """A setting that is fine on a laptop was left at its default in production."""


@dataclass(frozen=True)
class SecretSetting:
    """How a secret setting is checked outside development (see `ServiceSettings.secrets`).

    `development_values` are the values the repository ships (defaults, compose, scripts),
    refused outside development; `required` refuses an empty value; `min_length` a short one.
    With `in_url`, the secret is the password of a URL (a database URL).
    """

    development_values: frozenset[str] = frozenset()
    required: bool = False
    min_length: int = 16
    in_url: bool = False

    def problem(self, env_name: str, value: str | None) -> str | None:
        """What is wrong with `value` as the secret `env_name`, or None when it will do."""
        secret = urlsplit(value).password if self.in_url and value else value
        if not secret:
            if not self.required:
                return None
            return f"{env_name} has no password" if self.in_url else f"{env_name} is empty"
        if PLACEHOLDER in secret:
            return f"{env_name} still holds a {PLACEHOLDER} placeholder; set a real secret"
        if secret in self.development_values:
            what = "uses the development password" if self.in_url else "is a development default"
            return f"{env_name} {what}; set a real secret"
        if len(secret) < self.min_length:
            what = "password is" if self.in_url else "is"
            return f"{env_name} {what} shorter than {self.min_length} characters"
        return None


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
        if self.log_level == "DEBUG":
            problems.append("LOG_LEVEL=DEBUG may log payloads with personal data; use INFO")
        return problems

    def __repr_args__(self) -> Iterator[tuple[str | None, Any]]:
        for name, value in super().__repr_args__():
            rule = self.secrets.get(name or "")
            if rule is not None and value:
                value = redact_url(value) if rule.in_url else "***"
            yield name, value

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
