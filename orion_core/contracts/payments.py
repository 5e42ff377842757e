"""Payments: taking a customer's money for a reference (an order), and the gateways that do it.

Two things are written here, both in plain dataclasses and ``Decimal`` money (never float):

1. **The contract other modules call**, ``PAYMENTS``: orders starts a payment at checkout,
   asks its status, captures it, refunds (part of) it, or cancels it. Provided by the payments
   module (``payments_provider``); callers use ``provider_for(PAYMENTS, request.modules)`` and
   never import the module. A payment is named by the caller's ``reference`` (an order number),
   unique per vendor, always with the vendor that is paid.
2. **The gateway protocol** (``PaymentGateway``) that each payment provider's adapter
   implements inside the payments module (``manual``, ``stripe``, ``paypal``): authorize,
   capture, refund, and parse-and-verify a webhook. Orders never sees a gateway.

Fallback, when no enabled module takes payments: **payments unavailable**. ``method`` answers
None (the checkout offers no payment step), ``start_payment`` raises ``PaymentsUnavailable``
with a message a person can read, ``status`` answers None (no payment is known), and
``capture``, ``refund`` and ``cancel`` raise ``PaymentsUnavailable``. Nothing is stored and no
event is sent.

Rules a provider keeps:

- Money is ``Decimal`` with at most two decimal places and an ISO 4217 ``currency``; an amount
  that is not positive, or has more places, is refused with ``PaymentError`` (nothing stored).
- ``payer`` says who pays: ``"customer"`` (the default: a customer pays the vendor for an order)
  or ``"vendor"`` (the vendor pays the platform, e.g. billing's invoices). A provider keeps
  the vendor's own payments out of the vendor's sales (its lists, figures and refunds).
- ``start_payment`` with a reference already started for the vendor returns that payment's
  next action again (a retried checkout never charges twice); a different amount or currency
  for the same reference is refused with ``PaymentError``. A payment that *failed* is started
  again under the same reference (a new attempt, in its history).
- Payment states (``PaymentState``): pending → authorized → captured → partially_refunded →
  refunded, and pending/authorized → failed. A transition not on that graph is refused with
  ``IllegalTransition`` and changes nothing; a webhook that arrives late never moves a payment
  backwards.
- ``refund`` never returns more than was captured: beyond it, ``RefundExceedsCaptured`` and
  nothing changes.
- Calls join the caller's transaction: if it rolls back, so does what they stored (a gateway
  call already made cannot be rolled back; its webhook later finds the payment by its id).
- Facts are domain events (``orion_core.domain_events``), sent after commit:
  ``payment_captured`` (the money is the vendor's: orders marks the order paid),
  ``payment_refunded`` and ``payment_failed``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol, runtime_checkable

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from orion_core.contracts import Contract

# --- states and errors -------------------------------------------------------------------------


class PaymentState(enum.StrEnum):
    """Where a payment is. Stored as these values; pages show a translated label."""

    PENDING = "pending"  # started: the customer has not paid yet (or a bank transfer is due)
    AUTHORIZED = "authorized"  # the money is held for the vendor, not taken yet
    CAPTURED = "captured"  # the money is taken
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"  # everything captured went back
    FAILED = "failed"  # declined, abandoned or cancelled before capture

    @property
    def label(self) -> str:
        """The state in the reader's language."""
        return str(_STATE_LABELS[self])


_STATE_LABELS = {
    PaymentState.PENDING: pgettext_lazy("payment state", "pending"),
    PaymentState.AUTHORIZED: pgettext_lazy("payment state", "authorized"),
    PaymentState.CAPTURED: pgettext_lazy("payment state", "captured"),
    PaymentState.PARTIALLY_REFUNDED: pgettext_lazy("payment state", "partially refunded"),
    PaymentState.REFUNDED: pgettext_lazy("payment state", "refunded"),
    PaymentState.FAILED: pgettext_lazy("payment state", "failed"),
}


