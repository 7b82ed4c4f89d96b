"""A queryset compiled once and kept: its SQL is not compiled again for each request.

Compiling a queryset (joins, the visibility rule's ORs, the ordering, the selected columns) costs
Django about as much Python as reading its rows, for a query that the database answers in a
fraction of a millisecond: a page of a few queries pays a millisecond for each. When a query's SQL
depends only on a few values (the database, the committee scope, the reader's id and committees),
a function of exactly those values may build and compile it once (functools.lru_cache) and keep
it as a Kept; each request then only runs the SQL and reads the rows as the queryset would have
(model instances with their joined relations, values, or values_list tuples). A value that
changes with every request (the case of a case page) is compiled as a placeholder, a value no
row has, and given to `rows()` by name: it is a parameter of the SQL, not part of its text.

The caller's key must name every value the SQL depends on and nothing else, as
reports/rollup_reads.py's `_closed_compiled` does; a test compares what is kept with the same
queryset compiled afresh (tests/test_kept.py).
"""

import copy

from django.db import connections
from django.db.models import QuerySet

# A value no row's id has: the placeholder of an id given to Kept.rows().
PLACEHOLDER = -1_000_000_007


class Kept:
    """A queryset compiled now (inside the scope and time zone its SQL must be compiled under),
    whose rows `rows()` reads later with that SQL, as many times as asked. `placeholders`: name →
    the value the queryset was filtered with in its place (each a parameter found exactly once)."""

    def __init__(self, queryset: QuerySet, **placeholders) -> None:
        self._queryset = queryset
        self._compiler = queryset.query.get_compiler(using=queryset.db)
        # as_sql also sets up what reading the rows needs (the columns, the joined relations).
        self.sql, params = self._compiler.as_sql()
        self.params = tuple(params)
        self._slots = {}
        for name, value in placeholders.items():
            found = [index for index, param in enumerate(self.params) if param == value]
            if len(found) != 1:
                raise ValueError(f"placeholder {name}={value!r} is {len(found)} parameters of {self.sql}")
            self._slots[name] = found[0]

    def __eq__(self, other) -> bool:
        """The same query: the same SQL and parameters (what the tests of a kept compilation compare)."""
        return isinstance(other, Kept) and (self.sql, self.params) == (other.sql, other.params)

    __hash__ = None

    def rows(self, **values) -> list:
        """The queryset's rows, read with the SQL compiled once (one query); `values`: each
        placeholder's value for this call."""
        if values.keys() != self._slots.keys():
            raise TypeError(f"give {sorted(self._slots)}, not {sorted(values)}")
        params = list(self.params)
        for name, value in values.items():
            params[self._slots[name]] = value
        # A compiler of its own per call: it holds the connection, which is the running thread's.
        compiler = copy.copy(self._compiler)
        compiler.connection = connections[self._queryset.db]
        compiler.as_sql = lambda *args, **kwargs: (self.sql, tuple(params))
        queryset = self._queryset._chain()
        queryset.query.get_compiler = lambda *args, **kwargs: compiler
        return list(queryset)
