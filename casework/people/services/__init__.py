"""Writes about persons: `persons` (registration, edits, case status, assignment, family links, custody,
nationality claims, aliases) and `records` (the records attached to a person, as their pages add, edit and
remove them). Import from this package; the terms and the rules every function keeps are in `persons`.
"""

from casework.people.services.persons import (
    ConcurrentEditError,
    alias_add,
    custody_move,
    family_link_create,
    nationality_claim_add,
    nationality_claim_add_from,
    nationality_claim_transition,
    person_assign,
    person_bulk_assign,
    person_register,
    person_register_with_details,
    person_transition,
    person_update,
)
from casework.people.services.records import (
    RecordGoneError,
    family_link_inverse_remove,
    family_link_remove,
    family_link_update,
    nationality_claim_remove,
    nationality_claim_update,
    person_aliases_save,
    person_record_add,
    person_record_remove,
    person_record_update,
)

__all__ = [
    "ConcurrentEditError",
    "RecordGoneError",
    "alias_add",
    "custody_move",
    "family_link_create",
    "family_link_inverse_remove",
    "family_link_remove",
    "family_link_update",
    "nationality_claim_add",
    "nationality_claim_add_from",
    "nationality_claim_remove",
    "nationality_claim_transition",
    "nationality_claim_update",
    "person_aliases_save",
    "person_assign",
    "person_bulk_assign",
    "person_record_add",
    "person_record_remove",
    "person_record_update",
    "person_register",
    "person_register_with_details",
    "person_transition",
    "person_update",
]
