"""Make reminder work for the drills: `python -m tests.stack.work due KEY N` with the stack's environment.

`due` makes N requests to a ministry of its own (not the journey's), each for one new person, submitted
14 days ago (local date) and not acknowledged: the default rule raises one "request not acknowledged"
reminder for each at the next sweep. It prints the requests' ids and the first person's public id
(the record the drill keeps an edit in progress on). Synthetic people only.
"""

import json
import os
import sys
import time
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from casework.accounts.models import User  # noqa: E402
from tests import factories  # noqa: E402


def due(key: str, count: int) -> dict:
    supervisor = User.objects.get(username="stack-supervisor")
    authority = factories.GovernmentAuthorityFactory(
        country="DE", name="Federal Foreign Office", email="repatriation@aa.de.example"
    )
    submitted_on = timezone.localdate() - timedelta(days=14)
    request_ids, person_ids = [], []
    # Unique across runs of this script (the factories' sequences restart in every process).
    stamp = str(time.time_ns())[-11:]
    for number in range(count):
        request = factories.GovernmentRequestFactory(
            organisation=supervisor.organisation,
            authority=authority,
            submitted=True,
            submitted_on=submitted_on,
            reference=f"{key}-{number}",
        )
        person = factories.PersonFactory(
            organisation=supervisor.organisation,
            case_number=f"D{stamp}-{number}",
            given_name_lat="Drill",
            family_name_lat=f"Sweep{number}",
        )
        factories.RequestedPersonFactory(request=request, person=person)
        request_ids.append(request.pk)
        person_ids.append(str(person.public_id))
    return {"key": key, "request_ids": request_ids, "person_id": person_ids[0]}


if sys.argv[1:2] != ["due"] or len(sys.argv) != 4:
    raise SystemExit(__doc__)
print(json.dumps(due(sys.argv[2], int(sys.argv[3]))))
