"""Django's admin app with Needle's site (common/admin_site.py) as the default one. Kept apart from
the site: INSTALLED_APPS imports this module before the apps are ready."""

from django.contrib.admin.apps import AdminConfig


class NeedleAdminConfig(AdminConfig):
    default_site = "common.admin_site.NeedleAdminSite"
