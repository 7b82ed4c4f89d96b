"""Needle's form renderer writes Django's plain widgets out in Python (common/forms.py, for speed):
what it writes must be what Django's own templates write, to the character, for every kind of
value a user can put in a form (quotes, angle brackets, ampersands, Chinese, nothing at all)."""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

from cases.filters import CaseFilterForm
from cases.forms import AssignForm, AttachmentForm, EditForm, ReferralForm, TextActionForm
from committee.access import acting_as
from common.forms import DateInput, FormRenderer
from tests.factories import make_case

HOSTILE = "王芳 \"<b>&amp;</b>\" 'x' & <script>"


class Everything(forms.Form):
    text = forms.CharField(max_length=20, widget=forms.TextInput({"placeholder": HOSTILE, "autofocus": True}))
    optional = forms.CharField(required=False, help_text=HOSTILE)
    day = forms.DateField(widget=DateInput())
    hidden = forms.IntegerField(widget=forms.HiddenInput, required=False)
    number = forms.IntegerField(min_value=1)
    flag = forms.BooleanField(required=False)
    off = forms.CharField(required=False, widget=forms.TextInput({"disabled": False, "data-x": 0}))
    notes = forms.CharField(required=False, widget=forms.Textarea({"rows": 2}))
    pick = forms.ChoiceField(choices=[("", _("any")), ("a", HOSTILE), (3, "三"), ("<", "&")])
    grouped = forms.ChoiceField(
        choices=[("", "—"), (HOSTILE, [("x", "X"), ("y", "Y")]), ("旧", [("z", "Z")])], required=False
    )
    several = forms.MultipleChoiceField(choices=[("a", "A"), ("b", HOSTILE)], required=False)
    radio = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, required=False)
    # Labels that are not text: Django's template localises them (2026年1月2日, 1,234), so these
    # go through it rather than Needle's writer.
    dated = forms.ChoiceField(choices=[("d", datetime.date(2026, 1, 2)), ("n", 1234)], required=False)
    dated_groups = forms.ChoiceField(choices=[(datetime.date(2026, 1, 2), [("x", "X")])], required=False)
    upload = forms.FileField(required=False)


BOUND = {
    "text": HOSTILE,
    "optional": "",
    "day": "2026-12-04",
    "hidden": "7",
    "number": "0",  # an error: the field's error list, rendered by Django's template either way
    "flag": "on",
    "notes": HOSTILE + "\n第二行",
    "pick": "<",
    "grouped": "y",
    "several": ["a", "b"],
    "radio": "b",
}


def _both(form: forms.Form) -> list[tuple[str, str]]:
    """Each field as Needle's renderer writes it and as Django's templates write it."""
    pairs = []
    for name in form.fields:
        form.renderer = FormRenderer()
        ours = form[name].as_field_group()
        ours_widget = str(form[name])
        form.renderer = django_own = DjangoTemplates()
        django_own.field_template_name = FormRenderer.field_template_name
        pairs.append((ours, form[name].as_field_group()))
        pairs.append((ours_widget, str(form[name])))
    return pairs


@pytest.mark.parametrize("data", [None, BOUND, {}], ids=["unbound", "bound", "empty"])
def test_every_widget_as_djangos_templates_write_it(data):
    form = Everything(data, initial={"text": HOSTILE, "notes": HOSTILE, "pick": 3, "day": "2026-01-02"})
    for ours, django_own in _both(form):
        assert ours == django_own
    if data is BOUND:
        assert not form.is_valid()  # the error list was part of what was compared


def test_needles_own_forms_as_djangos_templates_write_them(org):
    with acting_as(org.secretary_a) as access:
        case = make_case(org.secretary_a, org.a, title=HOSTILE, description=HOSTILE)
        forms_on_pages = [
            CaseFilterForm({"status": "open", "q": HOSTILE, "overdue": "1"}, access=access),
            CaseFilterForm(None, access=access),
            EditForm(instance=case),
            ReferralForm(),
            ReferralForm({"their_reference": HOSTILE}),
            TextActionForm(),
            AssignForm(initial={"assignee": org.worker_a.pk}, case=case),
            AttachmentForm(),
        ]
        for form in forms_on_pages:
            for ours, django_own in _both(form):
                assert ours == django_own


@pytest.mark.parametrize(
    ("name", "pk"),
    [("cases:detail", 1), ("cases:detail", 2026), ("residents:detail", 7), ("residents:visit_new", 42)],
)
def test_a_rows_link_is_the_url_django_reverses(name, pk):
    from django.template import Context, Template
    from django.urls import reverse

    drawn = Template("{% load needle %}{% pk_url name pk %}").render(Context({"name": name, "pk": pk}))
    assert drawn == reverse(name, args=[pk])


def test_choice_lists_are_read_without_a_server_side_cursor(org):
    """On PostgreSQL Django's choice fields read their rows through a server-side cursor (DECLARE,
    FETCH, CLOSE: three round trips per list); Needle's read them in one ordinary query each (the
    case page's lists from the reference cache: read once, when the cache is cold)."""
    from django.core.cache import cache
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("server-side cursors are PostgreSQL's")
    cursors = []

    def seen(execute, sql, params, many, context):
        cursors.append(type(getattr(context["cursor"], "cursor", context["cursor"])).__name__)
        return execute(sql, params, many, context)

    with acting_as(org.secretary_a):
        case = make_case(org.secretary_a, org.a)
        forms_with_lists = [EditForm(instance=case), ReferralForm(), AssignForm(case=case)]
        cache.clear()
        with connection.execute_wrapper(seen):
            drawn = "".join(str(form[name]) for form in forms_with_lists for name in form.fields)
    assert "<option" in drawn
    assert cursors  # the lists were read
    assert not [name for name in cursors if "ServerSide" in name]