class PaymentError(Exception):
    """A payment operation was refused; ``str()`` is a sentence a person can read. Nothing was
    stored. ``field`` names the input at fault when there is one (``amount``, ``currency``)."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PaymentsUnavailable(PaymentError):
    """No enabled module takes payments on this platform (the fallback answers)."""


class UnknownPayment(PaymentError):
    """No payment with this reference for this vendor."""


class IllegalTransition(PaymentError):
    """The payment cannot go from its state to the one asked (captured twice, refunded before
    capture, a failed payment captured)."""


class RefundExceedsCaptured(PaymentError):
    """A refund asked for more than what was captured and not yet refunded."""


class GatewayError(PaymentError):
    """The payment provider refused or could not be reached; nothing changed on our side."""


class InvalidSignature(Exception):  # noqa: N818 - the answer, as a sentence
    """A webhook's body does not carry the provider's valid signature: it is ignored (400)."""


CUSTOMER_PAYS = "customer"  # a customer pays the vendor (an order)
VENDOR_PAYS = "vendor"  # the vendor pays the platform (an invoice)


# --- what orders asks --------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentMethod:
    """How a platform takes payments, for the checkout page: the gateway's code, a label for
    the customer, and the instructions of a manual payment (bank details), if any."""

    gateway: str
    label: str
    instructions: str = ""


@dataclass(frozen=True)
class NextAction:
    """What the customer must do after ``start_payment``.

    - ``redirect``: send the customer to ``redirect_url`` (the provider's payment page); they
      come back to the caller's ``return_url``, and the outcome arrives by webhook.
    - ``instructions``: nothing to do online; show ``instructions`` (pay by bank transfer to …,
      pay on delivery). The vendor confirms the payment when the money arrives.
    - ``none``: the payment is already authorized or captured (nothing for the customer to do).
    """

    kind: str  # "redirect" | "instructions" | "none"
    reference: str
    state: PaymentState
    redirect_url: str = ""
    instructions: str = ""


@dataclass(frozen=True)
class PaymentStatus:
    """A payment as the caller sees it: its state and its money (all ``Decimal``)."""

    reference: str
    state: PaymentState
    gateway: str
    amount: Decimal
    currency: str
    captured: Decimal
    refunded: Decimal

    @property
    def is_paid(self) -> bool:
        """Money was taken (even if part of it went back since)."""
        return self.captured > 0

    @property
    def refundable(self) -> Decimal:
        return self.captured - self.refunded


@runtime_checkable
class PaymentsProvider(Protocol):
    def method(self, platform_id: int) -> PaymentMethod | None:
        """How the platform takes payments, or None when it does not."""

    def start_payment(
        self,
        platform_id: int,
        vendor_id: int,
        reference: str,
        amount: Decimal,
        currency: str,
        *,
        customer_email: str,
        return_url: str,
        payer: str = CUSTOMER_PAYS,
    ) -> NextAction:
        """Start taking ``amount`` for ``reference`` through the platform's gateway."""

    def status(self, vendor_id: int, reference: str) -> PaymentStatus | None:
        """The payment of ``reference``, or None when none was started."""

    def capture(
        self, vendor_id: int, reference: str, *, amount: Decimal | None = None, user: Any = None
    ) -> PaymentStatus:
        """Take the authorized money (all of it by default). For a manual payment this is the
        vendor confirming that the money arrived (pending → captured)."""

    def refund(
        self, vendor_id: int, reference: str, amount: Decimal, *, reason: str = "", user: Any = None
    ) -> PaymentStatus:
        """Give back ``amount`` of what was captured (or raise ``RefundExceedsCaptured``)."""

    def cancel(self, vendor_id: int, reference: str, *, user: Any = None) -> PaymentStatus | None:
        """Give up a payment not captured yet (→ failed); None when there is none. A captured
        payment is refused with ``IllegalTransition``: refund it instead."""


class NoPayments:
    """The fallback: nothing takes payments, so none can be started (see the module docstring)."""

    def _unavailable(self) -> PaymentsUnavailable:
        return PaymentsUnavailable(_("Payments are not available on this platform."))

    def method(self, platform_id: int) -> PaymentMethod | None:
        return None

    def start_payment(
        self,
        platform_id: int,
        vendor_id: int,
        reference: str,
        amount: Decimal,
        currency: str,
        *,
        customer_email: str,
        return_url: str,
        payer: str = CUSTOMER_PAYS,
    ) -> NextAction:
        raise self._unavailable()

    def status(self, vendor_id: int, reference: str) -> PaymentStatus | None:
        return None

    def capture(
        self, vendor_id: int, reference: str, *, amount: Decimal | None = None, user: Any = None
    ) -> PaymentStatus:
        raise self._unavailable()

    def refund(
        self, vendor_id: int, reference: str, amount: Decimal, *, reason: str = "", user: Any = None
    ) -> PaymentStatus:
        raise self._unavailable()

    def cancel(self, vendor_id: int, reference: str, *, user: Any = None) -> PaymentStatus | None:
        raise self._unavailable()


PAYMENTS: Contract[PaymentsProvider] = Contract(
    name="payments",
    protocol=PaymentsProvider,
    fallback=NoPayments(),
    description="Starting, capturing and refunding the payment of an order.",
)


# --- what a gateway adapter implements (inside the payments module) ----------------------------


@dataclass(frozen=True)
class GatewaySettings:
    """A platform's settings for its gateway (from the payments module config, secrets
    revealed). ``webhook_secret`` is Stripe's signing secret or PayPal's webhook id."""

    api_key: str = ""
    client_id: str = ""
    webhook_secret: str = ""
    sandbox: bool = True
    capture_automatically: bool = True
    instructions: str = ""


@dataclass(frozen=True)
class AuthorizeRequest:
    """Everything a gateway needs to start taking ``amount`` for ``reference``."""

    reference: str
    amount: Decimal
    currency: str
    customer_email: str
    return_url: str
    capture: bool  # take the money at once (True) or only hold it (False)
    description: str = ""
    vendor_id: int | None = None  # given to the provider as metadata; webhooks echo it


@dataclass(frozen=True)
class GatewayPayment:
    """A payment as a gateway knows it: its id there, and its money."""

    reference: str
    external_id: str
    amount: Decimal
    currency: str
    captured: Decimal = Decimal("0")


@dataclass(frozen=True)
class GatewayResult:
    """What a gateway answered: the state it puts the payment in (for a refund: ``refunded``
    once the money went back), its id there (or the refund's, for a refund), and the
    customer's next step for ``authorize``."""

    state: PaymentState
    external_id: str = ""
    redirect_url: str = ""
    instructions: str = ""
    amount: Decimal | None = None  # the amount the operation moved, when the gateway says
    message: str = ""  # why it failed, for the history


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook, parsed.

    ``event_id`` is the provider's id of the event (replays carry the same one); ``kind`` is
    what happened, as a ``PaymentState`` the event moves the payment to, or None for an event
    type this gateway does not act on (logged and ignored). ``external_id`` and/or
    ``reference`` find the payment; ``amount`` is what the event moved (the captured amount,
    the refunded total)."""

    event_id: str
    event_type: str
    kind: PaymentState | None
    external_id: str = ""
    reference: str = ""
    vendor_id: int | None = None  # from the metadata we gave the provider, when it echoes it
    amount: Decimal | None = None
    currency: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)


@runtime_checkable
class PaymentGateway(Protocol):
    """One payment provider. Adapters are built per call with the platform's settings
    (``factory(settings) -> PaymentGateway``) and hold no state between calls. Every method
    but ``parse_webhook`` raises ``GatewayError`` when the provider refuses or is out of
    reach; a declined payment is a result in state ``failed``, not an error."""

    code: str

    def authorize(self, request: AuthorizeRequest) -> GatewayResult:
        """Start the payment at the provider: a redirect, instructions, or a final state."""

    def capture(self, payment: GatewayPayment, amount: Decimal) -> GatewayResult:
        """Take ``amount`` of the authorized payment."""

    def refund(self, payment: GatewayPayment, amount: Decimal, *, key: str) -> GatewayResult:
        """Give back ``amount``; ``key`` is an idempotency key (a retry never refunds twice)."""

    def void(self, payment: GatewayPayment) -> GatewayResult:
        """Give up a payment not captured (release the hold, expire the payment page)."""

    def parse_webhook(self, body: bytes, headers: Mapping[str, str]) -> WebhookEvent:
        """Verify the signature on the raw ``body`` (else ``InvalidSignature``) and parse it."""
