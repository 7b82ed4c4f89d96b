"""Admin: categories and outside bodies are edited here; cases are corrected here by an administrator."""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cases import events, rules, services
from cases.due_dates import day_off_warning
from cases.duplicates import both_locked
from cases.filters import NUMBER
from cases.forms import clean_work_order_number
from cases.models import (
    Aid,
    Attachment,
    Case,
    CaseCategory,
    CaseEvent,
    CaseParty,
    FollowUp,
    OutsideBody,
    Referral,
)
from cases.rules import case_workers
from cases.search import reindex_cases, term_filter
from cases.services.case import refuse_a_duplicate
from cases.services.reopening import reopen, reopened
from committee.models import User
from common.admin_committee import (
    CommitteeFixedAdmin,
    CommitteeInline,
    CommitteeSearchAdmin,
    RecordAdmin,
    VersionedAdmin,
    check_same_committee,
)
from common.lengths import NOTE_MAX, limit
from common.masking import mask_numbers_in_text
from residents.selectors import search_terms


def staff_choices(
    field: forms.ModelChoiceField, committee_id: int, *, current: int | None, active_only: bool = False
) -> None:
    """A select of people for a row of one committee: the staff who work cases there (rules.case_workers,
    the one answer; with `active_only`, as the app's "Assign to", else deactivated ones too, whose
    names stay on what they did), and whoever the row names now, by name. Someone else posted (the
    raw-id popup listed every user of every committee) is refused in the services' words."""
    ids = set(case_workers([committee_id], include_inactive=not active_only).values_list("pk", flat=True))
    if current is not None:
        ids.add(current)
    field.queryset = User.objects.filter(pk__in=ids).order_by("full_name", "username")
    field.error_messages["invalid_choice"] = services.NOT_A_CASE_WORKER


@admin.register(CaseCategory)
class CaseCategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "default_due_days", "order"]
    list_editable = ["default_due_days", "order"]
    search_fields = ["name", "name_en", "code"]


@admin.register(OutsideBody)
class OutsideBodyAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "committee", "phone", "active", "order"]
    list_filter = ["committee"]  # its "-" lists the shared bodies
    list_editable = ["active", "order"]
    search_fields = ["name", "name_en"]


class _PartyFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        for form in self.forms:  # a party is a resident of the case's committee
            if form.cleaned_data and not form.cleaned_data.get("DELETE"):
                check_same_committee(form, self.instance.committee_id, ("resident",))


class PartyInline(CommitteeInline, admin.TabularInline):
    model = CaseParty
    formset = _PartyFormSet
    extra = 0
    autocomplete_fields = ["resident"]  # the case's committee's residents, by name and address
    exclude = ["committee"]

    def scope_fields(self, form, committee_id) -> None:
        super().scope_fields(form, committee_id)
        if "resident" in form.fields:
            from residents.admin import resident_label  # residents' admin imports cases: late

            form.fields["resident"].label_from_instance = resident_label


class _DatedFormSet(forms.BaseInlineFormSet):
    """Rows under a case whose dates follow the app's rules (`check`), measured from the day the
    case was logged (as corrected in the same form) and today. Only a row added or a date changed
    is checked, as in the app: a row whose stored date is out of range (from before the rule)
    keeps being correctable while that date is left as it is."""

    def check(self, data: dict, *, logged_on, today, changed) -> None:
        raise NotImplementedError

    def clean(self) -> None:
        super().clean()
        logged = self.instance.created_at
        if logged is None:
            return
        for form in self.forms:
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            changed = None if form.instance._state.adding else set(form.changed_data)
            try:
                self.check(
                    data, logged_on=timezone.localdate(logged), today=timezone.localdate(), changed=changed
                )
            except ValidationError as error:
                form.add_error(None, error)  # each date on its field


# A referral's reply, as the case page records and corrects it (services.record_reply).
REPLY_FIELDS = ("replied_on", "reply", "outcome")
REPLY_STAYS = _(
    "A reply recorded stays on the case's timeline: correct its day, words or outcome rather than "
    "emptying its day."
)


