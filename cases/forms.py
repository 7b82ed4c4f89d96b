"""Forms of the case pages. Rules (who may, in which status) are not here but in rules.py."""

import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases import checks, events, reference, uploads
from cases.models import Aid, Attachment, Case, CaseCategory, CaseEvent, CaseParty, OutsideBody
from cases.models.bodies import ANOTHER_COMMITTEES_BODY
from cases.rules import case_workers
from cases.services import NewParty, ReplyCorrected, ReplyRecorded, last_reply
from committee.roles import Perm
from common.forms import DateInput, ModelChoiceField, parse_id, take_newer
from common.lengths import DESCRIPTION_MAX, NOTE_MAX, limit
from common.masking import holds_numbers, mask_numbers_in_text, shorten
from residents.models import Building, Household, Resident, Visit

DATE = DateInput()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos or PDFs at once, each checked by content."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update(
            {"accept": "image/jpeg,image/png,image/webp,application/pdf", "multiple": True}
        )

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if self.required and not files:
            # FileField's own check is bypassed here: 添加 with nothing chosen said "文件已添加。".
            raise ValidationError(self.error_messages["required"], code="required")
        for f in files:
            try:
                uploads.sniff(f)
            except ValidationError as error:
                raise ValidationError(f"{f.name}: {' '.join(error.messages)}") from error
        return files


# Words in what a worker types that suggest a category (the intake's chips pick it while they type).
# By category code: the categories themselves are edited in the admin, and one without words here
# is simply never suggested.
CATEGORY_WORDS = {
    "drainage": "地漏 返水 积水 下水 堵塞 漏水 渗水 倒灌 化粪池 窨井 管道 淹",
    "hardship": "困难 低保 救助 补助 生活费 看病 医药费 失业",
    "dispute": "纠纷 吵架 争吵 噪音 矛盾 邻居 楼上 漏到",
    "relocation": "旧改 征收 动迁 拆迁 搬迁",
    "environment": "卫生 垃圾堆 乱堆 异味 臭 老鼠 蟑螂 蚊子 绿化 杂物",
    "roads": "路灯 道路 路面 井盖 电梯 门禁 扶手 楼梯 台阶 坑",
    "garbage": "垃圾分类 分类 湿垃圾 干垃圾 投放 垃圾箱房",
    "illegal_construction": "违建 搭建 加层 阳台 围墙 占用",
    "elderly": "独居 老人 助餐 送餐 护理 高龄 摔倒 养老",
    "safety": "电线 飞线 充电 电瓶车 煤气 燃气 火 隐患 消防 高空 坠落",
}


