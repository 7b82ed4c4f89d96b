"""Closing a case as a duplicate of another (review 8, finding 6): the form that finds the case
typed, among the cases its reader may see (selectors.visible_cases, as the case list), and shows
it before closing, with a word when its place or category is not this case's; and the cases closed
as duplicates of a case, listed on its page (templatetags/cases_tags.py duplicates); the admin's case
form, its case and the case typed as the one it duplicates locked before its checks (both_locked)."""

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cases import reference, selectors
from cases.forms import VersionForm
from cases.models import Case
from cases.services.case import lock_both, refuse_a_duplicate
from committee.access import Access
from common.lengths import NOTE_MAX, limit


class DuplicateForm(VersionForm):
    """The number of the case this one duplicates. Posted the first time, the case it names is shown
    (its number, title, place, category and status) and nothing is closed: the secretary checks it
    and presses again. `shown`: the case the form showed, sent back with the second press; a number
    changed meanwhile is shown in its turn."""

    of = forms.CharField(label=_("Duplicate of case number"), max_length=12, help_text=_("e.g. 2026-0042"))
    text = forms.CharField(label=_("Note"), required=False, validators=[limit(NOTE_MAX)])
    shown = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, case: Case, access: Access, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.access = case, access
        self.target: Case | None = None  # the case of the number typed, once found

    @classmethod
    def posted(cls, request: HttpRequest, case: Case) -> "DuplicateForm":
        return cls(request.POST, case=case, access=request.access)

    def clean_of(self) -> Case:
        """The case of the number typed (full-width digits and dashes, a Chinese keyboard's, read as
        ASCII), in this committee, not this case, and one its reader may see; refused saying which
        number was not found, or that it is this case's own: "no case with this number" above an
        emptied box did not say which number was wrong (what was typed stays in the box: the page
        draws this form again). A case the reader may not see (sensitive, not theirs) is not found,
        as in the case list."""
        from cases.filters import NUMBER

        typed = unicodedata.normalize("NFKC", self.cleaned_data["of"]).strip()
        match = NUMBER.match(typed)
        if not match:
            raise ValidationError(_("Type the case number as it is shown, e.g. 2026-0042."))
        year, seq = int(match[1]), int(match[2])
        if (year, seq) == (self.case.year, self.case.seq):
            raise ValidationError(_("A case cannot be a duplicate of itself: type the other case's number."))
        numbered = Case.objects.filter(committee_id=self.case.committee_id, year=year, seq=seq)
        self.target = selectors.case_rows(self.access, numbered).first()
        if self.target is None:
            raise ValidationError(
                _("This committee has no other case numbered %(number)s."),
                params={"number": f"{year}-{seq:04d}"},  # as Case.number writes it
            )
        # One closed as a duplicate itself is refused now, naming the case to type (the service's rule).
        refuse_a_duplicate(self.case, self.target)
        return self.target

    def clean(self) -> dict:
        data = super().clean()
        if self.target is not None and data.get("shown") != self.target.pk:
            raise ValidationError(
                _("Is this the case? Check it below, then press “Close as duplicate” again."), code="check"
            )
        return data

    def differences(self) -> list[str]:
        """What the case shown does not share with this one, in words: its place, its category."""
        said = []
        target, case = self.target, self.case
        if target is None:
            return said
        here, there = _place_key(case), _place_key(target)
        if here and there and here != there:
            words = gettext("Another place: this case is at %(place)s.")
            said.append(words % {"place": case.location or "—"})
        if target.category_id != case.category_id:
            words = gettext("Another category: this case is %(category)s.")
            said.append(words % {"category": reference.category(case.category_id)[1]})
        return said


def _place_key(case: Case) -> tuple | None:
    """Where a case is, to compare: its building (a household's building), else the place typed."""
    if case.household_id:
        return ("building", case.household.building_id)
    if case.building_id:
        return ("building", case.building_id)
    return ("place", case.place.strip()) if case.place.strip() else None


def duplicates_of(access: Access, case: Case) -> QuerySet[Case]:
    """The cases closed as duplicates of `case` that this reader may see, oldest first."""
    return selectors.case_rows(access, Case.objects.filter(duplicate_of=case)).order_by("created_at", "pk")


def both_locked(form_class: type[forms.ModelForm]) -> type[forms.ModelForm]:
    """The admin's case form (cases/admin.py CaseAdmin.get_form), locking the case and the case typed
    as the one it duplicates, in id order (services.lock_both, as the case page's closing), before
    any check reads them: ahead of the form's own lock of the case (its version,
    common/admin_committee.py), so that the two are always locked in the one order, and held to the
    save (the admin's change view is one transaction). Two administrators closing each of two cases
    as a duplicate of the other, or one closing a case into a case the secretary is closing on the
    case page, then wait for each other, and the second is refused (refuse_a_duplicate) where both
    were saved, each case folded into the other."""

    class BothLocked(form_class):
        def full_clean(self) -> None:
            saving = self.is_bound and self.instance.pk is not None
            if saving and transaction.get_connection().in_atomic_block:
                typed = str(self.data.get(self.add_prefix("duplicate_of")) or "").strip()
                lock_both(self.instance.pk, int(typed) if typed.isdigit() else None)
            return super().full_clean()

    BothLocked.__name__ = BothLocked.__qualname__ = form_class.__name__
    return BothLocked
