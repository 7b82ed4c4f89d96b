from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from committee import accounts
from committee import views as committee_views
from jobs import views as jobs_views
from needle import views
from reports.district import district_overview
from reports.urls import dashboard_patterns

urlpatterns = [
    path("", committee_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("healthz/tasks", jobs_views.healthz_tasks, name="healthz_tasks"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("notifications/", include("notifications.urls")),
    path("accounts/login/", accounts.login, name="login"),
    path("accounts/logout/", accounts.logout, name="logout"),
    path("accounts/password/", accounts.password_change, name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # The login page offers the language switch too, so it works before login.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("cases/", include("cases.urls")),
    path("", include("residents.urls")),
    path("residents/import/", include("residents.imports.urls")),
    path("dashboard/", include(dashboard_patterns)),
    path("dashboard/district/", district_overview, name="dashboard_district"),
    path("reports/", include("reports.urls")),
    path("access-log/", include("audit.urls")),
]

# A refusal in words that fit its reader (a committee's staff, a street or district officer).
handler403 = "needle.views.permission_denied"
# A database outage anywhere (a view, or the session lookup in a middleware) ends here: 503, not 500.
handler500 = "needle.views.server_error"
