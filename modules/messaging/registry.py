"""The notification types messaging knows: what each one tells, to whom, on which channels by
default, and the variables its e-mail templates may use.

A type is data (``NotificationType``), registered once at import time with ``register``. Its
``kind`` is the code stored on every notification and named by senders (the notifications
contract's ``Notification.kind``, e.g. ``"orders.confirmation"``). Its ``subject`` and ``body``
are the platform defaults: Jinja source in gettext strings, so each language has its own default
(translators keep the ``{{ … }}`` placeholders as they are). A vendor may replace them per
language (``EmailTemplate``); either way the template sees only ``variables`` (documented here,
offered in the editor and checked when a template is saved) plus ``COMMON_VARIABLES``.

Audiences say who a type reaches when messaging itself decides (a domain event):

- ``TEAM``: the vendor's active team members whose role holds ``permission`` on the platform
  (every member if it names none);
- ``CUSTOMER``: the e-mail address the sender gives (a customer of the shop);
- ``STAFF``: the platform's staff users;
- ``PARTICIPANTS``: the other side of a conversation.

A kind nobody registered (a module telling something new through the contract) is still
delivered, with the sender's own subject and body (``fallback_type``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

TEAM, CUSTOMER, STAFF, PARTICIPANTS = "team", "customer", "staff", "participants"
IN_APP, EMAIL = "in_app", "email"

# Offered to every template, whatever its type.
COMMON_VARIABLES: dict[str, Promise] = {
    "shop": _("The shop's name."),
    "platform": _("The platform's name."),
    "url": _("The link to what the notification is about (may be empty)."),
}


@dataclass(frozen=True)
class NotificationType:
    """One kind of notification.

    ``link`` names the page a notification leads to: a URL name and, for each of its
    arguments, the context variable holding the value (``vendor_code`` is filled in); None
    when there is none. ``optional`` types may be switched off by a user; others (a customer's
    order confirmation) are always sent. ``editable`` types have vendor templates; a type
    whose text the sender renders itself may still be editable, its variables being the
    sender's ``context``.
    """

    kind: str
    label: Promise | str
    audience: str
    subject: Promise | str
    body: Promise | str
    variables: dict[str, Promise | str] = field(default_factory=dict)
    channels: tuple[str, ...] = (IN_APP, EMAIL)
    permission: str = ""
    module: str = ""
    link: tuple[str, dict[str, str]] | None = None
    optional: bool = True
    editable: bool = True
    sample: dict[str, Any] = field(default_factory=dict)

    def all_variables(self) -> dict[str, Promise | str]:
        return {**COMMON_VARIABLES, **self.variables}

    def default_channel(self, channel: str) -> bool:
        return channel in self.channels


_TYPES: dict[str, NotificationType] = {}


def register(kind: NotificationType) -> NotificationType:
    if kind.kind in _TYPES:
        raise ValueError(f"Notification type {kind.kind!r} is registered twice.")
    _TYPES[kind.kind] = kind
    return kind


def get(kind: str) -> NotificationType | None:
    return _TYPES.get(kind)


def get_or_fallback(kind: str) -> NotificationType:
    return _TYPES.get(kind) or fallback_type(kind)


def all_types() -> list[NotificationType]:
    return sorted(_TYPES.values(), key=lambda t: t.kind)


def editable_types() -> list[NotificationType]:
    return [t for t in all_types() if t.editable]


def user_types() -> list[NotificationType]:
    """The types a user may receive and choose channels for (the preferences page)."""
    return [t for t in all_types() if t.optional and t.audience != CUSTOMER]


def fallback_type(kind: str) -> NotificationType:
    """An unregistered kind: the sender's own text, e-mail only, nothing to edit."""
    return NotificationType(
        kind=kind,
        label=kind,
        audience=CUSTOMER,
        subject="{{ subject }}",
        body="{{ body }}",
        channels=(EMAIL,),
        optional=False,
        editable=False,
    )


ORDER_LINES = _("The ordered lines: each has title, option, quantity and total.")

ORDER_PLACED = register(
    NotificationType(
        kind="orders.order_placed",
        label=_("New order"),
        audience=TEAM,
        permission="orders.view",
        module="orders",
        subject=_("New order {{ number }}"),
        body=_(
            "{{ email }} placed order {{ number }} at {{ shop }}: {{ total }} {{ currency }}.\n"
            "\n{{ url }}"
        ),
        variables={
            "number": _("The order number."),
            "total": _("The order's total."),
            "currency": _("The currency code, e.g. EUR."),
            "email": _("The customer's e-mail address."),
        },
        link=("orders:vendor-order", {"pk": "order_id"}),
        sample={"number": "ORD-000042", "total": "59.90", "currency": "EUR",
                "email": "ada@example.com", "order_id": 42},
    )
)  # fmt: skip

