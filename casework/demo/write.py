"""Writing a plan into the database: reference rows adopted when they exist, the cases inserted in bulk."""

import time as timer
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts import roles
from casework.accounts.models import Organisation, User
from casework.camps.models import ControllingAuthority, Facility, FacilityControlPeriod, FacilitySection
from casework.demo.plan import DEMO_DOCUMENT, Plan
from casework.govrequests import models as govrequests_models
from casework.people.choices import CaseStatus
from casework.people.models import (
    Person,
    PersonStatusChange,
)
from casework.people.namekeys import person_name_keys_rebuild
from casework.policies.models import StatePolicy
from casework.retention.models import RetentionPolicy
from casework.retention.services import retention_list_due

DEMO_PASSWORD = "casework-demo"  # noqa: S105 - published on purpose: demo accounts only
# The demo users' second factor: one published authenticator-app secret (base32 DEMO_TOTP_SECRET, to type
# into an app) shared by every demo account; `manage.py demo_code` prints its current code (DEBUG only).
DEMO_TOTP_KEY = b"casework-demo-totp!!".hex()
DEMO_TOTP_SECRET = "MNQXGZLXN5ZGWLLEMVWW6LLUN52HAIJB"  # noqa: S105 - published on purpose: demo accounts only
BATCH_SIZE = 5000


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the created_at/updated_at we set: seeded cases have a past, not "now"."""
    switched = []
    for model in model_classes:
        for f in model._meta.concrete_fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                switched.append((f, f.auto_now, f.auto_now_add))
                f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in switched:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def _adopt_or_create(model: type[models.Model], objects: list, key: Callable) -> int:
    """Insert the objects whose natural key is not in the table yet; give the others the existing pk."""
    existing = {key(row): row.pk for row in model._base_manager.all()}
    new = []
    for obj in objects:
        pk = existing.get(key(obj))
        if pk is None:
            new.append(obj)
        else:
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = "default"
    model._base_manager.bulk_create(new, batch_size=BATCH_SIZE)
    return len(new)


def _ensure_demo_document() -> None:
    if not default_storage.exists(DEMO_DOCUMENT):
        default_storage.save(DEMO_DOCUMENT, ContentFile(_placeholder_pdf()))


def _placeholder_pdf() -> bytes:
    """A one-page PDF that says it is a synthetic demo document."""
    text = b"BT /F1 18 Tf 72 720 Td (Synthetic demo document - not a real handover document) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# Duplicates go after a month; every other closed case after five years.
DEMO_RETENTION_DAYS = {"duplicate": 30, "": 5 * 365}


def write_plan(plan: Plan, *, log: Callable[[str], None] = print) -> dict[str, int]:
    """Insert the plan in one transaction; reference rows that already exist are reused. Returns row counts."""
    counts: dict[str, int] = {}

    def step(label: str, run: Callable[[], int]) -> None:
        started = timer.monotonic()
        counts[label] = run()
        log(f"  {label:<24} {counts[label]:>9,}  {timer.monotonic() - started:6.1f} s")

    with (
        transaction.atomic(),
        _explicit_timestamps(
            Person,
            PersonStatusChange,
            govrequests_models.GovernmentRequest,
            govrequests_models.RequestEvent,
            govrequests_models.RequestStatusChange,
        ),
    ):
        step(
            "controlling authorities",
            lambda: _adopt_or_create(ControllingAuthority, plan.controlling_authorities, lambda o: o.name),
        )
        new_facilities: list[Facility] = []

        def facilities() -> int:
            existing = set(Facility.objects.values_list("name", flat=True))
            new_facilities.extend(f for f in plan.facilities if f.name not in existing)
            _adopt_or_create(Facility, plan.facilities, lambda o: o.name)
            _adopt_or_create(FacilitySection, plan.sections, lambda o: (o.facility_id or o.facility.pk, o.name))
            # Control history only for facilities created now: an existing facility keeps its own.
            periods = [p for p in plan.control_periods if p.facility in new_facilities]
            FacilityControlPeriod.objects.bulk_create(periods)
            return len(new_facilities)

        step("facilities", facilities)
        offsets: dict[str, int] = {}

        def organisations() -> int:
            existing = {o.code: o for o in Organisation.objects.all()}
            for org in plan.organisations:
                offsets[org.code] = existing[org.code].last_case_number if org.code in existing else 0
            return _adopt_or_create(Organisation, plan.organisations, lambda o: o.code)

        step("organisations", organisations)
        # Continue an organisation's numbering if it handed out case numbers before (none on a fresh database).
        for person in plan.persons:
            offset = offsets[person.organisation.code]
            if offset:
                code, number = person.case_number.rsplit("-", 1)
                person.case_number = f"{code}-{int(number) + offset:06d}"
        step("users", lambda: _save_users(plan))
        step(
            "government authorities",
            lambda: _adopt_or_create(
                govrequests_models.GovernmentAuthority, plan.gov_authorities, lambda o: (str(o.country), o.name)
            ),
        )
        step(
            "State policies",
            lambda: _adopt_or_create(
                StatePolicy, plan.state_policies, lambda o: (o.organisation_id, str(o.country), o.valid_from)
            ),
        )
        for label, objects in plan.case_data():
            step(
                label,
                lambda objects=objects: (
                    len(objects[0]._meta.model.objects.bulk_create(objects, batch_size=BATCH_SIZE)) if objects else 0
                ),
            )
        # bulk_create bypasses the services: index the new persons' names and aliases in one pass.
        step("name keys", lambda: person_name_keys_rebuild(person_ids=[p.pk for p in plan.persons]))
        step("automatic case moves", lambda: _link_automatic_moves(plan))
        step("retention reviews", lambda: _retention(plan))
        for org in plan.organisations:
            Organisation.objects.filter(pk=org.pk).update(
                last_case_number=offsets[org.code] + plan.case_counts.get(org.code, 0)
            )
        if plan.handovers:
            _ensure_demo_document()
    return counts


# Case moves that follow a request (its sending, its decisions) or a handover, as the services record them.
MOVES_CAUSED_BY_REQUEST = (CaseStatus.REQUEST_PENDING, CaseStatus.ACCEPTED, CaseStatus.REFUSED, CaseStatus.REPATRIATED)
MOVES_CAUSED_BY_HANDOVER = (CaseStatus.HANDOVER_SCHEDULED, CaseStatus.HANDED_OVER)


def _link_automatic_moves(plan: Plan) -> int:
    """Give the demo's case moves that a request or a handover made their cause, so that timelines link them.

    The cause is the person's latest request, or latest handover operation; a few queries in all.
    """
    person_ids = [p.pk for p in plan.persons]
    latest_request = dict(
        govrequests_models.RequestedPerson.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "request__drafted_on", "request_id")
        .values_list("person_id", "request_id")
    )
    latest_operation = dict(
        govrequests_models.HandoverPerson.objects.filter(person_id__in=person_ids)
        .order_by("person_id", "operation__planned_on", "operation_id")
        .values_list("person_id", "operation_id")
    )
    request_type = ContentType.objects.get_for_model(govrequests_models.GovernmentRequest)
    operation_type = ContentType.objects.get_for_model(govrequests_models.HandoverOperation)
    linked = []
    for change in plan.person_status_changes:
        if change.new_status in MOVES_CAUSED_BY_REQUEST and change.person_id in latest_request:
            change.cause_type, change.cause_id = request_type, latest_request[change.person_id]
        elif change.new_status in MOVES_CAUSED_BY_HANDOVER and change.person_id in latest_operation:
            change.cause_type, change.cause_id = operation_type, latest_operation[change.person_id]
        else:
            continue
        linked.append(change)
    PersonStatusChange.objects.bulk_update(linked, ["cause_type", "cause_id"], batch_size=BATCH_SIZE)
    return len(linked)


def _retention(plan: Plan) -> int:
    """Retention policies for each organisation (kept if set before), and the reviews already due."""
    for org in plan.organisations:
        for reason, days in DEMO_RETENTION_DAYS.items():
            RetentionPolicy.objects.get_or_create(
                organisation=org, closure_reason=reason, defaults={"retention_days": days}
            )
    return retention_list_due()


def _save_users(plan: Plan) -> int:
    """Create the demo users that do not exist yet (existing accounts are left as they are), each with the
    published demo second factor (DEMO_TOTP_SECRET)."""
    existing = set(
        User.objects.filter(username__in=[u.username for u in plan.users]).values_list("username", flat=True)
    )
    new = [u for u in plan.users if u.username not in existing]
    if new:
        # Hashing is slow on purpose: hash once, share the hash.
        password = make_password(DEMO_PASSWORD)
        for account in new:
            account.password = password
    _adopt_or_create(User, plan.users, lambda o: o.username)
    if Group.objects.filter(name__in=roles.ROLE_PERMISSIONS).count() != len(roles.ROLE_PERMISSIONS):
        roles.sync_roles()
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)}
    memberships = [
        User.groups.through(user_id=u.pk, group_id=groups[plan.roles[u.username]].pk)
        for u in new
        if u.username in plan.roles
    ]
    User.groups.through.objects.bulk_create(memberships, ignore_conflicts=True)
    sensitive = Permission.objects.get(content_type__app_label="accounts", codename="view_sensitive_data")
    User.user_permissions.through.objects.bulk_create(
        [
            User.user_permissions.through(user_id=u.pk, permission_id=sensitive.pk)
            for u in new
            if u.username in plan.sensitive_users
        ],
        ignore_conflicts=True,
    )
    TOTPDevice.objects.bulk_create(
        [
            TOTPDevice(user_id=u.pk, name="app", key=DEMO_TOTP_KEY, confirmed=True)
            for u in User.objects.filter(username__in=[n.username for n in new])
        ]
    )
    return len(new)
