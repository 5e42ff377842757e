"""What messaging stores: notifications and their e-mail deliveries, who wants what, the vendors'
e-mail templates and sender settings, and conversations.

Every vendor-owned row carries its vendor directly (ARCHITECTURE.md §12) and is read through
``ScopedManager(vendor="vendor")``: inside a vendor's scope (a portal, storefront or API view)
queries see that vendor's rows only; outside any scope they raise, and tasks, staff pages and the
admin bypass the scope on purpose with ``scopes_disabled()``.

- ``Notification``: one thing told to one recipient: a user (vendor team member or staff: shown
  in their in-app list, the bell), a customer, or a bare e-mail address. ``read_at`` is the
  in-app read mark.
- ``NotificationPreference``: a user's choice for one notification type and channel (in-app or
  e-mail), stored only when it differs from the type's default; ``NotificationProfile`` holds
  the language a user reads e-mails in.
- ``Delivery``: one e-mail to send, rendered when it was queued (so the log shows exactly what
  went out) and sent by a Celery task; its status, attempts and last error are the sending log.
- ``EmailTemplate``: a vendor's own subject and body for a notification type in one language;
  without one, the platform default of the type's declaration is used (``registry``).
- ``SenderSettings``: the name a vendor's e-mails come from and where replies go.
- ``Conversation``, ``Message``, ``Attachment``: threads between a vendor and a customer, or a
  vendor and the platform's staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

KIND_MAX = 100


def _vendor(*, null: bool = False) -> models.ForeignKey:
    return models.ForeignKey(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "vendor"),
    )


def _platform() -> models.ForeignKey:
    return models.ForeignKey(
        "orion_core.Platform",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "platform"),
    )


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", pgettext_lazy("messaging", "E-mail")


class Notification(models.Model):
    """One thing told to one recipient (a user, a customer, or only an e-mail address)."""

    platform = _platform()
    vendor = _vendor(null=True)
    kind = models.CharField(_("notification type"), max_length=KIND_MAX)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "user"),
    )
    recipient_customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "customer"),
    )
    email = models.EmailField(pgettext_lazy("messaging", "e-mail"), blank=True)
    language = models.CharField(
        pgettext_lazy("messaging", "language"), max_length=10, choices=settings.LANGUAGES
    )
    title = models.CharField(pgettext_lazy("messaging", "title"), max_length=255)
    body = models.TextField(pgettext_lazy("messaging", "text"), blank=True)
    # Made by messaging from a URL name (never typed by anybody): where the thing told is.
    url = models.CharField(pgettext_lazy("messaging", "link"), max_length=500, blank=True)
    # Shown in the user's list and counted by the bell (a user who wants it in the app).
    in_app = models.BooleanField(_("in the app"), default=False)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    created_at = models.DateTimeField(pgettext_lazy("messaging", "created"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = pgettext_lazy("messaging", "notification")
        verbose_name_plural = pgettext_lazy("messaging", "notifications")
        indexes = [
            # The bell: a user's unread notifications (of one vendor on the portal).
            models.Index(
                fields=["recipient_user", "vendor"],
                condition=models.Q(in_app=True, read_at__isnull=True),
                name="messaging_unread",
            ),
            models.Index(fields=["recipient_user", "-created_at"], name="messaging_user_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_user or self.email}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one notification type on one channel. Only choices that differ from
    the type's default channels are stored: a new type reaches everybody as it declares."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "user"),
    )
    kind = models.CharField(_("notification type"), max_length=KIND_MAX)
    channel = models.CharField(
        pgettext_lazy("messaging", "channel"), max_length=20, choices=Channel.choices
    )
    enabled = models.BooleanField(pgettext_lazy("messaging", "enabled"))
    updated_at = models.DateTimeField(pgettext_lazy("messaging", "updated"), auto_now=True)

    class Meta:
        ordering = ["user", "kind", "channel"]
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="messaging_one_preference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.kind}/{self.channel}: {self.enabled}"


class NotificationProfile(models.Model):
    """The language a user reads e-mails in (users have none of their own; empty: the
    platform's default language)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "user"),
    )
    language = models.CharField(
        _("language of e-mails"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("notification profile")
        verbose_name_plural = _("notification profiles")

    def __str__(self) -> str:
        return f"{self.user}: {self.language or '-'}"


class Delivery(models.Model):
    """One e-mail, rendered when queued, and what happened when it was sent: the sending log."""

    class Status(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("messaging", "queued")
        RETRYING = "retrying", pgettext_lazy("messaging", "retrying")
        SENT = "sent", pgettext_lazy("messaging", "sent")
        FAILED = "failed", pgettext_lazy("messaging", "failed")

    platform = _platform()
    vendor = _vendor(null=True)
    notification = models.ForeignKey(
        Notification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=pgettext_lazy("messaging", "notification"),
    )
    kind = models.CharField(_("notification type"), max_length=KIND_MAX)
    to_email = models.EmailField(pgettext_lazy("messaging", "to"))
    from_email = models.CharField(pgettext_lazy("messaging", "from"), max_length=320)
    reply_to = models.EmailField(_("reply to"), blank=True)
    subject = models.CharField(pgettext_lazy("messaging", "subject"), max_length=255)
    body = models.TextField(pgettext_lazy("messaging", "text"))
    html_body = models.TextField(pgettext_lazy("messaging", "HTML"), blank=True)
    status = models.CharField(
        pgettext_lazy("messaging", "status"),
        max_length=20,
        choices=Status.choices,
        default=Status.QUEUED,
    )
    attempts = models.PositiveIntegerField(pgettext_lazy("messaging", "attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    updated_at = models.DateTimeField(pgettext_lazy("messaging", "updated"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail delivery")
        verbose_name_plural = _("e-mail deliveries")
        indexes = [
            models.Index(fields=["vendor", "-created_at"], name="messaging_delivery_vendor"),
            # The sweeper: deliveries still to send, oldest first.
            models.Index(
                fields=["updated_at"],
                condition=models.Q(status__in=["queued", "retrying"]),
                name="messaging_delivery_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_email} ({self.status})"


class EmailTemplate(models.Model):
    """A vendor's subject and body for one notification type in one language. Jinja source,
    rendered in a sandbox with the type's documented variables only (``rendering``)."""

    vendor = _vendor()
    kind = models.CharField(_("notification type"), max_length=KIND_MAX)
    language = models.CharField(
        pgettext_lazy("messaging", "language"), max_length=10, choices=settings.LANGUAGES
    )
    subject = models.CharField(pgettext_lazy("messaging", "subject"), max_length=255)
    body = models.TextField(pgettext_lazy("messaging", "text"))
    html_body = models.TextField(
        pgettext_lazy("messaging", "HTML"),
        blank=True,
        help_text=_("Optional; sent beside the text when filled in."),
    )
    updated_at = models.DateTimeField(pgettext_lazy("messaging", "updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["vendor", "kind", "language"]
        verbose_name = _("e-mail template")
        verbose_name_plural = _("e-mail templates")
        constraints = [
            models.UniqueConstraint(
                fields=["vendor", "kind", "language"], name="messaging_one_template"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"


class SenderSettings(models.Model):
    """How a vendor's e-mails are signed: the name they come from and where replies go. The
    address itself stays the platform's (``sender_email`` in the module config): a shop cannot
    send as a domain the platform does not control (SPF, DKIM and DMARC would fail)."""

    vendor = models.OneToOneField(
        "tenancy.Vendor",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "vendor"),
    )
    from_name = models.CharField(
        _("sender name"),
        max_length=100,
        blank=True,
        help_text=_("Shown as the sender of the shop's e-mails; empty: the shop's name."),
    )
    reply_to = models.EmailField(
        _("reply-to address"),
        blank=True,
        help_text=_("Where customers' replies go; empty: the shop's contact address."),
    )
    updated_at = models.DateTimeField(pgettext_lazy("messaging", "updated"), auto_now=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        verbose_name = _("sender settings")
        verbose_name_plural = _("sender settings")

    def __str__(self) -> str:
        return f"{self.from_name} <{self.reply_to}>"


class Conversation(models.Model):
    """A thread between a vendor and one of its customers, or the vendor and the platform's
    staff. Each side's unread count is kept on the row (raised with ``F()`` by every message
    of the other side, zeroed when the side reads), so lists need no count per thread."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", pgettext_lazy("messaging", "customer")
        STAFF = "staff", _("platform staff")

    platform = _platform()
    vendor = _vendor()
    kind = models.CharField(pgettext_lazy("messaging", "with"), max_length=20, choices=Kind.choices)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "customer"),
    )
    subject = models.CharField(pgettext_lazy("messaging", "subject"), max_length=200)
    vendor_unread = models.PositiveIntegerField(_("unread by the shop"), default=0)
    other_unread = models.PositiveIntegerField(_("unread by the customer or staff"), default=0)
    # The language the customer last wrote in: e-mails to them are written in it.
    customer_language = models.CharField(
        _("customer's language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    created_at = models.DateTimeField(pgettext_lazy("messaging", "created"), auto_now_add=True)
    last_message_at = models.DateTimeField(_("last message"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-last_message_at", "-pk"]
        verbose_name = pgettext_lazy("messaging", "conversation")
        verbose_name_plural = pgettext_lazy("messaging", "conversations")
        indexes = [
            models.Index(fields=["vendor", "-last_message_at"], name="messaging_conv_vendor"),
            models.Index(fields=["customer", "-last_message_at"], name="messaging_conv_customer"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="customer", customer__isnull=False)
                | models.Q(kind="staff", customer__isnull=True),
                name="messaging_conversation_party",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class Message(models.Model):
    """One message of a conversation, by the vendor's team, the customer or staff."""

    class Side(models.TextChoices):
        VENDOR = "vendor", pgettext_lazy("messaging", "shop")
        CUSTOMER = "customer", pgettext_lazy("messaging", "customer")
        STAFF = "staff", _("platform staff")

    conversation = models.ForeignKey(
        Conversation,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=pgettext_lazy("messaging", "conversation"),
    )
    vendor = _vendor()
    side = models.CharField(pgettext_lazy("messaging", "from"), max_length=20, choices=Side.choices)
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "user"),
    )
    author_customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("messaging", "customer"),
    )
    author_name = models.CharField(pgettext_lazy("messaging", "author"), max_length=200)
    body = models.TextField(pgettext_lazy("messaging", "text"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = pgettext_lazy("messaging", "message")
        verbose_name_plural = pgettext_lazy("messaging", "messages")

    def __str__(self) -> str:
        return f"{self.author_name}: {self.body[:40]}"


class Attachment(models.Model):
    """A picture of the vendor's media library attached to a message.

    By reference to the cms module's ``Media`` row (a string reference: messaging imports
    nothing of cms), never by URL: the row says whose it is (attachments are checked to be the
    conversation's vendor's), its URL is computed when shown (the storage may move), and a
    picture the vendor deletes from its library leaves the attachment empty (``SET_NULL``),
    with the name it had, instead of a dead link. See ``media.py``.
    """

    message = models.ForeignKey(
        Message,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=pgettext_lazy("messaging", "message"),
    )
    vendor = _vendor()
    media = models.ForeignKey(
        "cms.Media",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("media file"),
    )
    name = models.CharField(_("file name"), max_length=255)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["pk"]
        verbose_name = pgettext_lazy("messaging", "attachment")
        verbose_name_plural = pgettext_lazy("messaging", "attachments")

    def __str__(self) -> str:
        return self.name
