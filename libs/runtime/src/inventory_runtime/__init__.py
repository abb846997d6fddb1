"""Shared runtime of the inventory services.

Settings (`settings`), database and runtime tables (`db`, `migrations`, `alembic_env`), the
unit of work with outbox and inbox (`uow`), the handler registry (`handlers`) and the Kafka
consumer loop (`consumer`, `subscription`, `inbound`, `context`), the outbox relay (`relay`),
topic creation (`kafka_admin`), the FastAPI app factory and the API error shape (`app`,
`http`, `errors`), the outbound delivery worker (`delivery`), signing (`signing`), retries
(`retry`), the clock (`clock`), retention (`retention`), JSON logging (`logging`), metrics
(`metrics`), fakes for unit tests (`fakes`) and the pytest plugin (`testing`). The names below
are the ones a service needs most.
"""

from inventory_runtime.app import (
    BackgroundJob,
    ServiceRuntime,
    UowDep,
    create_service_app,
    runtime_of,
    serve,
    uow_dependency,
)
from inventory_runtime.consumer import KafkaConsumerLoop
from inventory_runtime.db import (
    add_runtime_tables,
    create_engine,
    create_session_factory,
    metadata_with_conventions,
)
from inventory_runtime.inbound import InboundEvent
from inventory_runtime.relay import OutboxRelay
from inventory_runtime.retry import TransientError
from inventory_runtime.settings import BatchingConsumerSettings, ServiceSettings, dev_database_url
from inventory_runtime.subscription import Subscription, event_context, per_message
from inventory_runtime.uow import UnitOfWork, UnitOfWorkProtocol

__all__ = [
    "BackgroundJob",
    "BatchingConsumerSettings",
    "InboundEvent",
    "KafkaConsumerLoop",
    "OutboxRelay",
    "ServiceRuntime",
    "ServiceSettings",
    "Subscription",
    "TransientError",
    "UnitOfWork",
    "UnitOfWorkProtocol",
    "UowDep",
    "add_runtime_tables",
    "create_engine",
    "create_service_app",
    "create_session_factory",
    "dev_database_url",
    "event_context",
    "metadata_with_conventions",
    "per_message",
    "runtime_of",
    "serve",
    "uow_dependency",
]
