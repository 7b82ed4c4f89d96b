"""The admin reads in Chinese: Django's own words are not overridden by one of Needle's."""

import json

from django.urls import reverse


def test_the_admins_change_link_reads_as_djangos_word(org, as_user):
    page = as_user(org.superuser).get(reverse("admin:index")).text
    assert "修改" in page and "增减" not in page


def test_every_word_of_the_admins_javascript_has_its_chinese(org, as_user):
    """The admin's scripts (date and time widgets, the actions bar) read their words from
    /admin/jsi18n/: Django 6.1's zh_Hans catalogue lacks its newest ones (the note to a PC on another
    clock was English), which Needle's locale/zh_Hans/LC_MESSAGES/djangojs.po gives. Fails on a
    Django upgrade that brings new words, naming them."""
    from pathlib import Path

    import django
    import polib

    page = as_user(org.superuser).get(reverse("admin:jsi18n"), headers={"Accept-Language": "zh-hans"})
    script = page.content.decode()
    start = script.index("const newcatalog = ") + len("const newcatalog = ")
    catalog = json.loads(script[start : script.index(";\n", start)])
    source = Path(django.__file__).parent / "contrib/admin/locale/en/LC_MESSAGES/djangojs.po"
    keys = [  # a word with a context (a month's abbreviation) is keyed "context\x04word"
        f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        for entry in polib.pofile(str(source))
        if entry.msgid
    ]
    missing = [key for key in keys if key not in catalog]
    assert not missing, missing
    behind = "Note: Enter times in the %(timezone)s timezone. (You are %(offset)s hour behind.)"
    assert catalog[behind] == ["注意：请按 %(timezone)s 时区输入时间（您的电脑时间比它慢 %(offset)s 小时）。"]
