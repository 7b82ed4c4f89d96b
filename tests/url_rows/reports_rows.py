"""The dashboard and reports: secretary, workers, the street officer and superusers; not the viewer."""

from django.urls import reverse
from django.utils import timezone

from tests.url_matrix import Row, committee_a_view, expect

REPORTS = expect(200, anonymous=302, viewer_a=403)  # every reader of reports, each in their own scope


def _month(w) -> str:
    return f"month={timezone.localdate():%Y-%m}"


ROWS = [
    Row("dashboard", lambda w: reverse("dashboard"), REPORTS),
    Row(
        "dashboard_committee",
        lambda w: reverse("dashboard_committee", args=[w.a.pk]),
        committee_a_view(viewer_a=403),
    ),
    Row("reports:index", lambda w: reverse("reports:index"), REPORTS),
    Row("reports:ledger", lambda w: f"{reverse('reports:ledger')}?{_month(w)}", REPORTS),
    Row("reports:summary", lambda w: f"{reverse('reports:summary')}?{_month(w)}", REPORTS),
    Row("reports:summary_txt", lambda w: f"{reverse('reports:summary_txt')}?{_month(w)}", REPORTS),
    Row(
        "reports:cases_xlsx",
        lambda w: f"{reverse('reports:cases_xlsx')}?status=open",
        REPORTS,
        not_allowed="put",
    ),
    Row(
        "reports:cases_xlsx",
        lambda w: reverse("reports:cases_xlsx"),
        {**REPORTS, **{p: 303 for p, status in REPORTS.items() if status == 200}},
        method="post",
        data=lambda w: {"status": "open", "q": "13812345678"},
        not_allowed=None,  # PUT is checked by its GET rows (here anonymous, 302, would be asked)
        label="search",
    ),
    Row(
        "reports:late_referrals",
        lambda w: reverse("reports:late_referrals", args=[w.a.pk]),
        committee_a_view(viewer_a=403),
    ),
    # The overviews' late referrals: every committee whose reports the reader reads, or those of
    # one street or district of theirs (another's is 404, as on the committees side by side).
    Row("reports:late_referrals_across", lambda w: reverse("reports:late_referrals_across"), REPORTS),
    Row(
        "reports:late_referrals_across",
        lambda w: f"{reverse('reports:late_referrals_across')}?street={w.street.pk}&page=2",
        REPORTS,
        label="street",
    ),
    Row(
        "reports:late_referrals_across",
        lambda w: f"{reverse('reports:late_referrals_across')}?street={w.other_street.pk}",
        expect(404, anonymous=302, viewer_a=403, superuser=200),
        label="another street",
    ),
    Row(
        "reports:late_referrals_across",
        lambda w: f"{reverse('reports:late_referrals_across')}?district={w.yangpu.pk}",
        REPORTS,
        label="district",
    ),
]
