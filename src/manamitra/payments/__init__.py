"""Money in integer paise: gateway adapters, orders, the append-only ledger, confirmation,
refunds, receipts and reconciliation."""

from manamitra.payments.gateway import GatewayError, PaymentGateway
from manamitra.payments.service import Payments, PaymentsConfig

__all__ = ["GatewayError", "PaymentGateway", "Payments", "PaymentsConfig"]
