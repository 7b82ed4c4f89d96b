from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The secretary's dashboard, the street's overview, the monthly ledger and summary."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = _("reports")

    def ready(self) -> None:
        from cases.models import Case
        from holidays.models import HolidayDay, HolidayYear
        from reports import rollup

        # Every write of a case goes through Case.save (the services, the admin, the demo): a
        # change to a case of a closed month marks that month of the dashboard's rollup stale.
        pre_save.connect(rollup.on_case_saving, sender=Case, dispatch_uid="reports.rollup.saving")
        post_delete.connect(rollup.on_case_deleted, sender=Case, dispatch_uid="reports.rollup.deleted")
        # Working days to resolve count on the holiday calendar: a corrected year (a 调休 day
        # entered late) summarises every month again when next needed.
        for model in (HolidayYear, HolidayDay):
            for name, signal in (("saved", post_save), ("deleted", post_delete)):
                signal.connect(
                    rollup.on_calendar_changed,
                    sender=model,
                    dispatch_uid=f"reports.rollup.{model.__name__}.{name}",
                )
