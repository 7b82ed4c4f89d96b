from django.urls import reverse

from tests.url_matrix import Row, expect

ROWS = [
    Row("home", lambda w: reverse("home"), expect(200, anonymous=302)),
    Row("healthz", lambda w: reverse("healthz"), expect(200)),
    Row("readyz", lambda w: reverse("readyz"), expect(200)),
    Row("favicon", lambda w: reverse("favicon"), expect(302)),  # the site's icon, for everyone
    # Logged-in users are sent on from the login page.
    # Django's form views answer GET and POST (and PUT, as POST); DELETE is refused.
    Row("login", lambda w: reverse("login"), expect(302, anonymous=200), not_allowed="delete"),
    Row(
        "login",
        lambda w: reverse("login"),
        expect(302, anonymous=200),  # anonymous: the form again with "wrong password"
        method="post",
        data=lambda w: {"username": "nobody", "password": "wrong"},
        label="bad-password",
        not_allowed="delete",
    ),
    Row("logout", lambda w: reverse("logout"), expect(302), method="post", not_allowed="get"),
    Row(
        "password_change",
        lambda w: reverse("password_change"),
        expect(200, anonymous=302),
        not_allowed="delete",
    ),
    Row("password_change_done", lambda w: reverse("password_change_done"), expect(200, anonymous=302)),
    # Django's own view: a GET changes nothing and is answered with a redirect, not 405.
    Row(
        "set_language",
        lambda w: reverse("set_language"),
        expect(302),
        method="post",
        data=lambda w: {"language": "en", "next": "/"},
        not_allowed=None,
    ),
    # The admin: superusers only. Its own pages check model permissions; only the index is walked here.
    Row("admin:index", lambda w: reverse("admin:index"), expect(302, superuser=200), not_allowed=None),
]
