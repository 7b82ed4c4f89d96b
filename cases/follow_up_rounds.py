"""Which follow-up calls are about the case's work as it stands, and which about an earlier round of it.

A case reopened (by the secretary, by "not satisfied" at the call, or in the admin) is worked again:
the answer at its call was about the earlier resolution. The case page and the printed sheet said
"满意度 满意" beside an empty resolution, and a sheet handed to the street said a resident who came
back unhappy was satisfied (review 3, finding 3). They show such a call as the earlier round's
("上次回访"), as they show the earlier resolution ("上次处理结果").

The dashboards and the monthly summary are not about rounds: they count each case once, by its
latest call, whatever it became since (Case.last_call_result, reports/figures.py). Left as they are.
"""

from collections.abc import Iterable, Sequence

from cases import events
from cases.models import Case, CaseEvent, FollowUp

K = CaseEvent.Kind


def calls_by_round(case: Case, calls: Sequence[FollowUp], timeline: Iterable[CaseEvent]) -> dict[str, list]:
    """The case's follow-up calls (kept in the order given) as `calls`, this round's, and
    `earlier_calls`, those made before the case was last reopened.

    This round has a call once its answer is recorded (Case.satisfaction, emptied by reopening: a
    case resolved again waits for a call of its own). Which calls came before the reopening is read
    from the timeline (`timeline`: the case's events), where each call recorded in the app is an
    event in the order the calls were made: the calls' days cannot tell, a case resolved, called,
    reopened, resolved and called again in one day having two calls of that day. A call an
    administrator added in the admin has no event: it counts with those made after it."""
    if not case.satisfaction:
        return {"calls": [], "earlier_calls": list(calls)}
    timeline = sorted(timeline, key=lambda event: (event.at, event.pk))
    reopened = [
        at
        for at, event in enumerate(timeline)
        if event.kind == K.REOPENED or (event.kind == K.FOLLOW_UP and events.payload(event).reopened)
    ]
    # The calls up to the last reopening ("not satisfied" is one: its call is the earlier round's).
    before = sum(event.kind == K.FOLLOW_UP for event in timeline[: reopened[-1] + 1]) if reopened else 0
    earlier = {call.pk for call in sorted(calls, key=lambda call: call.pk)[:before]}
    return {
        "calls": [call for call in calls if call.pk not in earlier],
        "earlier_calls": [call for call in calls if call.pk in earlier],
    }
