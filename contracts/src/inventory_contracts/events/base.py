"""The base of every event model, and the field types the events share.

Decimals (quantities, costs, amounts) are read from JSON numbers or numeric strings, so a
hand-written `"quantity": 5` works, and are always written as fixed-point JSON strings
(`"5"`, `"12.50"`), because a JSON number is a binary float for most consumers and money must
not drift. They carry at most 28 significant digits and 12 decimal places, and never NaN or
infinity.
"""

from __future__ import annotations

import re
from abc import abstractmethod
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    WithJsonSchema,
)

EVENT_TYPE_PATTERN = re.compile(r"^inventory(\.[a-z]+(-[a-z]+)*){2}\.v[1-9][0-9]*$")
"""`inventory.<entity>.<past-tense verb>.v<N>`, e.g. `inventory.order.placed.v1`."""


def _plain_decimal(value: Decimal) -> str:
    # Fixed-point, never "1E+2": every reader (and our JSON Schema pattern) understands it.
    return format(value, "f")


def _decimal_json_schema(number: dict[str, Any], signed: bool) -> WithJsonSchema:
    sign = "[+-]?" if signed else r"\+?"
    pattern = rf"^{sign}(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
    return WithJsonSchema(
        {"anyOf": [{"type": "number", **number}, {"type": "string", "pattern": pattern}]},
        mode="validation",
    )


_AS_STRING = PlainSerializer(_plain_decimal, return_type=str, when_used="json")

SignedDecimal = Annotated[
    Decimal,
    Field(max_digits=28, decimal_places=12, allow_inf_nan=False),
    _AS_STRING,
    _decimal_json_schema({}, signed=True),
]
PositiveDecimal = Annotated[
    Decimal,
    Field(gt=0, max_digits=28, decimal_places=12, allow_inf_nan=False),
    _AS_STRING,
    _decimal_json_schema({"exclusiveMinimum": 0}, signed=False),
]
NonNegativeDecimal = Annotated[
    Decimal,
    Field(ge=0, max_digits=28, decimal_places=12, allow_inf_nan=False),
    _AS_STRING,
    _decimal_json_schema({"minimum": 0}, signed=False),
]

Quantity = SignedDecimal
"""A quantity in the item's unit of measure that may be negative (a delta, or negative stock)."""
PositiveQuantity = PositiveDecimal
NonNegativeQuantity = NonNegativeDecimal
Money = NonNegativeDecimal
"""A unit cost or an amount, in the `currency` field next to it."""
SignedMoney = SignedDecimal

Identifier = Annotated[str, StringConstraints(min_length=1)]
Sku = Annotated[str, StringConstraints(min_length=1), Field(description="Item code (SKU).")]
LocationCode = Annotated[
    str, StringConstraints(min_length=1), Field(description="Stock location (warehouse) code.")
]
Currency = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    Field(description="ISO 4217 currency code of the money fields next to it."),
]
DEFAULT_CURRENCY = "CNY"

_INT32_MAX = 2**31 - 1
Int32 = Annotated[int, Field(ge=-_INT32_MAX - 1, le=_INT32_MAX)]
PositiveInt32 = Annotated[int, Field(gt=0, le=_INT32_MAX)]
NonNegativeInt32 = Annotated[int, Field(ge=0, le=_INT32_MAX)]


def stock_point_key(sku: str, location: str) -> str:
    """Kafka key of events about one SKU at one location: "sku@location"."""
    return f"{sku}@{location}"


class ContractModel(BaseModel):
    """Base of every model in the contracts: immutable, and unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Event(ContractModel):
    """A fact that happened, published on Kafka as the `data` of a CloudEvent.

    A concrete event sets the class attributes `event_type` (the CloudEvent `type`) and `topic`,
    and `key()` gives its Kafka partition key: events with the same key keep their order.
    """

    event_type: ClassVar[str]
    topic: ClassVar[str]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if "event_type" in vars(cls):
            if not EVENT_TYPE_PATTERN.match(cls.event_type):
                raise TypeError(f"{cls.__name__}: malformed event_type {cls.event_type!r}")
            if not isinstance(getattr(cls, "topic", None), str):
                raise TypeError(f"{cls.__name__}: event_type without a topic")

    @abstractmethod
    def key(self) -> str:
        """Kafka partition key of this event."""


class OrderEvent(Event):
    """An event about one customer order; keyed by `order_id`."""

    order_id: Identifier = Field(description="Order id in the CRM/ERP that placed it.")

    def key(self) -> str:
        """The `order_id`."""
        return self.order_id


class StockPointEvent(Event):
    """An event about one SKU at one location; keyed by "sku@location"."""

    sku: Sku
    location: LocationCode

    def key(self) -> str:
        """The string "sku@location"."""
        return stock_point_key(self.sku, self.location)
