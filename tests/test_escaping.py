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
