"""Form definitions (versioned) and the GTIN -> SKU table, in the unit of work's session."""

from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from stock_ledger.adapters.tables import form_definitions, item_gtins, items
from stock_ledger.domain.forms import FieldDefinition, FormDefinition


def _field_json(definition: FieldDefinition) -> dict[str, Any]:
    data = asdict(definition)
    for bound in ("minimum", "maximum"):
        if data[bound] is not None:
            data[bound] = str(data[bound])
    data["choices"] = list(definition.choices)
    return data


def _field(data: dict[str, Any]) -> FieldDefinition:
    return FieldDefinition(
        name=data["name"],
        type=data["type"],
        label_en=data["label_en"],
        label_zh=data["label_zh"],
        required=data.get("required", False),
        minimum=None if data.get("minimum") is None else Decimal(data["minimum"]),
        maximum=None if data.get("maximum") is None else Decimal(data["maximum"]),
        pattern=data.get("pattern"),
        choices=tuple(data.get("choices") or ()),
    )


class SqlFormRepository:
    """`FormRepository`, and the GTIN -> SKU table scanning reads."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def load_form(self, document_type: str, version: int | None = None) -> FormDefinition:
        """The given version, or the latest; version 0 (no extra fields) when none was saved."""
        query = select(form_definitions).where(form_definitions.c.document_type == document_type)
        if version is not None:
            query = query.where(form_definitions.c.version == version)
        row = (
            await self.session.execute(query.order_by(form_definitions.c.version.desc()).limit(1))
        ).one_or_none()
        if row is None:
            return FormDefinition(document_type, 0, ())
        return FormDefinition(document_type, row.version, tuple(_field(f) for f in row.fields))

    async def lock_form(self, document_type: str) -> FormDefinition:
        """The latest form of the type, with its saves held back until the transaction ends
        (so what an audit entry calls "before" is what the next version replaces)."""
        await self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(document_type))))
        return await self.load_form(document_type)

    async def save_form(
        self, document_type: str, fields: list[FieldDefinition], created_by: str
    ) -> FormDefinition:
        """Store `fields` as the next version of the document type's form."""
        # Serialize concurrent saves of one type's form: versions must not collide.
        await self.session.execute(select(func.pg_advisory_xact_lock(func.hashtext(document_type))))
        latest = (
            await self.session.execute(
                select(func.coalesce(func.max(form_definitions.c.version), 0)).where(
                    form_definitions.c.document_type == document_type
                )
            )
        ).scalar_one()
        version = latest + 1
        await self.session.execute(
            insert(form_definitions).values(
                document_type=document_type,
                version=version,
                fields=[_field_json(f) for f in fields],
                created_by=created_by,
            )
        )
        return FormDefinition(document_type, version, tuple(fields))

    async def set_gtin(self, gtin: str, sku: str) -> bool:
        """Map `gtin` to `sku`; False when the SKU is unknown."""
        known = (await self.session.execute(select(items.c.sku).where(items.c.sku == sku))).first()
        if known is None:
            return False
        statement = insert(item_gtins).values(gtin=gtin, sku=sku)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["gtin"], set_={"sku": sku, "updated_at": func.now()}
            )
        )
        return True

    async def sku_of_gtin(self, gtin: str, *, lock: bool = False) -> str | None:
        query = select(item_gtins.c.sku).where(item_gtins.c.gtin == gtin)
        if lock:
            query = query.with_for_update()
        return (await self.session.execute(query)).scalar_one_or_none()
