"""The duplicate scan and the review decisions: pairs found, stored once, stable, remembered, scoped."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from casework.core.exceptions import DomainError
from casework.core.models import AuditEvent
from casework.matching.choices import PairStatus
from casework.matching.duplicates import duplicates_scan
from casework.matching.models import DuplicatePair
from casework.matching.services import duplicate_pair_decide
from casework.matching.tasks import find_duplicate_pairs
from casework.people import services as people_services
from casework.people.choices import Sex
from casework.people.namekeys import person_name_keys_rebuild
from tests import factories
from tests.factories import named_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(org_a, org_b):
    """The same woman three times (two scripts, two spellings), her look-alikes, and strangers."""
    return {
        "camp": named_person(org_a, given_name_ar="فاطمة", father_name_ar="حسين", family_name_ar="العلي"),
        "ngo": named_person(org_a, given_name_lat="Fatima", father_name_lat="Hussein", family_name_lat="Al-Ali"),
        "embassy": named_person(org_a, given_name_lat="Fatma", father_name_lat="Houssein", family_name_lat="Alali"),
        "other_father": named_person(
            org_a, given_name_lat="Fatima", father_name_lat="Hassan", family_name_lat="al-Ali"
        ),
        "other_given": named_person(org_a, given_name_lat="Fatin", father_name_lat="Hussein", family_name_lat="al-Ali"),
        "brother": named_person(
            org_a, given_name_lat="Fatima", father_name_lat="Hussein", family_name_lat="al-Ali", sex=Sex.MALE
        ),
        "older": named_person(
            org_a,
            given_name_lat="Fatima",
            father_name_lat="Hussein",
            family_name_lat="al-Ali",
            birth_date=date(1960, 1, 1),
        ),
        "elsewhere": named_person(org_b, given_name_lat="Fatima", father_name_lat="Hussein", family_name_lat="Al-Ali"),
    }


def pairs() -> set[tuple[int, int]]:
    return set(DuplicatePair.objects.values_list("person_a_id", "person_b_id"))


def pair_of(a, b) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


def test_scan_finds_the_same_person_across_scripts_and_spellings_and_nothing_else(records):
    result = duplicates_scan()

    same = [records["camp"], records["ngo"], records["embassy"]]
    assert pairs() == {pair_of(a, b) for i, a in enumerate(same) for b in same[i + 1 :]}
    assert result.created == 3
    pair = DuplicatePair.objects.get(person_a=records["camp"], person_b=records["ngo"])
    assert pair.status == PairStatus.OPEN
    assert pair.score >= 0.75
    assert pair.organisation_id == records["camp"].organisation_id
    assert any("≈" in reason for reason in pair.reasons)


def test_scan_run_twice_gives_the_same_pairs(records):
    duplicates_scan()
    first = list(DuplicatePair.objects.order_by("pk").values_list("pk", "person_a_id", "person_b_id", "score"))

    second = find_duplicate_pairs()

    assert list(DuplicatePair.objects.order_by("pk").values_list("pk", "person_a_id", "person_b_id", "score")) == first
    assert second["created"] == second["updated"] == second["removed"] == 0


def test_shared_relative_facility_and_nationality_count_and_are_reasons(org_a):
    a = named_person(org_a, given_name_lat="Khadija", father_name_lat="Omar", family_name_lat="Haddad")
    b = named_person(org_a, given_name_ar="خديجة", father_name_ar="عمر", family_name_ar="حداد")
    child = named_person(org_a, given_name_lat="Yusuf", father_name_lat="Ali", family_name_lat="Haddad", sex=Sex.MALE)
    duplicates_scan()
    plain = DuplicatePair.objects.get().score
    camp = factories.FacilityFactory(name="Camp Roj")
    for person in (a, b):
        factories.FamilyLinkFactory(person=person, relative=child, relation="child")
        factories.CustodyPeriodFactory(person=person, facility=camp)
        factories.NationalityClaimFactory(person=person, country="FR")

    duplicates_scan()

    pair = DuplicatePair.objects.get()
    assert pair.score > plain or pair.score == 1.0
    assert "both linked to the same relative" in pair.reasons
    assert "both held in Camp Roj" in pair.reasons
    assert "both claim the nationality of France" in pair.reasons


def test_a_family_name_written_in_one_script_only_still_conflicts(org_a):
    """A Turkish surname has no Arabic form: the Arabic rendering leaves it out, but it is still a different name."""
    named_person(org_a, given_name_lat="Muadh", father_name_lat="Aziz", family_name_lat="al-Daghestani",
         given_name_ar="معاذ", father_name_ar="عزيز", family_name_ar="الداغستاني", sex=Sex.MALE)  # fmt: skip
    named_person(org_a, given_name_lat="Muadh", father_name_lat="Aziz", family_name_lat="Ozdemir",
         given_name_ar="معاذ", father_name_ar="عزيز", sex=Sex.MALE)  # fmt: skip
    same_a = named_person(org_a, given_name_lat="Hajar", father_name_lat="Yasser", family_name_lat="Roberts",
                  given_name_ar="هاجر", father_name_ar="ياسر")  # fmt: skip
    same_b = named_person(org_a, given_name_lat="Hadjer", father_name_lat="Yasir", family_name_lat="Roberts")

    duplicates_scan()

    assert pairs() == {pair_of(same_a, same_b)}


def test_persons_linked_to_each_other_are_never_a_pair(org_a):
    a = named_person(org_a, given_name_lat="Aisha", father_name_lat="Omar", family_name_lat="Haddad")
    b = named_person(org_a, given_name_lat="Aicha", father_name_lat="Omar", family_name_lat="Haddad")
    factories.FamilyLinkFactory(person=a, relative=b, relation="sibling")

    duplicates_scan()

    assert pairs() == set()


def test_a_decided_pair_is_not_raised_again_until_a_name_or_birth_date_changes(records, supervisor_a):
    duplicates_scan()
    pair = DuplicatePair.objects.get(person_a=records["ngo"], person_b=records["embassy"])

    duplicate_pair_decide(pair=pair, decision=PairStatus.DIFFERENT, actor=supervisor_a, note="Two sisters-in-law")
    duplicates_scan()
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT
    assert pair.decided_by == supervisor_a

    # Another field changes: still decided.
    embassy = records["embassy"]
    embassy.place_of_birth = "Lyon"
    embassy.save()
    duplicates_scan()
    pair.refresh_from_db()
    assert pair.status == PairStatus.DIFFERENT

    # The birth date changes: open again, and the former decision is shown.
    embassy.birth_date = date(1988, 1, 1)
    embassy.save()
    duplicates_scan()
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN
    assert pair.previous_status == PairStatus.DIFFERENT


def test_a_name_change_through_the_service_reopens_a_decided_pair(records, supervisor_a):
    duplicates_scan()
    pair = DuplicatePair.objects.get(person_a=records["camp"], person_b=records["ngo"])
    duplicate_pair_decide(pair=pair, decision=PairStatus.SAME, actor=supervisor_a)
    ngo = records["ngo"]
    ngo.grandfather_name_lat = "Mohammed"
    people_services.person_update(person=ngo, actor=supervisor_a)

    duplicates_scan()

    pair.refresh_from_db()
    assert (pair.status, pair.previous_status) == (PairStatus.OPEN, PairStatus.SAME)


def test_an_open_pair_no_longer_alike_is_removed_but_a_decision_stays(records, supervisor_a):
    duplicates_scan()
    decided = DuplicatePair.objects.get(person_a=records["camp"], person_b=records["ngo"])
    duplicate_pair_decide(pair=decided, decision=PairStatus.DIFFERENT, actor=supervisor_a)
    embassy = records["embassy"]
    embassy.given_name_lat, embassy.family_name_lat = "Zainab", "Okonkwo"
    embassy.save()
    person_name_keys_rebuild(person_ids=[embassy.pk])  # what the person service does

    result = duplicates_scan()

    assert result.removed == 2
    assert pairs() == {pair_of(records["camp"], records["ngo"])}


def test_not_sure_needs_a_note_and_stays_in_the_queue(records, supervisor_a):
    duplicates_scan()
    pair = DuplicatePair.objects.order_by("pk").first()

    with pytest.raises(DomainError):
        duplicate_pair_decide(pair=pair, decision=PairStatus.UNSURE, actor=supervisor_a, note="  ")
    duplicate_pair_decide(pair=pair, decision=PairStatus.UNSURE, actor=supervisor_a, note="Ask the camp office")

    assert DuplicatePair.objects.to_review().filter(pk=pair.pk).exists()
    event = AuditEvent.objects.get(action="matching.duplicate_pair.decided")
    assert event.data["to"] == "unsure"
    assert "Fatima" not in str(event.data)


def test_deciding_needs_the_permission_and_the_organisation(records, caseworker_a, supervisor_b):
    duplicates_scan()
    pair = DuplicatePair.objects.order_by("pk").first()

    for user in (caseworker_a, supervisor_b):
        with pytest.raises(PermissionDenied):
            duplicate_pair_decide(pair=pair, decision=PairStatus.DIFFERENT, actor=user)
    pair.refresh_from_db()
    assert pair.status == PairStatus.OPEN


def test_pairs_are_scoped_to_the_organisation(records, supervisor_a, supervisor_b):
    duplicates_scan()

    assert DuplicatePair.objects.visible_to(supervisor_a).count() == 3
    assert DuplicatePair.objects.visible_to(supervisor_b).count() == 0


def test_command_scans_the_named_organisation(records, org_a, org_b, capsys):
    call_command("find_duplicates", "--organisation", org_b.code)
    assert pairs() == set()

    call_command("find_duplicates", "--organisation", org_a.code)

    assert len(pairs()) == 3
    assert "3 likely duplicates" in capsys.readouterr().out
