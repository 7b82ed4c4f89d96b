"""The case-list filter: GET parameters → a queryset. Used by the case list and by the dashboard's
export of a filtered list, so both read the same bookmarkable URLs.

Parameters: status (a Case.Status or "open"), category (code), assignee (user id or "none"), source,
building (id), overdue=1, overdue_at=YYYY-MM (the cases overdue at that month's end, as its monthly
summary counted them: reports/month_end.py), follow_up (due: resolved, this resolution not yet called
back; called: this resolution called back), reopen=asked (a worker's request to reopen waits for the
secretary),
created_from / created_to, resolved_from / resolved_to and called_from / called_to (the day of the
case's latest follow-up call: the dashboards' satisfaction), due_from / due_to (the due date: the
morning list's "due today") (YYYY-MM-DD, inclusive, local dates),
committee (id), street (id), district (id): the reader's committees of that street or district, as
the street and district overviews count them (their figures open the list with these), q (text),
sort (due by default).
"""

import datetime
import re
from collections.abc import Collection

from django import forms
from django.db import models
from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import Case, label_in_language
from cases.reference import case_worker_names, category_id, category_names, user_names
from cases.search import full_number_filter, shown_number_filter, term_filter
from cases.selectors import visible_cases
from committee.scoping import InIds
from common.forms import MAX_ID, DateInput, FilterDateField, parse_id
from common.querystrings import drops_empty_fields
from residents.selectors import search_terms

SORTS = {
    "due": ("open_rank", "due_date", "pk"),
    "-due": ("-due_date", "-pk"),
    "newest": ("-created_at", "-pk"),
    "oldest": ("created_at", "pk"),
    "updated": ("-updated_at", "-pk"),
}
SORT_CHOICES = [
    ("due", _("Due soonest")),
    ("-due", _("Due latest")),
    ("newest", _("Newest")),
    ("oldest", _("Oldest")),
    ("updated", _("Recently changed")),
]
NUMBER = re.compile(r"^(\d{4})-(\d{1,6})$")
# More staff than this in the reader's committees: the assignee's select lists one committee's.
MAX_ASSIGNEE_OPTIONS = 200


class StaffChoiceField(forms.ChoiceField):
    """A choice of staff that may accept more of them than its select lists (`accepted`: ids as
    text): CaseFilterForm lists one committee's when the reader's committees have hundreds."""

    accepted: frozenset[str] = frozenset()

    def valid_value(self, value) -> bool:
        return value in self.accepted or super().valid_value(value)


# The search's words beyond this many characters are left out (CaseFilterForm.clean_q).
SEARCH_MAX_CHARS = 100


