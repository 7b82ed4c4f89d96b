"""HTML escaping for code that writes markup in Python (cases/rows.py, common/forms.py), and dates
kept whole in the text of a message or a refusal (dates_kept_whole).

`escape(value)` is django.utils.html.conditional_escape for values that are not lazy themselves
when escaped: the same text, without the lazy-string wrapper (keep_lazy) Django puts round every
call of its escape. A page of 25 case rows escapes about 500 values and the list's filter panel
about 150; through conditional_escape the wrapper was a third of their time.
"""

import html
import re

from django.utils.functional import Promise


def escape(value) -> str:
    """conditional_escape(value) as a plain str: markup (`__html__`) as it is, anything else
    (a lazy translation made a str first) escaped as Django's escape does."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


# A day as Needle writes it (2026-12-07), alone: not inside a longer run of digits, letters or dashes.
_DAY = re.compile(r"(?<![0-9A-Za-z-])\d{4}-\d{2}-\d{2}(?![0-9A-Za-z-])")
_TAG = re.compile(r"(<[^>]*>)")


def dates_kept_whole(markup: str) -> str:
    """`markup` (HTML: escaped text and tags) with each day in its text in a <span class="nowrap">.
    A browser may break a line at a date's hyphens: on a 375 px phone a refusal read "…不能晚于今天
    （2026-12-" on one line and "07）。" on the next. The tags (a link's address) are left as they are."""
    parts = _TAG.split(markup)
    for i in range(0, len(parts), 2):  # the text between the tags (the odd parts are the tags)
        if "-" in parts[i]:
            parts[i] = _DAY.sub(r'<span class="nowrap">\g<0></span>', parts[i])
    return "".join(parts)
