from django import template

from jobs.models import JobRun

register = template.Library()


@register.inclusion_tag("jobs/reminders_last_ran.html")
def reminders_last_ran() -> dict:
    """The secretary's line on the dashboard: when the morning reminders last ran (one query). A
    stopped scheduler shows here as a date that stays in the past."""
    return {"run": JobRun.objects.filter(job=JobRun.MORNING_REMINDERS).first()}
