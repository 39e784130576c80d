"""Rows written in bulk past the ORM: PostgreSQL's COPY, SQLite's executemany.

The generator makes millions of rows; building a model instance for each and letting
``bulk_create`` compile its INSERT costs more than the database spends storing them. A
``Table`` holds plain tuples in the order of its columns, each column adapted once by the
type of its field, and ``write`` sends them in one statement per table. Keys are taken
beforehand (``reserve_ids``), so that rows can name each other before any is written.

Nothing here runs signals or ``save()``: whoever writes through it keeps what they maintain
(the generator writes the reach rows itself, from ``disputes.reach``).
"""

import io
import json
from decimal import Decimal

from django.db import connection, models


def reserve_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` fresh primary keys of ``model``'s table (call inside the writing transaction)."""
    if count <= 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: one writer at a time, and the transaction holds the write lock.
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def _adapter(field: models.Field):
    """How a value of ``field`` goes to SQLite (None: as it is)."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind == "DateField":
        return lambda v: None if v is None else v.isoformat()
    if kind == "BooleanField":
        return lambda v: None if v is None else int(bool(v))
    if kind == "DecimalField":
        return lambda v: None if v is None else str(Decimal(v))
    if kind == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False)
    return None


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(field: models.Field):
    """How a value of ``field`` is written in COPY's text format (NULL is ``\\N``)."""
    kind = field.get_internal_type()
    if kind in ("DateTimeField", "DateField"):
        return lambda v: "\\N" if v is None else v.isoformat()
    if kind == "BooleanField":
        return lambda v: "\\N" if v is None else ("t" if v else "f")
    if kind == "JSONField":
        return lambda v: json.dumps(v, ensure_ascii=False).translate(_ESCAPES)
    if kind in ("CharField", "TextField", "EmailField", "SlugField"):
        return lambda v: "\\N" if v is None else v.translate(_ESCAPES)
    return lambda v: "\\N" if v is None else str(v)


class Table:
    """Rows of one model's table, as tuples in the order of ``columns`` (attribute names)."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        self.model = model
        fields = {f.attname: f for f in model._meta.concrete_fields}
        self.columns = [fields[name].column for name in columns]
        self.attnames = list(columns)
        self.postgres = connection.vendor == "postgresql"
        if self.postgres:
            self.texts = [_copy_text(fields[name]) for name in columns]
        else:
            self.adapters = [_adapter(fields[name]) for name in columns]
        self.rows: list[tuple] = []

    @classmethod
    def of(cls, model: type[models.Model]) -> "Table":
        """Every concrete column of ``model``."""
        return cls(model, [f.attname for f in model._meta.concrete_fields])

    def add(self, *values) -> None:
        self.rows.append(values)

    def add_instance(self, obj: models.Model) -> None:
        """The row of a model instance built in memory (its key already set)."""
        self.rows.append(tuple(getattr(obj, name) for name in self.attnames))

    def __len__(self) -> int:
        return len(self.rows)

    def _adapted(self):
        convert = [(i, a) for i, a in enumerate(self.adapters) if a is not None]
        for row in self.rows:
            if convert:
                row = list(row)
                for i, adapt in convert:
                    if row[i] is not None:
                        row[i] = adapt(row[i])
            yield row

    def write(self) -> int:
        if not self.rows:
            return 0
        table = self.model._meta.db_table
        columns = ", ".join(f'"{c}"' for c in self.columns)
        with connection.cursor() as cursor:
            if self.postgres:
                texts = self.texts
                buffer = io.StringIO()
                buffer.writelines(
                    "\t".join([text(v) for text, v in zip(texts, row, strict=True)]) + "\n"
                    for row in self.rows
                )
                buffer.seek(0)
                cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', buffer)
            else:
                marks = ", ".join("%s" for _ in self.columns)
                cursor.executemany(
                    f'INSERT INTO "{table}" ({columns}) VALUES ({marks})',
                    list(self._adapted()),
                )
        written = len(self.rows)
        self.rows = []
        return written
