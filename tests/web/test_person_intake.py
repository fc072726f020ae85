"""Registering a person: the form, formsets, the duplicate check and its confirmation, scope, queries."""

from datetime import date

import pytest
from django.urls import reverse

from casework.core.models import AuditEvent
from casework.people import selectors
from casework.people.models import Alias, NationalityClaim, Person
from tests import factories

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("people:person_create")


def intake_data(aliases=(), claims=(), family=(), **fields) -> dict[str, str]:
    """POST data of the intake form: a woman born in 1990 with no match unless `fields` say otherwise."""
    data = {
        "given_name_lat": "Zainab",
        "father_name_lat": "Idris",
        "grandfather_name_lat": "",
        "family_name_lat": "Okonkwo",
        "given_name_ar": "زينب",
        "father_name_ar": "",
        "grandfather_name_ar": "",
        "family_name_ar": "",
        "sex": "female",
        "birth_date": "1990-01-01",
        "birth_date_precision": "year",
        "birth_date_earliest": "",
        "birth_date_latest": "",
        "place_of_birth": "",
        "country_of_birth": "",
        "date_of_death": "",
        "separation_status": "none",
        "assigned_to": "",
        "seen_candidates": "",
        **fields,
    }
    for prefix, rows, empty in (
        ("aliases", aliases, {"kind": "alias", "name": "", "script": "latn"}),
        ("claims", claims, {"country": "", "basis": "declaration"}),
        ("family", family, {"relation": "", "relative": ""}),
    ):
        rows = list(rows) + [empty] * (2 - len(rows))
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(rows):
            for key, value in row.items():
                if value is True:
                    data[f"{prefix}-{index}-{key}"] = "on"
                elif value is not False:
                    data[f"{prefix}-{index}-{key}"] = value
    return {key: value for key, value in data.items() if value is not None}


@pytest.mark.parametrize("role", ["caseworker_a", "supervisor_a", "orgadmin_a"])
def test_roles_that_add_persons_see_the_intake_form(request, client_for, role):
    response = client_for(request.getfixturevalue(role)).get(CREATE_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="given_name_ar"' in html
    assert 'dir="rtl"' in html and 'lang="ar"' in html
    assert 'name="aliases-TOTAL_FORMS"' in html
    assert 'name="claims-0-country"' in html
    # Sensitive fields only for users with the permission.
    assert 'name="health_notes"' not in html


def test_auditor_cannot_open_or_post_the_intake_form(client_for, auditor_a):
    client = client_for(auditor_a)

    assert client.get(CREATE_URL).status_code == 403
    assert client.post(CREATE_URL, intake_data()).status_code == 403
    assert not Person.objects.exists()


def test_caseworker_registers_a_person_with_aliases_and_claims(client_for, caseworker_a, org_a):
    response = client_for(caseworker_a).post(
        CREATE_URL,
        intake_data(
            aliases=[{"kind": "kunya", "name": "أم يوسف", "script": "arab"}],
            claims=[{"country": "NG", "basis": "parent"}, {"country": "GB", "basis": "birth_territory"}],
            assigned_to=str(caseworker_a.pk),
        ),
    )

    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:person_detail", args=[person.public_id])
    assert person.organisation == org_a
    assert person.case_number == "ORGA-000001"
    assert person.assigned_to == caseworker_a
    assert person.created_by == caseworker_a
    assert person.full_name_ar == "زينب"
    assert person.birth_date_earliest == date(1990, 1, 1)
    assert list(person.aliases.values_list("kind", "name", "script")) == [("kunya", "أم يوسف", "arab")]
    claims = dict(person.nationality_claims.values_list("country", "is_primary"))
    assert claims == {"NG": True, "GB": False}  # no main one marked: the first is the main one
    assert AuditEvent.objects.filter(action="people.person.registered", target_id=str(person.public_id)).exists()


def test_estimated_birth_range_is_kept(client_for, caseworker_a):
    client_for(caseworker_a).post(
        CREATE_URL,
        intake_data(
            birth_date="",
            birth_date_precision="range",
            birth_date_earliest="2010-01-01",
            birth_date_latest="2012-12-31",
        ),
    )

    person = Person.objects.get()
    assert (person.birth_date_earliest, person.birth_date_latest) == (date(2010, 1, 1), date(2012, 12, 31))


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        (
            {
                "given_name_lat": "",
                "father_name_lat": "",
                "family_name_lat": "",
                "given_name_ar": "",
            },
            "given_name_lat",
        ),
        ({"birth_date": "", "birth_date_precision": "exact"}, "birth_date"),
        ({"birth_date": "2999-01-01", "birth_date_precision": "exact"}, "birth_date"),
        (
            {"birth_date": "", "birth_date_precision": "range", "birth_date_earliest": "2012-01-01"},
            "birth_date_earliest",
        ),
        ({"sex": "x"}, "sex"),
    ],
)
def test_bad_input_shows_field_errors_and_saves_nothing(client_for, caseworker_a, fields, error_field):
    response = client_for(caseworker_a).post(CREATE_URL, intake_data(**fields))

    assert response.status_code == 200
    assert error_field in response.context["form"].errors
    assert 'id="error-summary"' in response.content.decode()
    assert not Person.objects.exists()


