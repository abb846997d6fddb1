"""What the gateway's handlers need from a unit of work; the SQL one and the fakes provide it."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol
from uuid import UUID

from inventory_runtime.uow import UnitOfWorkProtocol

from integration_gateway.domain import (
    AcceptedMessage,
    StoredResponse,
    WebhookSubscription,
    WriteBack,
)
from integration_gateway.domain.api_key_admin import ApiKeyInfo
from integration_gateway.domain.grants import StoredCode, StoredRefresh
from integration_gateway.domain.import_jobs import ImportJob, ImportStatus
from integration_gateway.domain.imports import RowError
from integration_gateway.domain.people import Person, ServiceAccount


class AcceptedMessageStore(Protocol):
    def add(self, message: AcceptedMessage) -> None:
        """Queue the message's recorded event for the outbox (this transaction) and tell the
        message the event's id."""


class IdempotencyStore(Protocol):
    async def save_first(
        self, client_id: str, key: str, *, method: str, path: str, response: StoredResponse
    ) -> StoredResponse | None:
        """Store `response` unless `key` was used before; then return what was stored."""


class Subscriber(Protocol):
    """A webhook subscription as the write-back needs it."""

    @property
    def id(self) -> str: ...
    @property
    def event_types(self) -> Sequence[str]: ...
    @property
    def locations(self) -> Sequence[str] | None: ...


class SubscriptionStore(Protocol):
    async def add(self, subscription: WebhookSubscription) -> WebhookSubscription:
        """Store a new subscription; return it as stored (with its creation time)."""

    async def get(self, subscription_id: str) -> WebhookSubscription | None:
        """The subscription of that id (active or not), or None."""

    async def deactivate(self, subscription_id: str) -> bool:
        """Deactivate it and cancel its pending deliveries; False if there is no such one."""

    async def matching(self, event_types: Sequence[str]) -> Sequence[Subscriber]:
        """Active subscriptions that want events of any of `event_types`, oldest first."""

    async def subscribed_types(self) -> Collection[str]:
        """The event types some active subscription wants."""


class DeliveryStore(Protocol):
    async def enqueue(self, write_backs: Sequence[WriteBack]) -> None:
        """Queue the deliveries, skipping those already queued (redeliveries)."""


class GatewayUoW(UnitOfWorkProtocol, Protocol):
    """What the gateway's handlers need from a unit of work."""

    @property
    def accepted(self) -> AcceptedMessageStore: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def subscriptions(self) -> SubscriptionStore: ...

    @property
    def deliveries(self) -> DeliveryStore: ...

    @property
    def master_records(self) -> MasterRecordStore: ...


class PeopleStore(Protocol):
    async def get(self, login: str, *, for_update: bool = False) -> Person | None: ...
    async def get_by_id(self, person_id: UUID) -> Person | None: ...
    async def add(self, person: Person) -> None: ...
    async def save(self, person: Person) -> None: ...
    async def exists(self, login: str) -> bool: ...
    async def manager_of(self, login: str) -> str | None: ...


class ServiceAccountStore(Protocol):
    async def get(self, client_id: str) -> ServiceAccount | None: ...
    async def add(self, account: ServiceAccount) -> ServiceAccount: ...
    async def save(self, account: ServiceAccount) -> None: ...


class AuthorizationCodes(Protocol):
    async def add(self, code_hash: str, code: StoredCode) -> None: ...
    async def take(self, code_hash: str) -> StoredCode | None:
        """The code, locked for this transaction."""

    async def mark_used(self, code_hash: str, family_id: UUID | None) -> None: ...


class RefreshTokens(Protocol):
    async def add(self, token: StoredRefresh) -> None: ...
    async def take(self, token_hash: str) -> StoredRefresh | None:
        """The token, locked for this transaction."""

    async def mark_used(self, token_hash: str) -> None: ...
    async def revoke_family(self, family_id: UUID) -> None: ...
    async def revoke_person(self, person_id: UUID) -> None: ...


class LoginFailures(Protocol):
    async def recent(self, login: str, now: datetime, within: timedelta) -> list[datetime]: ...
    async def add(self, login: str, now: datetime) -> None: ...
    async def clear(self, login: str) -> None: ...


class Signer(Protocol):
    def sign(self, claims: dict[str, Any], typ: str) -> str:
        """A compact JWS of `claims` with the active key (`typ` in the header)."""


class IdentityUoW(UnitOfWorkProtocol, Protocol):
    """What the identity handlers need from a unit of work."""

    @property
    def people(self) -> PeopleStore: ...

    @property
    def service_accounts(self) -> ServiceAccountStore: ...

    @property
    def codes(self) -> AuthorizationCodes: ...

    @property
    def refresh_tokens(self) -> RefreshTokens: ...

    @property
    def login_failures(self) -> LoginFailures: ...


class ImportJobStore(Protocol):
    async def add(self, job: ImportJob) -> ImportJob: ...
    async def get(self, job_id: str) -> ImportJob | None: ...
    async def recent(self, limit: int) -> list[ImportJob]: ...
    async def progress(
        self, job_id: str, status: ImportStatus, *, message: str | None = None, **counts: int
    ) -> None: ...
    async def add_errors(self, job_id: str, errors: Sequence[RowError], first_seq: int) -> None: ...
    async def errors(self, job_id: str, offset: int, limit: int) -> list[RowError]: ...


class MasterRecordStore(Protocol):
    async def hashes(self, kind: str, keys: Sequence[str]) -> dict[str, str]: ...
    async def save(self, kind: str, records: Mapping[str, tuple[str, str]]) -> None: ...
    async def conversions(self) -> dict[tuple[str, str], Decimal]: ...
    async def records(self, kind: str, keys: Sequence[str]) -> dict[str, dict[str, Any]]: ...


class VoucherUoW(UnitOfWorkProtocol, Protocol):
    """What queuing vouchers needs from a unit of work."""

    @property
    def subscriptions(self) -> SubscriptionStore: ...

    @property
    def deliveries(self) -> DeliveryStore: ...

    @property
    def master_records(self) -> MasterRecordStore: ...


class ImportUoW(UnitOfWorkProtocol, Protocol):
    """What the bulk import needs from a unit of work."""

    @property
    def accepted(self) -> AcceptedMessageStore: ...

    @property
    def imports(self) -> ImportJobStore: ...

    @property
    def master_records(self) -> MasterRecordStore: ...


class ApiKeyStore(Protocol):
    async def list(self) -> list[ApiKeyInfo]: ...
    async def get(self, name: str, *, for_update: bool = False) -> ApiKeyInfo | None: ...
    async def add(
        self,
        name: str,
        key_hash: str,
        hint: str,
        scopes: Sequence[str],
        rate_per_second: float | None,
        burst: int | None,
    ) -> ApiKeyInfo | None: ...
    async def rotate(self, name: str, key_hash: str, hint: str, overlap: timedelta) -> None: ...
    async def revoke(self, name: str) -> None: ...


class ApiKeyUoW(UnitOfWorkProtocol, Protocol):
    """What managing API keys needs from a unit of work."""

    @property
    def api_keys(self) -> ApiKeyStore: ...
