"""The sandbox gateway's routes: the checkout page a tester pays on, `POST /sandbox/api/pay`
(tests and bars), the chaos switch for webhooks, and the signed webhook delivery itself."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import httpx
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, Field

from manamitra import clock
from manamitra.errors import NotFoundError, PayloadError
from manamitra.payments.gateway import GatewayPayment
from manamitra.sandbox.gateway import Chaos, SandboxGateway
from manamitra.sandbox.payload import new_wamid

log = logging.getLogger(__name__)
_templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


class PayIn(BaseModel):
    order_id: str = Field(min_length=1, max_length=35)
    outcome: Literal["success", "failure"] = "success"
    method: str = "upi"
    whatsapp: bool = True  # also send Meta's payment status webhook through the emulator
    gateway_webhooks: bool = True  # the gateway's own signed webhooks


class ChaosIn(BaseModel):
    duplicates: int = Field(default=0, ge=0, le=5)
    delay_seconds: float = Field(default=0.0, ge=0, le=600)
    out_of_order: bool = False


class GatewayWebhooks:
    """Sends a payment's events to the platform's webhook, misbehaving as `chaos` says; and,
    as Meta does for an order paid in WhatsApp, a payment status through the Graph emulator
    (`emulator` returns it once the sandbox is mounted)."""

    def __init__(
        self,
        gateway: SandboxGateway,
        url: str,
        transport: httpx.AsyncBaseTransport | None = None,
        emulator: Callable[[], Any] | None = None,
    ) -> None:
        self.gateway = gateway
        self.url = url
        self.transport = transport
        self.emulator = emulator
        self._late: set[asyncio.Task[None]] = set()

    async def whatsapp_status(self, payment: GatewayPayment) -> bool:
        """The `statuses[].type == "payment"` webhook Meta sends for an `order_details` bill."""
        emulator = self.emulator() if self.emulator is not None else None
        citizen = self.gateway.citizen_of(payment.receipt)
        if emulator is None or not citizen:
            return False
        business = emulator.business
        captured = payment.status == "captured"
        moment = int(clock.now().timestamp())
        entry = {
            "id": new_wamid(citizen),
            "status": "captured" if captured else "failed",
            "type": "payment",
            "timestamp": str(moment),
            "recipient_id": citizen,
            "payment": {
                "reference_id": payment.receipt,
                "amount": {"value": payment.amount_paise, "offset": 100},
                "currency": "INR",
                "transaction": {
                    "id": payment.id,
                    "type": "sandbox",
                    "status": "success" if captured else "failed",
                    "created_timestamp": moment,
                    "updated_timestamp": moment,
                    "method": {"type": payment.method},
                },
            },
        }
        metadata = {
            "display_phone_number": business.display_number,
            "phone_number_id": business.phone_number_id,
        }
        value = {"messaging_product": "whatsapp", "metadata": metadata, "statuses": [entry]}
        body = {
            "object": "whatsapp_business_account",
            "entry": [
                {"id": business.account_id, "changes": [{"field": "messages", "value": value}]}
            ],
        }
        return bool(await emulator.delivery.deliver_with_retries(body))

    async def send(self, events: list[tuple[str, bytes]]) -> list[int]:
        delay = self.gateway.chaos.delay_seconds
        if delay > 0:
            task = asyncio.create_task(self._later(delay, events))
            self._late.add(task)
            task.add_done_callback(self._late.discard)
            return []
        return await self._post_all(events)

    async def _later(self, delay: float, events: list[tuple[str, bytes]]) -> None:
        await asyncio.sleep(delay)
        await self._post_all(events)

    async def _post_all(self, events: list[tuple[str, bytes]]) -> list[int]:
        codes: list[int] = []
        async with httpx.AsyncClient(transport=self.transport, timeout=30) as client:
            for event_id, body in events:
                try:
                    response = await client.post(
                        self.url, content=body, headers=self.gateway.signed(event_id, body)
                    )
                    codes.append(response.status_code)
                except httpx.HTTPError:
                    log.warning("sandbox gateway webhook not delivered", extra={"event": event_id})
                    codes.append(0)
        return codes

    async def drain(self) -> None:
        if self._late:
            await asyncio.gather(*list(self._late), return_exceptions=True)


def build_gateway_router(gateway: SandboxGateway, webhooks: GatewayWebhooks) -> APIRouter:
    router = APIRouter(tags=["sandbox"])

    @router.post("/sandbox/api/pay")
    async def pay(body: PayIn) -> dict[str, Any]:
        try:
            payment, events = gateway.pay(body.order_id, body.outcome, body.method)
        except NotFoundError as exc:
            raise HTTPException(404, "no such order") from exc
        except PayloadError as exc:
            raise HTTPException(400, str(exc)) from exc
        codes = await webhooks.send(events) if body.gateway_webhooks else []
        if body.whatsapp:
            await webhooks.whatsapp_status(payment)
        return {
            "order_id": body.order_id,
            "payment_id": payment.id,
            "status": payment.status,
            "webhooks": codes,
        }

    @router.get("/sandbox/api/gateway/chaos")
    async def get_chaos() -> dict[str, Any]:
        chaos = gateway.chaos
        return {
            "duplicates": chaos.duplicates,
            "delay_seconds": chaos.delay_seconds,
            "out_of_order": chaos.out_of_order,
        }

    @router.post("/sandbox/api/gateway/chaos")
    async def set_chaos(body: ChaosIn) -> dict[str, Any]:
        gateway.chaos = Chaos(body.duplicates, body.delay_seconds, body.out_of_order)
        return body.model_dump()

    @router.get(
        "/sandbox/gateway/checkout/{order_id}", response_class=HTMLResponse, include_in_schema=False
    )
    async def checkout(request: Request, order_id: str) -> HTMLResponse:
        order = gateway.order(order_id)
        if order is None:
            raise HTTPException(404, "no such order")
        whole, part = divmod(order.amount_paise, 100)
        return _templates.TemplateResponse(
            request,
            "gateway_checkout.html",
            {"order_id": order.receipt, "amount": f"₹{whole:,}.{part:02d}", "status": order.status},
        )

    return router
