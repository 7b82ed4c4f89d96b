"""Django's admin app with Needle's site (common/admin_site.py) as the default one. Kept apart from
the site: INSTALLED_APPS imports this module before the apps are ready."""

from django.contrib.admin.apps import AdminConfig


class NeedleAdminConfig(AdminConfig):
    default_site = "common.admin_site.NeedleAdminSite"

    def ready(self) -> None:
        super().ready()  # every app's admin module registered
        from django.contrib import admin
        from django.contrib.auth.models import Group

        # Needle's roles are the staff roles on a user's page (committee.Membership): Django's groups
        # and permissions grant nothing here. Their page, listing every permission in English ("Can
        # add log entry"), was a trap: an administrator would think a group makes someone a secretary.
        if admin.site.is_registered(Group):
            admin.site.unregister(Group)
