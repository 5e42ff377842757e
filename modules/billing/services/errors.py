"""What billing's services refuse, as exceptions the views and the API turn into answers."""

from __future__ import annotations


class BillingError(Exception):
    """A change that cannot be made (a message for the person who tried). ``field`` names the
    input at fault, if any: forms and serializers show the message next to it (400)."""

    code = "billing_error"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class IllegalTransition(BillingError):  # noqa: N818 - reads as the answer
    """The subscription's status does not allow this change (the API answers 409)."""

    code = "illegal_transition"
