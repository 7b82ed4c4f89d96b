"""A pager whose count stops being exact past a cap, so that no list page counts every row.

Django's Paginator counts all matching rows on every page (an exact COUNT scans every open case of
a committee, or every resident of a street: it grew with the data while the page's own rows came
from an index in a millisecond). CappedPaginator counts at most up to the end of the page asked
for, or `cap` rows, whichever is further, plus one: a COUNT over a LIMITed subquery without its
ORDER BY, which stops as soon as it has found that many. Below the cap the count is exact and the
pager reads as before ("Page 2 of 7"); past it the page says "1,000+ cases" and "Page 3", and Next
stays while there are more rows. Paging on past the cap works: page 60 counts up to 1,501 rows.
"""

from django.core.paginator import Paginator

CAP = 1000
MAX_PAGE = 100_000  # a page number past it is a typo or a probe: counted as this one


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap or CAP  # read when called: a test lowers CAP rather than make 1,000 rows
        self.exact = True

    def get_page(self, number):
        try:
            wanted = max(int(number), 1)
        except (TypeError, ValueError):
            wanted = 1
        limit = max(self.cap, min(wanted, MAX_PAGE) * self.per_page)
        # One query, the same one Paginator makes, but it stops after limit + 1 rows; the order
        # is dropped because a count does not need it (a search's order would sort every match).
        counted = self.object_list.order_by()[: limit + 1].count()
        self.exact = counted <= limit
        # Paginator.count is a cached property: setting it here is what the page numbers use. Past
        # the cap it is "more than limit", which keeps Next on the page asked for.
        self.count = counted
        self.shown_count = counted if self.exact else limit
        return super().get_page(number)
