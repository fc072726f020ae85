"""Persons already on file before an import, as the import tests need them."""

from datetime import date

from casework.people.models import Person
from casework.people.namekeys import person_name_keys_rebuild
from tests import factories


def omar_kaya_on_file(organisation) -> Person:
    """Omar Kaya, a man born in 1985, of `organisation`: the likely duplicate of the list row
    "Omar, Kaya, ذكر (male), 15/03/1985" that the page tests (tests/imports, tests/browser) upload."""
    existing = factories.PersonFactory(
        organisation=organisation,
        given_name_lat="Omar",
        father_name_lat="",
        family_name_lat="Kaya",
        sex="male",  # a conflicting sex rules a candidate out, as in the matcher
        birth_date=date(1985, 1, 1),
    )
    person_name_keys_rebuild(person_ids=[existing.pk])  # as the people services do
    return existing
