"""Review 10, F-I: the demo, whose accounts (a superuser among them) share the published password,
is not seeded where the settings look like a server's; `make serve` starts without it."""

from io import StringIO

import pytest
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command

from committee.models import Street, User
from tests.cases.page_text import text_of
from tests.factories import make_street

OFFICE_PC = ["192.168.1.10", "127.0.0.1", "testserver"]  # testserver: the test client's


@pytest.mark.django_db
def test_seed_demo_refuses_server_settings_and_seeds_nothing(settings, monkeypatch):
    settings.ALLOWED_HOSTS = OFFICE_PC
    monkeypatch.setenv("SECRET_KEY", "a-key-from-the-servers-env")
    with pytest.raises(CommandError) as refused:
        call_command("seed_demo", if_empty=True, stdout=StringIO())
    said = str(refused.value)
    assert "look like a server's (ALLOWED_HOSTS names 192.168.1.10; SECRET_KEY is set)" in said
    assert "needle-demo" in said and "make serve" in said and "--on-server" in said
    assert not Street.objects.exists() and not User.objects.exists()


@pytest.mark.django_db
def test_a_kept_demo_superuser_stops_make_run_on_server_settings(settings):
    make_street()
    User.objects.create(username="admin", is_superuser=True, password=make_password("needle-demo"))
    # On a laptop: the demo is there, `make run` serves it, quietly.
    out = StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert out.getvalue() == ""
    settings.ALLOWED_HOSTS = OFFICE_PC
    with pytest.raises(CommandError, match="still has the published password needle-demo"):
        call_command("seed_demo", if_empty=True, stdout=StringIO())
    # Its password changed, the database is a committee's: nothing to say.
    admin = User.objects.get(username="admin")
    admin.set_password("a-password-of-its-own-2026")
    admin.save()
    call_command("seed_demo", if_empty=True, stdout=StringIO())


@pytest.mark.django_db
def test_make_serve_says_how_to_create_the_first_administrator_and_refuses_the_demo():
    out = StringIO()
    call_command("start_banner", url="http://127.0.0.1:8000/", stdout=out)
    assert "No administrator yet" in out.getvalue() and "manage.py createsuperuser" in out.getvalue()
    User.objects.create(username="root", is_superuser=True, password=make_password("x-own-password-1"))
    out = StringIO()
    call_command("start_banner", url="http://127.0.0.1:8000/", stdout=out)
    assert "No administrator yet" not in out.getvalue() and "no demo data" in out.getvalue()
    User.objects.create(username="admin", is_superuser=True, password=make_password("needle-demo"))
    with pytest.raises(CommandError, match="This database holds the demo"):
        call_command("start_banner", stdout=StringIO())


@pytest.mark.django_db
def test_the_admins_first_page_shouts_while_the_demo_password_is_on_a_server(org, as_user, settings):
    demo_admin = User.objects.create(
        username="admin", is_superuser=True, password=make_password("needle-demo")
    )
    admin = as_user(org.superuser)
    # On a laptop the demo is what it is for: nothing said.
    assert "data-demo-password" not in admin.get("/admin/").text
    settings.ALLOWED_HOSTS = OFFICE_PC
    chinese = text_of(admin.get("/admin/").text)
    assert "本服务器上有演示数据：超级用户 admin 的密码仍是公开的 needle-demo" in chinese
    english = text_of(admin.get("/admin/", HTTP_ACCEPT_LANGUAGE="en").text)
    assert "its superuser admin still has the published password needle-demo" in english
    demo_admin.set_password("a-password-of-its-own-2026")
    demo_admin.save()
    assert "data-demo-password" not in admin.get("/admin/").text