class _ReferralFormSet(_DatedFormSet):
    """A referral's dates follow Referral.check_dates (and those measured from a changed sent_on).

    Its reply changed here is written on the case's timeline as the case page's is (replies_changed,
    CaseAdmin.save_formset): so it is held to what the case page asks of one, a day and its words,
    and one recorded is corrected, not emptied (the timeline has no word for a reply taken back)."""

    def check(self, data: dict, *, logged_on, today, changed) -> None:
        if data.get("sent_on") is not None:
            Referral.check_dates(
                logged_on=logged_on,
                today=today,
                sent_on=data["sent_on"],
                reply_expected_by=data.get("reply_expected_by"),
                replied_on=data.get("replied_on"),
                changed=changed,
            )

    def clean(self) -> None:
        super().clean()
        required = forms.Field.default_error_messages["required"]
        for form in self._reply_forms():
            data = form.cleaned_data
            if "replied_on" in form.errors or "reply" in form.errors:
                continue  # said already (a day out of range, a reply too long)
            if data.get("replied_on") is None:
                form.add_error("replied_on", REPLY_STAYS if form.initial.get("replied_on") else required)
            elif not (data.get("reply") or "").strip():
                form.add_error("reply", required)

    def _reply_forms(self) -> list[forms.Form]:
        """The rows kept (an added one is written with its reply, if any, by
        services.record_referral_added) whose reply changed: one that had a reply day, or holds
        something of a reply now (one with none before and none now, an old stray outcome emptied,
        says nothing)."""
        return [
            form
            for form in self.forms
            if form.cleaned_data
            and not form.instance._state.adding
            and set(REPLY_FIELDS) & set(form.changed_data)
            and (form.initial.get("replied_on") or any(form.cleaned_data.get(f) for f in REPLY_FIELDS))
        ]

    def replies_changed(self) -> list[tuple[Referral, bool]]:
        """The referrals whose reply this formset changes, each with whether it had one (a
        correction) or not (its reply, recorded late): for services.record_reply_correction once
        saved."""
        return [(form.instance, form.initial.get("replied_on") is not None) for form in self._reply_forms()]


class _StaffInline(CommitteeInline):
    """An inline whose `staff_field` names who did it: chosen among the case's committee's staff."""

    staff_field = ""

    def scope_fields(self, form, committee_id) -> None:
        super().scope_fields(form, committee_id)
        if committee_id is not None and self.staff_field in form.fields:
            current = getattr(form.instance, f"{self.staff_field}_id", None)
            staff_choices(form.fields[self.staff_field], committee_id, current=current)


class _Kept:
    """Corrected, never deleted: the referral register, the calls and the aid are the ledger's rows,
    and the case's timeline tells of each (a deleted one would leave its events pointing at nothing)."""

    can_delete = False


class ReferralInline(_Kept, _StaffInline, admin.TabularInline):
    """A referral's reply is editable here, and its change written on the case's timeline as the
    case page's correction is (更正了…的答复。: services.record_reply_correction), rather than read-only
    with a link to the case page: whoever corrects data here is an administrator, whom the case page
    gives no reply to correct (the administrator's role reads the app; a sensitive case is not shown
    to them there), and a reply wrong in a closed case is still wrong. An edit here that wrote no
    event left the timeline saying the first reply while the referral held another."""

    model = Referral
    formset = _ReferralFormSet
    extra = 0
    exclude = ["committee"]
    staff_field = "created_by"


class _FollowUpFormSet(_DatedFormSet):
    def check(self, data: dict, *, logged_on, today, changed) -> None:
        if data.get("called_on") is not None and (changed is None or "called_on" in changed):
            # From the day logged, not resolved: only the last resolution's time is kept, and an
            # older call (before a reopening) followed an earlier one.
            FollowUp.check_called_on(data["called_on"], after=logged_on, today=today, resolved=False)


class _AidFormSet(_DatedFormSet):
    def check(self, data: dict, *, logged_on, today, changed) -> None:
        if data.get("applied_on") is not None:
            Aid.check_dates(
                logged_on=logged_on,
                today=today,
                applied_on=data["applied_on"],
                decided_on=data.get("decided_on"),
                paid_on=data.get("paid_on"),
                changed=changed,
            )


