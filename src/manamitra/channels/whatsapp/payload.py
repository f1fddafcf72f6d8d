"""Pydantic models of the Cloud API webhook body, as Meta sends it.

Every model allows extra fields: Meta adds fields without notice (business-scoped user ids,
pricing, referral data…), and an unknown field must never turn a citizen's message into a 400.
Only the fields the platform reads are declared; the per-type message bodies stay optional so
that a new message type still parses and is answered as "unsupported".
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class Metadata(_Model):
    display_phone_number: str | None = None
    phone_number_id: str


class Profile(_Model):
    name: str | None = None


class Contact(_Model):
    wa_id: str | None = None
    user_id: str | None = None
    profile: Profile | None = None


class Context(_Model):
    id: str | None = None
    from_: str | None = Field(default=None, alias="from")


class TextBody(_Model):
    body: str


class Reply(_Model):
    id: str
    title: str | None = None
    description: str | None = None


class FlowReply(_Model):
    name: str | None = None
    body: str | None = None
    response_json: str


class Interactive(_Model):
    type: str
    button_reply: Reply | None = None
    list_reply: Reply | None = None
    nfm_reply: FlowReply | None = None


class QuickReply(_Model):
    payload: str | None = None
    text: str | None = None


class MediaBody(_Model):
    id: str
    mime_type: str
    sha256: str | None = None
    caption: str | None = None
    filename: str | None = None
    voice: bool = False
    animated: bool | None = None
    file_size: int | None = None


class LocationBody(_Model):
    latitude: float
    longitude: float
    name: str | None = None
    address: str | None = None
    url: str | None = None


class ContactName(_Model):
    formatted_name: str | None = None
    first_name: str | None = None
    last_name: str | None = None


class ContactPhone(_Model):
    phone: str | None = None
    wa_id: str | None = None
    type: str | None = None


class ContactCard(_Model):
    name: ContactName | None = None
    phones: list[ContactPhone] = Field(default_factory=list)


class ReactionBody(_Model):
    message_id: str
    emoji: str | None = None


class ProductItem(_Model):
    product_retailer_id: str
    quantity: int
    item_price: float | None = None
    currency: str | None = None


class OrderBody(_Model):
    catalog_id: str | None = None
    text: str | None = None
    product_items: list[ProductItem] = Field(default_factory=list)


class SystemBody(_Model):
    body: str | None = None
    type: str | None = None
    wa_id: str | None = None
    new_wa_id: str | None = None


class ErrorData(_Model):
    details: str | None = None


class ErrorItem(_Model):
    code: int
    title: str | None = None
    message: str | None = None
    error_data: ErrorData | None = None


class UnsupportedBody(_Model):
    type: str | None = None


class Message(_Model):
    from_: str = Field(alias="from")
    id: str
    timestamp: str
    type: str
    context: Context | None = None
    text: TextBody | None = None
    interactive: Interactive | None = None
    button: QuickReply | None = None
    image: MediaBody | None = None
    document: MediaBody | None = None
    audio: MediaBody | None = None
    video: MediaBody | None = None
    sticker: MediaBody | None = None
    location: LocationBody | None = None
    contacts: list[ContactCard] | None = None
    reaction: ReactionBody | None = None
    order: OrderBody | None = None
    system: SystemBody | None = None
    unsupported: UnsupportedBody | None = None
    errors: list[ErrorItem] = Field(default_factory=list)


class Amount(_Model):
    value: int
    offset: int = 100


class Transaction(_Model):
    id: str | None = None
    type: str | None = None
    status: str | None = None
    created_timestamp: int | None = None
    updated_timestamp: int | None = None
    method: dict[str, Any] | None = None
    error: dict[str, Any] | None = None


class Payment(_Model):
    reference_id: str
    amount: Amount | None = None
    currency: str | None = None
    transaction: Transaction | None = None
    receipt: str | None = None


class Status(_Model):
    id: str
    status: str
    timestamp: str
    recipient_id: str | None = None
    type: str | None = None
    payment: Payment | None = None
    errors: list[ErrorItem] = Field(default_factory=list)


class ChangeValue(_Model):
    messaging_product: str | None = None
    metadata: Metadata
    contacts: list[Contact] = Field(default_factory=list)
    messages: list[Message] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    errors: list[ErrorItem] = Field(default_factory=list)


class Change(_Model):
    field: str
    # Validated in the same pass as the envelope (one Rust-side parse of the raw bytes);
    # changes of other fields keep their own shapes and stay plain dicts.
    value: ChangeValue | dict[str, Any]


class Entry(_Model):
    id: str | None = None
    changes: list[Change] = Field(default_factory=list)


class WebhookBody(_Model):
    object: str
    entry: list[Entry]