class IntakeForm(forms.Form):
    """Logging a case on one phone screen. Parties arrive as `party` values "<resident id>" with a
    role in `role_<id>`; the building, household and visit as ids."""

    # Not required: on a phone the worker may only tap a category and take a photo, or write the
    # details; the title is then the details' first line or, with a photo, the category's name
    # (services.create_case: Case.title_from, which refuses a case that says nothing).
    title = forms.CharField(
        label=_("What is the problem?"),
        required=False,
        max_length=100,
        widget=forms.TextInput({"placeholder": _("e.g. Blocked drain, water indoors")}),
    )
    # No category is preselected: a case saved under the first one by default would skew the
    # dashboard's categories and hotspots.
    # Each required field says what to do (Django's own "这个字段是必填项。" said only that it was wrong).
    category = ModelChoiceField(
        label=_("Category"),
        queryset=CaseCategory.objects.all(),
        to_field_name="code",
        error_messages={"required": _("Choose a category.")},
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        validators=[limit(DESCRIPTION_MAX)],  # Case.description's
    )
    source = forms.ChoiceField(
        label=_("How it came in"),
        choices=Case.Source.choices,
        initial=Case.Source.WALK_IN,
        error_messages={"required": _("Choose how it came in.")},
    )
    work_order_number = forms.CharField(
        label=_("12345 work order number"),
        required=False,
        max_length=40,
        widget=forms.TextInput({"autocapitalize": "characters", "spellcheck": "false"}),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Case.Priority.choices,
        initial=Case.Priority.NORMAL,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a priority.")},
    )
    committee = forms.ChoiceField(label=_("Committee"), error_messages={"required": _("Choose a committee.")})
    building = forms.IntegerField(required=False, widget=forms.HiddenInput)
    household = forms.IntegerField(required=False, widget=forms.HiddenInput)
    visit = forms.IntegerField(required=False, widget=forms.HiddenInput)
    place = forms.CharField(
        label=_("Public place"),
        required=False,
        max_length=100,
        help_text=_("A public place in words, when it is not one building: e.g. the lane entrance."),
    )
    assignee = forms.ChoiceField(label=_("Who works it"), required=False)
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=DATE,
        help_text=_("Empty: counted from the category and priority in working days."),
    )
    sensitive = forms.BooleanField(
        label=_("Sensitive (only the secretary and the assignee see it)"), required=False
    )
    photos = PhotosField(label=_("Photos"))
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, files=None, *, access, parties=None, **kwargs) -> None:
        super().__init__(data, files, **kwargs)
        self.access = access
        committees = [c for c in access.committees() if access.can(Perm.LOG_CASE, c)]
        self.committees = {str(c.pk): c for c in committees}
        self.fields["committee"].choices = [(str(c.pk), c.name) for c in committees]
        if len(committees) == 1:
            self.fields["committee"].widget = forms.HiddenInput()
            self.fields["committee"].initial = str(committees[0].pk)
        committee_id = (self.data.get("committee") if self.is_bound else None) or (
            str(committees[0].pk) if committees else None
        )
        # Whom the case may go to (the service decides; these are the choices it would accept).
        others = []
        if committee_id in self.committees and access.can(Perm.MANAGE_CASES, int(committee_id)):
            others = [u for u in case_workers([int(committee_id)]) if u != access.user]
        self.assignees = {str(u.pk): u for u in others}
        self.fields["assignee"].choices = [
            ("", _("Leave for the secretary")),
            ("me", _("Me")),
            *((pk, u.display_name) for pk, u in self.assignees.items()),
        ]
        if not self.is_bound:
            self.initial.setdefault("token", secrets.token_urlsafe(16))
        self.parties = parties or []

    def clean_work_order_number(self) -> str:
        return clean_work_order_number(self.cleaned_data["work_order_number"])

    def clean(self):
        data = super().clean()
        checks.intake(self, data)  # the service's rules too: every error in one round
        return data

    def clean_committee(self):
        value = self.cleaned_data["committee"]
        if value not in self.committees:
            raise ValidationError(_("Choose a committee."))
        return self.committees[value]

    def _one(self, model, field):
        pk = self.cleaned_data.get(field)
        if not pk:
            return None
        obj = model.objects.filter(pk=pk).first()
        if obj is None:
            raise ValidationError(_("Not found."))
        return obj

    def clean_building(self):
        return self._one(Building, "building")

    def clean_household(self):
        return self._one(Household, "household")

    def clean_visit(self):
        return self._one(Visit, "visit")

    def clean_assignee(self):
        value = self.cleaned_data["assignee"]
        return self.access.user if value == "me" else self.assignees.get(value)


# A 12345 work order's number as printed on it: letters, digits and hyphens, with some digits
# (the demo's are the year and eight digits: 202612345678). "工单号不知道" was saved as one, and
# the hotline's clocks and any matching by number had nothing to go on.
WORK_ORDER = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*")
WORK_ORDER_MIN_DIGITS = 4


def clean_work_order_number(value: str) -> str:
    """The number as typed, full-width letters and digits (a Chinese keyboard's) folded and spaces
    taken out; refused, saying what a number looks like, unless it looks like one."""
    number = "".join(unicodedata.normalize("NFKC", value).split())
    if number and (
        not WORK_ORDER.fullmatch(number) or sum(c.isdigit() for c in number) < WORK_ORDER_MIN_DIGITS
    ):
        raise ValidationError(
            _(
                "Type the number as it is on the work order: letters, digits and hyphens, with at least "
                "%(digits)s digits (e.g. 202612071234)."
            ),
            code="work_order_number",
            params={"digits": WORK_ORDER_MIN_DIGITS},
        )
    return number


def parse_parties(data) -> list:
    """The residents picked in the intake form: `party` ids with `role_<id>` roles, in order."""
    ids = []
    for raw in data.getlist("party"):
        pk = parse_id(raw)  # "²" and ids past 64 bits are no party
        if pk is not None and pk not in ids:
            ids.append(pk)
    residents = Resident.objects.select_related("household__building").in_bulk(ids)
    roles = dict(CaseParty.Role.choices)
    parties = []
    for pk in ids:
        if pk in residents:
            role = data.get(f"role_{pk}", CaseParty.Role.REPORTER)
            parties.append(NewParty(residents[pk], role if role in roles else CaseParty.Role.REPORTER))
    return parties


def token_field() -> forms.CharField:
    """The one-time token of a case page's form ({% form_token %}), which its service is given: the
    same form posted twice is saved once (cases/services/once.py). Empty: a form drawn before it."""
    return forms.CharField(widget=forms.HiddenInput, required=False)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Drawn again as typed after a save refused because the case changed meanwhile (views._run).
    kept = False


