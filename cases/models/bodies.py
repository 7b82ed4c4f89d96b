"""Where a case may be referred (OutsideBody): the offices every committee sends to (the street's
civil-affairs office, the police station, the district's drainage office) are shared by the whole
deployment; a committee's own, such as the property company of its estate, belongs to that committee
and is listed for it alone (review 10, finding E: one committee's 某某物业枫林项目部 was offered to all
300 committees of the district, and "物业公司" alone did not say in the ledger which company was chased)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from committee.models import Committee


class OutsideBody(models.Model):
    """Where a case may be referred: the street's civil-affairs office, the property company, …"""

    name = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Empty: shared by every committee (every body stored before the field was, too).
    committee = models.ForeignKey(
        Committee,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="outside_bodies",
        verbose_name=_("committee"),
        help_text=_(
            "Leave empty for an office every committee sends to; choose a committee for its own, "
            "such as the property company of its estate: only that committee sees it."
        ),
    )

    class Meta:
        verbose_name = _("outside body")
        verbose_name_plural = _("outside bodies")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") and self.name_en else self.name

    @staticmethod
    def listed_for(committee_id: int | None) -> Q:
        """The bodies a committee refers its cases to: the shared ones and its own."""
        return Q(committee__isnull=True) | Q(committee_id=committee_id)


# A body posted for a case of a committee it is not listed for (another committee's own).
ANOTHER_COMMITTEES_BODY = _("This outside body is another committee's own: choose one from the list.")
