"""What every export of a list does around its workbook (common/xlsx.py writes it): refuse one past
EXPORT_MAX_ROWS before writing a row, sending the reader back to the list they came from with why;
refuse one whose filters could not all be read; and name its file for the download, in the reader's
language."""

import re
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import pgettext


def too_many(queryset) -> bool:
    """Whether the rows pass EXPORT_MAX_ROWS: counted only up to it, as a district has millions."""
    limit = settings.EXPORT_MAX_ROWS
    return queryset.order_by()[: limit + 1].count() > limit


def back_to_list(request: HttpRequest, url_name: str, message: str) -> HttpResponseRedirect:
    """The list of what was asked for (its filters kept), with `message` (its %(limit)s the limit):
    what to do, instead of a request that runs for minutes."""
    return _back(request, url_name, message % {"limit": f"{settings.EXPORT_MAX_ROWS:,}"})


def refuse_invalid(request: HttpRequest, url_name: str, form) -> HttpResponseRedirect:
    """An export whose filters could not all be read: nothing written, and back to the list (its
    filters kept, the list marks the field) saying which. A list leaves an invalid filter out and
    shows more than was asked; an export doing so would hand on a file of every row as if it were
    the rows asked for."""
    problems = " ".join(
        pgettext("a filter and its value", "%(label)s: %(value)s")
        % {"label": form.fields[name].label if name in form.fields else name, "value": " ".join(errors)}
        for name, errors in form.errors.items()
    )
    message = _(
        "Nothing was exported, as a filter could not be read. %(problems)s Correct it and export again."
    )
    return _back(request, url_name, message % {"problems": problems})


def _back(request: HttpRequest, url_name: str, text: str) -> HttpResponseRedirect:
    """Back to the list `url_name` with the filters as given, saying `text` (already in words)."""
    messages.error(request, text)
    query = request.GET.urlencode()
    return HttpResponseRedirect(reverse(url_name) + (f"?{query}" if query else ""))


# What no file name may hold on Windows or macOS (a committee's name goes into it), and control
# characters; the ASCII fallback keeps to letters, digits and . _ - only.
_NOT_IN_A_NAME = re.compile(r'[\x00-\x1f\x7f\\/:*?"<>|]+')
_NOT_PLAIN_ASCII = re.compile(r"[^A-Za-z0-9._-]+")


def attachment(name: str, fallback: str) -> str:
    """The Content-Disposition of a download named in the reader's language (定海居民区台账-2026-11.xlsx):
    RFC 6266's `filename*` in UTF-8 (RFC 5987), which browsers prefer, after a plain ASCII `filename`
    (`fallback`, ledger-2026-11.xlsx) for a client that reads only that. Django's own
    content_disposition_header gives one or the other, and a client that does not read `filename*`
    would then save the file under the URL's name."""
    name = _NOT_IN_A_NAME.sub("_", name).strip() or fallback
    if name.isascii():
        return content_disposition_header(True, name)
    fallback = _NOT_PLAIN_ASCII.sub("_", fallback) or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name)}"