class TextActionForm(VersionForm):
    text = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea({"rows": 2}), validators=[limit(NOTE_MAX)]
    )
    token = token_field()


class EditForm(forms.ModelForm):
    # Required: an edit that does not say which state it was drawn from could overwrite a colleague's.
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": _("This form is out of date. Open the case again and make your change.")},
    )

    class Meta:
        model = Case
        fields = ["title", "category", "priority", "due_date", "place", "description"]
        field_classes = {"category": ModelChoiceField}
        widgets = {"due_date": DATE, "description": forms.Textarea({"rows": 3})}

    kept = False  # drawn again as typed after a save refused because the case changed (take_newer)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].label_from_instance = lambda c: c.label
        self.fields["category"].listed = reference.category_choices  # cached, not queried
        self.fields["category"].empty_label = None
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version
        # Each field carries the value it was drawn with (a hidden initial-<name>): a save refused
        # because someone changed the case meanwhile tells what this person changed from what they
        # left alone (take_newer).
        for name in self.Meta.fields:
            self.fields[name].show_hidden_initial = True

    def clean(self):
        data = super().clean()
        checks.edit(self, data, self.instance)  # the service's rules too: every error in one round
        return data

    def take_newer(self, case: Case) -> None:
        """After a save refused because `case` changed meanwhile (Conflict): this form, as posted,
        drawn again over the case as it is now, with nothing typed lost. A field this person changed
        keeps what they typed; one they left as drawn takes the newer value, so that saving again
        does not undo a colleague's change they never touched; each field changed meanwhile says to
        what (its help). The version is the case's now: saving again is deliberate."""
        take_newer(self, EditForm(instance=case), self.Meta.fields, lambda name: _shown(case, name))


def _shown(case: Case, name: str) -> str:
    """A field of the case as the page shows it, in a few words (a refused edit's notes)."""
    if name == "category":
        return reference.category(case.category_id)[1]
    if name == "priority":
        return str(case.get_priority_display())
    if name == "due_date":
        return case.due_date.isoformat() if case.due_date else ""
    text = getattr(case, name) or ""
    # Never a number cut in two (its first digits would match no mask): common/masking.py shorten.
    short = shorten(text, 60)
    return mask_numbers_in_text(short + ("…" if len(short) < len(text) else ""))


