from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmark commands (`manage.py bench_*`): they fill their own committees and time pages.
    Not part of the runtime apps: nothing in them imports from here."""

    name = "bench"
    verbose_name = "Benchmarks"
