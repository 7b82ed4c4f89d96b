"""Chinese first, English complete, chosen by the browser or the switcher."""

import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test.utils import override_settings


@pytest.mark.django_db
def test_chinese_by_default(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录" in body


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["zh-hans", "zh-CN", "zh-cn,zh;q=0.9"])
def test_chinese_browsers_get_chinese(client, accept):
    body = client.get("/accounts/login/", headers={"Accept-Language": accept}).content.decode()
    assert "登录" in body


@pytest.mark.django_db
@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9"])
def test_english_browsers_get_english(client, accept):
    body = client.get("/accounts/login/", headers={"Accept-Language": accept}).content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body
    assert "登录" not in body


def test_the_switcher_overrides_the_browser(org, as_user):
    client = as_user(org.worker_a)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    body = client.get("/", headers={"Accept-Language": "zh-hans"}).content.decode()
    assert "Where you work" in body
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "您的工作岗位" in client.get("/").content.decode()


def test_the_home_page_in_chinese_shows_the_committee_and_role(org, as_user):
    body = as_user(org.secretary_a).get("/").content.decode()
    assert "定海居民区" in body
    assert "书记" in body


def test_the_translation_check_fails_when_a_string_is_untranslated(tmp_path):
    copy = tmp_path / "locale"
    shutil.copytree(settings.LOCALE_PATHS[0], copy)
    po_path = copy / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po = polib.pofile(str(po_path))
    next(e for e in po if e.msgid == "Log in").msgstr = ""
    po.save()
    with override_settings(LOCALE_PATHS=[copy]), pytest.raises(CommandError, match="Log in"):
        call_command("check_translations")


def test_the_translation_check_passes_on_the_committed_catalogue():
    call_command("check_translations")


def test_no_translated_string_hides_inside_an_f_string():
    """makemessages does not read a gettext call inside an f-string's braces: such a string is
    never translated (the WeCom post's heading was English in Chinese for that reason)."""
    import re
    from pathlib import Path

    call_in_braces = re.compile(r"""\bf(["']).*\{\s*(_|gettext|pgettext|ngettext)\(""")
    root = Path(settings.BASE_DIR)
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in root.glob("*/**/*.py")
        if not path.is_relative_to(root / ".venv") and "tests" not in path.parts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if call_in_braces.search(line)
    ]
    assert not found, found
