from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("bell/", views.bell, name="bell"),
    path("<int:pk>/read/", views.mark_read, name="read"),
    path("read/", views.mark_all_read, name="read_all"),
    path("settings/", views.preferences, name="preferences"),
    path("wecom/<int:committee_id>/", views.wecom, name="wecom"),
    path("street/<int:street_id>/", views.street_deliveries, name="street"),
]
