"""Drafting many follow-ups at once (the sweep's set-based refresh) and automatic drafting by the reminder sweep."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction

from casework.accounts import roles
from casework.core.models import AuditEvent
from casework.govrequests import services
from casework.govrequests.choices import (
    Decision,
    DisclosureField,
    FollowUpStatus,
    RequestStatus,
)
from casework.govrequests.models import (
    AuthorityFollowUp,
    DisclosurePolicy,
    GovernmentAuthority,
    RequestedPerson,
)
from casework.people.models import Person
from casework.reminders.services import reminders_sweep, system_actor
from tests import factories
from tests.celery_worker import wait_for
from tests.govrequests.followups.helpers import (
    FOLLOWUP_READS,
    D,
    draft_for,
    listed_persons,
    page_url,
    pending_person,
    reads_of,
)

pytestmark = pytest.mark.django_db


# --- Drafting many follow-ups at once (the sweep's set-based refresh) ---------------------------


def pending_row(org, authority):
    """A person of `org` pending with `authority` in a sent request (no other records: drafting reads none)."""
    gov_request = factories.GovernmentRequestFactory(organisation=org, authority=authority, submitted=True)
    return factories.RequestedPersonFactory(request=gov_request, person=factories.PersonFactory(organisation=org))


@pytest.fixture
def many_pairs(org_a, org_b, authority):
    """Pairs of every kind for one refresh, and pairs of the same organisations and authorities left out.

    - (A, FR): an open draft with a stale item (decided since) and a new pending person: refreshed;
    - (A, BE): pending persons, no draft: drafted;
    - (B, FR): an open draft whose only person is decided since: discarded;
    - (B, DE): nobody pending, no draft: nothing;
    - left out: (A, DE) with an open draft gone stale, and (B, BE) with a pending person.
    """
    system = system_actor()
    belgium = factories.GovernmentAuthorityFactory(country="BE", name="SPF Affaires étrangères")
    germany = factories.GovernmentAuthorityFactory(country="DE", name="Auswärtiges Amt")
    stale, kept = pending_row(org_a, authority), pending_row(org_a, authority)
    gone = pending_row(org_b, authority)
    left_out = pending_row(org_a, germany)
    for org, gov_authority in ((org_a, authority), (org_b, authority), (org_a, germany)):
        draft_for(org, gov_authority, system)
    RequestedPerson.objects.filter(pk__in=[stale.pk, gone.pk, left_out.pk]).update(decision=Decision.REFUSED)
    added = pending_row(org_a, authority)
    drafted = [pending_row(org_a, belgium), pending_row(org_a, belgium)]
    pending_row(org_b, belgium)
    a, b = org_a.pk, org_b.pk
    return {
        "pairs": [(a, authority.pk), (a, belgium.pk), (b, authority.pk), (b, germany.pk)],
        "existing": set(AuthorityFollowUp.objects.values_list("pk", flat=True)),
        # (organisation, authority, status, drafted before, closed by, rows listed) after the refresh.
        "expected": sorted(
            [
                (a, authority.pk, FollowUpStatus.OPEN, True, None, tuple(sorted([kept.pk, added.pk]))),
                (a, belgium.pk, FollowUpStatus.OPEN, False, None, tuple(sorted(row.pk for row in drafted))),
                (b, authority.pk, FollowUpStatus.DISCARDED, True, system.pk, (gone.pk,)),
                (a, germany.pk, FollowUpStatus.OPEN, True, None, (left_out.pk,)),
            ]
        ),
        # (action, actor, organisation, target (organisation, authority), data) of the refresh.
        "audit": [
            ("govrequests.followup.drafted", system.pk, a, (a, belgium.pk), {"rows": 2}),
            ("govrequests.followup.emptied", system.pk, b, (b, authority.pk), {}),
            ("govrequests.followup.refreshed", system.pk, a, (a, authority.pk), {"rows": 2}),
        ],
    }


def followups_now(*, existing: set[int], since_audit: int) -> tuple[list, list]:
    """Every follow-up (as in `many_pairs["expected"]`) and the audit events written after `since_audit`."""
    followups = {
        str(followup.public_id): followup
        for followup in AuthorityFollowUp.objects.prefetch_related("items").order_by("pk")
    }
    state = sorted(
        (
            followup.organisation_id,
            followup.authority_id,
            followup.status,
            followup.pk in existing,
            followup.closed_by_id,
            tuple(sorted(item.requested_person_id for item in followup.items.all())),
        )
        for followup in followups.values()
    )
    events = sorted(
        (
            event.action,
            event.actor_id,
            event.organisation_id,
            (followups[event.target_id].organisation_id, followups[event.target_id].authority_id),
            event.data,
        )
        for event in AuditEvent.objects.filter(pk__gt=since_audit, target_type__model="authorityfollowup")
    )
    assert AuditEvent.objects.filter(pk__gt=since_audit).count() == len(events)
    return state, events


def last_audit_event() -> int:
    return AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last()


def test_drafting_many_at_once_gives_the_drafts_items_and_audit_of_drafting_one_by_one(many_pairs):
    system = system_actor()
    since = last_audit_event()
    with transaction.atomic():
        for organisation_id, authority_id in many_pairs["pairs"]:
            authority = GovernmentAuthority.objects.get(pk=authority_id)
            services.followup_draft_for(authority=authority, organisation_id=organisation_id, actor=system)
        one_by_one = followups_now(existing=many_pairs["existing"], since_audit=since)
        transaction.set_rollback(True)
    since = last_audit_event()

    drafts = services.followup_drafts_refresh_many(pairs=many_pairs["pairs"], actor=system)

    at_once = followups_now(existing=many_pairs["existing"], since_audit=since)
    assert at_once == one_by_one
    assert at_once == (many_pairs["expected"], many_pairs["audit"])
    assert [draft is not None for draft in drafts.values()] == [True, True, False, False]


# Queries of one refresh, whatever the number of pairs: 1 the authorities locked, 2 the pending
# rows, 3 the open drafts locked, 4 their items, 5 the persons the actor sees (not for a superuser),
# then 6 the discarded drafts, 7 the refreshed drafts, 8 the new drafts, 9 the stale items deleted,
# 10 the new items, 11-13 one insert of audit events per kind (emptied, drafted, refreshed); plus
# the savepoint and its release.
FOLLOWUP_REFRESH_QUERIES = 13 + 2


@pytest.mark.parametrize("every_pair", [False, True])
@pytest.mark.parametrize("as_member", [False, True])
def test_drafting_many_at_once_takes_as_many_queries_for_one_pair_as_for_many(
    many_pairs, org_a, supervisor_a, django_assert_max_num_queries, every_pair, as_member
):
    pairs = many_pairs["pairs"] if every_pair else many_pairs["pairs"][:1]
    actor = supervisor_a if as_member else system_actor()
    if as_member:  # a member of organisation A drafts only for A
        pairs = [pair for pair in pairs if pair[0] == org_a.pk]

    with django_assert_max_num_queries(FOLLOWUP_REFRESH_QUERIES) as captured:
        drafts = services.followup_drafts_refresh_many(pairs=pairs, actor=actor)

    assert set(drafts) == set(pairs)
    if every_pair and not as_member:
        # Every branch ran (discarded, refreshed, drafted, stale items, new items, 3 kinds of audit event).
        assert len(captured) == FOLLOWUP_REFRESH_QUERIES - 1  # no scope query for the system actor


def test_drafting_many_at_once_is_refused_for_another_organisation(many_pairs, caseworker_a):
    with pytest.raises(PermissionDenied):
        services.followup_drafts_refresh_many(pairs=many_pairs["pairs"], actor=caseworker_a)

    assert not AuditEvent.objects.filter(actor=caseworker_a).exists()


def test_drafting_many_at_once_is_refused_when_one_listed_person_is_outside_the_caseload(
    org_a, authority, fieldworker_a
):
    belgium = factories.GovernmentAuthorityFactory(country="BE", name="SPF Affaires étrangères")
    seen = pending_row(org_a, authority)
    Person.objects.filter(pk=seen.person_id).update(assigned_to=fieldworker_a)
    pending_row(org_a, belgium)  # not assigned to the fieldworker

    with pytest.raises(PermissionDenied):
        services.followup_drafts_refresh_many(
            pairs=[(org_a.pk, authority.pk), (org_a.pk, belgium.pk)], actor=fieldworker_a
        )

    assert not AuthorityFollowUp.objects.exists()


def authority_lock_awaited() -> bool:
    """Whether another session waits on the lock of the authorities (a refresh blocked by another one)."""
    with connection.cursor() as cursor:
        # Within a transaction PostgreSQL keeps the first reading of pg_stat_activity: read it afresh.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            " AND query LIKE %s",
            [f'SELECT "{GovernmentAuthority._meta.db_table}".%FOR UPDATE%'],
        )
        return cursor.fetchone()[0] > 0


@pytest.mark.postgres  # one session waits on another's row lock, seen in pg_stat_activity
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second", ["caseworker", "sweep"])
def test_a_refresh_during_a_sweep_waits_and_never_makes_a_second_open_draft(second):
    org = factories.OrganisationFactory(code="CONC")
    caseworker = factories.UserFactory(username="concurrent", organisation=org, role=roles.CASEWORKER)
    authority = factories.GovernmentAuthorityFactory(country="FR", name="Ministère (concurrence)")
    other = factories.GovernmentAuthorityFactory(country="BE", name="SPF (concurrence)")
    pending_row(org, authority)
    pending_row(org, other)
    pairs = [(org.pk, authority.pk), (org.pk, other.pk)]
    system = system_actor()  # created beforehand: its creation would serialise the two sessions too
    outcome: dict[str, object] = {}

    def refresh_meanwhile() -> None:
        try:
            if second == "caseworker":
                outcome["draft"] = services.followup_draft_for(
                    authority=authority, organisation_id=org.pk, actor=caseworker
                )
            else:
                outcome["draft"] = services.followup_drafts_refresh_many(pairs=pairs, actor=system)[pairs[0]]
        except Exception as exc:  # reported to the test's thread below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=refresh_meanwhile)
    with transaction.atomic():
        first = services.followup_drafts_refresh_many(pairs=pairs, actor=system)[pairs[0]]
        thread.start()
        # The second refresh is blocked on the authorities' lock until the first one commits.
        assert wait_for(authority_lock_awaited, timeout=10)
    thread.join(timeout=20)

    assert "error" not in outcome, outcome.get("error")
    assert outcome["draft"].pk == first.pk
    assert AuthorityFollowUp.objects.filter(status=FollowUpStatus.OPEN).count() == 2
    assert list(AuditEvent.objects.order_by("pk").values_list("action", flat=True)) == [
        "govrequests.followup.drafted",
        "govrequests.followup.drafted",
        "govrequests.followup.refreshed",
        *(["govrequests.followup.refreshed"] if second == "sweep" else []),
    ]


# --- Automatic drafting by the reminder sweep ---------------------------------------------------


def test_the_sweep_drafts_one_follow_up_per_unresponsive_authority(org_a, authority, default_rules):
    late = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, status=RequestStatus.SUBMITTED, submitted_on=D - timedelta(days=14)
    )
    also_late = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, status=RequestStatus.SUBMITTED, submitted_on=D - timedelta(days=14)
    )
    first, second = pending_person(org_a, late), pending_person(org_a, also_late)

    result = reminders_sweep(today=D)
    again = reminders_sweep(today=D)

    assert result.followups_drafted == 1
    assert again.followups_drafted == 0  # nothing fired again: the draft stays as it is
    draft_obj = AuthorityFollowUp.objects.get(organisation=org_a, authority=authority, status=FollowUpStatus.OPEN)
    assert listed_persons(draft_obj) == {first.pk, second.pk}


def test_the_sweep_drafts_nothing_before_a_rule_fires(org_a, authority, default_rules):
    recent = factories.GovernmentRequestFactory(
        organisation=org_a, authority=authority, status=RequestStatus.SUBMITTED, submitted_on=D - timedelta(days=3)
    )
    pending_person(org_a, recent)

    result = reminders_sweep(today=D)

    assert result.followups_drafted == 0
    assert not AuthorityFollowUp.objects.exists()


def test_follow_up_page_with_every_field_disclosed_reads_claims_and_facilities_once(
    client_for, caseworker_a, org_a, authority, django_assert_max_num_queries
):
    DisclosurePolicy.objects.create(organisation=org_a, authority=authority, fields=list(DisclosureField.values))
    gov_request = factories.GovernmentRequestFactory(organisation=org_a, authority=authority, submitted=True)
    for _ in range(5):
        pending_person(org_a, gov_request)
    draft_for(org_a, authority, caseworker_a)
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(FOLLOWUP_READS + 2 + 4) as captured:  # + the read log's INSERT
        response = client.get(page_url("request_followup", gov_request))

    assert response.status_code == 200
    assert len(reads_of(captured)) == FOLLOWUP_READS + 2  # + the claims and the current facilities
