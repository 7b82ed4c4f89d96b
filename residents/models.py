"""The registry: grids, buildings, households, residents, care categories and visits.

A Shanghai address reads 定海路 449 弄 12 号 302 室: a Building is one 号 in a 弄, a Household one
室 in a building. Residents are archived (moved out, deceased), never deleted.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from committee.models import CommitteeOwned
from common.choices import choice_in_sentence
from common.dates import outside_range, years_after
from common.lengths import NOTE_MAX, limit
from residents.addresses import building_address, household_address, natural_order, room_label, room_order
from residents.grid_worker import check_grid_worker
from residents.search_keys import search_key_for, sort_key


class Grid(CommitteeOwned):
    """网格: a block of buildings that one worker looks after."""

    name = models.CharField(_("name"), max_length=30)
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="grids",
        verbose_name=_("grid worker"),
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["committee", "name"], name="grid_unique_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        check_grid_worker(self)

    def save(self, *args, **kwargs) -> None:
        check_grid_worker(self)  # any path, not only a form (residents/grid_worker.py)
        super().save(*args, **kwargs)

    def deletion_refusal(self) -> str | None:
        """Why this grid cannot be deleted now (None: it can). Deleted, its buildings were left in no
        grid, without a word: their residents without a grid worker, off "my grid" (review 9, item 3)."""
        n = Building.all_objects.filter(grid=self).count()
        if not n:
            return None
        return ngettext(
            "%(grid)s of %(committee)s cannot be deleted: %(n)s building is in it, and would be left "
            "in no grid, its residents without a grid worker. Move it to another grid first, on its "
            "page, then delete this one.",
            "%(grid)s of %(committee)s cannot be deleted: %(n)s buildings are in it, and would be "
            "left in no grid, their residents without a grid worker. Move them to another grid first, "
            "on each building's page, then delete this one.",
            n,
        ) % {"grid": self.name, "committee": self.committee.name, "n": n}


class DerivedOrderField(models.CharField):
    """A sort key written from other fields of its row (`derived_from`, by `derive`) whenever the row
    is saved, by bulk_create too (which calls pre_save, as for auto_now) and by common.bulk.insert_rows
    (which reads derived_from): the lists sort on it, as PostgreSQL and SQLite sort text alike."""

    derived_from: tuple[str, ...] = ()

    @staticmethod
    def derive(*values: str) -> str:
        raise NotImplementedError

    def pre_save(self, model_instance, add):
        value = self.derive(*(getattr(model_instance, name) for name in self.derived_from))
        setattr(model_instance, self.attname, value)
        return value


class AddressOrderField(DerivedOrderField):
    """The building's place in its road's natural order (residents.addresses.natural_order: 2号 before
    10号), from its lane and number."""

    derived_from = ("lane", "number")
    derive = staticmethod(natural_order)


class RoomOrderField(DerivedOrderField):
    """The household's place in its building's natural order (residents.addresses.room_order: 3室
    before 12室 before 302室 before 1002室), from its room."""

    derived_from = ("room",)
    derive = staticmethod(room_order)


class Building(CommitteeOwned):
    """楼栋: one number (号) in a lane (弄) of a road, e.g. 定海路 449 弄 12 号."""

    road = models.CharField(_("road"), max_length=30)
    lane = models.CharField(
        _("lane"), max_length=10, blank=True, help_text=_("Leave empty for a building on the road itself.")
    )
    number = models.CharField(pgettext_lazy("address", "number"), max_length=10)
    # PROTECT: a grid in use is not deleted (Grid.deletion_refusal says why in the admin).
    grid = models.ForeignKey(
        Grid, models.PROTECT, null=True, blank=True, related_name="buildings", verbose_name=_("grid")
    )
    leader = models.ForeignKey(
        "Resident",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("building leader"),
    )
    floors = models.PositiveSmallIntegerField(_("floors"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[limit(NOTE_MAX)])
    # Optimistic locking, as on Resident: an edit carries the version it started from.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    address_order = AddressOrderField(max_length=22, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["address_order"])

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        # Natural order (2号 before 10号); the lane and number as typed part what it cannot read.
        ordering = ["road", "address_order", "lane", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "road", "lane", "number"], name="building_unique_address"
            )
        ]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        return building_address(self.road, self.lane, self.number)


# A building's households room by room (3室 before 12室 before 302室), the room as stored parting
# what room_order cannot read (地下室, 其他): Household.ROOM_ORDER.
ROOM_ORDER = ("room_order", "room")


class Household(CommitteeOwned):
    """户: the people registered at or living in one room."""

    class HousingType(models.TextChoices):
        PUBLIC_RENTAL = "public_rental", _("Public rental housing")
        PURCHASED_PUBLIC = "purchased_public", _("Purchased public housing")
        PRIVATE = "private", _("Private house")
        COMMERCIAL = "commercial", _("Commercial housing")
        OTHER = "other", _("Other")

    class Residency(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        TENANT = "tenant", _("Tenant")
        REGISTERED_ELSEWHERE = "registered_elsewhere", _("Registered elsewhere")

    building = models.ForeignKey(
        Building, models.PROTECT, related_name="households", verbose_name=_("building")
    )
    room = models.CharField(_("room"), max_length=10)
    housing_type = models.CharField(
        _("housing type"), max_length=20, choices=HousingType, default=HousingType.PUBLIC_RENTAL
    )
    residency = models.CharField(
        _("residency"), max_length=25, choices=Residency, default=Residency.REGISTERED
    )
    phone = models.CharField(_("household phone"), max_length=20, blank=True)
    notes = models.TextField(_("notes"), blank=True, validators=[limit(NOTE_MAX)])
    # Optimistic locking, as on Resident: an edit carries the version it started from.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # No index of its own: a building's few dozen rooms are found by household_unique_room and sorted
    # in memory; a list across buildings sorts by the building first (a join), which no index on
    # this table serves.
    room_order = RoomOrderField(max_length=8, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["room_order"])

    ROOM_ORDER = ROOM_ORDER

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        # Natural order (3室 before 12室 before 302室); the room as stored parts what it cannot read.
        ordering = ["building", *ROOM_ORDER]
        constraints = [models.UniqueConstraint(fields=["building", "room"], name="household_unique_room")]

    def __str__(self) -> str:
        return self.address

    @property
    def address(self) -> str:
        building = self.building
        return household_address(building.road, building.lane, building.number, self.room)

    @property
    def room_label(self) -> str:
        return room_label(self.room)


class CareCategory(models.Model):
    """重点关爱类别, e.g. elderly living alone (visit weekly). Shared by all committees; edited in admin."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name (Chinese)"), max_length=30)
    name_en = models.CharField(_("name (English)"), max_length=50)
    visit_every_days = models.PositiveSmallIntegerField(
        _("visit every (days)"), null=True, blank=True, help_text=_("Empty: no regular visits.")
    )
    # Dibao, disability and illness are shown only to the committee's secretary and workers.
    sensitive = models.BooleanField(_("sensitive"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("care category")
        verbose_name_plural = _("care categories")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the active language."""
        return self.name_en if (get_language() or "").startswith("en") else self.name

    def deletion_refusal(self) -> str | None:
        """Why this care category cannot be deleted now (None: it can). Deleted, it left every
        resident who had it without a word in their history: the 128 elderly living alone off the
        care roster (review 9, item 3). Archived residents count: their record keeps what they were."""
        n = Resident.all_objects.filter(care_categories=self).count()
        if not n:
            return None
        return ngettext(
            "“%(name)s” cannot be deleted: %(n)s resident is registered with it, and would lose it "
            "(and their visits on the care roster). If it is no longer used, remove it from the "
            "resident's record first, then delete it.",
            "“%(name)s” cannot be deleted: %(n)s residents are registered with it, and would lose it "
            "(and their visits on the care roster). If it is no longer used, remove it from those "
            "residents' records first, then delete it.",
            n,
        ) % {"name": self.label, "n": n}


# A resident's birth date (Resident.check_birth_date): from 1890 (the earliest an ID number's birth
# date may be, residents.validators: the oldest Shanghai residents were born in the 1900s, so a
# year before is a slip, 0001-01-01 a placeholder) to today. The care roster's 80+ and the ages on
# every page are counted from it: a date after today made a resident of age -1.
EARLIEST_BIRTH_DATE = datetime.date(1890, 1, 1)
BORN_TOO_EARLY = _("The birth date cannot be earlier than %(day)s.")
BORN_AFTER_TODAY = _("The birth date cannot be later than today (%(day)s).")
# The day a resident moved out or died (Resident.check_archived_on): not before they were born (or,
# without a birth date, the earliest one the registry takes) and not after today: a resident is
# archived once it has happened. Nor before the last visit recorded for them: one of the two days is
# mistyped, and it was saved without a word (the visits bound only a day set or changed: a stored
# one left as it is never locks the record).
ARCHIVED_BEFORE_BIRTH = _("The day moved out or died cannot be earlier than the birth date (%(day)s).")
ARCHIVED_TOO_EARLY = _("The day moved out or died cannot be earlier than %(day)s.")
ARCHIVED_AFTER_TODAY = _("The day moved out or died cannot be later than today (%(day)s).")
ARCHIVED_BEFORE_VISIT = _(
    "The day moved out or died cannot be earlier than the last visit recorded for them (%(day)s)."
)
# When a visit was made (Visit.check_visited_at): a visit is recorded on the day, or a few days later
# from the visit diary (民情日志); a year back leaves a diary kept on paper room, and a visit older than
# that moves nothing on the care roster (the longest cadence is 60 days). Not later than now, with
# five minutes for a phone's clock: a visit is recorded once made.
VISIT_HORIZON_YEARS = 1
VISIT_CLOCK_SLACK = datetime.timedelta(minutes=5)
VISIT_TOO_OLD = _("The visit cannot be earlier than a year ago (%(day)s).")
VISIT_AFTER_NOW = _("The visit cannot be later than now (%(time)s).")


def age_on(birth_date, today) -> int | None:
    """Whole years from `birth_date` to `today` (None without a birth date): Resident.age, and the
    resident list's rows (residents/rows.py) on a plain value."""
    if not birth_date:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


class Resident(CommitteeOwned):
    class Gender(models.TextChoices):
        MALE = "M", _("Male")
        FEMALE = "F", _("Female")

    class Relation(models.TextChoices):
        HEAD = "head", _("Head of household")
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        CHILD_IN_LAW = "child_in_law", _("Child-in-law")
        GRANDCHILD = "grandchild", _("Grandchild")
        PARENT = "parent", _("Parent")
        SIBLING = "sibling", _("Sibling")
        OTHER_RELATIVE = "other_relative", _("Other relative")
        LODGER = "lodger", _("Lodger")
        OTHER = "other", _("Other")

    class ResidencyStatus(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        RESIDENT = "resident", pgettext_lazy("residency status", "Resident")
        REGISTERED_ELSEWHERE = "registered_elsewhere", _("Registered elsewhere")
        FLOATING = "floating", _("Floating")
        TENANT = "tenant", _("Tenant")

    class Archived(models.TextChoices):
        MOVED_OUT = "moved_out", _("Moved out")
        DECEASED = "deceased", _("Deceased")

    # What happened and when, as the resident's page says it (archived_words): a move and a death
    # read as what they are, not both as "archived".
    ARCHIVED_WORDS = {
        Archived.MOVED_OUT: _("moved out on %(day)s"),
        Archived.DECEASED: _("died on %(day)s"),
    }

    household = models.ForeignKey(
        Household, models.PROTECT, related_name="members", verbose_name=_("household")
    )
    name = models.CharField(_("full name"), max_length=30)  # 姓名, as the registry's form and the import say
    gender = models.CharField(_("gender"), max_length=1, choices=Gender, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    # Unique across the deployment: one person, one record. Empty when not known (NULL, so many may lack one).
    id_number = models.CharField(_("ID number"), max_length=18, null=True, blank=True, unique=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    relation_to_head = models.CharField(
        _("relation to head"), max_length=20, choices=Relation, default=Relation.HEAD
    )
    residency_status = models.CharField(
        _("residency status"), max_length=25, choices=ResidencyStatus, default=ResidencyStatus.REGISTERED
    )
    care_categories = models.ManyToManyField(
        CareCategory, blank=True, related_name="residents", verbose_name=_("care categories")
    )
    notes = models.TextField(_("notes"), blank=True, validators=[limit(NOTE_MAX)])
    archived = models.CharField(_("archived as"), max_length=10, choices=Archived, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking: an edit carries the version it started from; a stale one is refused.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    # Derived (residents.search_keys, residents.care), kept on save and by residents.indexing: what
    # the search box matches (name, pinyin, initials, phone endings, address forms) and the care schedule.
    search_key = models.TextField(editable=False, blank=True, default="")
    # The name's pinyin (residents.search_keys.sort_key): the list's order and the search's among equals.
    sort_key = models.CharField(max_length=120, editable=False, blank=True, default="")
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True, editable=False)
    next_visit_due = models.DateField(_("next visit due"), null=True, blank=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["updated_at", "search_key", "sort_key", "last_visit_at", "next_visit_due"]
    )

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["committee", "archived", "sort_key"], name="resident_committee_sort"),
            # The list across committees (a street's 25, a district's 300), read in its order: without
            # it a district officer's first page sorted all 1,000,000 residents (348 → 20 ms).
            models.Index(
                fields=["sort_key", "id"], name="resident_sort_all", condition=models.Q(archived="")
            ),
            # The care roster only (residents.selectors.care_roster): a district's overview counts 300
            # committees' rosters, and over every resident the planner read the whole table.
            models.Index(
                fields=["committee", "next_visit_due"],
                name="resident_care_roster",
                condition=models.Q(archived="", next_visit_due__isnull=False),
            ),
            # Covering the search: LIKE '%…%' reads the index, not the rows (see residents.indexing).
            models.Index(fields=["committee", "archived", "search_key"], name="resident_search_scan"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_archived(self) -> bool:
        return bool(self.archived)

    @property
    def archived_words(self) -> str:
        """What happened and when: "moved out on 2026-11-30" or "died on 2026-11-30" (in zh-hans
        "2026-11-30 迁出", "2026-11-30 去世"); without a day (an old record), the choice's own word;
        "" for a resident not archived. Words for a sentence ("王芳 moved out on …"): a badge
        capitalises them (capfirst)."""
        if not self.archived:
            return ""
        words = self.ARCHIVED_WORDS.get(self.archived)
        if words is None or self.archived_on is None:
            return choice_in_sentence(self.Archived, self.archived)
        return words % {"day": self.archived_on.isoformat()}

    @property
    def died_on(self) -> datetime.date | None:
        """The day they died (None: alive, moved out, or a death recorded without its day)."""
        return self.archived_on if self.archived == self.Archived.DECEASED else None

    @property
    def age(self) -> int | None:
        """Their age today, or, for a resident who died, the age they died at (not 86 beside 去世)."""
        return age_on(self.birth_date, self.died_on or timezone.localdate())

    @staticmethod
    def birth_date_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
        return EARLIEST_BIRTH_DATE, today

    @classmethod
    def check_birth_date(cls, birth_date: datetime.date, *, today: datetime.date) -> None:
        """Refuse a birth date outside birth_date_range: a ValidationError on birth_date."""
        error = outside_range(birth_date, *cls.birth_date_range(today), BORN_TOO_EARLY, BORN_AFTER_TODAY)
        if error:
            raise ValidationError({"birth_date": error})

    @staticmethod
    def archived_on_range(
        *, birth_date: datetime.date | None, today: datetime.date, last_visit_on: datetime.date | None = None
    ) -> tuple[datetime.date, datetime.date]:
        """The days a resident may have moved out or died: from their birth (or the earliest birth
        date the registry takes) and the day of the last visit recorded for them (`last_visit_on`,
        None: none or not checked) to today; a birth date or visit stored after today is no reason
        to refuse today."""
        earliest = min(birth_date or EARLIEST_BIRTH_DATE, today)
        if last_visit_on is not None:
            earliest = max(earliest, min(last_visit_on, today))
        return earliest, today

    @classmethod
    def check_archived_on(
        cls,
        archived_on: datetime.date,
        *,
        birth_date: datetime.date | None,
        today: datetime.date,
        last_visit_on: datetime.date | None = None,
    ) -> None:
        """Refuse the day moved out or died outside archived_on_range: a ValidationError on archived_on
        naming the bound it broke (the birth date, the earliest birth date, the last visit, today)."""
        earliest, latest = cls.archived_on_range(
            birth_date=birth_date, today=today, last_visit_on=last_visit_on
        )
        if last_visit_on is not None and earliest > min(birth_date or EARLIEST_BIRTH_DATE, today):
            too_early = ARCHIVED_BEFORE_VISIT  # the last visit is the later bound
        else:
            too_early = ARCHIVED_BEFORE_BIRTH if birth_date else ARCHIVED_TOO_EARLY
        error = outside_range(archived_on, earliest, latest, too_early, ARCHIVED_AFTER_TODAY)
        if error:
            raise ValidationError({"archived_on": error})

    def last_visit_on(self) -> datetime.date | None:
        """The local day of the last visit recorded for this resident (None: none, or not saved yet):
        the earliest day they may have moved out or died. Read from the visits themselves, not from
        last_visit_at, which the indexing keeps for the care roster."""
        if self.pk is None:
            return None
        last = Visit.all_objects.filter(resident_id=self.pk).aggregate(last=models.Max("visited_at"))["last"]
        return timezone.localdate(last) if last else None

    def check_dates(self, *, today: datetime.date, stored: "Resident | None" = None) -> None:
        """The birth date's and archiving day's rules on this resident, for the values that differ
        from `stored` (the record as saved; None: a new resident, every value): a date stored
        before the rules and left as it is never locks the record. The last visit is read (by this
        resident's pk) only when the archiving day is set or changed."""
        errors = {}
        if self.birth_date and (stored is None or self.birth_date != stored.birth_date):
            try:
                self.check_birth_date(self.birth_date, today=today)
            except ValidationError as error:
                errors.update(error.error_dict)
        # A changed birth date is measured against the day moved out or died too: born after it is
        # as wrong as having left before birth. The visits only against a day set or changed: a
        # birth date corrected on a record whose stored day precedes a visit still saves.
        archived_on_changed = stored is None or self.archived_on != stored.archived_on
        if self.archived_on and (archived_on_changed or self.birth_date != stored.birth_date):
            try:
                self.check_archived_on(
                    self.archived_on,
                    birth_date=self.birth_date,
                    today=today,
                    last_visit_on=self.last_visit_on() if archived_on_changed else None,
                )
            except ValidationError as error:
                errors.update(error.error_dict)
        if errors:
            raise ValidationError(errors)

    def full_number(self, field: str) -> str:
        """The full number a RevealLog.Field names ("" when none is recorded)."""
        if field == "home_phone":  # the household's landline
            return self.household.phone or ""
        return getattr(self, field) or ""

    def save(self, *args, **kwargs) -> None:
        self.search_key = search_key_for(self)
        self.sort_key = sort_key(self.name)
        if self.archived:
            self.next_visit_due = None
        super().save(*args, **kwargs)


class RevealLog(CommitteeOwned):
    """One reveal of a resident's full ID or phone number: who, when, whose, which, and why.

    Append-only; the secretary reads it (Perm.VIEW_AUDIT). The number itself is never stored here.
    """

    class Field(models.TextChoices):
        ID_NUMBER = "id_number", _("ID number")
        PHONE = "phone", _("Phone")
        # The household's landline, revealed on one of its residents' pages and logged against them.
        HOME_PHONE = "home_phone", _("Household phone")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="reveals", verbose_name=_("resident"))
    field = models.CharField(_("number"), max_length=10, choices=Field)
    reason = models.CharField(_("reason"), max_length=200)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("revealed by")
    )
    revealed_at = models.DateTimeField(_("revealed at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("reveal of a number")
        verbose_name_plural = _("reveals of numbers")
        ordering = ["-revealed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.revealed_by} · {self.resident} · {timezone.localtime(self.revealed_at):%Y-%m-%d %H:%M}"


class Visit(CommitteeOwned):
    """走访: a worker's home visit, call or desk conversation with a resident; it may raise a case."""

    class Method(models.TextChoices):
        HOME = "home", _("Home visit")
        PHONE = "phone", _("Phone call")
        DESK = "desk", _("At the desk")

    resident = models.ForeignKey(Resident, models.PROTECT, related_name="visits", verbose_name=_("resident"))
    visited_at = models.DateTimeField(_("visited at"), default=timezone.now)
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="visits", verbose_name=_("visited by")
    )
    method = models.CharField(_("how"), max_length=10, choices=Method, default=Method.HOME)
    findings = models.TextField(_("what was found"), blank=True, validators=[limit(NOTE_MAX)])
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    created_at = models.DateTimeField(_("recorded"), default=timezone.now, editable=False)
    # The form's one-time token (cases_tags.form_token): Back and save again records the visit once.
    form_token = models.CharField(max_length=40, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at", "-pk"]
        indexes = [models.Index(fields=["resident", "-visited_at"], name="visit_resident_latest")]
        constraints = [
            models.UniqueConstraint(
                fields=["visitor", "form_token"], condition=~models.Q(form_token=""), name="visit_form_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resident} · {timezone.localtime(self.visited_at):%Y-%m-%d}"

    @staticmethod
    def visited_on_range(today: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The days a visit may be recorded for: from VISIT_HORIZON_YEARS before today to today."""
        return years_after(today, -VISIT_HORIZON_YEARS), today

    @classmethod
    def check_visited_at(cls, visited_at: datetime.datetime, *, now: datetime.datetime) -> None:
        """Refuse a visit's time outside its range (its local day in visited_on_range, the time not
        later than `now` and the clock's slack): a ValidationError on visited_at."""
        earliest = cls.visited_on_range(timezone.localdate(now))[0]
        error = outside_range(timezone.localdate(visited_at), earliest, datetime.date.max, VISIT_TOO_OLD, "")
        # A time, so its limit is now, said with its day and time: "不能晚于今天" beside a time typed an
        # hour ahead, today, read as wrong; tomorrow is later than now as much as in ten minutes.
        if visited_at > now + VISIT_CLOCK_SLACK:
            now_said = f"{timezone.localtime(now):%Y-%m-%d %H:%M}"
            error = ValidationError(VISIT_AFTER_NOW, code="too_late", params={"time": now_said})
        if error:
            raise ValidationError({"visited_at": error})


# The registry import's record of each upload, in a module of its own (registered here with the
# app's models).
from residents.import_run import ImportRun  # noqa: E402, F401
