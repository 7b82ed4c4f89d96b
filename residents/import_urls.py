from django.urls import path

from residents import import_views

app_name = "imports"

urlpatterns = [
    path("", import_views.start, name="start"),
    path("history/", import_views.history, name="history"),
    path("template.xlsx", import_views.template, name="template"),
    path("export/", import_views.export, name="export"),
    path("<int:pk>/", import_views.preview, name="preview"),
    path("<int:pk>/commit/", import_views.commit, name="commit"),
    path("<int:pk>/cancel/", import_views.cancel, name="cancel"),
]
