"""/favicon.ico: browsers ask for it on every page that names no icon (the admin's), and each ask was
a 404 in the logs. It is sent on to the site's icon (static/img/needle.svg), kept by the browser for
a day (a redirect "found", not "moved": the icon's hashed name changes with the icon), without the
database: no session or user is read, even with a session cookie."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static


def test_the_favicon_is_the_sites_icon_without_the_database(client):
    # No django_db mark: any query here would raise "Database access not allowed".
    client.cookies["sessionid"] = "a-session-of-a-logged-in-browser"
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/needle.svg")
    assert "max-age=86400" in response["Cache-Control"]
    assert "Cookie" not in response.get("Vary", "")


def test_the_icon_it_sends_to_is_a_static_file():
    # The tests serve no static files (tests/conftest.py): the file is there for whitenoise to serve.
    assert Path(finders.find("img/needle.svg")).read_text().lstrip().startswith("<svg")


@pytest.mark.django_db
def test_only_get_and_head(client):
    assert client.head("/favicon.ico").status_code == 302
    assert client.post("/favicon.ico").status_code == 405
