from django.urls import path

from residents.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("history/", views.history, name="history"),
    path("template.xlsx", views.template, name="template"),
    path("export/", views.export, name="export"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/commit/", views.commit, name="commit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]
