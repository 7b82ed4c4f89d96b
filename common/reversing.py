"""Links reversed once. What a reversed URL depends on is its name and arguments, the URLconf, the
script prefix and the language: every page's navigation and every row of a list reuse it instead of
reversing again (a list of 25 cases spent more on reversing its links than on anything else in a row).
"""

import functools
from collections.abc import Callable

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language


def reverse_once(name: str, *args) -> str:
    """`reverse(name, args=args)`, remembered; raises NoReverseMatch as reverse does."""
    return _reversed(name, args, get_script_prefix(), get_urlconf() or settings.ROOT_URLCONF, get_language())


def reverse_with_id(name: str, *rest) -> Callable[[int], str]:
    """id → `reverse(name, args=[id, *rest])` for a URL whose first argument is an id (`rest`: the
    others, the same for every id: an action's name), reversed once for all ids: a district's 300
    rows each link to their committee, more than reverse_once keeps."""
    before, after = pk_url_parts(name, *rest)
    return lambda pk: f"{before}{int(pk)}{after}"


def pk_url_parts(name: str, *rest) -> tuple[str, str]:
    """What stands before and after the id in the URL `name` (reverse_with_id without the id): a
    loop over rows puts each row's id between them."""
    before, after = reverse_once(name, _PK, *rest).split(str(_PK))
    return before, after


_PK = 987654321987  # an id no row has: where it stands in a reversed URL, a row's id goes


@functools.lru_cache(maxsize=256)
def _reversed(name: str, args: tuple, prefix: str, urlconf: str, language: str | None) -> str:
    return reverse(name, urlconf=urlconf, args=args)
