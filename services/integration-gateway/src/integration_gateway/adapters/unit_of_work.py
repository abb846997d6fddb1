"""The gateway's SQL unit of work: the runtime's, with the gateway's repositories on it."""

from __future__ import annotations

from typing import ClassVar, Self, cast

from inventory_runtime.secret_box import SecretBox
from inventory_runtime.uow import UnitOfWork

from integration_gateway.adapters.accepted import AcceptedMessages
from integration_gateway.adapters.api_keys import ApiKeyRepository
from integration_gateway.adapters.clients import ClientRepository, IdempotencyRepository
from integration_gateway.adapters.grants import (
    AuthorizationCodeStore,
    LoginFailureStore,
    RefreshTokenStore,
)
from integration_gateway.adapters.imports import ImportJobRepository, MasterRecordRepository
from integration_gateway.adapters.people import PeopleRepository, ServiceAccountRepository
from integration_gateway.adapters.signing_keys import SigningKeyStore
from integration_gateway.adapters.write_back import DeliveryRepository, SubscriptionRepository


class GatewayUnitOfWork(UnitOfWork):
    """One transaction over the gateway's tables and the outbox (implements `GatewayUoW` and
    `IdentityUoW`)."""

    accepted: AcceptedMessages
    clients: ClientRepository
    idempotency: IdempotencyRepository
    subscriptions: SubscriptionRepository
    deliveries: DeliveryRepository
    people: PeopleRepository
    service_accounts: ServiceAccountRepository
    signing_keys: SigningKeyStore
    codes: AuthorizationCodeStore
    refresh_tokens: RefreshTokenStore
    login_failures: LoginFailureStore
    imports: ImportJobRepository
    api_keys: ApiKeyRepository
    master_records: MasterRecordRepository
    secret_box: ClassVar[SecretBox | None] = None
    """Encrypts the subscriptions' secrets; set by `keyed` (DATA_ENCRYPTION_KEY)."""

    @classmethod
    def keyed(cls, box: SecretBox) -> type[GatewayUnitOfWork]:
        """This unit of work with the key that encrypts stored secrets."""
        return cast(type[GatewayUnitOfWork], type(cls.__name__, (cls,), {"secret_box": box}))

    async def __aenter__(self) -> Self:
        if self.secret_box is None:
            raise RuntimeError("use GatewayUnitOfWork.keyed(settings.secret_box)")
        await super().__aenter__()
        self.accepted = AcceptedMessages(self.publish)
        self.clients = ClientRepository(self.session)
        self.idempotency = IdempotencyRepository(self.session)
        self.subscriptions = SubscriptionRepository(self.session, self.secret_box)
        self.deliveries = DeliveryRepository(self.session)
        self.people = PeopleRepository(self.session, self.track)
        self.service_accounts = ServiceAccountRepository(self.session)
        self.signing_keys = SigningKeyStore(self.session, self.secret_box)
        self.codes = AuthorizationCodeStore(self.session)
        self.refresh_tokens = RefreshTokenStore(self.session)
        self.login_failures = LoginFailureStore(self.session)
        self.imports = ImportJobRepository(self.session)
        self.api_keys = ApiKeyRepository(self.session)
        self.master_records = MasterRecordRepository(self.session)
        return self
