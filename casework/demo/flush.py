"""Deleting the case data before a new seed (`seed_demo --flush`), and telling whether there is any."""

from functools import reduce
from operator import or_

from django.apps import apps
from django.db import connection, models, transaction

from casework.accounts.models import Organisation
from casework.govrequests.models import Disclosure, DisclosurePolicy, GovernmentAuthority, GovernmentRequest
from casework.outbox.models import OutboundMessage
from casework.people.models import Household, Person

# Every row of these apps is case data (persons, households, requests and what hangs on them)...
CASE_APPS = ("people", "screenings", "govrequests", "legal")
# ...except this reference data, which a flush keeps with the facilities, organisations and users.
REFERENCE_MODELS = (GovernmentAuthority, DisclosurePolicy)


def has_case_data() -> bool:
    """Whether the database already holds persons, households or requests."""
    return Person.objects.exists() or Household.objects.exists() or GovernmentRequest.objects.exists()


def delete_case_data() -> int:
    """Delete every person and everything attached to them, households, requests and handovers.

    Plain DELETE statements: the ORM's cascade would load every row and write a deletion row into
    each history table. Foreign keys are checked at commit (Django creates them deferrable).
    """
    deleted = 0
    with transaction.atomic():
        tables = set(connection.introspection.table_names())
        # Follow-up letters to authorities list persons: they go with the disclosures that point to them
        # (the key runs from the disclosure to its e-mail, so the walk below does not find them).
        letters = []
        if Disclosure._meta.db_table in tables:
            letters = list(Disclosure.objects.exclude(outbound_message=None).values_list("outbound_message", flat=True))
        for rows in _case_rows():
            if rows.model._meta.db_table in tables:  # an app whose migrations have not run yet has no table
                deleted += rows._raw_delete(rows.db)
        if letters:
            deleted += OutboundMessage.objects.filter(pk__in=letters)._raw_delete(OutboundMessage.objects.db)
        Organisation.objects.update(last_case_number=0)
    return deleted


def _case_rows() -> list[models.QuerySet]:
    """The rows a flush deletes, in an order that lets each filtered delete still see its targets.

    Every row of the case apps but their reference data, history tables and auto-created
    many-to-many tables (a disclosure's requests) included; and, in any other app, the rows that
    point by a foreign or one-to-one key to a deleted row (a reminder about a person), followed until nothing new turns up. Rows of those models that point to
    nothing deleted stay (the weekly report's e-mail). Audit events name their target by a generic
    key, not a foreign key: the audit trail stays.

    `apps.get_models()` instead of imports: demo sits at the top of the app order, so it may reach
    every model, and a model added later is covered without a change here. A reference model that
    pointed to case data would make the flush fail at commit on the foreign key, not delete it.
    """
    every = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    kept = {*REFERENCE_MODELS, *(m.history.model for m in REFERENCE_MODELS if hasattr(m, "history"))}
    whole = [m for m in every if m._meta.app_label in CASE_APPS and m not in kept]
    # Models elsewhere, each with its keys to deleted rows (more keys may turn up on a later round).
    partial: dict[type[models.Model], list[models.Field]] = {}
    changed = True
    while changed:
        changed = False
        for model in every:
            if model in kept or model in whole:
                continue
            keys = [f for f in model._meta.concrete_fields if f.is_relation and _target(f) in (*whole, *partial)]
            if len(keys) > len(partial.get(model, ())):
                partial[model] = keys
                changed = True

    def pointing(model: type[models.Model], seen: tuple = ()) -> models.QuerySet:
        """Rows with a key to a deleted row: any key at all to a case model, or to a row deleted here.
        A chain of keys back to a model already on the way (a cycle) is not followed."""
        conditions = []
        for key in partial[model]:
            target = _target(key)
            if target in whole:
                conditions.append(models.Q(**{f"{key.attname}__isnull": False}))
            elif target is not model and target not in seen:
                conditions.append(models.Q(**{f"{key.name}__in": pointing(target, (*seen, model)).values("pk")}))
        return model._base_manager.filter(reduce(or_, conditions)) if conditions else model._base_manager.none()

    # A filtered delete reads the rows its subquery names: delete a model's rows before those it points to.
    after_targets: list[type[models.Model]] = []

    def visit(model: type[models.Model], seen: tuple = ()) -> None:
        if model in after_targets or model in seen:
            return
        for key in partial[model]:
            if _target(key) in partial:
                visit(_target(key), (*seen, model))
        after_targets.append(model)

    for model in partial:
        visit(model)
    return [pointing(m) for m in reversed(after_targets)] + [m._base_manager.all() for m in whole]


def _target(key: models.Field) -> type[models.Model]:
    return key.related_model._meta.concrete_model
