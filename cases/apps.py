from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from cases.models import Case

        post_save.connect(_referrals_follow_their_case, sender=Case, dispatch_uid="cases.referrals.follow")


def _referrals_follow_their_case(sender, instance, created=False, update_fields=None, **kwargs) -> None:
    """A case opened, closed or made sensitive (or no longer): its referrals say so (Referral.case_open,
    case_sensitive), which the late referrals are counted by. Every write of a case goes through
    Case.save (the services, the admin, the demo); the UPDATE changes a row only when one differs."""
    if created or (update_fields is not None and not {"status", "sensitive"} & set(update_fields)):
        return
    from cases.models import Referral

    Referral.all_objects.filter(case_id=instance.pk).exclude(
        case_open=instance.is_open, case_sensitive=instance.sensitive
    ).update(case_open=instance.is_open, case_sensitive=instance.sensitive)
