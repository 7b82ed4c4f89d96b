"""Words the admin shows that come from elsewhere (django-axes and django-tasks-db have no Chinese;
Django's admin has a few new strings its zh-hans catalogue lacks). Listed here so that `make
translations` keeps them in Needle's catalogue, which Django reads before the libraries' own: the
admin reads in Chinese."""

from django.utils.translation import gettext_noop

WORDS = [
    # Django's admin (the date hierarchy's label)
    gettext_noop("Filter by %(field_name)s"),
    # django-axes: models, fields and its admin's sections and columns (the models it lists in the
    # admin are renamed in committee/apps.py AxesConfig)
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Locked Out"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Expiration"),
    gettext_noop("Status"),
    # django-tasks-db: its model and fields (the queue's results; the columns it leaves unnamed are
    # named in jobs/admin.py, its status choices are Django's own, translated by Django)
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
]
