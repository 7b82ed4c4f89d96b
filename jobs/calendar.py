"""The working-day calendar for periodic jobs: the one line to change if the calendar module moves
(cases/workdays.py may become common/workdays.py)."""

from cases.workdays import is_workday

__all__ = ["is_workday"]