ORDER_PAID = register(
    NotificationType(
        kind="orders.order_paid",
        label=_("Order paid"),
        audience=TEAM,
        permission="orders.view",
        module="orders",
        subject=_("Order {{ number }} was paid"),
        body=_(
            "The payment of order {{ number }} ({{ total }} {{ currency }}) was confirmed: "
            "it can be shipped.\n\n{{ url }}"
        ),
        variables={
            "number": _("The order number."),
            "total": _("The order's total."),
            "currency": _("The currency code, e.g. EUR."),
        },
        link=("orders:vendor-order", {"pk": "order_id"}),
        sample={"number": "ORD-000042", "total": "59.90", "currency": "EUR", "order_id": 42},
    )
)

STOCK_LOW = register(
    NotificationType(
        kind="inventory.stock_low",
        label=_("Low stock"),
        audience=TEAM,
        permission="inventory.view",
        module="inventory",
        subject=_("Low stock: {{ sku }}"),
        body=_(
            "Only {{ available }} of {{ sku }} can still be sold at {{ shop }} (threshold: "
            "{{ threshold }}).\n\n{{ url }}"
        ),
        variables={
            "sku": _("The SKU of the variant."),
            "available": _("How many can still be sold."),
            "threshold": _("The low-stock threshold."),
        },
        link=("inventory:vendor-stock", {}),
        sample={"sku": "TEE-M", "available": 2, "threshold": 5},
    )
)

ORDER_CONFIRMATION = register(
    NotificationType(
        kind="orders.confirmation",
        label=_("Order confirmation (to the customer)"),
        audience=CUSTOMER,
        module="orders",
        channels=(EMAIL,),
        optional=False,
        subject=_("Your order {{ number }} at {{ shop }}"),
        body=_(
            "Hello {{ name }},\n\nthank you for your order {{ number }} at {{ shop }}.\n\n"
            "{% for line in lines %}{{ line.quantity }} × {{ line.title }}"
            "{% if line.option %} ({{ line.option }}){% endif %}: {{ line.total }} "
            "{{ currency }}\n{% endfor %}\nShipping: {{ shipping }} {{ currency }}\n"
            "Total: {{ total }} {{ currency }}\n"
        ),
        variables={
            "number": _("The order number."),
            "name": _("The customer's name."),
            "lines": ORDER_LINES,
            "shipping": _("The shipping cost."),
            "tax": _("The tax included or added."),
            "inclusive": _("Whether prices include tax (true or false)."),
            "total": _("The order's total."),
            "currency": _("The currency code, e.g. EUR."),
        },
        sample={"number": "ORD-000042", "name": "Ada Lovelace", "shipping": "4.90",
                "tax": "9.98", "inclusive": True, "total": "59.90", "currency": "EUR",
                "lines": [{"title": "T-shirt", "option": "M", "quantity": 2, "total": "55.00"}]},
    )
)  # fmt: skip

NEW_MESSAGE = register(
    NotificationType(
        kind="messaging.message",
        label=pgettext_lazy("messaging", "New message"),
        audience=PARTICIPANTS,
        permission="messaging.view",
        module="messaging",
        subject=_("New message: {{ subject }}"),
        body=_("{{ author }} wrote:\n\n{{ excerpt }}\n\nRead and answer: {{ url }}"),
        variables={
            "subject": _("The conversation's subject."),
            "author": _("Who wrote the message."),
            "excerpt": _("The beginning of the message."),
        },
        sample={"subject": "Where is my parcel?", "author": "Ada Lovelace",
                "excerpt": "Hello, I ordered a T-shirt last week…"},
    )
)  # fmt: skip

# --- billing: told through the notifications contract (billing never imports messaging) ------

