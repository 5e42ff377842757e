"""The one error the catalog's services raise for bad input, with errors per field."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class CatalogError(ValueError):
    """Input the catalog refuses. ``errors`` maps a field name (or ``"__all__"``) to messages;
    forms add them to their fields and the API answers them as a 400, and nothing is saved."""

    def __init__(self, errors: Mapping[str, Sequence[str]]) -> None:
        self.errors = {field: [str(m) for m in messages] for field, messages in errors.items()}
        super().__init__("; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items()))

    @classmethod
    def on(cls, field: str, message: str) -> CatalogError:
        return cls({field: [message]})