class AssignForm(VersionForm):
    assignee = ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Unassigned")
    )

    def __init__(self, *args, case: Case, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = case_workers([case.committee_id])
        self.fields["assignee"].label_from_instance = lambda u: u.display_name
        self.fields["assignee"].listed = lambda: reference.assignable(case.committee_id)  # cached


class ReferralForm(forms.Form):
    body = ModelChoiceField(label=_("Send to"), queryset=OutsideBody.objects.filter(active=True))
    sent_on = forms.DateField(label=_("Sent on"), widget=DATE, initial=timezone.localdate)
    their_reference = forms.CharField(label=_("Their reference"), required=False, max_length=50)
    # Not a resident's: shown in full to whoever sees the case (Referral.contact).
    contact = forms.CharField(
        label=_("Their contact (optional)"),
        required=False,
        max_length=100,
        help_text=_(
            "The name and number of the person there who handles it, e.g. 王师傅 13900000000. "
            "One of their staff, not a resident: shown in full to everyone who sees this case."
        ),
    )
    reply_expected_by = forms.DateField(label=_("Reply expected by"), required=False, widget=DATE)
    text = forms.CharField(
        label=_("What was asked"),
        required=False,
        widget=forms.Textarea({"rows": 2}),
        validators=[limit(NOTE_MAX)],
    )
    token = token_field()

    def __init__(self, *args, case: Case | None = None, **kwargs) -> None:
        """`case`: the case it is sent for, whose rules (the dates) are checked with the fields."""
        super().__init__(*args, **kwargs)
        self.case = case
        body = self.fields["body"]
        body.label_from_instance = lambda b: b.label
        # The shared bodies and the case's committee's own (OutsideBody.committee); another's is refused.
        committee_id = case.committee_id if case else None
        body.queryset = OutsideBody.objects.filter(OutsideBody.listed_for(committee_id), active=True)
        body.error_messages["invalid_choice"] = ANOTHER_COMMITTEES_BODY
        body.listed = lambda: reference.outside_body_choices(committee_id)  # cached, not queried

    def clean(self):
        data = super().clean()
        checks.referral(self, data, self.case)  # the service's rules too: every error in one round
        return data


class ChaseForm(forms.Form):
    text = forms.CharField(label=_("What they said"), required=False, max_length=500)
    # The new date the body promises a reply by, when it gives one: the referral's reply is then
    # expected by it (services.chase), and its assignee told again once it passes.
    promised_by = forms.DateField(
        label=_("They now promise a reply by (optional)"), required=False, widget=DATE
    )
    # Their contact person, given when chased (Referral.contact): kept on the referral when typed.
    contact = forms.CharField(label=_("Their contact (optional)"), required=False, max_length=100)
    token = token_field()

    # Boxes in the referral's line: their refusal said above them (case_page).
    drawn_by_hand = ("text", "promised_by", "contact")

    def __init__(self, *args, referral=None, **kwargs) -> None:
        """`referral`: the referral chased, whose rule (a promised date not in the past) is checked
        with the fields (cases/checks.py): every refusal in one round."""
        super().__init__(*args, **kwargs)
        self.referral = referral

    def clean(self):
        data = super().clean()
        checks.chase(self, data, self.referral)
        return data


class ReplyForm(forms.Form):
    replied_on = forms.DateField(label=_("Replied on"), widget=DATE, initial=timezone.localdate)
    reply = forms.CharField(
        label=_("Reply"), widget=forms.Textarea({"rows": 2}), validators=[limit(NOTE_MAX)]
    )
    outcome = forms.CharField(label=_("Outcome"), required=False, max_length=200)
    # Their contact person (Referral.contact), often first known when they reply: given with the reply
    # (services.record_reply), as with the referral or a chase. Empty: the contact given before stays.
    contact = forms.CharField(
        label=_("Their contact (optional)"),
        required=False,
        max_length=100,
        help_text=_(
            "The name and number of the person there who handles it, e.g. 王师傅 13900000000: shown in "
            "full to everyone who sees this case. Typed here, it replaces the contact given before; "
            "left empty, that contact stays."
        ),
    )
    # Drawn only in the correction of an answered referral's reply: the first reply's form leaves it
    # out, so that a reply recorded meanwhile by a colleague is refused, not replaced unawares.
    correct = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The reply a correction replaces (its event): one corrected since by a colleague is refused
    # rather than replaced unawares (services.ReplyCorrected), as a second reply is.
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = token_field()

    DRAWN = ("replied_on", "reply", "outcome")

    def __init__(self, *args, referral=None, **kwargs) -> None:
        """`referral`: the referral answered, whose rules (the reply's day) are checked with the fields.
        Its fields' ids name it: the case page draws one reply form per referral, and a label must
        point at its own referral's box, not the first one's (nor the referral form's contact)."""
        if referral is not None:
            kwargs.setdefault("auto_id", f"reply-{referral.pk}-%s")
        super().__init__(*args, **kwargs)
        self.referral = referral
        if self.initial.get("correct") or self.data.get("correct") == "True":
            # A correction carries each value as drawn (a hidden initial-<name>): refused because a
            # colleague corrected it meanwhile, it tells what this person changed from what they
            # left alone (take_newer).
            for name in self.DRAWN:
                self.fields[name].show_hidden_initial = True

    def clean(self):
        data = super().clean()
        checks.reply(self, data, self.referral)  # the service's rules too: every error in one round
        return data

    @classmethod
    def correcting(cls, referral, timeline: Iterable[CaseEvent], *, masked: bool) -> "ReplyForm":
        """The correction of `referral`'s reply, drawn with the reply, day and outcome as recorded,
        and the reply it replaces: the newest of `timeline`'s replies that is this referral's (the
        case's events, as services.last_reply reads them). `masked` (services.reply_shown_masked: the
        reader may not reveal numbers): the reply and outcome as every page shows them, their numbers
        masked; the service puts back the hidden digits of each number left as shown, so that saving
        them loses none."""
        fields = {name: getattr(referral, name) for name in cls.DRAWN}
        if masked:
            fields["reply"] = mask_numbers_in_text(fields["reply"])
            fields["outcome"] = mask_numbers_in_text(fields["outcome"])
        replies = [
            e.pk
            for e in timeline
            if e.kind == CaseEvent.Kind.REPLY and events.payload(e).referral == referral.pk
        ]
        form = cls(
            initial=fields | {"correct": True, "corrects": max(replies, default=None)}, referral=referral
        )
        if masked and holds_numbers(referral.reply, referral.outcome):
            form.fields["reply"].help_text = _(
                "Numbers are shown masked. One left as shown keeps its full number; to change it, "
                "type the whole new number; to remove it, delete it."
            )
        return form

    def saving(self, save: Callable[[], None], *, masked: bool) -> Callable[[], None]:
        """`save` (this form's action: views._form_action), which draws the form again over a
        colleague's correction saved meanwhile when it refuses for it (services.ReplyCorrected): as
        typed, a field left as drawn taking theirs (masked as drawn for this reader), each of theirs
        said by its field, and saving again replaces theirs on purpose. Nothing typed is lost,
        nothing of theirs undone unawares. A first reply refused because a colleague recorded theirs
        meanwhile (services.ReplyRecorded) is drawn the same way as the correction of theirs: the
        words typed kept where they were typed (a box left empty, their outcome, takes theirs)."""

        def act() -> None:
            try:
                save()
            except (ReplyCorrected, ReplyRecorded) as refused:
                self._over_newer(refused, masked=masked)
                raise
            except ValidationError:
                # Refused for its own fields (a day after today), a first reply to a referral a
                # colleague answered meanwhile: drawn as the correction of theirs too, the words
                # typed kept and what happened said, not given way to their correction.
                referral = self.referral
                if self.data.get(self.add_prefix("correct")) != "True" and referral.replied_on is not None:
                    recorded = ReplyRecorded(referral, last_reply(referral))
                    self._over_newer(recorded, masked=masked)
                    self.add_error(None, recorded)
                raise

        return act

    def _over_newer(self, refused: ReplyCorrected | ReplyRecorded, *, masked: bool) -> None:
        """This form drawn again over the reply `refused` names (take_newer), as its correction."""
        if isinstance(refused, ReplyRecorded):
            self._as_correction()
        replies = [refused.newer] if refused.newer is not None else []
        newer = ReplyForm.correcting(refused.referral, replies, masked=masked)
        take_newer(self, newer, self.DRAWN, version="corrects")
        if not replies:  # a reply with no event (set in the admin before it wrote one): none named
            self.data[self.add_prefix("corrects")] = ""

    def _as_correction(self) -> None:
        """This first reply's form, drawn again as a correction (its hidden `correct`, each value as
        drawn): a first reply's form again would be refused again."""
        self.data = self.data.copy()
        self.data[self.add_prefix("correct")] = "True"
        for name in self.DRAWN:
            self.fields[name].show_hidden_initial = True


class FollowUpForm(VersionForm):
    called_on = forms.DateField(label=_("Called on"), widget=DATE, initial=timezone.localdate)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction"), choices=Case.Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea({"rows": 2}), validators=[limit(NOTE_MAX)]
    )
    token = token_field()

    def __init__(self, *args, case: Case | None = None, **kwargs) -> None:
        """`case`: the case called back about, whose rules (the call's day) are checked with the fields."""
        super().__init__(*args, **kwargs)
        self.case = case

    def clean(self):
        data = super().clean()
        checks.follow_up(self, data, self.case)  # the service's rules too: every error in one round
        return data


