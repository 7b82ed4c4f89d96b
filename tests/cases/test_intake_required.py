"""At the intake each required field says what to do, by its label: a missing category said
Django's stock "这个字段是必填项。" under the last row of category chips, four rows and a gap below
"类别 *" (review 3, finding 14). Now "请选择类别。" stands under the label, above the chips, which
point to it."""

import re

from django.urls import reverse
from django.utils import translation

from cases.forms import IntakeForm
from committee.access import Access
from tests.cases.page_text import text_of
from tests.factories import intake_post

ZH = {"accept-language": "zh-hans"}


def test_a_missing_category_is_said_under_its_label(org, as_user):
    response = as_user(org.worker_a).post(reverse("cases:new"), intake_post(org.a, category=""), headers=ZH)
    assert response.status_code == 200
    page = response.content.decode()
    marked = r'<fieldset class="field radio-chips category-chips has-error".*?</fieldset>'
    chips = re.search(marked, page, re.S)
    assert chips, "the category's chips are not marked"
    html = chips.group(0)
    legend_end, error_at = html.index("</legend>"), html.index("请选择类别。")
    assert legend_end < error_at < html.index('class="chips-row"')  # by its label, above the chips
    assert re.search(r'<ul class="errorlist" id="id_category_error"><li>请选择类别。</li></ul>', html)
    assert html.count('aria-describedby="id_category_error"') == html.count('name="category"') > 1
    assert "这个字段是必填项" not in text_of(page)


def test_in_english_too(org, as_user):
    response = as_user(org.worker_a).post(
        reverse("cases:new"), intake_post(org.a, category=""), headers={"accept-language": "en"}
    )
    assert "Choose a category." in text_of(response.content.decode())


def test_every_required_field_of_the_intake_says_what_to_do(org):
    """None says Django's stock words: each tells what to choose (read in English)."""
    form = IntakeForm({}, access=Access(org.worker_a))
    with translation.override("en"):
        assert not form.is_valid()
        stock = str(form.fields["title"].error_messages["required"])  # Django's, left on an optional field
        required = [name for name, field in form.fields.items() if field.required]
        assert set(required) == {"category", "source", "priority", "committee"}
        for name in required:
            assert str(form.fields[name].error_messages["required"]) != stock, name
            assert form.errors[name][0].startswith("Choose"), (name, form.errors[name])
