"""Adding to a kept count: one row's columns raised by some amounts, the row made when it is not there.

The dashboards' kept counts (the rollup's current month, the open-case counters and totals:
reports/rollup.py, reports/open_cases.py) change with every change of a case, a few rows each.
Through the ORM each was a queryset filtered and compiled for its UPDATE, ~0.4 ms of Python for a
statement the database runs in a tenth of that; seeding the demo made 5,241 of them (a quarter of
its time). Here the UPDATE's SQL is written once for each table, set of columns and pattern of
NULLs in the key (a NULL is matched with IS NULL, a value with =), and run with the values as
parameters. The caller holds whatever lock makes UPDATE-then-INSERT safe (the committee's, see
reports/rollup.py lock_current_month).
"""

import functools

from django.db import connections, router
from django.db.models import Model


def add_to_row(model: type[Model], key: dict, added: dict[str, int]) -> None:
    """Raise the columns of `added` (field name → amount) of the row of `model` whose fields equal
    `key` (field or attribute name → value; None matches NULL); without such a row, insert one
    with `key` and `added` as its values."""
    using = router.db_for_write(model)
    connection = connections[using]
    names = tuple(key)
    nulls = tuple(name for name in names if key[name] is None)
    sql = _update_sql(connection.alias, model, names, nulls, tuple(added))
    field = model._meta.get_field
    matched = [field(name).get_db_prep_value(v, connection) for name, v in key.items() if v is not None]
    params = [*added.values(), *matched]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        updated = cursor.rowcount
    if not updated:
        model._base_manager.using(using).create(**key, **added)


@functools.lru_cache(maxsize=128)
def _update_sql(
    alias: str, model: type[Model], names: tuple[str, ...], nulls: tuple[str, ...], added: tuple[str, ...]
) -> str:
    """UPDATE <table> SET a = a + %s, … WHERE x = %s AND y IS NULL …, for the database `alias`."""
    quote = connections[alias].ops.quote_name
    column = {name: quote(model._meta.get_field(name).column) for name in (*names, *added)}
    raised = ", ".join(f"{column[name]} = {column[name]} + %s" for name in added)
    where = " AND ".join(
        f"{column[name]} IS NULL" if name in nulls else f"{column[name]} = %s" for name in names
    )
    # Table and column names are the models' own; every value is a parameter.
    return f"UPDATE {quote(model._meta.db_table)} SET {raised} WHERE {where}"  # noqa: S608
