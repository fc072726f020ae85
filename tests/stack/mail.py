"""Record one e-mail the way the app does (outbox, enqueued after commit): `python -m tests.stack.mail TO KEY`.

Prints the message id. Used by the drills to put e-mail in flight; the digest template with an empty
digest is enough: what is tested is delivery, not content.
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casework.settings")
django.setup()

from django.db import transaction  # noqa: E402

from casework.accounts.models import User  # noqa: E402
from casework.outbox.services import outbound_message_create  # noqa: E402

to_email, key = sys.argv[1], sys.argv[2]
user = User.objects.get(username="stack-supervisor")
with transaction.atomic():
    message, _created = outbound_message_create(
        idempotency_key=key,
        organisation_id=user.organisation_id,
        recipient=None,
        to_email=to_email,
        template="digest",
        context={"user": user, "total": 0, "overdue": [], "due_today": [], "upcoming": [], "home_url": "/"},
        context_ids={"drill": key},
        language="en",
    )
print(message.pk)
