from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HolidaysConfig(AppConfig):
    """The holiday schedule (节假日安排): public holidays and make-up working days per year, entered in
    the admin from the State Council's notice, so due dates stay right in years the calendar library
    does not know yet."""

    name = "holidays"
    verbose_name = _("Holiday schedule")