class CaseFilterForm(forms.Form):
    # No max_length: a longer search is cut, not refused (clean_q).
    q = forms.CharField(label=_("Search"), required=False)
    search_max = SEARCH_MAX_CHARS
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    assignee = StaffChoiceField(label=_("Assignee"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    building = forms.IntegerField(
        label=_("Building"), required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    # The monthly summary's overdue figure of an ended month opens this: the cases it counted.
    overdue_at = forms.CharField(
        label=_("Overdue at the end of"), required=False, max_length=7, widget=forms.HiddenInput
    )
    follow_up = forms.ChoiceField(
        label=_("Follow-up call"),
        required=False,
        choices=[("", _("Any")), ("due", _("Not called yet")), ("called", _("Called back"))],
    )
    reopen = forms.ChoiceField(
        label=_("Request to reopen"),
        required=False,
        choices=[("", _("Any")), ("asked", _("Waiting for the secretary"))],
    )
    created_from = FilterDateField(label=_("Logged from"), required=False, widget=DateInput())
    created_to = FilterDateField(label=_("Logged to"), required=False, widget=DateInput())
    resolved_from = FilterDateField(label=_("Resolved from"), required=False, widget=DateInput())
    resolved_to = FilterDateField(label=_("Resolved to"), required=False, widget=DateInput())
    called_from = FilterDateField(label=_("Last called back from"), required=False, widget=DateInput())
    called_to = FilterDateField(label=_("Last called back to"), required=False, widget=DateInput())
    # The morning list's "due today" opens these (notifications/reminders.py figure_links).
    due_from = FilterDateField(label=_("Due from"), required=False, widget=DateInput())
    due_to = FilterDateField(label=_("Due to"), required=False, widget=DateInput())
    committee = forms.ChoiceField(label=_("Committee"), required=False)
    street = forms.ChoiceField(label=_("Street"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, data=None, *, access=None, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.access = access
        self.q_left_out = 0  # characters of the search left out (clean_q)
        for field in self.fields.values():
            # A choice from a link or a URL typed, not a select: said after "Not applied: 状态“x”."
            # (templates/includes/not_applied.html), where Django's "Select a valid choice. x is not
            # one of the available choices." repeated the value and asked for a select nobody sees.
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("There is no such choice.")
        self.fields["status"].choices = [
            ("", _("Any status")),
            ("open", pgettext_lazy("cases", "Open")),
            *Case.Status.choices,
        ]
        # The choices are reference data (common/refdata.py): cached, read again after a change.
        self.fields["category"].choices = [("", _("Any category"))] + [
            (code, label_in_language(name, name_en)) for code, name, name_en in category_names()
        ]
        self.fields["source"].choices = [("", _("Any source")), *Case.Source.choices]
        committees = [] if access is None else access.committee_names()
        staff = case_worker_names([pk for pk, _name, _street in committees])
        anyone = [("", _("Anyone")), ("none", _("Unassigned"))]
        self.fields["committee"].choices = [("", _("All my committees"))] + [
            (str(pk), name) for pk, name, _street in committees
        ]
        self.show_committee = len(committees) > 1
        self._areas(access)
        if len(staff) > MAX_ASSIGNEE_OPTIONS:
            self._list_staff_of_chosen_committee(anyone, staff, {pk for pk, _name, _street in committees})
        else:
            self.fields["assignee"].choices = [*anyone, *((str(pk), name) for pk, name in staff)]
        self._keep_former_staff(access, {pk for pk, _name in staff})

    def _keep_former_staff(self, access, staff: set[int]) -> None:
        """A link may name someone who no longer works cases here (moved to another committee, made
        a viewer) but still holds cases: the dashboard's workload counts theirs and links to them.
        They stay a choice, by name, when they hold a case this reader sees; an invalid choice would
        drop the filter, and their figure open every worker's cases. One query, only then."""
        asked = parse_id(self.data.get("assignee"))
        if access is None or asked is None or asked in staff:
            return
        if not visible_cases(access).filter(assignee_id=asked).exists():
            return
        assignee = self.fields["assignee"]
        assignee.choices = [*assignee.choices, (str(asked), user_names([], [asked]).get(asked, ""))]
        assignee.accepted = assignee.accepted | {str(asked)}

    def _list_staff_of_chosen_committee(self, anyone: list, staff: list, committee_ids: set[int]) -> None:
        """A district's 1,500 staff in one select are a list nobody reads (and were most of the
        district officer's case list: 1,534 options, 107 KB on a phone). The select then lists the
        staff of the committee chosen, and the one asked for; choosing a committee draws the
        filters again with its staff. Every one of them stays a valid choice: a link may name one."""
        chosen = parse_id(self.data.get("committee"))
        shown = (
            [*anyone, *((str(pk), name) for pk, name in case_worker_names([chosen]))]
            if chosen in committee_ids
            else anyone
        )
        asked = parse_id(self.data.get("assignee"))
        names = dict(staff)
        if asked in names and str(asked) not in {value for value, _label in shown}:
            shown = [*shown, (str(asked), names[asked])]
        assignee = self.fields["assignee"]
        assignee.choices = shown
        assignee.accepted = frozenset(str(pk) for pk in names)
        if chosen not in committee_ids:
            assignee.help_text = _("Choose a committee to list its staff.")
        # The committee's select draws the page's main part again (its filters too), not only the
        # results: its staff are then the assignee's choices. `consume`: not the form's request too.
        self.fields["committee"].widget.attrs.update(
            {
                "hx-post": reverse("cases:list"),  # the search box with it: never in the address
                "hx-include": "closest form",
                "hx-trigger": "change consume",
                "hx-target": "#main",
                "hx-select": "#main",
                "hx-swap": "outerHTML",
                "hx-push-url": "true",
            }
        )

    def _areas(self, access) -> None:
        """The street and district filters: the reader's streets and districts (from the cache,
        common/refdata.py), each shown when there is more than one to choose from; a link may name
        one either way (the overviews' figures do), kept by a hidden field then."""
        self.places = [] if access is None else access.committee_places()
        streets = {str(place.street_id): place.street for place in self.places}
        districts = {str(place.district_id): place.district for place in self.places if place.district_id}
        self.fields["street"].choices = [("", _("All my streets")), *streets.items()]
        self.fields["district"].choices = [("", _("All my districts")), *districts.items()]
        self.show_street = len(streets) > 1
        self.show_district = len(districts) > 1

    def clean_q(self) -> str:
        """The search, cut to its first SEARCH_MAX_CHARS characters (`q_left_out`: how many were
        left out, which the list says). Cut rather than refused: what is pasted that long is a
        12345 work order's text, to see whether the case was logged already, and a case logged from
        it holds that text in its key as written (cases/search.py), so its first hundred characters
        still find it. Refused, the worker saw nothing, and on a phone had to cut the pasted text by
        hand; left out (before), the list showed every case as if they matched."""
        q = self.cleaned_data.get("q") or ""
        if len(q) <= SEARCH_MAX_CHARS:
            return q
        self.q_left_out = len(q) - SEARCH_MAX_CHARS
        return q[:SEARCH_MAX_CHARS].strip()

    def clean_overdue_at(self) -> datetime.date | None:
        value = (self.cleaned_data.get("overdue_at") or "").strip()
        if not value:
            return None
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."), code="invalid") from None

    def clean_sort(self) -> str:
        return self.cleaned_data.get("sort") or "due"

    def clean(self) -> dict:
        """`areas`: the ids of the reader's committees in the street and district chosen (None when
        neither is), which filter_cases keeps the cases among."""
        data = super().clean()
        data["areas"] = committees_in_area(self.places, data.get("street"), data.get("district"))
        self._from_not_after_to(data)
        return data

    def _from_not_after_to(self, data: dict) -> None:
        """A "from" later than its "to" selects nothing: said not applied (as a date that cannot be read
        is, templates/includes/not_applied.html), as the access log and the reveals say it, not "0 件"
        without a word (review 7, item 8). The "to" stays applied."""
        for start, end in DATE_RANGES:
            first, last = data.get(start), data.get(end)
            if first and last and first > last:
                self.add_error(
                    start,
                    _("It is later than “%(label)s” (%(to)s).")
                    % {"label": self.fields[end].label, "to": last.isoformat()},
                )


# Each date filter's "from" and its "to".
DATE_RANGES = (
    ("created_from", "created_to"),
    ("resolved_from", "resolved_to"),
    ("called_from", "called_to"),
    ("due_from", "due_to"),
)

# Not filters of the rows: the order, the page. A list URL with only these (or none of the form's
# parameters: an old link's `since=`, a tracker's) is the list the 事项 tab shows, the open cases.
NOT_ROW_FILTERS = frozenset({"status", "sort", "page"})


# A list GET sent with its empty fields (the filter form without JavaScript) is sent again without
# them, but for `status=`: "any status", where no status is the open cases (with_status).
empty_fields_dropped = drops_empty_fields(kept={"status"})


def with_status(params: QueryDict) -> QueryDict:
    """The list's query with its status: as given, or "open" when it filters on nothing.

    The figures' links (reports/figures.py, the homes) name no status where the figure counts
    every status (new this month, resolved this month, reopen requests) or its filter implies one
    (overdue): a link with a filter and no status is any status. A query with no filter is the open
    cases, as the bare list: an unknown parameter, ignored, is no reason to show the closed cases."""
    if "status" in params or any(
        params.get(name) for name in CaseFilterForm.base_fields if name not in NOT_ROW_FILTERS
    ):
        return params
    given = params.copy()
    given["status"] = "open"
    return given


def committees_in_area(places, street: str | None, district: str | None) -> list[int] | None:
    """The ids of the committees of `places` (Access.committee_places) in this street and district
    (ids as text, either empty), or None when neither is given: every one. The case list's street
    and district filters, and the late referrals' (reports/views.py), keep the same committees."""
    if not street and not district:
        return None
    return [
        place.committee_id
        for place in places
        if (not street or str(place.street_id) == street)
        and (not district or str(place.district_id) == district)
    ]


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _day_after(day: datetime.date) -> datetime.datetime:
    return _day_start(day + datetime.timedelta(days=1))


def _overdue_at_month_end(month: datetime.date) -> list[int]:
    """The cases counted overdue at the end of `month` by its monthly summary (reports.models.MonthEnd,
    written when the summary was first read; none before). The list keeps them among the reader's
    own as it keeps every filter: the summary's figure and this list count the same cases."""
    from reports.models import MonthEnd

    rows = MonthEnd.objects.filter(month=month).values_list("overdue_cases", flat=True)
    return [pk for ids in rows for pk in ids]


def filter_cases(
    queryset: QuerySet[Case], data: dict, *, full_numbers_in: Collection[int] = ()
) -> QuerySet[Case]:
    """Apply the cleaned filter data (invalid fields are simply absent) to a queryset of cases."""
    status = data.get("status")
    if status == "open":
        queryset = queryset.filter(status__in=Case.OPEN_STATUSES)
    elif status:
        queryset = queryset.filter(status=status)
    if data.get("category"):
        # By id from the cache (the form's choices come from it too): no join of the categories.
        pk = category_id(data["category"])
        queryset = queryset.filter(category_id=pk) if pk else queryset.filter(category__code=data["category"])
    assignee = data.get("assignee")
    if assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif assignee:
        queryset = queryset.filter(assignee_id=int(assignee))
    if data.get("source"):
        queryset = queryset.filter(source=data["source"])
    if data.get("building"):
        queryset = queryset.filter(building_id=data["building"])
    if data.get("overdue"):
        queryset = queryset.filter(status__in=Case.OPEN_STATUSES, due_date__lt=timezone.localdate())
    if data.get("overdue_at"):
        queryset = queryset.filter(pk__in=_overdue_at_month_end(data["overdue_at"]))
    # The home page's follow-up figures open these (status resolved for "due"): a case reopened
    # loses its answer (services), so one resolved again waits for a call of its own.
    if data.get("follow_up") == "due":
        queryset = queryset.filter(status=Case.Status.RESOLVED, satisfaction="")
    elif data.get("follow_up") == "called":
        queryset = queryset.exclude(satisfaction="")
    # The secretary's home figure "reopen requests" opens this (any status: resolved or closed).
    if data.get("reopen") == "asked":
        queryset = queryset.filter(reopen_requested_at__isnull=False)
    if data.get("created_from"):
        queryset = queryset.filter(created_at__gte=_day_start(data["created_from"]))
    if data.get("created_to"):
        queryset = queryset.filter(created_at__lt=_day_after(data["created_to"]))
    if data.get("resolved_from"):
        queryset = queryset.filter(resolved_at__gte=_day_start(data["resolved_from"]))
    if data.get("resolved_to"):
        queryset = queryset.filter(
            resolved_at__lt=_day_start(data["resolved_to"] + datetime.timedelta(days=1))
        )
    # The dashboards' satisfaction tile opens these: each case by the day of its latest call.
    if data.get("called_from"):
        queryset = queryset.filter(last_called_on__gte=data["called_from"])
    if data.get("called_to"):
        queryset = queryset.filter(last_called_on__lte=data["called_to"])
    if data.get("due_from"):
        queryset = queryset.filter(due_date__gte=data["due_from"])
    if data.get("due_to"):
        queryset = queryset.filter(due_date__lte=data["due_to"])
    if data.get("committee"):
        queryset = queryset.filter(committee_id=int(data["committee"]))
    if data.get("areas") is not None:
        # Among committees all in the reader's scope: the scope's own condition is then left out
        # of the SQL (committee/scoping.py InIds), not written a second time beside it.
        queryset = queryset.filter(InIds("committee_id", data["areas"]))
    q = (data.get("q") or "").strip()
    if q:
        match = NUMBER.match(q)
        if match:
            queryset = queryset.filter(year=int(match[1]), seq=int(match[2]))
        else:
            # Every word must match the case's search key (cases/search.py: the texts, numbers
            # masked, the parties' names, pinyin and initials), which a trigram index serves on
            # PostgreSQL; a whole ID or phone number matches in `full_numbers_in` only, the
            # committees where the reader may reveal it (cases.search.full_number_filter); a number
            # as a page shows it masked (138****5678) matches in the text as the key holds it, and
            # in the parties' records by the digits it shows (cases.search.shown_number_filter).
            for term in search_terms(q):
                found = term_filter(term)
                if (full := full_number_filter(term, full_numbers_in)) is not None:
                    found |= full
                if (shown := shown_number_filter(term)) is not None:
                    found |= shown
                queryset = queryset.filter(found)
    sort = SORTS.get(data.get("sort") or "due", SORTS["due"])
    if "open_rank" in sort and not status:
        # Due soonest, with the open cases (the ones a due date still matters for) first.
        queryset = queryset.annotate(
            open_rank=models.Case(
                models.When(status__in=Case.OPEN_STATUSES, then=models.Value(0)),
                default=models.Value(1),
                output_field=models.IntegerField(),
            )
        )
    else:
        sort = tuple(key for key in sort if key != "open_rank")
    return queryset.order_by(*sort)
