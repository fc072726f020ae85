"""Seed the stack's database with what the journey and the drills start from (run by the harness).

`python -m tests.stack.seed` with the stack's environment; prints JSON. Synthetic people only.
"""

import json
import os
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
django.setup()

from django.utils import timezone  # noqa: E402
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken  # noqa: E402

from tests import factories  # noqa: E402  (after django.setup)

org = factories.OrganisationFactory(name="Stack Test NGO")
supervisor = factories.UserFactory(username="stack-supervisor", organisation=org, role="supervisor")
# The second factor: one-time backup codes, one per login of the journey and the drills.
backup = StaticDevice.objects.create(user=supervisor, name="backup", confirmed=True)
codes = [backup.token_set.create(token=StaticToken.random_token()).token for _ in range(30)]
authority = factories.GovernmentAuthorityFactory(country="FR", name="Ministry of Foreign Affairs")
# Someone already waiting for the French ministry's answer: the follow-up letter will list her. Sent 20 days
# ago, so that the drills' reminder sweeps do not mark the request "no response" (90 days) before the journey.
waiting = factories.PersonFactory(organisation=org, given_name_lat="Salma", family_name_lat="Waitingcase")
pending = factories.GovernmentRequestFactory(
    organisation=org, authority=authority, submitted=True, submitted_on=timezone.localdate() - timedelta(days=20)
)
factories.RequestedPersonFactory(request=pending, person=waiting)
print(
    json.dumps(
        {
            "username": supervisor.username,
            "password": factories.PASSWORD,
            "backup_codes": codes,
            "authority_id": str(authority.public_id),
            "authority_email": authority.email,
            "pending_request_id": str(pending.public_id),
            "waiting_person_id": str(waiting.public_id),
        }
    )
)
