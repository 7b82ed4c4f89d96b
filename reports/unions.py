"""Several GROUP BYs over one table read in one query: a UNION ALL of branches sharing one column list.

The dashboard needs the same cases (or the same rollup rows) counted several ways: by month and
category, by source, by building and category, by the days taken to resolve. Each was a query of its
own; each costs a round trip and the ORM's compiling, more than its few rows. Here each is a branch
of one UNION ALL: a branch groups by the columns it names, leaves the others NULL (typed, so that
PostgreSQL can match the branches' columns), and is told apart by its `kind`. Every branch computes
the same aggregates.
"""

from django.db.models import Field, Value
from django.db.models.expressions import RawSQL

# The columns' names in the SQL: apart from any model field's, which an annotation may not shadow.
_PREFIX = "u_"


def _null(field: Field) -> RawSQL:
    """NULL of the column's type: PostgreSQL types a bare NULL as text once two branches have one.
    Written as SQL (both databases read CAST … AS): cheaper to compile than Cast(Value(None))."""
    sql = f"CAST(NULL AS {_SQL_TYPES[field.get_internal_type()]})"  # a fixed type name, no input
    return RawSQL(sql, (), output_field=field)  # noqa: S611


_SQL_TYPES = {"DateField": "date", "IntegerField": "integer", "CharField": "varchar"}


def union_counts(
    columns: dict[str, Field], aggregates: dict, branches: dict[str, tuple]
) -> dict[str, list[dict]]:
    """kind → its rows, each a dict of its group's columns (by `columns`' names) and the aggregates.

    `columns`: every grouping column's name and type; `aggregates`: name → aggregate, computed in
    every branch; `branches`: kind → (queryset, {column name: expression}) for the columns it groups
    by, and optionally its own aggregates under the same names (a branch over another table). One
    query; the branches' rows in no particular order.

    Django converts a union's rows as its first branch's expressions say (a date from SQLite's text,
    say), and only those: an expression whose value is finished in Python (TruncMonth to a date) must
    give the column's type in SQL instead (Cast)."""
    querysets = []
    for kind, (queryset, given, *own) in branches.items():
        unknown = set(given) - set(columns)
        if unknown:
            raise ValueError(f"unknown columns {sorted(unknown)}")
        select = {f"{_PREFIX}kind": Value(kind)}
        for name, field in columns.items():
            select[_PREFIX + name] = given[name] if name in given else _null(field)
        querysets.append(
            queryset.values(**select)
            .annotate(
                **{_PREFIX + name: aggregate for name, aggregate in (own[0] if own else aggregates).items()}
            )
            .order_by()
        )
    first, *rest = querysets
    result: dict[str, list[dict]] = {kind: [] for kind in branches}
    # Without an order: the model's default ordering names no column of the union.
    combined = first.union(*rest, all=True).order_by() if rest else first
    for row in combined:
        kind = row.pop(f"{_PREFIX}kind")
        result[kind].append({name.removeprefix(_PREFIX): value for name, value in row.items()})
    return result