def test_caseworker_of_another_organisation_cannot_be_assigned(client_for, caseworker_a, caseworker_b):
    response = client_for(caseworker_a).post(CREATE_URL, intake_data(assigned_to=str(caseworker_b.pk)))

    assert response.status_code == 200
    assert "assigned_to" in response.context["form"].errors
    assert not Person.objects.exists()


def test_only_caseworkers_of_the_own_organisation_are_offered(client_for, caseworker_a, caseworker_b):
    html = client_for(caseworker_a).get(CREATE_URL).content.decode()

    assert "caseworker_a" in html
    assert "caseworker_b" not in html


@pytest.mark.parametrize(
    ("claims", "aliases"),
    [
        ([{"country": "FR", "basis": "parent"}, {"country": "FR", "basis": "marriage"}], []),
        (
            [
                {"country": "FR", "basis": "parent", "is_primary": True},
                {"country": "BE", "basis": "parent", "is_primary": True},
            ],
            [],
        ),
        ([{"country": "XX", "basis": "parent"}], []),
        ([], [{"kind": "kunya", "name": "Umm Ali", "script": "latn"}, {"kind": "kunya", "name": "umm ali"}]),
        ([], [{"kind": "kunya", "name": "", "script": "arab"}]),
    ],
)
def test_bad_formset_rows_save_nothing(client_for, caseworker_a, claims, aliases):
    response = client_for(caseworker_a).post(CREATE_URL, intake_data(claims=claims, aliases=aliases))

    assert response.status_code == 200
    context = response.context
    assert not (context["alias_formset"].is_valid() and context["claim_formset"].is_valid())
    assert not Person.objects.exists()
    assert not Alias.objects.exists() and not NationalityClaim.objects.exists()


@pytest.fixture
def existing_fatima(org_a):
    return factories.PersonFactory(
        organisation=org_a,
        given_name_lat="Fatima",
        father_name_lat="Ahmed",
        family_name_lat="al-Maghribi",
        given_name_ar="فاطمة",
        family_name_ar="المغربي",
        sex="female",
        birth_date=date(1995, 6, 1),
        birth_date_precision="year",
    )


def fatima_data(**fields) -> dict[str, str]:
    return intake_data(
        given_name_lat="Fatma",
        father_name_lat="",
        family_name_lat="el-Maghribi",
        given_name_ar="",
        birth_date="1996-01-01",
        **fields,
    )


