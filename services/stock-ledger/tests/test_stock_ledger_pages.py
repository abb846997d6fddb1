"""The document page and form patterns against an attacker, without a database: payloads in
every query parameter never become markup or script, every page and page file carries the
security headers, and form patterns are compiled and matched by RE2 (linear time) or refused."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser
from typing import Any, Self

import httpx
import pytest
from fastapi import FastAPI
from inventory_runtime.auth.routes import SESSION_COOKIE, csrf_token_for
from inventory_runtime.auth.testing import TEST_ISSUER
from markupsafe import escape
from stock_ledger.api import get_uow
from stock_ledger.api.ui import templates
from stock_ledger.config import StockLedgerSettings
from stock_ledger.domain import DOCUMENT_TYPES
from stock_ledger.domain.forms import FieldDefinition, FormDefinition, validate
from stock_ledger.main import create_app

PAYLOADS = (
    "</script><script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' onmouseover='alert(1)",
    "javascript:alert(1)",
)
GTIN = "09501101530003"
MARKUP_CHARACTERS = set("<>\"'")
URL_ATTRIBUTES = ("href", "src", "action", "formaction")
FIELDS = (
    FieldDefinition("note", "text", "Note", "备注", pattern="DN-[0-9]+"),
    FieldDefinition("grade", "choice", "Grade", "等级", choices=("A", "B")),
)


class FakeForms:
    """The one repository the page reads; `fields` as the latest form of every type."""

    def __init__(self, fields: tuple[FieldDefinition, ...]) -> None:
        self.fields = fields

    async def load_form(self, document_type: str, version: int | None = None) -> FormDefinition:
        return FormDefinition(document_type, 3, self.fields)

    async def lock_form(self, document_type: str) -> FormDefinition:
        return await self.load_form(document_type)

    async def save_form(
        self, document_type: str, fields: list[FieldDefinition], created_by: str
    ) -> FormDefinition:
        self.fields = tuple(fields)
        return FormDefinition(document_type, 4, self.fields)

    async def sku_of_gtin(self, gtin: str, *, lock: bool = False) -> str | None:
        return "PAGE-SKU" if gtin == GTIN else None


class FakeUow:
    def __init__(self, fields: tuple[FieldDefinition, ...]) -> None:
        self.forms = FakeForms(fields)
        self.audited: list[tuple[Any, ...]] = []

    def audit(self, *entry: Any, **states: Any) -> None:
        self.audited.append(entry)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        return None


def app_for(fields: tuple[FieldDefinition, ...]) -> FastAPI:
    app = create_app(StockLedgerSettings())
    app.dependency_overrides[get_uow] = lambda: FakeUow(fields)
    return app


async def client_for(
    fields: tuple[FieldDefinition, ...], headers: dict[str, str] | None = None
) -> httpx.AsyncClient:
    """A client of the page's app; signed in with every role unless `headers` say otherwise."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app_for(fields)),
        base_url="http://test",
        headers=TEST_ISSUER.headers(login="zhao.op") if headers is None else headers,
    )


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with await client_for(FIELDS) as http:
        yield http


class Markup(HTMLParser):
    """The elements and attributes of a page, and the text of its scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parsed(page: str) -> Markup:
    markup = Markup()
    markup.feed(page)
    return markup


def assert_harmless(page: str) -> Markup:
    """No element or attribute came from a payload; the only scripts are the page's own."""
    markup = parsed(page)
    assert [t for t, _ in markup.tags].count("img") == 0
    for tag, attrs in markup.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        urls = [attrs.get(name) or "" for name in URL_ATTRIBUTES]
        assert not any(url.startswith("javascript:") for url in urls), (tag, attrs)
    scripts = [attrs for tag, attrs in markup.tags if tag == "script"]
    assert scripts == [
        {"type": "application/json", "id": "page-config"},
        {"src": "/ui/static/document_form.js"},
    ]
    return markup


