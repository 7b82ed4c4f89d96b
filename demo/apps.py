from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo street (`manage.py seed_demo`, run by `make run` on an empty database). Not part of
    the runtime apps: nothing in them imports from here."""

    name = "demo"
    verbose_name = "Demo"