class FollowUpInline(_Kept, _StaffInline, admin.TabularInline):
    model = FollowUp
    formset = _FollowUpFormSet
    extra = 0
    exclude = ["committee"]
    staff_field = "called_by"


class AidInline(_Kept, admin.TabularInline):
    model = Aid
    formset = _AidFormSet
    extra = 0
    exclude = ["committee"]


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["masked_original_name", "content_type", "size", "stage", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False

    @admin.display(description=Attachment._meta.get_field("original_name").verbose_name)
    def masked_original_name(self, obj: Attachment) -> str:
        return mask_numbers_in_text(obj.original_name)  # a photo named after a resident's number

    def has_add_permission(self, request, obj=None) -> bool:
        return False


S = Case.Status
# A status corrected here keeps to the case's life (CaseAdminForm._keep_to_the_case_life).
NOT_A_MOVE = _(
    "A case does not go from “%(before)s” to “%(after)s”: after “%(before)s” it goes to %(allowed)s."
)
CLOSED_AS = _("From “%(before)s” a case is closed as %(closures)s.")
CLOSED_AS_OPEN = _(
    "From “%(before)s” a case is closed as %(closures)s: one that was dealt with is resolved first, and "
    "closed once the resident was called back."
)
ONE_OR_OTHER = _("%(one)s or %(other)s")
SAY_HOW_CLOSED = _("Say how the case was closed.")
NOT_CALLED_BACK = _(
    "A case is closed as “%(closure)s” once the resident was called back: fill in the satisfaction."
)
NO_DUPLICATE_OF = _("Say which case this one duplicates.")
NO_RESOLUTION = _("Say what was done: a resolved case has its resolution.")
CLOSURE_WHEN_OPEN = _("Only a closed case has how it was closed: leave it empty.")
GIVE_A_REASON = _("Give a reason.")  # as the secretary's reopening on the case page (services.transition)
REASON_WITHOUT_REOPENING = _("Only a case reopened has a reason here: leave it empty.")


def _listed(labels: list[str]) -> str:
    return ("、" if (get_language() or "").startswith("zh") else ", ").join(labels)


class CaseAdminForm(forms.ModelForm):
    """A due date corrected here follows the app's rule (Case.check_due_date): from the day the case
    was logged to two years after it; the times logged, resolved and closed follow Case.check_times
    (logged in the year of the case's number, none after today, each not before the one before).
    A value left as it was is not checked, as in the app: an old case keeps being correctable.

    A status corrected here moves as the app's actions move it (rules.moves), with what each
    writes: a resolution to be resolved; how it was closed (withdrawn or a duplicate from an open
    case, followed up from a resolved one, with the satisfaction; a duplicate names its case); the
    time of the move when none is given; a case reopened loses its closing, its resolution's time
    and this resolution's satisfaction (its next is called back again). Any status could be set
    here: a new case went straight to "closed", with no resolution, no closing time and no word of
    how, and the reports counted it closed.

    A case reopened here gives its reason (`reopen_reason`), as the secretary's reopening on the
    case page does: the timeline says why under "reopened" (services.record_correction), and the
    assignee told of it reads why the case is back."""

    reopen_reason = forms.CharField(
        label=_("Why it is reopened"),
        required=False,  # required only of a reopening (_keep_to_the_case_life)
        widget=forms.Textarea({"rows": 2}),
        validators=[limit(NOTE_MAX)],
        help_text=_(
            "Only when the status moves from resolved or closed to an open one: shown on the timeline."
        ),
    )

    def clean_work_order_number(self) -> str:
        value = self.cleaned_data["work_order_number"]
        if "work_order_number" not in self.changed_data:
            return value  # an old number left as it is: the case stays correctable
        return clean_work_order_number(value)  # as at the intake

    def clean(self):
        data = super().clean()
        if "status" in self.changed_data or "closure" in self.changed_data:
            self._keep_to_the_case_life(data)
        elif "duplicate_of" in self.changed_data and data.get("closure") == Case.Closure.DUPLICATE:
            self._duplicate_of(data)  # only the case it duplicates corrected: the same rule
        after = data.get("status") or self.instance.status
        if (data.get("reopen_reason") or "").strip() and not reopened(self.instance.status, after):
            self.add_error("reopen_reason", REASON_WITHOUT_REOPENING)  # said nowhere: not dropped unsaid
        due, logged = data.get("due_date"), data.get("created_at") or self.instance.created_at
        if due is not None and logged is not None and "due_date" in self.changed_data:
            try:
                Case.check_due_date(due, logged_on=timezone.localdate(logged))
            except ValidationError as error:
                self.add_error(None, error)  # on the due date's field
        times = ("created_at", "resolved_at", "closed_at")
        if logged is not None and self.instance.year and set(times) & set(self.changed_data):
            try:
                Case.check_times(
                    year=self.instance.year,
                    created_at=logged,
                    # A field the form does not show (or could not read) is the case's as stored.
                    **{f: data[f] if f in data else getattr(self.instance, f) for f in times[1:]},
                    today=timezone.localdate(),
                    changed=self.changed_data,
                )
            except ValidationError as error:
                self.add_error(None, error)  # each time on its field
        return data

    def _duplicate_of(self, data: dict) -> None:
        """The case page's rules (services.mark_duplicate, refuse_a_duplicate): not into itself, nor
        into a case closed as a duplicate itself, whose people would join a closed case; named, for
        the admin to type."""
        if not data.get("duplicate_of"):
            self.add_error("duplicate_of", NO_DUPLICATE_OF)
            return
        if data["duplicate_of"].pk == self.instance.pk:
            self.add_error("duplicate_of", _("Choose another case of the same committee."))
            return
        try:
            refuse_a_duplicate(self.instance, data["duplicate_of"])
        except ValidationError as refused:
            self.add_error("duplicate_of", refused)

    def _keep_to_the_case_life(self, data: dict) -> None:
        before, after = self.instance.status, data.get("status")
        if not after:
            return
        closure = data.get("closure") or ""
        allowed = rules.moves(before) if after != before else {after: set(Case.Closure)}
        if after not in allowed:
            labels = [str(S(status).label) for status in S if status in allowed]
            words = {"before": S(before).label, "after": S(after).label, "allowed": _listed(labels)}
            self.add_error("status", NOT_A_MOVE % words)
            return
        now = timezone.now()
        if after == S.CLOSED:
            closures = [c for c in Case.Closure if c in allowed[S.CLOSED]]
            if after != before and closure not in closures:
                labels = [str(c.label) for c in closures]
                said = (
                    ONE_OR_OTHER % {"one": labels[0], "other": labels[1]} if len(labels) == 2 else labels[0]
                )
                message = CLOSED_AS_OPEN if before in rules.OPEN else CLOSED_AS
                self.add_error("closure", message % {"before": S(before).label, "closures": said})
            elif not closure:
                self.add_error("closure", SAY_HOW_CLOSED)
            elif closure == Case.Closure.FOLLOWED_UP and not data.get("satisfaction"):
                self.add_error("satisfaction", NOT_CALLED_BACK % {"closure": Case.Closure(closure).label})
            elif closure == Case.Closure.DUPLICATE and not data.get("duplicate_of"):
                self.add_error("duplicate_of", NO_DUPLICATE_OF)
            elif closure == Case.Closure.DUPLICATE and {"status", "closure", "duplicate_of"} & set(
                self.changed_data
            ):
                self._duplicate_of(data)
            if after != before and not data.get("closed_at"):
                data["closed_at"] = now  # the time of the move, as the app's actions write it
            return
        if closure and "closure" in self.changed_data:
            self.add_error("closure", CLOSURE_WHEN_OPEN)
        # Out of "closed" (reopened), as services.transition REOPEN: no closing, no resolution's time.
        data["closure"], data["closed_at"] = "", None
        if after == S.RESOLVED:
            if not (data.get("resolution") or "").strip():
                self.add_error("resolution", NO_RESOLUTION)
            if after != before and not data.get("resolved_at"):
                data["resolved_at"] = now
        elif reopened(before, after):
            if not (data.get("reopen_reason") or "").strip():
                self.add_error("reopen_reason", GIVE_A_REASON)
            # What the save then writes (services.reopen, as in the app), cleared here already so
            # that the times are checked as they will be saved: no resolution's time, and its next
            # resolution is called back again (the answer stays the last call's: last_call_result).
            data["resolved_at"] = None
            data["satisfaction"] = ""


@admin.register(Case)
class CaseAdmin(VersionedAdmin, CommitteeFixedAdmin, CommitteeSearchAdmin):
    """Cases are corrected here, not logged: a case is logged in the app (cases.services.create_case
    numbers it in its committee and writes its timeline). Its committee is read-only (its number,
    parties, events, files and kept counts are that committee's); the places and cases it points to,
    and its parties, must be of its committee, and are offered from it (a building, a household, a
    case by number, a resident by name: a search of the committee's rows; the assignee, who logged
    it and who called back: a select of its staff who work cases, by name); a correction raises
    its version (a form opened before it is refused as stale), refreshes its search key and is
    written on its timeline as the app's changes are (services.record_correction)."""

    form = CaseAdminForm
    list_display = ["number", "masked_title", "committee", "category", "status", "assignee", "due_date"]
    list_filter = ["committee", "status", "category", "source", "sensitive"]
    search_fields = ["title", "description", "work_order_number"]
    search_help_text = _(
        "A case number (2026-0042), or words of its title, description or work order number."
    )
    list_select_related = ["committee", "category", "assignee"]
    autocomplete_fields = ["building", "household", "duplicate_of"]
    # Where the case came from: a fact of its logging, shown in words (no visit is picked in the admin).
    readonly_fields = ["year", "seq", "version", "visit"]
    inlines = [PartyInline, ReferralInline, FollowUpInline, AidInline, AttachmentInline]
    date_hierarchy = "created_at"
    same_committee = ("building", "household", "duplicate_of", "visit")

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return both_locked(form) if obj is not None else form  # the case and the one it duplicates

    def get_fields(self, request, obj=None):
        # The reopening's reason under the status it goes with, not after every field of the case.
        fields = [f for f in super().get_fields(request, obj) if f != "reopen_reason"]
        return [*fields[: fields.index("status") + 1], "reopen_reason", *fields[fields.index("status") + 1 :]]

    def scope_fields(self, form, committee_id) -> None:
        super().scope_fields(form, committee_id)
        if committee_id is None:
            return
        case = form.instance
        if "assignee" in form.fields:  # as the app's "Assign to": active staff who work cases there
            staff_choices(form.fields["assignee"], committee_id, current=case.assignee_id, active_only=True)
        if "created_by" in form.fields:
            staff_choices(form.fields["created_by"], committee_id, current=case.created_by_id)

    def get_search_results(self, request, queryset, search_term):
        """A case number (2026-0042) finds that case, as the app's case list does (cases/filters.py):
        the number is the year and the committee's sequence, not a text in the row. A committee's
        one, or several committees' of the same number (the committee column tells them apart)."""
        number = NUMBER.match(search_term.strip())
        if number:
            queryset = queryset.filter(year=int(number[1]), seq=int(number[2]))
        else:
            # Words as the app's search matches them (cases/search.py): the key, which holds a number
            # typed into the text masked as this list shows it, so its hidden digits find nothing.
            for term in search_terms(search_term):
                queryset = queryset.filter(term_filter(term))
        return super().get_search_results(request, queryset, "")  # the autocomplete's committee

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        # A case is closed (withdrawn, a duplicate), never deleted: its number is gap-free, and its
        # timeline, files, referrals, aid, the access log and the dashboard's kept counts refer to it.
        return False

    def response_add(self, request, obj, post_url_continue=None):
        response = super().response_add(request, obj, post_url_continue)
        self._say_day_off(request, obj)
        return response

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        self._say_day_off(request, obj)
        return response

    @staticmethod
    def _say_day_off(request, obj) -> None:
        if warning := getattr(obj, "day_off_warning", None):
            messages.warning(request, warning)
        if warning := getattr(obj, "work_order_warning", None):
            messages.warning(request, warning)

    @staticmethod
    def _same_work_order(obj: Case) -> str:
        """A work order number changed here that another case of the committee carries: said after
        the save, as the intake says it (cases/intake_views.py _work_order_logged)."""
        number = obj.work_order_number
        others = Case.objects.filter(committee_id=obj.committee_id, work_order_number__iexact=number)
        numbers = [case.number for case in others.exclude(pk=obj.pk).order_by("-created_at")[:3]]
        if not numbers:
            return ""
        said = _("Work order %(number)s is also on %(cases)s.")
        return said % {"number": obj.work_order_number, "cases": ", ".join(numbers)}

    def save_model(self, request, obj, form, change) -> None:
        if "due_date" in form.changed_data:
            obj.due_workdays = None  # set by hand, as an edit in the app: a year entered later keeps it
            # Kept, and said, as in the app: after the admin's "changed successfully" (response_*).
            obj.day_off_warning = day_off_warning(obj.due_date)
        if "work_order_number" in form.changed_data and obj.work_order_number:
            obj.work_order_warning = self._same_work_order(obj)
        stored = Case.all_objects.select_related("assignee", "category").get(pk=obj.pk) if change else None
        due = None
        if stored is not None and reopened(stored.status, obj.status):
            # As the secretary's reopening (services.reopen): worked again, due again from today, and
            # a worker's request to reopen answered. A date typed in this correction stands as typed.
            due = reopen(obj, timezone.localdate(), count_due="due_date" not in form.changed_data)
        super().save_model(request, obj, form, change)
        if stored is not None:
            reason = (form.cleaned_data.get("reopen_reason") or "").strip()
            services.record_correction(case=obj, stored=stored, by=request.user, due=due, reason=reason)

    def save_formset(self, request, form, formset, change) -> None:
        replies = formset.replies_changed() if isinstance(formset, _ReferralFormSet) else []
        super().save_formset(request, form, formset, change)
        for referral, answered in replies:  # saved: on the timeline as the case page writes them
            services.record_reply_correction(referral=referral, answered=answered, by=request.user)
        if isinstance(formset, _ReferralFormSet):
            for referral in formset.new_objects:  # a referral added here: on the timeline too
                services.record_referral_added(referral=referral, by=request.user)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        reindex_cases([form.instance.pk])  # its title, description and parties, as saved now
        # A call added or corrected here: the case's latest call (the dashboards' satisfaction) follows.
        services.keep_last_call(case=form.instance)

    @admin.display(description=_("Case number"), ordering="seq")
    def number(self, obj: Case) -> str:
        return obj.number

    @admin.display(description=_("title"), ordering="title")
    def masked_title(self, obj: Case) -> str:
        return mask_numbers_in_text(obj.title)  # a number typed into the title: masked in the list too


@admin.register(CaseEvent)
class CaseEventAdmin(RecordAdmin):
    """A case's timeline is its record: read here, never changed (moved to another case, an event
    left its case's timeline and its committee)."""

    list_display = ["case", "kind", "actor", "at"]
    list_filter = ["kind"]
    # Newest first: the admin comes here for what changed today (a recount's "Due date counted
    # again"), not for last year's first case; the timeline itself still reads oldest first.
    ordering = ["-at", "-pk"]
    raw_id_fields = ["case", "actor"]
    list_select_related = ["case", "actor"]
    # Read-only, so not an edit form: a number typed into a note is shown masked. First the sentence
    # the timeline shows; the stored payload below it only when it holds something.
    fields = ["case", "kind", "actor", "at", "on_the_timeline", "masked_text", "masked_data"]
    readonly_fields = fields

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != "masked_data" or (obj is not None and obj.data)]

    @admin.display(description=_("on the timeline"))
    def on_the_timeline(self, obj: CaseEvent) -> str:
        return events.sentence(obj) or "-"  # escaped, numbers masked (events._say)

    @admin.display(description=CaseEvent._meta.get_field("text").verbose_name)
    def masked_text(self, obj: CaseEvent) -> str:
        return mask_numbers_in_text(obj.text)

    @admin.display(description=CaseEvent._meta.get_field("data").verbose_name)
    def masked_data(self, obj: CaseEvent) -> str:
        return mask_numbers_in_text(json.dumps(obj.data, ensure_ascii=False, sort_keys=True))
