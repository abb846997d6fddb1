"""A body over the limit is refused with 413 before any route sees it, however it is sent;
every answer tells browsers not to sniff its type."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from inventory_runtime.app import create_service_app
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.auth.testing import TEST_ISSUER
from inventory_runtime.http import DEFAULT_MAX_BODY_BYTES, install_http_plumbing
from inventory_runtime.settings import ServiceSettings
from pydantic import BaseModel
from starlette.types import Message

LIMIT = 4096


class Note(BaseModel):
    text: str


def limited_app(handled: list[str]) -> FastAPI:
    router = APIRouter()

    @router.post("/notes")
    async def add_note(note: Note) -> dict[str, int]:
        handled.append(note.text)
        return {"length": len(note.text)}

    @router.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        body = await request.body()
        handled.append("raw")
        return {"length": len(body)}

    app = FastAPI()
    install_http_plumbing(app, max_body_bytes=LIMIT)
    app.include_router(router)
    return app


def note_of_size(size: int) -> bytes:
    """A JSON note body of exactly `size` bytes."""
    overhead = len(b'{"text": ""}')
    return b'{"text": "' + b"x" * (size - overhead) + b'"}'


@pytest.fixture
def handled() -> list[str]:
    return []


@pytest.fixture
async def client(handled: list[str]) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=limited_app(handled))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


def assert_too_large(response: httpx.Response) -> None:
    assert response.status_code == 413
    body = response.json()
    assert body["error"] == "payload_too_large"
    assert str(LIMIT) in body["detail"]


async def test_a_body_at_the_limit_is_handled(
    client: httpx.AsyncClient, handled: list[str]
) -> None:
    body = note_of_size(LIMIT)
    response = await client.post(
        "/notes", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 200
    assert response.json() == {"length": LIMIT - len(b'{"text": ""}')}
    assert len(handled) == 1


@pytest.mark.parametrize("path", ["/notes", "/raw"])
async def test_a_declared_length_over_the_limit_is_refused_unread(
    client: httpx.AsyncClient, handled: list[str], path: str
) -> None:
    body = note_of_size(LIMIT + 1)
    response = await client.post(path, content=body, headers={"content-type": "application/json"})
    assert_too_large(response)
    assert handled == []


async def chunks(body: bytes, size: int = 1000) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize("path", ["/notes", "/raw"])
async def test_a_chunked_body_over_the_limit_is_refused(
    client: httpx.AsyncClient, handled: list[str], path: str
) -> None:
    request = client.build_request(
        "POST",
        path,
        content=chunks(note_of_size(LIMIT + 1)),
        headers={"content-type": "application/json"},
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    response = await client.send(request)
    assert_too_large(response)
    assert handled == []


async def test_a_chunked_body_at_the_limit_is_handled(
    client: httpx.AsyncClient, handled: list[str]
) -> None:
    response = await client.post(
        "/notes",
        content=chunks(note_of_size(LIMIT)),
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200
    assert len(handled) == 1


async def test_an_endless_body_is_not_read_past_the_limit(handled: list[str]) -> None:
    """An attacker streaming forever gets a 413 once the limit is passed; reading stops."""
    app = limited_app(handled)
    reads = 0
    sent: list[Message] = []

    async def endless() -> Message:
        nonlocal reads
        reads += 1
        return {"type": "http.request", "body": b"x" * 1000, "more_body": True}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/raw",
        "raw_path": b"/raw",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"test"), (b"transfer-encoding", b"chunked")],
        "client": ("127.0.0.1", 1),
        "server": ("test", 80),
    }
    await app(scope, endless, send)
    assert sent[0]["type"] == "http.response.start"
    assert sent[0]["status"] == 413
    assert reads == LIMIT // 1000 + 1
    assert handled == []


async def test_the_service_app_takes_the_limit_from_its_settings() -> None:
    router = secured_router()

    @router.post("/echo", dependencies=[require("stock:write")])
    async def echo(request: Request) -> dict[str, int]:
        return {"length": len(await request.body())}

    settings = ServiceSettings(service_name="limits-test", http_max_body_bytes=2048)
    app = create_service_app(settings, title="limits-test", routers=[router])
    transport = httpx.ASGITransport(app=app)
    headers = TEST_ISSUER.headers("operator")
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", headers=headers
    ) as http:
        assert (await http.post("/echo", content=b"x" * 2048)).status_code == 200
        refused = await http.post("/echo", content=b"x" * 2049)
    assert refused.status_code == 413
    assert refused.json()["error"] == "payload_too_large"
    assert ServiceSettings(service_name="any").http_max_body_bytes == DEFAULT_MAX_BODY_BYTES


async def test_every_answer_says_nosniff(client: httpx.AsyncClient) -> None:
    answers = [
        await client.post("/notes", json={"text": "hello"}),
        await client.post("/notes", json={"wrong": 1}),
        await client.get("/nowhere"),
        await client.post("/raw", content=b"x" * (LIMIT + 1)),
    ]
    assert [a.status_code for a in answers] == [200, 422, 404, 413]
    for answer in answers:
        assert answer.headers.get_list("x-content-type-options") == ["nosniff"]
        assert "content-security-policy" not in answer.headers


async def test_text_holding_nul_is_refused_before_any_route(
    client: httpx.AsyncClient, handled: list[str]
) -> None:
    in_body = await client.post(
        "/notes", content=b'{"text": "a\\u0000b"}', headers={"content-type": "application/json"}
    )
    assert in_body.status_code == 422
    assert in_body.json()["detail"] == [
        {"field": "body", "problem": "text may not hold NUL (\\u0000)"}
    ]
    in_url = await client.post("/notes?x=%00", json={"text": "fine"})
    assert in_url.status_code == 400
    escaped = await client.post(
        "/notes", content=b'{"text": "a\\\\u0000b"}', headers={"content-type": "application/json"}
    )
    assert escaped.status_code == 200  # an escaped backslash followed by u0000 is plain text
    assert handled == ["a\\u0000b"]