INVOICE_DUE = register(
    NotificationType(
        kind="billing.invoice_due",
        label=_("Invoice due, and dunning reminders"),
        audience=TEAM,
        permission="billing.view",
        module="billing",
        # Dunning: nobody may switch off being told their subscription is about to end.
        optional=False,
        subject=_("{% if overdue %}Overdue: {% endif %}Invoice {{ number }} from {{ platform }}"),
        body=_(
            "{% if overdue %}Invoice {{ number }} of {{ total }} {{ currency }} for {{ shop }} "
            "was due on {{ due_date }} and is still unpaid.{% else %}Invoice {{ number }} of "
            "{{ total }} {{ currency }} for {{ shop }} is due on {{ due_date }}.{% endif %}"
            "{% if overdue and cancel_date %}\n\nIf it is still unpaid on {{ cancel_date }}, the "
            "subscription will be cancelled.{% endif %}\n\nSee and pay the invoice: {{ url }}"
        ),
        variables={
            "number": _("The invoice number."),
            "total": _("The invoice's total."),
            "currency": _("The currency code, e.g. EUR."),
            "due_date": _("The date the invoice is due."),
            "overdue": _("Whether the due date has passed (true for a reminder)."),
            "days_overdue": _("How many days the due date has passed (0 when it has not)."),
            "cancel_date": _(
                "The date the subscription is cancelled if still unpaid (may be empty)."
            ),
        },
        link=("billing:vendor-invoice", {"pk": "invoice_id"}),
        sample={"number": "INV-2026-000042", "total": "49.00", "currency": "EUR",
                "due_date": "15 March 2026", "overdue": True, "days_overdue": 7,
                "cancel_date": "29 March 2026", "invoice_id": 42},
    )
)  # fmt: skip

TRIAL_ENDING = register(
    NotificationType(
        kind="billing.trial_ending",
        label=_("Trial ending"),
        audience=TEAM,
        permission="billing.view",
        module="billing",
        subject=_("Your trial of {{ tier }} ends on {{ trial_end }}"),
        body=_(
            "The trial of {{ tier }} for {{ shop }} ends on {{ trial_end }}. After that, the "
            "plan costs {{ price }} {{ currency }} ({{ interval }}).\n\n"
            "Choose or change your plan: {{ url }}"
        ),
        variables={
            "tier": _("The plan's name."),
            "trial_end": _("The date the trial ends."),
            "price": _("The plan's price after the trial."),
            "currency": _("The currency code, e.g. EUR."),
            "interval": _("How often it is charged (monthly or yearly)."),
        },
        link=("billing:vendor-billing", {}),
        sample={"tier": "Growth", "trial_end": "15 March 2026", "price": "49.00",
                "currency": "EUR", "interval": "monthly"},
    )
)  # fmt: skip

# --- tenancy: told through the notifications contract ------------------------------------------

INVITATION = register(
    NotificationType(
        kind="tenancy.invitation",
        label=_("Team invitation"),
        audience=CUSTOMER,  # the address the inviter gave: nobody of the team yet
        module="tenancy",
        channels=(EMAIL,),
        optional=False,
        subject=_("You are invited to join {{ shop }} on {{ platform }}"),
        body=_(
            "Hello,\n\n{% if inviter %}{{ inviter }} invites you{% else %}You are invited"
            "{% endif %} to join the team of {{ shop }} as {{ role }}.\n\nAccept the invitation:\n"
            "{{ accept_url }}\n\nThe link can be used until {{ expires }}.\n"
        ),
        variables={
            "inviter": _("Who invites (may be empty)."),
            "role": _("The role offered."),
            "accept_url": _("The link that accepts the invitation."),
            "expires": _("When the link expires."),
        },
        sample={"inviter": "Olivia Owner", "role": "manager",
                "accept_url": "https://shop.example/vendor/invitations/…/",
                "expires": "15 March 2026, 10:00"},
    )
)  # fmt: skip

# --- marketplace: from the ``import_finished`` domain event (receivers) ------------------------

IMPORT_FINISHED = register(
    NotificationType(
        kind="marketplace.import_finished",
        label=_("Import finished"),
        audience=TEAM,
        permission="marketplace.view",
        module="marketplace",
        subject=_(
            "{% if status == 'failed' %}Import failed{% else %}Import finished{% endif %}: "
            "{{ source }}"
        ),
        body=_(
            "{% if status == 'failed' %}The import from {{ source }} failed.{% else %}The import "
            "from {{ source }} finished.{% endif %}\n\nCreated: {{ created }}\n"
            "Updated: {{ updated }}\nErrors: {{ errors }}\n"
        ),
        variables={
            "source": _("What was imported from (a file name or a feed)."),
            "created": _("How many rows were created."),
            "updated": _("How many rows were updated."),
            "errors": _("How many rows could not be imported."),
            "status": _("How it ended: completed or failed."),
        },
        sample={"job_id": 12, "source": "products.csv", "created": 40, "updated": 3,
                "errors": 2, "status": "completed"},
    )
)  # fmt: skip
