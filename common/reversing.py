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


def reverse_with_id(name: str) -> Callable[[int], str]:
    """id → `reverse(name, args=[id])` for a URL with one integer in it, reversed once for all ids:
    a district's 300 rows each link to their committee, more than reverse_once keeps."""
    head, tail = reverse_once(name, _MARKER).rsplit(str(_MARKER), 1)
    return lambda pk: f"{head}{int(pk)}{tail}"


_MARKER = 987654321  # an id that is only ever a placeholder


@functools.lru_cache(maxsize=256)
def _reversed(name: str, args: tuple, prefix: str, urlconf: str, language: str | None) -> str:
    return reverse(name, urlconf=urlconf, args=args)
