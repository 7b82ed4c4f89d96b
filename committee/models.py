"""The organisation: districts, streets, their committees, and who works where in which role."""

import itertools
import re

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.roles import Role
from committee.scoping import CommitteeScopedManager


class User(AbstractUser):
    """A member of staff. Chinese names are one string, so one name field replaces first/last."""

    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    phone = models.CharField(_("work phone"), max_length=20, blank=True)
    # A password an administrator typed (a new account's, or a reset) is known to someone else: its
    # user chooses their own at the next login before anything else (committee.middleware.
    # OwnPasswordMiddleware); cleared when they do (committee.forms.OwnPasswordForm).
    must_change_password = models.BooleanField(
        _("must choose a new password"),
        default=False,
        help_text=_("Set when the administrator sets the password: asked for a new one at the next login."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class District(models.Model):
    """A district (区), e.g. 杨浦区: the level above the streets. Its officers read all its committees."""

    name = models.CharField(_("name"), max_length=20, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Street(models.Model):
    """A street (subdistrict) office, e.g. 定海路街道; oversees a few dozen committees."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    # Optional: a deployment for one street needs no district.
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="streets",
        verbose_name=_("district"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Committee(models.Model):
    """A residents' committee and the area it serves: the tenant of all personal data and cases."""

    street = models.ForeignKey(Street, models.PROTECT, related_name="committees", verbose_name=_("street"))
    name = models.CharField(_("name"), max_length=50)
    # A short code for the admin's lists and searches, unique within the street; nothing else reads it
    # (case numbers are per committee and year). Filled from the name when left empty (review 10, F-K:
    # it was required, unexplained, and refused Chinese with Django's "slug" wording).
    code = models.CharField(
        _("code"),
        max_length=20,
        blank=True,
        db_index=True,
        validators=[
            RegexValidator(
                r"^[-a-zA-Z0-9_]+\Z",
                _("Use Latin letters, digits, hyphens or underscores only, e.g. FL01; or leave it empty."),
                code="invalid",
            )
        ],
        help_text=_(
            "A short code in Latin letters or digits for the admin's lists and searches, e.g. FL01. "
            "Left empty, it is made from the initials of the name's pinyin (枫林居民区: fl)."
        ),
    )
    address = models.CharField(_("office address"), max_length=100, blank=True)
    phone = models.CharField(_("office phone"), max_length=20, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")
        ordering = ["street__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["street", "name"], name="committee_unique_name_in_street"),
            models.UniqueConstraint(fields=["street", "code"], name="committee_unique_code_in_street"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.code:
            self.code = self.free_code()
        super().save(*args, **kwargs)

    def free_code(self) -> str:
        """The initials of the name's pinyin, its 居民区/居委会 left off (枫林居民区 → fl), with a number
        after it when the street already has that code (fl2)."""
        from pypinyin import Style, lazy_pinyin

        stem = self.name.removesuffix("居民区").removesuffix("居委会") or self.name
        initials = "".join(lazy_pinyin(stem, style=Style.FIRST_LETTER))
        base = re.sub(r"[^a-z0-9_-]", "", initials.lower())[:16] or "c"
        taken = set(
            Committee.objects.filter(street_id=self.street_id, code__startswith=base)
            .exclude(pk=self.pk)
            .values_list("code", flat=True)
        )
        candidates = (base if n == 1 else f"{base}{n}" for n in itertools.count(1))
        return next(code for code in candidates if code not in taken)


class Membership(models.Model):
    """A user's role in one committee. One role per user and committee."""

    user = models.ForeignKey(User, models.CASCADE, related_name="memberships", verbose_name=_("user"))
    committee = models.ForeignKey(
        Committee, models.CASCADE, related_name="memberships", verbose_name=_("committee")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.membership_choices())
    history = HistoricalRecords()  # who was given which role, and when

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "committee"], name="membership_one_role_per_committee"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.committee} · {self.get_role_display()}"


class StreetOfficer(models.Model):
    """A street officer: read access to every committee of one street."""

    user = models.ForeignKey(User, models.CASCADE, related_name="street_posts", verbose_name=_("user"))
    street = models.ForeignKey(Street, models.CASCADE, related_name="officers", verbose_name=_("street"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("street officer")
        verbose_name_plural = _("street officers")
        constraints = [models.UniqueConstraint(fields=["user", "street"], name="street_officer_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.street}"


class DistrictOfficer(models.Model):
    """A district officer: read access to every committee of every street of one district."""

    user = models.ForeignKey(User, models.CASCADE, related_name="district_posts", verbose_name=_("user"))
    district = models.ForeignKey(
        District, models.CASCADE, related_name="officers", verbose_name=_("district")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("district officer")
        verbose_name_plural = _("district officers")
        constraints = [models.UniqueConstraint(fields=["user", "district"], name="district_officer_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.district}"


class CommitteeOwned(models.Model):
    """Base of every model that belongs to one committee.

    `objects` is scoped: it returns only the rows of the committees the current user may see, and
    nothing when no scope is active (see committee/scoping.py). It is the default manager, so model
    forms, related managers and the admin are scoped too. `all_objects` looks across committees and
    is for the few services that must (deployment-wide uniqueness, numbering), commands and tests.
    """

    committee = models.ForeignKey(Committee, models.PROTECT, related_name="+", verbose_name=_("committee"))

    objects = CommitteeScopedManager()
    all_objects = models.Manager()  # noqa: DJ012 (ruff takes this manager for a field)

    class Meta:
        abstract = True
