"""Signals that let higher apps follow changes made by lower ones without being imported by them.

`records_changed` is sent by the services that change what a reminder's condition reads (a
request's status, dates, events, decisions or persons; a case's status; a person's documents…),
inside their transaction, with ids only. The reminders app re-evaluates the open reminders about
those records at once (`casework.reminders.services.recheck`).

`persons_anonymised` is sent by the retention service inside the anonymisation's transaction, with the
ids of the person and of the records merged into them: apps that keep their own copies of personal
data about those persons (the merge records' replay log) erase them.
"""

from collections.abc import Iterable

from django.dispatch import Signal

records_changed = Signal()
persons_anonymised = Signal()


def records_changed_send(*, person_ids: Iterable[int] = (), gov_request_ids: Iterable[int] = ()) -> None:
    """Tell the receivers that these persons' and requests' records changed (same transaction)."""
    persons, requests = frozenset(person_ids), frozenset(gov_request_ids)
    if persons or requests:
        records_changed.send(sender=None, person_ids=persons, gov_request_ids=requests)


def persons_anonymised_send(*, person_ids: Iterable[int]) -> None:
    """Tell the receivers that these persons were anonymised (same transaction)."""
    persons = frozenset(person_ids)
    if persons:
        persons_anonymised.send(sender=None, person_ids=persons)
