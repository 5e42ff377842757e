"""What the orders services refuse, as exceptions the views turn into clear answers."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class OrderError(Exception):
    """An action on an order that cannot be done now (a message for the person who tried)."""

    code = "order_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class IllegalTransition(OrderError):  # noqa: N818 - reads as the answer
    """The order's status does not allow this change."""

    code = "illegal_transition"


class SoldOut(OrderError):  # noqa: N818
    """The stock contract could not hold every line: nothing was ordered."""

    code = "sold_out"

    def __init__(self, message: str, skus: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.skus = skus


def invalid(field: str, message: str, code: str = "invalid") -> ValidationError:
    """A ``ValidationError`` for one field, as forms and serializers show it."""
    return ValidationError({field: [ValidationError(message, code=code)]})
