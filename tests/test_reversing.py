"""Links reversed once (common/reversing.py) are the links reverse() gives."""

from django.urls import reverse
from django.utils import translation

from common.reversing import reverse_once, reverse_with_id


def test_a_link_with_an_id_is_reversed_once_for_every_id():
    dashboard_of = reverse_with_id("dashboard_committee")
    for pk in (1, 42, 987654321, 1234567890):
        assert dashboard_of(pk) == reverse("dashboard_committee", args=[pk])
    assert reverse_with_id("reports:late_referrals")(7) == reverse("reports:late_referrals", args=[7])


def test_reversed_links_follow_the_language_they_are_reversed_in():
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert reverse_once("cases:list") == reverse("cases:list")