class AidForm(forms.ModelForm):
    token = token_field()

    class Meta:
        model = Aid
        fields = ["kind", "amount", "status", "donors", "applied_on", "notes"]
        widgets = {
            "applied_on": DATE,
            "donors": forms.Textarea({"rows": 2}),
            "notes": forms.Textarea({"rows": 2}),
        }

    def __init__(self, *args, may_decide: bool = True, case: Case | None = None, **kwargs) -> None:
        """`may_decide`: the user may approve or pay aid here (the secretary). A worker is offered
        "applied" alone: offered a decision, the save was refused with a 403 page and what they
        had typed was lost. `case`: the case it is for, whose rules (the dates) are checked with
        the fields."""
        super().__init__(*args, **kwargs)
        self.case = case
        if not may_decide:
            self.fields["status"].choices = [(Aid.Status.APPLIED, Aid.Status.APPLIED.label)]

    def clean(self):
        data = super().clean()
        checks.aid(self, data, self.case)  # the service's rules too: every error in one round
        return data


class AidUpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Aid.Status.choices)
    on = forms.DateField(label=_("On"), widget=DATE, initial=timezone.localdate)
    notes = forms.CharField(label=_("Note"), required=False, max_length=500)
    token = token_field()
    # The aid row's select and its hidden day (detail.html): a refusal said above them, focused (case_page).
    drawn_by_hand = ("status", "on", "notes")


class AttachmentForm(forms.Form):
    files = PhotosField(
        label=_("Photos or PDF files"),
        required=True,
        error_messages={"required": _("Take a photo or choose a file first.")},
    )
    drawn_by_hand = ("files",)  # the photo buttons: their refusal said above them (case_page)
    stage = forms.ChoiceField(
        label=_("Stage"), choices=Attachment.Stage.choices, initial=Attachment.Stage.BEFORE
    )
