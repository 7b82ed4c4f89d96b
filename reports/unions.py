"""Several GROUP BYs over one table read in one query: a UNION ALL of branches sharing one column list.

The dashboard needs the same cases (or the same rollup rows) counted several ways: by month and
category, by source, by building and category, by the days taken to resolve. Each was a query of its
own; each costs a round trip, more than its few rows. Here each is a branch of one UNION ALL: a
branch is compiled by the ORM with only the columns it groups by and its aggregates, and the union
around it names every column, NULL (typed, so that PostgreSQL can match the branches' columns) where
a branch has none; its `kind` tells its rows apart. The union is written here rather than with
QuerySet.union, which would make every branch compile every column as an annotation (most of the
dashboard's Python time) and convert the rows as its first branch's expressions say.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Field, Value

from common import prepared

# The columns' names in the SQL: apart from any model field's, which an annotation may not shadow.
_PREFIX = "u_"
_SQL_TYPES = {"DateField": "date", "IntegerField": "integer", "CharField": "varchar"}


@dataclass(frozen=True)
class Compiled:
    """A branch of union_counts compiled already (compile_branch): its SQL and parameters, the names
    of the columns it groups by and of its aggregates, and the database it was compiled for. A
    caller that compiles the same branches on every request may keep them (reports/rollup.py)."""

    sql: str
    params: tuple
    given: tuple[str, ...]
    computed: tuple[str, ...]
    using: str


def compile_branch(kind: str, queryset, given: dict, computed: dict) -> Compiled | None:
    """One branch of union_counts, compiled: the queryset's rows grouped by the `given` columns
    (name → expression), with the `computed` aggregates (name → aggregate). None when its filter
    matches nothing (an empty IN list: EmptyResultSet)."""
    branch = (
        queryset.values(**{f"{_PREFIX}kind": Value(kind)}, **{_PREFIX + n: e for n, e in given.items()})
        .annotate(**{_PREFIX + n: a for n, a in computed.items()})
        .order_by()
    )
    try:
        sql, params = branch.query.sql_with_params()
    except EmptyResultSet:
        return None
    return Compiled(sql, tuple(params), tuple(given), tuple(computed), branch.db)


def compile_spec(kind: str, branch: tuple, default: dict) -> Compiled | None:
    """A branch given as union_counts takes it, (queryset, given[, its own aggregates]), compiled:
    with `default`'s aggregates when it has none of its own."""
    queryset, given, *own = branch
    return compile_branch(kind, queryset, given, own[0] if own else default)


def union_counts(
    columns: dict[str, Field], aggregates: dict, branches: dict[str, tuple]
) -> dict[str, list[dict]]:
    """kind → its rows, each a dict of its group's columns (by `columns`' names) and its aggregates.

    `columns`: every grouping column's name and type (a date, an integer or a string); `aggregates`:
    name → aggregate (integer counts or sums), computed in every branch (None: only in the branches
    that give their own); `branches`: kind → (queryset, {column name: expression}) for the columns
    it groups by, and optionally its own aggregates under some of the same names (a branch over
    another table, or one that needs fewer: the others are 0), or that compiled already (Compiled).
    One query; the branches' rows in no particular order. Dates are dates on both databases (SQLite
    returns text)."""
    types = {name: field.get_internal_type() for name, field in columns.items()}
    if set(columns) & set(aggregates):  # one name, two columns: a row would keep only one
        raise ValueError(f"columns and aggregates of the same name {sorted(set(columns) & set(aggregates))}")
    unknown = set(types.values()) - set(_SQL_TYPES)
    if unknown:
        raise ValueError(f"unsupported column types {sorted(unknown)}")
    parts, params, using = [], [], None
    # Each kind's rows hold its own columns and aggregates only: kind → [(name, index in a row)].
    fields: dict[str, list[tuple[str, int]]] = {}
    dates: dict[str, list[str]] = {}
    default = {name: aggregate for name, aggregate in aggregates.items() if aggregate is not None}
    for index, (kind, branch) in enumerate(branches.items()):
        if branch is not None and not isinstance(branch, Compiled):
            branch = compile_spec(kind, branch, default)
        if branch is None:  # a filter that matches nothing (an empty IN list): no rows
            continue
        if set(branch.given) - set(columns):
            raise ValueError(f"unknown columns {sorted(set(branch.given) - set(columns))}")
        if set(branch.computed) - set(aggregates):
            raise ValueError(f"unknown aggregates {sorted(set(branch.computed) - set(aggregates))}")
        using = branch.using
        fields[kind] = [(name, i) for i, name in enumerate(types) if name in branch.given] + [
            (name, len(types) + i) for i, name in enumerate(aggregates) if name in branch.computed
        ]
        dates[kind] = [name for name in branch.given if types[name] == "DateField"]
        quote = connections[using].ops.quote_name
        select = [quote(f"{_PREFIX}kind")]
        for name, kind_of in types.items():
            select.append(
                quote(_PREFIX + name) if name in branch.given else f"CAST(NULL AS {_SQL_TYPES[kind_of]})"
            )
        select += [quote(_PREFIX + name) if name in branch.computed else "0" for name in aggregates]
        # Column names and type names are ours; every value is a parameter of the branch's own SQL.
        parts.append(f"SELECT {', '.join(select)} FROM ({branch.sql}) {quote(f'{_PREFIX}{index}')}")  # noqa: S608
        params.extend(branch.params)
    result: dict[str, list[dict]] = {kind: [] for kind in branches}
    if not parts:
        return result
    # Planned once per connection and text on PostgreSQL (common/prepared.py): a district's union
    # took longer to plan than to run.
    rows = prepared.fetch_all(using, " UNION ALL ".join(parts), params)
    for kind, *values in rows:
        row = {name: values[index] for name, index in fields[kind]}
        for name in dates[kind]:
            if isinstance(row[name], str):  # SQLite
                row[name] = dt.date.fromisoformat(row[name][:10])
        result[kind].append(row)
    return result
