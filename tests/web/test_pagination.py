"""Keyset pagination walks every row exactly once, in both directions, with ties in the sort key."""

import uuid
from datetime import date

import pytest

from casework.core.pagination import Cursor, KeysetPaginator
from casework.people import selectors
from casework.people.models import Person
from tests import factories

pytestmark = pytest.mark.django_db

FAMILY_NAMES = ["Dupont", "Petrova", "Yilmaz"]


@pytest.fixture
def persons(org_a):
    """23 persons whose names, birth dates and statuses repeat, so every sort key has ties."""
    rows = []
    for index in range(23):
        rows.append(
            factories.PersonFactory(
                organisation=org_a,
                family_name_lat=FAMILY_NAMES[index % 3],
                given_name_lat="Aisha" if index % 2 else "Omar",
                birth_date=None if index % 5 == 0 else date(2000 + index % 4, 1, 1),
                birth_date_precision="unknown" if index % 5 == 0 else "year",
                status=["registered", "assessment", "on_hold"][index % 3],
            )
        )
    return rows


def _expected(sort: str, user) -> list[int]:
    return list(
        selectors.person_list_base(user=user).order_by(*selectors.PERSON_SORTS[sort]).values_list("pk", flat=True)
    )


def _walk(paginator: KeysetPaginator, *, backward: bool) -> list[int]:
    """Every row id, following next links from the first page (or previous links from the last)."""
    seen: list[int] = []
    page = paginator.page("last" if backward else None)
    pages = 0
    while True:
        ids = [row.pk for row in page]
        seen = ids + seen if backward else seen + ids
        pages += 1
        assert pages < 50, "pagination does not end"
        cursor = page.previous_cursor if backward else page.next_cursor
        if cursor is None:
            return seen
        page = paginator.page(cursor)


@pytest.mark.parametrize("sort", sorted(selectors.PERSON_SORTS))
@pytest.mark.parametrize("per_page", [1, 4, 5, 23, 30])
def test_keyset_pagination_walks_all_rows_once_in_both_directions(persons, caseworker_a, sort, per_page):
    base = selectors.person_list_base(user=caseworker_a)
    paginator = KeysetPaginator(base, selectors.PERSON_SORTS[sort], per_page, boundary_queryset=base)
    expected = _expected(sort, caseworker_a)

    forward = _walk(paginator, backward=False)
    backward = _walk(paginator, backward=True)

    assert forward == expected
    assert backward == expected
    assert len(set(forward)) == len(persons)


def test_going_back_from_the_second_page_returns_the_first_page(persons, caseworker_a):
    base = selectors.person_list_base(user=caseworker_a)
    paginator = KeysetPaginator(base, selectors.PERSON_SORTS["name"], 5, boundary_queryset=base)
    first = paginator.page(None)
    second = paginator.page(first.next_cursor)

    back = paginator.page(second.previous_cursor)

    assert [p.pk for p in back] == [p.pk for p in first]
    assert back.is_first and not back.has_previous
    assert first.is_first and not first.has_previous and first.has_next
    assert second.has_previous and second.has_next


def test_last_page_has_no_next_page(persons, caseworker_a):
    base = selectors.person_list_base(user=caseworker_a)
    paginator = KeysetPaginator(base, selectors.PERSON_SORTS["case_number"], 5, boundary_queryset=base)

    last = paginator.page("last")

    assert not last.has_next and last.has_previous
    assert [p.pk for p in last] == _expected("case_number", caseworker_a)[-5:]


def test_filtered_pages_stay_within_the_filter(persons, caseworker_a):
    base = selectors.person_list_base(user=caseworker_a)
    filtered = base.filter(family_name_lat="Petrova")
    paginator = KeysetPaginator(filtered, selectors.PERSON_SORTS["-updated"], 3, boundary_queryset=base)

    ids = _walk(paginator, backward=False)

    assert ids == list(filtered.order_by("-updated_at", "-id").values_list("pk", flat=True))
    assert set(Person.objects.filter(pk__in=ids).values_list("family_name_lat", flat=True)) == {"Petrova"}


@pytest.mark.parametrize("cursor", ["", "garbage", "!!!", "bGFzdA", Cursor("x", uuid.UUID(int=7)).encode()])
def test_malformed_cursor_gives_the_first_page(persons, caseworker_a, cursor):
    base = selectors.person_list_base(user=caseworker_a)
    paginator = KeysetPaginator(base, selectors.PERSON_SORTS["case_number"], 5, boundary_queryset=base)

    page = paginator.page(cursor)

    assert page.is_first
    assert [p.pk for p in page] == _expected("case_number", caseworker_a)[:5]


def test_cursor_of_a_row_outside_the_scope_gives_an_empty_page(persons, caseworker_a, person_b):
    base = selectors.person_list_base(user=caseworker_a)
    paginator = KeysetPaginator(base, selectors.PERSON_SORTS["case_number"], 5, boundary_queryset=base)

    page = paginator.page(Cursor("n", person_b.public_id).encode())

    assert list(page) == []


def test_cursor_carries_no_sort_values():
    public_id = uuid.uuid4()

    encoded = Cursor("n", public_id).encode()

    assert Cursor.decode(encoded) == Cursor("n", public_id)
    assert "Petrova" not in encoded
