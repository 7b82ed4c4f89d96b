from django.urls import path

from cases import body_views, intake_views, party_views, views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", intake_views.case_new, name="new"),
    path("new/residents/", intake_views.pick_resident, name="pick_resident"),
    path("new/places/", intake_views.pick_building, name="pick_building"),
    path("new/similar/", intake_views.similar, name="similar"),
    path("new/place/", intake_views.place, name="place"),
    path("new/work-order/", intake_views.work_order, name="work_order"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/print/", views.case_print, name="print"),
    path("<int:pk>/join/", intake_views.join, name="join"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/people/", party_views.case_parties, name="parties"),
    path("<int:pk>/do/<slug:action>/", views.act, name="act"),
    path("<int:pk>/referrals/", views.refer, name="refer"),
    path("outside-bodies/", body_views.outside_bodies, name="outside_bodies"),
    path("referrals/<int:pk>/chase/", views.chase, name="chase"),
    path("referrals/<int:pk>/reply/", views.reply, name="reply"),
    path("<int:pk>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:pk>/aid/", views.aid, name="aid"),
    path("aid/<int:pk>/", views.aid_update, name="aid_update"),
    path("<int:pk>/files/", views.attach, name="attach"),
    path("files/<int:pk>/", views.attachment, name="attachment"),
    path("files/<int:pk>/remove/", views.attachment_remove, name="attachment_remove"),
]
