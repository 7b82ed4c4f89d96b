"""A long description (up to 2,000 characters) is folded on the case page to its first lines with
展开全文 / 收起 (a <details>: it works without JavaScript, under the CSP); a short one is shown whole
with no toggle. On a phone the next steps were about 4,000 px down. The whole text is in the page
either way (masked), for screen readers, print and search in the page. The look on a phone is
tests/browser/test_case_page_phone.py's."""

from django.urls import reverse

from common.lengths import DESCRIPTION_MAX
from tests.cases.page_text import text_of
from tests.factories import make_case

LONG = ("厨房地漏返水，楼上下水管堵塞，住户电话13812345678。" * 80)[:DESCRIPTION_MAX]


def _page(client, case, **headers) -> str:
    return client.get(reverse("cases:detail", args=[case.pk]), headers=headers).text


def test_a_long_description_is_folded_with_a_toggle(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, description=LONG)
    page = _page(as_user(org.worker_a), case)
    start = page.index('<div class="fold" data-fold>')
    fold = page[start : page.index("</details>", start)]
    assert text_of(fold).endswith("展开全文收起")  # one shown at a time (CSS)
    assert '<details class="fold-toggle no-print"><summary aria-controls="case-description">' in fold
    assert "138****5678" in fold and "13812345678" not in fold  # whole, and masked (the edit form: as typed)
    assert fold.count("厨房地漏返水") == LONG.count("厨房地漏返水")
    assert "<script" not in fold and "style=" not in fold  # the CSP: no inline script or style
    assert "Show the whole text" in _page(as_user(org.worker_a), case, **{"accept-language": "en"})


def test_a_short_description_is_shown_whole_with_no_toggle(org, as_user):
    for description in ("地漏返水，楼上下水管堵塞。", "第一行\n第二行\n第三行\n第四行\n第五行"):
        case = make_case(org.worker_a, org.a, assignee=org.worker_a, description=description)
        page = _page(as_user(org.worker_a), case)
        assert "data-fold" not in page and "展开全文" not in page
        assert text_of(description.replace("\n", " ")) in text_of(page)


def test_many_short_lines_fold_as_a_long_text_does(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, description="\n".join(["一行"] * 12))
    assert "data-fold" in _page(as_user(org.worker_a), case)


def test_the_htmx_answer_folds_it_too(org, as_user):
    case = make_case(org.worker_a, org.a, assignee=org.worker_a, description=LONG)
    response = as_user(org.worker_a).post(
        reverse("cases:act", args=[case.pk, "note"]), {"text": "已联系物业"}, headers={"hx-request": "true"}
    )
    assert "data-fold" in response.text and "展开全文" in response.text
