"""Prints where the demo is served and how to log in (called by `make run`)."""

from django.core.management.base import BaseCommand

from demo.organisation import DEMO_ACCOUNTS, DEMO_PASSWORD, EXTRA_ACCOUNTS


class Command(BaseCommand):
    help = "Print the demo's URL and accounts."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, url: str, **options) -> None:
        out = self.stdout
        out.write("")
        out.write(self.style.SUCCESS(f"Needle 绣花针 is running at {url}"))
        out.write(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
        for username, full_name, which, role in DEMO_ACCOUNTS + EXTRA_ACCOUNTS:
            where = {"a": "定海居民区", "b": "波阳居民区"}.get(
                which or "", "定海路街道" if which is None else ""
            )
            if role == "district_officer":
                where = "杨浦区"
            if role == "admin":
                where = "/admin/"
            out.write(f"  {username:<12} {full_name:<6}  {role.label} · {where}")
        out.write("Press Ctrl+C to stop.\n")
