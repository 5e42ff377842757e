"""Writing many rows at once without Django preparing every value one by one.

``QuerySet.bulk_create`` and ``bulk_update`` compile each value of each row through its field
(a few microseconds a value, and a model instance a row): for a feed of 100,000 products that
is most of an import's time. ``insert`` and ``update`` take rows as plain tuples, convert only
the columns whose Python value the driver does not take as it is (JSON, dates and times), once
per column rather than per field call, and write them with one statement: ``COPY`` on
PostgreSQL, ``executemany`` elsewhere. Fields an insert does not name get their default,
prepared once for all rows (``auto_now`` and ``auto_now_add`` fields: now).

What they skip, as ``bulk_create`` does too: ``save()``, signals, field validation (callers
write values they checked), and pks on anything (callers read back what they need). Table and
column names come from the model, so a renamed field or table is followed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

Convert = Callable[[Any], Any]


def insert(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Insert ``rows`` (one tuple of values per row, in the order of ``columns``, field names)
    into ``model``'s table; the other concrete fields but the pk get their defaults. Returns
    how many rows were written."""
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in columns]
    others = _defaults(model, set(columns), connection)
    prepare = _preparer(_converters(fields, connection))
    names = [field.column for field in fields] + [column for column, _v in others]
    tail = tuple(value for _c, value in others)
    prepared = (prepare(row) + tail for row in rows)
    write = _copy if connection.vendor == "postgresql" else _execute_many
    return write(connection, model._meta.db_table, names, prepared)


def _copy(connection: Any, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """PostgreSQL: the rows streamed through one ``COPY … FROM STDIN``."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    count = 0
    # The driver's own cursor (Django's has no COPY), its errors made Django's (IntegrityError).
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _execute_many(connection: Any, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
    """Any database: one ``INSERT`` run for every row (SQLite: in-process, as fast as COPY)."""
    batch = list(rows)
    if not batch:
        return 0
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in columns)
    marks = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        # Names from the model's _meta, quoted; every value a parameter.
        cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", batch)  # noqa: S608
    return len(batch)


def update(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Set ``columns`` (field names) of the rows whose pk each tuple of ``rows`` ends with:
    ``(value, value, …, pk)``. One statement run for every row, not a ``CASE`` per column
    compiled over all of them. Returns how many tuples were given."""
    using = router.db_for_write(model)
    connection = connections[using]
    fields = [model._meta.get_field(name) for name in columns]
    prepare = _preparer([*_converters(fields, connection), None])
    batch = [prepare(row) for row in rows]
    if not batch:
        return 0
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE {pk} = %s",  # noqa: S608
            batch,
        )
    return len(batch)


def _preparer(convert: Sequence[Convert | None]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """How a row becomes the tuple the driver takes: only the columns that need it converted
    (None stays None), the others passed as they are."""
    steps = [(index, step) for index, step in enumerate(convert) if step is not None]
    width = len(convert)

    def prepare(row: Sequence[Any]) -> tuple[Any, ...]:
        if len(row) != width:
            raise ValueError(f"A row of {len(row)} values for {width} columns: {row!r}")
        if not steps:
            return tuple(row)
        values = list(row)
        for index, step in steps:
            if values[index] is not None:
                values[index] = step(values[index])
        return tuple(values)

    return prepare


def _converters(fields: Sequence[models.Field], connection: Any) -> list[Convert | None]:
    """For each field, how a Python value becomes one the driver takes (None: as it is)."""
    ops = connection.ops
    steps: list[Convert | None] = []
    for field in fields:
        kind = field.get_internal_type()
        if kind == "JSONField":
            steps.append(lambda value, encoder=field.encoder: json.dumps(value, cls=encoder))
        elif kind == "DateTimeField":
            steps.append(ops.adapt_datetimefield_value)
        elif kind == "DateField":
            steps.append(ops.adapt_datefield_value)
        elif kind == "TimeField":
            steps.append(ops.adapt_timefield_value)
        else:
            steps.append(None)
    return steps


def _defaults(model: type[models.Model], named: set[str], connection: Any) -> list[tuple[str, Any]]:
    """``(column, value)`` for every concrete field but the pk that the insert does not name:
    its default (now for ``auto_now``/``auto_now_add``), prepared for the database once."""
    now = timezone.now()
    found = []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in named or field.attname in named:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        else:
            value = field.get_default()
        found.append((field.column, field.get_db_prep_save(value, connection)))
    return found
