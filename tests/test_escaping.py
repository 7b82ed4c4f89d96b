"""common.escaping.escape is Django's conditional_escape, to the character, as a plain str."""

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from common.escaping import escape


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert('x')</script>",
        "a \"quoted\" & 'single' > <",
        "楼道积水 &amp; 已处理",
        "",
        0,
        42,
        3.5,
        None,
        mark_safe("<b>already markup</b>"),
        gettext_lazy("Search"),
    ],
)
def test_escape_is_conditional_escape(value):
    with override("zh-hans"):
        assert escape(value) == str(conditional_escape(value))


def test_a_date_in_a_messages_text_is_kept_on_one_line_and_its_markup_left_alone():
    from common.escaping import dates_kept_whole
    from common.templatetags.needle import dates_whole

    whole = '<span class="nowrap">2026-12-07</span>'
    assert dates_kept_whole("不能晚于今天（2026-12-07）。") == f"不能晚于今天（{whole}）。"
    assert dates_kept_whole('<a href="/cases/?day=2026-12-07">于2026-12-07</a>') == (
        f'<a href="/cases/?day=2026-12-07">于{whole}</a>'
    )
    # Not a day on its own: a longer number, a code.
    assert dates_kept_whole("12026-12-07 2026-12-071 A2026-12-07") == "12026-12-07 2026-12-071 A2026-12-07"
    # The filter escapes what is not markup, then keeps its dates whole.
    assert dates_whole("<b>2026-12-07</b>") == f"&lt;b&gt;{whole}&lt;/b&gt;"
    assert dates_whole(mark_safe("<b>2026-12-07</b>")) == f"<b>{whole}</b>"
