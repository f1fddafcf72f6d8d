"""Payment routes: the checkout page link a citizen opens, and the gateways' signed webhooks.

GET  /pay/{order_id}                 → the gateway's checkout page for the order (302)
POST /webhooks/payments/{gateway}    unsigned 401, badly signed or stale 403, bad body 400,
                                     a replayed event id 200 (no-op), else processed, 200
"""

from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse

from manamitra.errors import PayloadError, SignatureError
from manamitra.parts import Parts
from manamitra.payments.orders import find_order
from manamitra.payments.service import Payments
from manamitra.payments.signature import SignatureMissingError
from manamitra.payments.webhook import process_event
from manamitra.store import Database

log = logging.getLogger(__name__)
MAX_BODY = 256 * 1024


def build_payments_router(payments: Payments, database: Database, parts: Parts) -> APIRouter:
    router = APIRouter(tags=["payments"])

    @router.get("/pay/{order_id}", include_in_schema=False)
    def checkout(order_id: str) -> RedirectResponse:
        with database.unit_of_work() as db:
            order = find_order(db, order_id)
            if order is None:
                raise HTTPException(404, "no such order")
            description = order.title.get("en", order.service_id)
            amount = order.amount_paise
        url = payments.gateway.payment_link(
            receipt=order_id, amount_paise=amount, description=description
        )
        return RedirectResponse(url, status_code=302)

    @router.post("/webhooks/payments/{gateway}")
    async def webhook(gateway: str, request: Request) -> JSONResponse:
        if gateway != payments.gateway.name:
            return JSONResponse({"error": "unknown gateway"}, status_code=404)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": "body too large"}, status_code=413)
        try:
            event = payments.gateway.verify_webhook(body, request.headers)
        except SignatureMissingError:
            return JSONResponse({"error": "signature missing"}, status_code=401)
        except SignatureError:
            log.warning("gateway webhook refused: bad or stale signature")
            return JSONResponse({"error": "signature invalid"}, status_code=403)
        except PayloadError:
            log.warning("gateway webhook refused: unparseable body")
            return JSONResponse({"error": "bad body"}, status_code=400)
        result = await asyncio.to_thread(process_event, database, payments, parts, event)
        return JSONResponse({"status": result})

    return router
