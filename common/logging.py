"""Keeps ID and phone numbers out of logs and error reports (PIPL Art. 28 and 51)."""

import logging
import re
from pprint import pformat

from django.conf import settings
from django.utils.log import AdminEmailHandler
from django.views.debug import SafeExceptionReporterFilter

from common.masking import mask_numbers_in_text


class MaskPersonalData(logging.Filter):
    """Masks anything that looks like an ID or phone number in every log record."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_numbers_in_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        # A database error's traceback can quote the row it failed on; format it now, masked.
        if record.exc_info and not record.exc_text:
            record.exc_text = mask_numbers_in_text(self._formatter.formatException(record.exc_info))
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
            kwargs["html_message"] = mask_numbers_in_text(kwargs["html_message"])
        super().send_mail(mask_numbers_in_text(subject), mask_numbers_in_text(message), *args, **kwargs)
