"""Every table, one module per domain; importing this package registers them all."""

from manamitra.store.models.alerts import (
    AlertCampaign,
    AlertRecipient,
    AlertSubscription,
    AlertSubscriptionChange,
    AlertTemplate,
    ConsumerLink,
)
from manamitra.store.models.applications import Application, ApplicationCounter
from manamitra.store.models.bookings import Booking, BookingPool, BookingSeat
from manamitra.store.models.console import AuditEntry, ConsoleSession, Officer, SigninFailures
from manamitra.store.models.departments import DepartmentHealthShare, DepartmentWait
from manamitra.store.models.events import DomainEvent
from manamitra.store.models.grievances import ApplicationCase, CaseEvent, Grievance, Office
from manamitra.store.models.payments import (
    DepartmentPayment,
    GatewayEvent,
    LedgerEntry,
    PaymentOrder,
)
from manamitra.store.models.pipeline import (
    Conversation,
    InboundMessage,
    MediaBlob,
    OutboundMessage,
    PlatformProcess,
)
from manamitra.store.models.profile import ProfileConsent, ProfileCorrection, ServiceRating
from manamitra.store.models.speech import SpeechJob
from manamitra.store.models.switches import ServiceSpecVersion, ServiceSwitch
from manamitra.store.models.trust import (
    IssuedDocument,
    LogCheckpoint,
    LogEntry,
    LogHead,
    LogNode,
)

__all__ = [
    "AlertCampaign",
    "AlertRecipient",
    "AlertSubscription",
    "AlertSubscriptionChange",
    "AlertTemplate",
    "Application",
    "ApplicationCase",
    "ApplicationCounter",
    "AuditEntry",
    "Booking",
    "BookingPool",
    "BookingSeat",
    "CaseEvent",
    "ConsoleSession",
    "ConsumerLink",
    "Conversation",
    "DepartmentHealthShare",
    "DepartmentPayment",
    "DepartmentWait",
    "DomainEvent",
    "GatewayEvent",
    "Grievance",
    "InboundMessage",
    "IssuedDocument",
    "LedgerEntry",
    "LogCheckpoint",
    "LogEntry",
    "LogHead",
    "LogNode",
    "MediaBlob",
    "Office",
    "Officer",
    "OutboundMessage",
    "PaymentOrder",
    "PlatformProcess",
    "ProfileConsent",
    "ProfileCorrection",
    "ServiceRating",
    "ServiceSpecVersion",
    "ServiceSwitch",
    "SigninFailures",
    "SpeechJob",
]