def test_possible_duplicate_is_shown_and_nothing_is_saved_until_confirmed(client_for, caseworker_a, existing_fatima):
    client = client_for(caseworker_a)

    response = client.post(CREATE_URL, fatima_data())

    assert response.status_code == 200
    assert Person.objects.count() == 1
    html = response.content.decode()
    assert 'id="duplicate-candidates"' in html
    assert f'data-candidate="{existing_fatima.case_number}"' in html
    assert reverse("people:person_detail", args=[existing_fatima.public_id]) in html
    assert "This is a new person, not one of the above" in html
    assert response.context["form"]["seen_candidates"].value() == str(existing_fatima.public_id)

    # Submitted again without the confirmation: still nothing saved.
    response = client.post(CREATE_URL, fatima_data(seen_candidates=str(existing_fatima.public_id)))
    assert response.status_code == 200
    assert Person.objects.count() == 1

    response = client.post(CREATE_URL, fatima_data(seen_candidates=str(existing_fatima.public_id), confirm_new="on"))
    assert response.status_code == 302
    assert Person.objects.count() == 2


def test_confirmation_counts_only_for_the_candidates_that_were_shown(client_for, caseworker_a, existing_fatima):
    response = client_for(caseworker_a).post(CREATE_URL, fatima_data(confirm_new="on", seen_candidates=""))

    assert response.status_code == 200
    assert [candidate.person for candidate in response.context["candidates"]] == [existing_fatima]
    assert Person.objects.count() == 1


def test_an_alias_can_be_what_matches(client_for, caseworker_a, org_a):
    known = factories.PersonFactory(organisation=org_a, given_name_lat="Maryam", family_name_lat="Dupont")
    factories.AliasFactory(person=known, kind="alias", name="Mariam Tabari")
    data = intake_data(
        given_name_lat="Meryem", father_name_lat="", family_name_lat="Tabari", given_name_ar="", birth_date="1995-01-01"
    )

    response = client_for(caseworker_a).post(CREATE_URL, data)

    assert [candidate.person.pk for candidate in response.context["candidates"]] == [known.pk]
    assert 'data-candidate="' + known.case_number + '"' in response.content.decode()


def test_persons_of_another_organisation_are_never_offered_as_duplicates(client_for, caseworker_b, existing_fatima):
    response = client_for(caseworker_b).post(CREATE_URL, fatima_data())

    assert response.status_code == 302
    assert existing_fatima.case_number not in response.content.decode()
    assert Person.objects.filter(organisation__code="ORGB").count() == 1


def test_superuser_chooses_the_organisation(client_for, superuser, org_a):
    response = client_for(superuser).post(CREATE_URL, intake_data(organisation=str(org_a.pk)))

    assert response.status_code == 302
    assert Person.objects.get().organisation == org_a


# --- The selector ---------------------------------------------------------------------------------


def build(**fields) -> Person:
    defaults = {"sex": "female", "birth_date": date(1995, 1, 1), "birth_date_precision": "year"}
    return Person(**{**defaults, **fields})


def test_possible_duplicates_are_the_suggested_candidates_ranked_by_score(caseworker_a, org_a):
    make = factories.PersonFactory
    other = {"father_name_lat": "", "given_name_ar": "", "family_name_ar": ""}
    far = make(
        organisation=org_a, given_name_lat="Aisha", family_name_lat="Benali", birth_date=date(1997, 1, 1), **other
    )
    exact = make(
        organisation=org_a, given_name_lat="Aisha", family_name_lat="Benali", birth_date=date(1995, 3, 1), **other
    )
    unknown_sex = make(
        organisation=org_a,
        given_name_lat="Aicha",
        family_name_lat="Benali",
        sex="unknown",
        birth_date=date(1995, 1, 1),
        **other,
    )
    make(organisation=org_a, given_name_lat="Aisha", family_name_lat="Other", **other)  # one name only
    make(organisation=org_a, given_name_lat="Aisha", family_name_lat="Benali", sex="male", **other)  # other sex
    make(organisation=org_a, given_name_lat="Aisha", family_name_lat="Benali", birth_date=date(1980, 1, 1), **other)
    make(organisation=org_a, given_name_lat="Nobody", family_name_lat="Else", **other)  # no shared name
    make(given_name_lat="Aisha", family_name_lat="Benali", **other)  # another organisation

    found = selectors.possible_duplicates(
        user=caseworker_a, person=build(given_name_lat="Aïsha", family_name_lat="BENALI", father_name_lat="")
    )

    assert [candidate.person for candidate in found] == [exact, unknown_sex, far]
    assert all(candidate.suggested for candidate in found)
    assert found[0].score > found[-1].score
    assert "born 1997, query says 1995" in found[-1].reasons


