"""The building form's lane and number take 449弄3支弄 and 12甲: a phone offers its whole keyboard
for them, not a number pad, which cannot type 甲 or 支弄."""

import re

from django.urls import reverse


def test_the_lane_and_number_open_the_whole_keyboard(org, as_user):
    page = as_user(org.secretary_a).get(reverse("residents:building_new")).text
    for name in ("lane", "number"):
        field = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
        assert field is not None, name
        assert "inputmode" not in field.group(0), field.group(0)
