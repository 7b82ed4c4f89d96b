"""A pager whose count stops being exact past a cap, so that no list page counts every row.

Django's Paginator counts all matching rows on every page (an exact COUNT scans every open case of
a committee, or every resident of a street: it grew with the data while the page's own rows came
from an index in a millisecond). CappedPaginator counts at most up to the end of the page asked
for, or `cap` rows, whichever is further, plus one: a COUNT over a LIMITed subquery without its
ORDER BY, which stops as soon as it has found that many. Below the cap the count is exact and the
pager reads as before ("Page 2 of 7"); past it the page says "1,000+ cases" and "Page 3", and Next
stays while there are more rows. Paging on past the cap works: page 60 counts up to 1,501 rows.

With `one_query=True` (a list of ids: `values_list("pk", flat=True)`) the page's ids and that
capped count come back in ONE query: the count is a scalar subquery in the ids' SELECT, which the
database runs once (PostgreSQL: an InitPlan; SQLite: a constant subquery), and the ids keep their
own ORDER BY (no outer query whose order would be the planner's to keep). A page with no rows tells
no count: the first page then has none at all, a later one is past the last and falls back to the
two queries (Django's answer: the last page).
"""

from django.core.paginator import Paginator
from django.db.models import IntegerField
from django.db.models.expressions import RawSQL

CAP = 1000
MAX_PAGE = 100_000  # a page number past it is a typo or a probe: counted as this one


def count_of(queryset) -> RawSQL:
    """COUNT(*) of `queryset`'s rows as a scalar subquery, to be selected beside another query's
    rows: the database counts once (it does not depend on the row), and the page saves a round
    trip and an ORM query. The queryset is compiled now, with the committee scope active now."""
    sql, params = queryset.query.get_compiler(using=queryset.db).as_sql()
    # The SQL is Django's, compiled from the queryset; the values stay its parameters.
    counted = f"SELECT COUNT(*) FROM ({sql}) AS counted"  # noqa: S608
    return RawSQL(counted, params, output_field=IntegerField())  # noqa: S611


class CappedPaginator(Paginator):
    def __init__(
        self, object_list, per_page, *, cap: int | None = None, one_query: bool = False, **kwargs
    ) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or CAP  # read when called: a test lowers CAP rather than make 1,000 rows
        self.one_query = one_query
        self.exact = True

    def get_page(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1  # Django's answer to no number or a word: the first page
        limit = max(self.cap, min(max(wanted, 1), MAX_PAGE) * self.per_page)
        # The order is dropped because a count does not need it (a search's order would sort every
        # match); the count stops after limit + 1 rows.
        capped = self.object_list.order_by()[: limit + 1]
        # Page 0 or below is Django's to answer (the last page), as are pages past MAX_PAGE.
        if self.one_query and 1 <= wanted <= MAX_PAGE:
            page = self._page_with_count(capped, wanted, limit)
            if page is not None:
                return page
        self._counted(capped.count(), limit)
        return super().get_page(number)

    def _counted(self, counted: int, limit: int) -> None:
        self.exact = counted <= limit
        # Paginator.count is a cached property: setting it here is what the page numbers use. Past
        # the cap it is "more than limit", which keeps Next on the page asked for.
        self.count = counted
        self.shown_count = counted if self.exact else limit

    def _page_with_count(self, capped, wanted: int, limit: int):
        """Page `wanted` and the capped count from one query, or None when it has no rows (the
        count is then unknown unless this is the first page: no rows at all)."""
        counted = count_of(capped)
        bottom = (wanted - 1) * self.per_page
        rows = list(self.object_list.values_list("pk", counted)[bottom : bottom + self.per_page])
        if not rows and wanted > 1:
            return None
        self._counted(rows[0][1] if rows else 0, limit)
        return self._get_page([pk for pk, _counted in rows], wanted, self)