def page_config(markup: Markup) -> dict[str, Any]:
    [config] = markup.scripts
    loaded: dict[str, Any] = json.loads(config)
    return loaded


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_a_payload_in_the_location_stays_data(
    client: httpx.AsyncClient, payload: str
) -> None:
    response = await client.get(
        "/ui/documents/new", params={"type": "receipt", "lang": "en", "location": payload}
    )
    assert response.status_code == 200
    if MARKUP_CHARACTERS & set(payload):
        assert payload not in response.text  # not even inside the JSON block
    markup = assert_harmless(response.text)
    # the page still gets the location the link carried, as a string
    assert page_config(markup)["defaultLocation"] == payload


@pytest.mark.parametrize("parameter", ["type", "lang"])
@pytest.mark.parametrize("payload", PAYLOADS)
async def test_a_payload_in_the_other_parameters_is_refused(
    client: httpx.AsyncClient, parameter: str, payload: str
) -> None:
    params = {"type": "receipt", "lang": "zh", parameter: payload}
    response = await client.get("/ui/documents/new", params=params)
    assert response.status_code == 422
    assert "<script" not in response.text and "<img" not in response.text
    assert response.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_a_form_definition_with_payloads_renders_as_text(payload: str) -> None:
    """Labels, choices and patterns come from whoever defines the form."""
    fields = (
        FieldDefinition("note", "text", payload, payload, pattern=re.escape(payload)),
        FieldDefinition("grade", "choice", payload, payload, choices=(payload, "B")),
    )
    async with await client_for(fields) as http:
        for lang in ("zh", "en"):
            response = await http.get("/ui/documents/new", params={"type": "issue", "lang": lang})
            assert response.status_code == 200
            if MARKUP_CHARACTERS & set(payload):
                assert payload not in response.text
            assert_harmless(response.text)
            assert str(escape(payload)) in response.text  # shown as the text it is


@pytest.mark.parametrize("document_type", DOCUMENT_TYPES)
async def test_every_page_and_page_file_sends_the_security_headers(
    client: httpx.AsyncClient, document_type: str
) -> None:
    for path in (
        f"/ui/documents/new?type={document_type}",
        "/ui/static/document_form.js",
        "/ui/static/document_form.css",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
        policy = response.headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert "unsafe" not in policy
        assert directives["frame-ancestors"] == "'none'"
        assert directives["default-src"] == "'none'"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] in ("no-referrer", "same-origin")


async def test_only_the_pages_own_files_are_served(client: httpx.AsyncClient) -> None:
    script = await client.get("/ui/static/document_form.js")
    assert script.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in script.text  # text reaches the page as text only
    for name in ("ui.py", "..%2Fui.py", "..%2F..%2Fconfig.py", "document_form.html"):
        response = await client.get(f"/ui/static/{name}")
        assert response.status_code == 404, name
        assert "import" not in response.text


def test_every_template_autoescapes() -> None:
    for name in templates.list_templates():
        template = templates.get_template(name)
        rendered = templates.from_string("{{ value }}").render(value="<b>")
        assert rendered == "&lt;b&gt;", name
        assert template.environment.autoescape is True


def checked(pattern: str, value: str) -> list[str]:
    form = FormDefinition(
        "receipt", 1, (FieldDefinition("code", "text", "C", "码", pattern=pattern),)
    )
    _, problems = validate(form, {"code": value})
    return [p.problem for p in problems]


def test_patterns_match_the_whole_value_as_before() -> None:
    assert checked("DN-[0-9]+", "DN-42") == []
    assert checked("DN-[0-9]+", "xDN-42") != []  # no search inside the value
    assert checked("DN-[0-9]+", "DN-42x") != []
    assert checked("A|B", "AB") != []  # alternation binds inside the whole match


