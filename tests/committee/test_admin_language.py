"""The admin reads in Chinese: Django's own words are not overridden by one of Needle's."""

from django.urls import reverse


def test_the_admins_change_link_reads_as_djangos_word(org, as_user):
    page = as_user(org.superuser).get(reverse("admin:index")).text
    assert "修改" in page and "增减" not in page