def test_possible_duplicates_are_capped_and_names_of_particles_only_find_nobody(caseworker_a, org_a):
    for _index in range(12):
        factories.PersonFactory(organisation=org_a, given_name_lat="Khadija", family_name_lat="al-Hassan")
    factories.PersonFactory(organisation=org_a, given_name_lat="Leila", family_name_lat="al-Rashid")

    found = selectors.possible_duplicates(
        user=caseworker_a, person=build(given_name_lat="Khadija", family_name_lat="al-Hassan")
    )
    particles_only = selectors.possible_duplicates(
        user=caseworker_a, person=build(given_name_lat="Umm", family_name_lat="al")
    )

    assert len(found) == selectors.MAX_DUPLICATE_CANDIDATES
    assert particles_only == []


def test_names_match_across_scripts_and_spellings(caseworker_a, org_a):
    known = factories.PersonFactory(
        organisation=org_a, given_name_lat="", family_name_lat="", given_name_ar="فاطمة", family_name_ar="الأحمد"
    )
    factories.PersonFactory(
        organisation=org_a, given_name_lat="", family_name_lat="", given_name_ar="فاتن", family_name_ar="الأحمد"
    )

    found = selectors.possible_duplicates(
        user=caseworker_a, person=build(given_name_lat="Fatma", family_name_lat="Al-Ahmad", father_name_lat="")
    )

    assert [candidate.person for candidate in found] == [known]
    assert any("≈" in reason for reason in found[0].reasons)


# --- Queries --------------------------------------------------------------------------------------

# 1 session, 2 user, 3-4 permissions, 5 caseworker choices; then the session save (UPDATE + 2 transaction statements).
CREATE_GET_QUERIES = 8


def test_intake_form_query_count(client_for, caseworker_a, django_assert_max_num_queries):
    client = client_for(caseworker_a)

    with django_assert_max_num_queries(CREATE_GET_QUERIES):
        assert client.get(CREATE_URL).status_code == 200


@pytest.mark.parametrize("existing", [2, 20])
def test_duplicate_check_query_count_does_not_grow_with_candidates(
    client_for, caseworker_a, org_a, django_assert_max_num_queries, existing
):
    for _index in range(existing):
        factories.PersonFactory(
            organisation=org_a,
            given_name_lat="Zainab",
            father_name_lat="Idris",
            family_name_lat="Okonkwo",
            given_name_ar="زينب",
            family_name_ar="",
            birth_date=date(1990, 1, 1),
        )
    client = client_for(caseworker_a)

    # 1 session, 2 user, 3-4 permissions, 5-10 the model's check constraints (2 × savepoint, check,
    # release), 11-18 the candidates (the matcher's four queries for each of the two names, however
    # many candidates), 19 caseworker choices, then the session save (UPDATE + 2 transaction statements)
    # and the read log's INSERT of the candidates shown.
    with django_assert_max_num_queries(23):
        response = client.post(CREATE_URL, intake_data())

    assert len(response.context["candidates"]) == min(existing, 10)


def test_person_list_links_to_intake_only_for_users_who_may_add(client_for, caseworker_a, auditor_a):
    list_url = reverse("people:person_list")

    assert CREATE_URL in client_for(caseworker_a).get(list_url).content.decode()
    assert CREATE_URL not in client_for(auditor_a).get(list_url).content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(CREATE_URL)

    assert response.status_code == 302
    assert "login" in response["Location"]
