"""The FastAPI app factory every service uses, and `serve` to run it.

::

    def create_app(settings: ReservationSettings) -> FastAPI:
        return create_service_app(
            settings,
            title="reservation",
            routers=[api.router],
            consumers=[Subscription("reservation", [OrderPlaced, StockMoved], handlers.handle)],
            unit_of_work=ReservationUnitOfWork,
        )

The lifespan configures logging, builds the engine and session factory, starts the outbox
relay, the consumer loops and any `BackgroundJob` as supervised tasks, and on shutdown stops
them gracefully and disposes the engine. `/health` says the process is up; `/ready` checks the
database, the broker and that no background task has died; `/metrics` serves Prometheus.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

import uvicorn
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from inventory_runtime.audit import audit_router
from inventory_runtime.auth.app_security import check_and_document_routes, install_identity
from inventory_runtime.consumer import KafkaConsumerLoop
from inventory_runtime.db import create_engine, create_session_factory
from inventory_runtime.gc_tuning import freeze_startup_objects
from inventory_runtime.http import install_http_plumbing
from inventory_runtime.kafka_admin import ensure_topics, kafka_reachable
from inventory_runtime.logging import configure_logging
from inventory_runtime.operations_doc import HEALTH_RESPONSES, READY_RESPONSES
from inventory_runtime.relay import OutboxRelay
from inventory_runtime.retry import summarize
from inventory_runtime.settings import ServiceSettings
from inventory_runtime.subscription import Subscription
from inventory_runtime.supervise import Start, supervise
from inventory_runtime.uow import UnitOfWork, UnitOfWorkProtocol

log = logging.getLogger(__name__)

READY_CHECK_SECONDS = 3.0
RELAY_FAILURES_NOT_READY = 3
RELAY_TASK = "outbox-relay"
STOP_GRACE_SECONDS = 20.0


@dataclass
class ServiceRuntime:
    """What the lifespan built; available as ``app.state.runtime`` and via `runtime_of`."""

    settings: ServiceSettings
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    uow_factory: Callable[[], UnitOfWork]
    relay: OutboxRelay | None = None
    consumers: list[KafkaConsumerLoop[Any]] = field(default_factory=list)
    tasks: dict[str, asyncio.Task[None]] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    stopping: bool = False


@dataclass(frozen=True)
class BackgroundJob:
    """A supervised task of the service (e.g. a schedule); cancelled on shutdown."""

    name: str
    run: Callable[[ServiceRuntime], Coroutine[Any, Any, None]]


def runtime_of(request: Request) -> ServiceRuntime:
    """The `ServiceRuntime` of the app serving `request` (a FastAPI dependency)."""
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def get_uow(request: Request) -> UnitOfWorkProtocol:
    """A new unit of work per request (override in tests with a fake)."""
    return runtime_of(request).uow_factory()


UowDep = Annotated[UnitOfWorkProtocol, Depends(get_uow)]

T = TypeVar("T", bound=UnitOfWork)


def uow_dependency(uow_class: type[T]) -> Callable[[Request], T]:
    """A FastAPI dependency giving a service's own `UnitOfWork` subclass, typed as such.

    Define it once per service (``get_uow = uow_dependency(ReservationUnitOfWork)``) so tests
    can replace it with ``app.dependency_overrides[get_uow] = lambda: FakeUnitOfWork()``.
    """

    def dependency(request: Request) -> T:
        uow = runtime_of(request).uow_factory()
        if not isinstance(uow, uow_class):
            raise TypeError(f"the app builds {type(uow).__name__}, not {uow_class.__name__}")
        return uow

    return dependency


def _supervise(runtime: ServiceRuntime, name: str, start: Start) -> None:
    supervise(name, start, runtime.tasks, runtime.failures, lambda: runtime.stopping)


async def _stop(runtime: ServiceRuntime) -> None:
    runtime.stopping = True
    stopping = [loop.stop(STOP_GRACE_SECONDS) for loop in runtime.consumers]
    if runtime.relay is not None:
        stopping.append(runtime.relay.stop())
    results = await asyncio.gather(*stopping, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            log.warning("graceful stop incomplete: %s", summarize(result))
    tasks = list(runtime.tasks.values())
    _, pending = await asyncio.wait(tasks, timeout=STOP_GRACE_SECONDS) if tasks else ((), ())
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=5)


async def readiness(runtime: ServiceRuntime) -> dict[str, str]:
    """Check database, broker and background tasks; map each check to "ok" or the problem."""

    async def database() -> None:
        async with asyncio.timeout(READY_CHECK_SECONDS), runtime.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    async def kafka() -> None:
        await kafka_reachable(runtime.settings.bootstrap_servers, READY_CHECK_SECONDS)

    checks: dict[str, str] = {}
    outcomes = await asyncio.gather(database(), kafka(), return_exceptions=True)
    for name, outcome in zip(("database", "kafka"), outcomes, strict=True):
        checks[name] = summarize(outcome) if isinstance(outcome, BaseException) else "ok"
    for name, task in runtime.tasks.items():
        problem = runtime.failures.get(name) or ("stopped" if task.done() else None)
        checks[name] = problem or "ok"
    relay = runtime.relay
    if relay is not None and relay.consecutive_failures >= RELAY_FAILURES_NOT_READY:
        checks[RELAY_TASK] = f"failing ({relay.consecutive_failures} rounds): {relay.last_error}"
    return checks


def _operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/health", responses=HEALTH_RESPONSES)
    async def health() -> dict[str, str]:
        """The process is up and serving HTTP."""
        return {"status": "ok"}

    @router.get("/ready", responses=READY_RESPONSES)
    async def ready(request: Request) -> JSONResponse:
        """Database and broker reachable, background tasks alive (503 names what is not)."""
        checks = await readiness(runtime_of(request))
        failing = sorted(name for name, result in checks.items() if result != "ok")
        body = {"status": "not ready" if failing else "ready", "failing": failing, "checks": checks}
        return JSONResponse(status_code=503 if failing else 200, content=body)

    @router.get("/metrics", include_in_schema=False)
    async def metrics_endpoint() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def _start_tasks(
    runtime: ServiceRuntime,
    *,
    relay: bool,
    consumers: Sequence[Subscription[Any]],
    background: Sequence[BackgroundJob],
) -> None:
    """Start the outbox relay, a loop per consumer group and the jobs, all supervised."""
    settings = runtime.settings
    if relay:
        runtime.relay = OutboxRelay(runtime.session_factory, settings)
        _supervise(runtime, RELAY_TASK, runtime.relay.run)
    for subscription in consumers:
        loop = KafkaConsumerLoop(subscription, settings=settings, uow_factory=runtime.uow_factory)
        runtime.consumers.append(loop)
        _supervise(runtime, f"consumer:{subscription.group_id}", loop.run)
    for job in background:
        _supervise(runtime, job.name, functools.partial(job.run, runtime))


def create_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    routers: Sequence[APIRouter] = (),
    consumers: Sequence[Subscription[Any]] = (),
    relay: bool = True,
    unit_of_work: type[UnitOfWork] = UnitOfWork,
    background: Sequence[BackgroundJob] = (),
    topics: Mapping[str, int] | None = None,
    on_startup: Sequence[Callable[[ServiceRuntime], Awaitable[None]]] = (),
    version: str = "0.1.0",
    description: str = "",
    pages: bool = False,
) -> FastAPI:
    """Build a service's FastAPI app with the shared lifespan, operations routes and plumbing.

    `consumers` run as `KafkaConsumerLoop`s with `unit_of_work`s; missing `topics` are made at
    startup. Routes declare permissions (`inventory_runtime.auth`); `pages` adds the login.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.service_name, settings.log_level)
        engine = create_engine(settings)
        session_factory = create_session_factory(engine)

        def wake_relay() -> None:
            if runtime.relay is not None:
                runtime.relay.notify()

        def uow_factory() -> UnitOfWork:
            return unit_of_work(
                session_factory, source=settings.event_source, on_published=wake_relay
            )

        runtime = ServiceRuntime(settings, engine, session_factory, uow_factory)
        app.state.runtime = runtime
        try:
            if topics:
                try:
                    await ensure_topics(settings.bootstrap_servers, topics)
                except Exception as exc:  # the loops wait for the broker; /ready reports it
                    log.warning("could not ensure topics at startup: %s", summarize(exc))
            for hook in on_startup:
                await hook(runtime)
            _start_tasks(runtime, relay=relay, consumers=consumers, background=background)
            freeze_startup_objects()
            log.info("%s started", settings.service_name)
            yield
        finally:
            await _stop(runtime)
            await engine.dispose()
            log.info("%s stopped", settings.service_name)

    app = FastAPI(title=title, version=version, description=description, lifespan=lifespan)
    _add_routes(app, settings, routers, pages=pages)
    return app


def _add_routes(
    app: FastAPI, settings: ServiceSettings, routers: Sequence[APIRouter], *, pages: bool
) -> None:
    install_http_plumbing(app, max_body_bytes=settings.http_max_body_bytes)
    app.include_router(_operations_router())
    install_identity(app, settings, pages=pages)
    for router in (*routers, audit_router()):
        app.include_router(router)
    check_and_document_routes(app)


def serve(settings: ServiceSettings, app: FastAPI) -> None:
    """Run `app` with uvicorn on ``HTTP_HOST:HTTP_PORT`` until SIGINT/SIGTERM (graceful)."""
    configure_logging(settings.service_name, settings.log_level)
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        log_level=settings.log_level.lower(),
        proxy_headers=True,
        lifespan="on",
        timeout_graceful_shutdown=int(STOP_GRACE_SECONDS),
    )
    uvicorn.Server(config).run()
