"""Web page to fill and post a document from its form definition (中文 / English).

`GET /ui/documents/new?type=receipt&lang=zh`. Works with a keyboard-wedge scanner: the scan
field receives the GS1 string and Enter, which fills a line through `POST /v1/scans`. The page
posts through `POST /v1/documents?post=true` and shows the server's field-level errors next to
the fields they name.

Nothing a request carries is ever part of script text: templates autoescape, the page's settings
travel in a JSON block (`tojson` escapes `<`, `>`, `&` and quotes), and the script and styles are
files the service serves, so every page sends a Content-Security-Policy without
'unsafe-inline' (`PAGE_HEADERS`).

The page is for people who post (``stock:write``), signed in through the session cookie (a
signed-out browser is sent to ``/auth/login``). It shows who is signed in, with a sign-out form
(``POST /auth/logout``), and carries the session's CSRF token in a meta tag, which the script
sends as ``X-CSRF-Token`` with every POST. Who posts is the signed-in person, never a field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import CSRF_FIELD, require, secured_router
from jinja2 import Environment, FileSystemLoader

from stock_ledger.api import Uow
from stock_ledger.domain import ADJUSTMENT_REASONS, DocumentType

router = secured_router(prefix="/ui", tags=["web"], include_in_schema=False)
HERE = Path(__file__).resolve().parent
templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=True)
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
"""Sent with every page and every file of a page."""
STATIC_FILES = {
    "document_form.js": "text/javascript; charset=utf-8",
    "document_form.css": "text/css; charset=utf-8",
}
Lang = Literal["zh", "en"]

TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "receipt": "入库单", "issue": "出库单", "transfer": "调拨单", "stock_count": "盘点单",
        "adjustment": "库存调整单", "new": "新建", "document_date": "过账日期",
        "signed_in": "当前用户", "sign_out": "退出登录", "scan": "扫码",
        "scan_hint": "扫描 GS1 条码后回车",
        "lines": "明细", "sku": "物料编码", "location": "库位", "to_location": "调入库位",
        "quantity": "数量", "counted": "盘点数量", "unit_cost": "单位成本", "lot": "批次",
        "expiry_date": "有效期", "reason_code": "调整原因", "add_line": "添加行",
        "remove": "删除", "post": "过账", "posted": "已过账", "errors": "请修正以下问题",
        "extra": "附加信息", "other_lang": "English", "scanned": "已扫码",
        "pending_approval": "差异较大，已提交审批",
    },
    "en": {
        "receipt": "Goods receipt", "issue": "Goods issue", "transfer": "Stock transfer",
        "stock_count": "Stock count", "adjustment": "Stock adjustment", "new": "New",
        "document_date": "Posting date", "signed_in": "Signed in as", "sign_out": "Sign out",
        "scan": "Scan",
        "scan_hint": "Scan a GS1 barcode, then Enter", "lines": "Lines", "sku": "SKU",
        "location": "Location", "to_location": "To location", "quantity": "Quantity",
        "counted": "Counted quantity", "unit_cost": "Unit cost", "lot": "Lot / batch",
        "expiry_date": "Expiry date", "reason_code": "Reason", "add_line": "Add line",
        "remove": "Remove", "post": "Post", "posted": "Posted", "errors": "Please correct",
        "extra": "Additional information", "other_lang": "中文", "scanned": "Scanned",
        "pending_approval": "Large variance, sent for approval",
    },
}  # fmt: skip
COLUMNS: dict[str, list[str]] = {
    "receipt": ["sku", "location", "quantity", "unit_cost", "lot", "expiry_date"],
    "issue": ["sku", "location", "quantity", "lot"],
    "transfer": ["sku", "location", "to_location", "quantity", "lot"],
    "stock_count": ["sku", "location", "quantity", "lot"],
    "adjustment": ["sku", "location", "quantity", "reason_code", "unit_cost", "lot"],
}


@router.get("/documents/new", response_class=HTMLResponse)
async def new_document(
    request: Request,
    actor: Annotated[Principal, require("stock:write")],
    uow: Uow,
    document_type: Annotated[DocumentType, Query(alias="type")] = "receipt",
    lang: Annotated[Lang, Query()] = "zh",
    location: Annotated[str | None, Query(max_length=100)] = None,
) -> Any:
    """The form of a new document of `type`, in `lang`, from the latest form definition."""
    async with uow:
        form = await uow.forms.load_form(document_type)
    text = TEXT[lang]
    fields = [
        {
            "name": f.name,
            "type": f.type,
            "label": f.label_zh if lang == "zh" else f.label_en,
            "required": f.required,
            "minimum": None if f.minimum is None else str(f.minimum),
            "maximum": None if f.maximum is None else str(f.maximum),
            "pattern": f.pattern,
            "choices": list(f.choices),
        }
        for f in form.fields
    ]
    page = templates.get_template("document_form.html").render(
        lang=lang,
        person=actor.display_name,
        csrf_token=getattr(request.state, "csrf_token", ""),  # none with a bearer token
        csrf_field=CSRF_FIELD,
        other_lang="en" if lang == "zh" else "zh",
        text=text,
        document_type=document_type,
        form_version=form.version,
        fields=fields,
        columns=COLUMNS[document_type],
        config={
            "documentType": document_type,
            "columns": COLUMNS[document_type],
            "defaultLocation": location or "",
            "reasons": list(ADJUSTMENT_REASONS),
            "text": text,
        },
    )
    return HTMLResponse(page, headers=PAGE_HEADERS)


@router.get("/static/{name}", dependencies=[require("stock:read")])
async def static_file(name: str) -> Any:
    """The page's script and styles (only the files listed in `STATIC_FILES`)."""
    if name not in STATIC_FILES:
        return HTMLResponse("not found", status_code=404, headers=PAGE_HEADERS)
    return FileResponse(HERE / "static" / name, media_type=STATIC_FILES[name], headers=PAGE_HEADERS)
