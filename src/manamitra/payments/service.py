"""The payments area's long-lived object (the platform's `payments` part): the gateway adapter,
how bills are presented, and the hooks that fulfil an order once its money is confirmed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

from manamitra.payments.gateway import PaymentGateway


class PaymentsConfig(BaseSettings):
    """MM_PAYMENTS_* settings; the defaults run the sandbox gateway."""

    model_config = SettingsConfigDict(env_prefix="MM_PAYMENTS_", extra="ignore")

    gateway: Literal["sandbox", "rest"] = "sandbox"
    gateway_name: str = "rest"
    gateway_url: str | None = None
    gateway_key_id: str = ""
    gateway_key_secret: str = ""
    checkout: Literal["order_details", "link"] = "order_details"
    payment_configuration: str = "manamitra-upi"
    webhook_secret: str = "demo-gateway-webhook-secret"
    hold_minutes: int = 10


@dataclass
class Payments:
    gateway: PaymentGateway
    public_url: str
    checkout: str = "order_details"
    payment_configuration: str = "manamitra-upi"
    hold_minutes: int = 10
    notify: Callable[[], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def wake_sender(self) -> None:
        if self.notify is not None:
            self.notify()
