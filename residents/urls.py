from django.urls import path

from residents import grid_views, reveals, views

app_name = "residents"

urlpatterns = [
    path("residents/", views.resident_list, name="list"),
    path("residents/<int:pk>/", views.resident_detail, name="detail"),
    path("residents/<int:pk>/edit/", views.resident_edit, name="edit"),
    path("residents/<int:pk>/archive/", views.resident_archive, name="archive"),
    path("residents/<int:pk>/reveal/", reveals.reveal, name="reveal"),
    path("residents/<int:pk>/visits/new/", views.visit_new, name="visit_new"),
    path("households/<int:pk>/", views.household_detail, name="household"),
    path("households/<int:pk>/edit/", views.household_edit, name="household_edit"),
    path("households/<int:pk>/residents/new/", views.resident_new, name="new"),
    path("buildings/", views.building_list, name="buildings"),
    path("buildings/new/", views.building_new, name="building_new"),
    path("buildings/<int:pk>/", views.building_detail, name="building"),
    path("buildings/<int:pk>/edit/", views.building_edit, name="building_edit"),
    path("buildings/<int:pk>/households/new/", views.household_new, name="household_new"),
    path("grids/", grid_views.grid_list, name="grids"),
    path("grids/new/", grid_views.grid_new, name="grid_new"),
    path("grids/<int:pk>/edit/", grid_views.grid_edit, name="grid_edit"),
    path("roster/", views.roster, name="roster"),
    path("reveals/", reveals.reveal_log, name="reveals"),
    path("reveals/export/", reveals.reveal_log_export, name="reveals_export"),
]
