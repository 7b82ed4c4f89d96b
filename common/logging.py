"""Keeps ID and phone numbers out of logs and error reports (PIPL Art. 28 and 51)."""

import logging
import re
from pprint import pformat
from urllib.parse import quote_plus, unquote_plus

from django.conf import settings
from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter

from common.masking import mask_numbers_in_text

# A task's id as django.tasks logs it ("Task id=79798052-69ed-405b-8158-acf642a463e0 path=…"). A UUID
# whose first group happens to be all digits (about one in forty) read as a landline and was logged
# as "****8052-69ed-…", which then matched no row of the admin's task results. Hex groups joined by
# hyphens are no one's phone or ID number: kept whole, and everything around them masked as before.
_UUID_RE = re.compile(r"(?<![0-9A-Za-z-])[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}(?![0-9A-Za-z-])", re.I)


# A word of a URL as sent: a search box sends 189 8658 3827 as q=189+8658+3827 (or %20, %2D), and
# what a Chinese input method types percent-encoded (１３８ as %EF%BC%91%EF%BC%93%EF%BC%98, its
# hyphen －, its space U+3000), which the request's log line and an error report's URL quote: each
# such word is read decoded, and written again masked when it held a number.
_URL_WORD = re.compile(r"(?:[0-9A-Za-z._~*+-]|%[0-9A-Fa-f]{2})+")


def _masked_in_url(match: re.Match) -> str:
    written = match.group(0)
    if "%" not in written and "+" not in written:
        return written  # as typed: the line's own masking reads it
    typed = unquote_plus(written)  # as the search box had it: 189 8658 3827
    masked = mask_numbers_in_text(typed)
    return written if masked == typed else quote_plus(masked, safe="*")


def _mask(text: str) -> str:
    return mask_numbers_in_text(_URL_WORD.sub(_masked_in_url, text))


def mask_for_log(text: str) -> str:
    """mask_numbers_in_text for logs and error reports (a number in a URL however its spaces were
    encoded), leaving UUIDs (task ids) whole."""
    parts, last = [], 0
    for match in _UUID_RE.finditer(text):
        parts += [_mask(text[last : match.start()]), match.group(0)]
        last = match.end()
    return "".join([*parts, _mask(text[last:])])


class MaskPersonalData(logging.Filter):
    """Masks anything that looks like an ID or phone number in every log record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_for_log(message)
        if masked != message:
            record.msg, record.args = masked, ()
        # A database error's traceback can quote the row it failed on; format it now, masked.
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_for_log(self._formatter.formatException(record.exc_info))
        return True


class OneLineForClientErrors(logging.Filter):
    """A 403 or 404 is a line in the log ("Not Found: /cases/99/"), not a traceback: a crawler, a
    stale bookmark or a probe of another committee's ids is not a fault of the server."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class PersonalDataReporterFilter(SafeExceptionReporterFilter):
    """Error reports (the 500 mail to ADMINS) show request data with personal numbers masked."""

    hidden_settings = re.compile("API|TOKEN|KEY|SECRET|PASS|SIGNATURE|DATABASE_URL", flags=re.IGNORECASE)

    def get_traceback_frame_variables(self, request, tb_frame):
        # Not only strings: a dict of an imported row or a list of numbers is shown by its repr.
        return [
            (name, mask_numbers_in_text(value if isinstance(value, str) else pformat(value)))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]

    def get_post_parameters(self, request):
        params = super().get_post_parameters(request)
        if not params:
            return params
        cleaned = params.copy()
        for key in cleaned:
            cleaned.setlist(key, [mask_numbers_in_text(v) for v in cleaned.getlist(key)])
        return cleaned


class MaskedAdminEmailHandler(AdminEmailHandler):
    """The 500 mail to ADMINS with every ID and phone number masked: subject, text and HTML alike.

    The report filter above masks frame variables and POST data, but the mail also carries the query
    string, request headers and the exception's own message (a database error quotes the row)."""

    def emit(self, record):
        if not settings.ADMINS:  # as Django's own handler: nothing to build when nobody gets it
            return
        try:
            super().emit(record)
        except Exception:  # e.g. the report reads the session during a database outage: not the page's 503
            self.handleError(record)

    def send_mail(self, subject, message, *args, **kwargs):
        if kwargs.get("html_message"):
            kwargs["html_message"] = mask_for_log(kwargs["html_message"])
        super().send_mail(mask_for_log(subject), mask_for_log(message), *args, **kwargs)
