"""An action refused on the case page is said in the form that was used, that panel drawn open with
the words typed, the box marked invalid (the page's focus on errors brings it into view), with and
without htmx. The words stood at the top of the case, above the title, and the panel came back shut
below a long description: the worker scrolled down and reopened it to read why (an empty 办结, a
note too long; an empty note said nothing in the form at all). The top says only that nothing was
saved."""

import re

import pytest
from django.urls import reverse

from cases.models import Case, CaseEvent
from common.lengths import NOTE_MAX
from tests.cases.page_text import text_of
from tests.factories import make_case

HTMX = {"hx-request": "true"}
TOP = "没有保存，请修改下面标出的内容。"


def _panel(page: str, box: str) -> tuple[bool, str]:
    """The action panel (<details>) that holds the words box `box`: (drawn open, its HTML)."""
    at = page.index(f'id="{box}"')
    start = page.rindex('<details class="action"', 0, at)
    head = page[start : page.index(">", start)]
    return " open" in head, page[start : page.index("</details>", at)]


def _case(org):
    return make_case(org.worker_a, org.a, assignee=org.worker_a, description="厨房地漏返水" * 300)


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
@pytest.mark.parametrize(
    ("action", "typed", "box", "said"),
    [
        ("resolve", "  ", "resolve-text", "请说明处理情况。"),
        ("note", "", "note-text", "请填写内容。"),
        (
            "note",
            "记" * (NOTE_MAX + 1),
            "note-text",
            f"没有保存：最多 {NOTE_MAX} 字，现有 {NOTE_MAX + 1} 字。",
        ),
    ],
    ids=["empty resolution", "empty note", "long note"],
)
def test_a_refusal_is_said_in_its_panel_open_with_the_words_typed(
    org, as_user, headers, action, typed, box, said
):
    case = _case(org)
    url = reverse("cases:act", args=[case.pk, action])
    response = as_user(org.worker_a).post(url, {"text": typed, "version": "1"}, headers=headers)
    assert response.status_code == 200  # drawn again at once, not redirected to
    page = response.content.decode()
    opened, panel = _panel(page, box)
    assert opened
    assert said in text_of(panel)
    assert f'aria-invalid="true" aria-describedby="{box}-error"' in panel
    assert f">{typed}</textarea>" in panel  # the words kept in their box
    top = page[: page.index('class="case-head"')]
    assert TOP in text_of(top) and said not in text_of(top)
    assert Case.all_objects.get(pk=case.pk).status == Case.Status.IN_PROGRESS
    assert not CaseEvent.all_objects.filter(case=case, kind=CaseEvent.Kind.NOTE).exists()


def test_only_the_panel_used_is_open_and_marked(org, as_user):
    case = _case(org)
    page = as_user(org.worker_a).post(reverse("cases:act", args=[case.pk, "note"]), {"text": ""}).text
    assert page.count('aria-invalid="true"') == 1
    assert not _panel(page, "resolve-text")[0] and not _panel(page, "wait-text")[0]


def test_in_english_too(org, as_user):
    case = _case(org)
    response = as_user(org.worker_a).post(
        reverse("cases:act", args=[case.pk, "resolve"]), {"text": ""}, headers={"accept-language": "en"}
    )
    assert "Nothing was saved: correct the marked fields below." in response.text
    assert "Say what was done." in text_of(_panel(response.text, "resolve-text")[1])


def test_an_assignment_refused_is_said_by_its_select(org, as_user):
    case = make_case(org.secretary_a, org.a)
    url = reverse("cases:act", args=[case.pk, "assign"])
    page = as_user(org.secretary_a).post(url, {"assignee": "x"}).text
    start = page.index(f'action="{reverse("cases:act", args=[case.pk, "assign"])}"')
    form = page[page.rindex("<details", 0, start) : page.index("</details>", start)]
    assert form.startswith('<details class="action" open>')
    assert re.search(r'<div class="has-error"><ul class="errorlist"><li>[^<]+</li></ul>', form)
