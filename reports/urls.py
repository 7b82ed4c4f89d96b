from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("ledger.xlsx", views.ledger_xlsx, name="ledger"),
    path("summary/", views.summary_page, name="summary"),
    path("summary.txt", views.summary_txt, name="summary_txt"),
    path("cases.xlsx", views.cases_xlsx, name="cases_xlsx"),
    path("referrals/late/", views.late_referrals_across, name="late_referrals_across"),
    path("referrals/late/<int:committee_id>/", views.late_referrals, name="late_referrals"),
]

# Mounted at /dashboard/ without a namespace: the navigation links the name "dashboard".
dashboard_patterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:committee_id>/", views.committee_dashboard, name="dashboard_committee"),
]
