"""The demo seed (seeded once for the module's tests: tests/conftest.py `seeded_demo`)."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from committee.models import Committee, Membership, StreetOfficer, User
from committee.roles import Role


def test_seed_demo_creates_the_street_committees_and_accounts(seeded_demo, db):
    assert set(Committee.objects.values_list("name", flat=True)) >= {"定海居民区", "波阳居民区"}
    roles = dict(Membership.objects.values_list("user__username", "role"))
    assert roles["secretary"] == Role.SECRETARY
    assert roles["worker"] == Role.WORKER
    assert roles["viewer"] == Role.VIEWER
    assert roles["worker_b"] == Role.WORKER
    assert Membership.objects.get(user__username="worker_b").committee.name == "波阳居民区"
    assert StreetOfficer.objects.filter(user__username="officer", street__name="定海路街道").exists()
    assert User.objects.get(username="admin").is_superuser
    # Every demo account logs in with the documented password.
    for username in ["secretary", "worker", "viewer", "worker_b", "officer", "admin"]:
        assert User.objects.get(username=username).check_password("needle-demo")


def test_seed_demo_refuses_a_database_that_has_data_and_if_empty_skips_quietly(seeded_demo, db):
    with pytest.raises(CommandError):
        call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", if_empty=True, stdout=out)
    assert out.getvalue() == ""


def test_the_demo_secretary_sees_a_chinese_home_page(seeded_demo, db):
    client = Client()
    client.force_login(User.objects.get(username="secretary"))
    body = client.get("/").content.decode()
    assert "周勤，您好" in body and "定海居民区" in body
