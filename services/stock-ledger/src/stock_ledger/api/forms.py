"""Form definitions (versioned extra fields per document type), GTINs and barcode scans.

Forms and GTINs are configuration: changing them needs ``forms:admin`` and is audited with
the record before and after; reading them and reading a scan need ``stock:read``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from fastapi import Path, Query
from inventory_contracts.events.base import LocationCode, Sku
from inventory_runtime.auth.principal import Principal
from inventory_runtime.auth.routes import require, secured_router
from inventory_runtime.errors import error_response, validation_error
from pydantic import BaseModel, Field

from stock_ledger.api import Uow
from stock_ledger.api.schemas import Strict
from stock_ledger.domain import DocumentType, InvalidDocument
from stock_ledger.domain.forms import FieldDefinition, FieldType, FormDefinition
from stock_ledger.domain.forms import definition_problems as field_problems
from stock_ledger.domain.scanning import normalize_gtin, read_scan

router = secured_router(prefix="/v1", tags=["forms and scanning"])
Admin = Annotated[Principal, require("forms:admin")]
READ = [require("stock:read")]
Gtin = Annotated[str, Path(pattern=r"^\d{8}$|^\d{12,14}$", description="GTIN-8/12/13/14")]


class FieldIn(Strict):
    name: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    type: FieldType
    label_en: str = Field(min_length=1, max_length=200)
    label_zh: str = Field(min_length=1, max_length=200)
    required: bool = False
    minimum: Decimal | None = Field(None, description="number: least value; text: least length")
    maximum: Decimal | None = Field(None, description="number: most value; text: most length")
    pattern: str | None = Field(None, max_length=500, description="a regular expression")
    choices: list[str] = Field(default_factory=list, max_length=200)


class FormIn(Strict):
    fields: list[FieldIn] = Field(max_length=100)


class FieldOut(FieldIn):
    pass


class FormOut(BaseModel):
    document_type: str
    version: int
    fields: list[FieldOut]


def form_out(form: FormDefinition) -> FormOut:
    return FormOut(
        document_type=form.document_type,
        version=form.version,
        fields=[
            FieldOut.model_validate({**asdict(f), "choices": list(f.choices)}) for f in form.fields
        ],
    )


@router.get("/forms/{document_type}", response_model=FormOut, dependencies=READ)
async def get_form(
    document_type: DocumentType,
    uow: Uow,
    version: Annotated[int | None, Query(ge=0, le=2**31 - 1)] = None,
) -> Any:
    """The form of a document type: its latest version, or the one asked for."""
    async with uow:
        form = await uow.forms.load_form(document_type, version)
    if version not in (None, form.version):
        return error_response(404, "not_found", f"{document_type} has no form version {version}")
    return form_out(form)


@router.put("/forms/{document_type}", status_code=201, response_model=FormOut)
async def put_form(document_type: DocumentType, body: FormIn, actor: Admin, uow: Uow) -> Any:
    """Save the extra fields of a document type's form as its next version (表单定义); the
    caller is recorded as its author and in the audit log."""
    fields = [
        FieldDefinition(
            f.name,
            f.type,
            f.label_en,
            f.label_zh,
            f.required,
            f.minimum,
            f.maximum,
            f.pattern,
            tuple(f.choices),
        )
        for f in body.fields
    ]
    problems = field_problems(fields)
    if problems:
        return validation_error(problems)
    async with uow:
        before = await uow.forms.lock_form(document_type)
        form = await uow.forms.save_form(document_type, fields, actor.id)
        uow.audit(
            actor,
            "update" if before.version else "create",
            "form",
            document_type,
            before=form_out(before).model_dump() if before.version else None,
            after=form_out(form).model_dump(),
        )
        await uow.commit()
    return form_out(form)


class GtinIn(Strict):
    sku: Sku


@router.put("/gtins/{gtin}", response_model=dict[str, str])
async def put_gtin(gtin: Gtin, body: GtinIn, actor: Admin, uow: Uow) -> Any:
    """Say which SKU a GTIN (商品条码) is, so a scan of it fills a line for that SKU
    (audited: a wrong mapping makes scans post another item)."""
    gtin = normalize_gtin(gtin)
    async with uow:
        earlier = await uow.forms.sku_of_gtin(gtin, lock=True)
        if not await uow.forms.set_gtin(gtin, body.sku):
            return validation_error([("sku", f"unknown SKU {body.sku!r} (未知物料编码)")])
        uow.audit(
            actor,
            "create" if earlier is None else "update",
            "gtin",
            gtin,
            before=None if earlier is None else {"gtin": gtin, "sku": earlier},
            after={"gtin": gtin, "sku": body.sku},
        )
        await uow.commit()
    return {"gtin": gtin, "sku": body.sku}


@router.get("/gtins/{gtin}", response_model=dict[str, str], dependencies=READ)
async def get_gtin(gtin: Gtin, uow: Uow) -> Any:
    async with uow:
        sku = await uow.forms.sku_of_gtin(normalize_gtin(gtin))
    if sku is None:
        return error_response(404, "not_found", f"no SKU has GTIN {gtin}")
    return {"gtin": normalize_gtin(gtin), "sku": sku}


class ScanIn(Strict):
    barcode: str = Field(min_length=1, max_length=500, description="The scanned GS1 string.")
    location: LocationCode | None = None


class ScannedLine(BaseModel):
    gtin: str
    sku: str
    location: str | None
    quantity: Decimal
    lot: str | None
    expiry_date: date | None


@router.post("/scans", response_model=ScannedLine, dependencies=READ)
async def scan(body: ScanIn, uow: Uow) -> Any:
    """Read a scanned GS1 barcode (GTIN, lot, expiry, count) into a document line (扫码); it
    changes nothing, so reading stock is enough."""
    try:
        scanned = read_scan(body.barcode)
    except InvalidDocument as exc:
        return validation_error(exc.problems)
    async with uow:
        sku = await uow.forms.sku_of_gtin(scanned.gtin)
    if sku is None:
        return validation_error(
            [("barcode", f"GTIN {scanned.gtin} belongs to no item (商品条码未登记)")]
        )
    return ScannedLine(
        gtin=scanned.gtin,
        sku=sku,
        location=body.location,
        quantity=scanned.quantity or Decimal(1),
        lot=scanned.lot,
        expiry_date=scanned.expiry_date,
    )