@pytest.mark.timeout(10)
@pytest.mark.parametrize("pattern", ["(a+)+$", "(x+x+)+y", "(a|aa)+$", "(.*a){20}"])
async def test_a_catastrophic_pattern_is_accepted_and_matches_in_linear_time(
    client: httpx.AsyncClient, pattern: str
) -> None:
    response = await client.put(
        "/v1/forms/receipt",
        json={"fields": [{"name": "code", "type": "text", "label_en": "Code",
                          "label_zh": "码", "pattern": pattern}]},
    )  # fmt: skip
    assert response.status_code == 201, response.text
    assert response.json()["fields"][0]["pattern"] == pattern
    hostile = "a" * 100_000 + "!" if "a" in pattern else "x" * 100_000
    assert checked(pattern, hostile) != []  # a backtracking engine would not come back


@pytest.mark.parametrize(
    "pattern", [r"(a)\1", r"(?P<x>a)(?P=x)", r"DN-(?=[0-9])[0-9]+", r"(?<!x)y", r"a("]
)
async def test_a_pattern_re2_cannot_compile_is_refused_naming_the_field(
    client: httpx.AsyncClient, pattern: str
) -> None:
    fields = [
        {"name": "lot_code", "type": "text", "label_en": "Lot", "label_zh": "批次"},
        {"name": "delivery_note", "type": "text", "label_en": "DN", "label_zh": "送货单",
         "pattern": pattern},
    ]  # fmt: skip
    response = await client.put("/v1/forms/receipt", json={"fields": fields})
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["field"] == "body.fields.1.pattern"
    assert "delivery_note" in problem["problem"]


async def test_a_signed_out_browser_is_sent_to_the_login_and_a_stranger_refused() -> None:
    async with await client_for(FIELDS, headers={}) as anonymous:
        page = await anonymous.get("/ui/documents/new", params={"type": "issue", "lang": "en"})
        script = await anonymous.get("/ui/static/document_form.js")
        scan = await anonymous.post("/v1/scans", json={"barcode": "01" + GTIN})
    assert page.status_code == 303
    assert page.headers["location"] == (
        "/auth/login?next=%2Fui%2Fdocuments%2Fnew%3Ftype%3Dissue%26lang%3Den"
    )
    assert (script.status_code, scan.status_code) == (401, 401)
    auditor = TEST_ISSUER.headers("auditor", login="qian.audit")
    async with await client_for(FIELDS, headers=auditor) as reader:
        refused = await reader.get("/ui/documents/new")
    assert refused.status_code == 403 and "stock:write" in refused.json()["detail"]


async def test_the_signed_in_page_names_the_person_and_carries_the_csrf_token() -> None:
    """Signed in through the session cookie: the page shows who posts and a sign-out form, and
    the cookie alone cannot post (a forged cross-site request has no CSRF token)."""
    session = TEST_ISSUER.token("operator", login="zhao.op", claims={"name": "Zhao <Op>"})
    csrf = csrf_token_for(session)
    async with await client_for(FIELDS, headers={}) as browser:
        browser.cookies.set(SESSION_COOKIE, session)
        page = await browser.get("/ui/documents/new", params={"type": "receipt", "lang": "zh"})
        forged = await browser.post("/v1/scans", json={"barcode": "01" + GTIN})
        scanned = await browser.post(
            "/v1/scans", json={"barcode": "01" + GTIN}, headers={"X-CSRF-Token": csrf}
        )
    markup = assert_harmless(page.text)
    tags = markup.tags
    assert ("meta", {"name": "csrf-token", "content": csrf}) in tags
    assert ("form", {"id": "sign-out", "method": "post", "action": "/auth/logout"}) in tags
    assert ("input", {"type": "hidden", "name": "csrf_token", "value": csrf}) in tags
    assert "Zhao &lt;Op&gt;" in page.text and "created_by" not in page.text
    assert forged.status_code == 403 and forged.json()["error"] == "csrf"
    assert scanned.status_code == 200 and scanned.json()["sku"] == "PAGE-SKU"
