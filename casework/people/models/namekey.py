"""The name-key index: keys of every name token of a person, for finding candidates without a scan."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonNameKey(models.Model):
    """One key of one name token of a person (see `casework.people.names`).

    Derived data, never edited: `casework.people.namekeys.person_name_keys_rebuild` rewrites a
    person's rows whenever the person's names or aliases change (the person and alias services call
    it). `organisation` is copied from the person so that a lookup stays inside one organisation's
    rows of the index.
    """

    class Kind(models.TextChoices):
        COARSE = "coarse", _("consonant classes")
        KNOWN = "known", _("known name")

    class Part(models.TextChoices):
        GIVEN = "given", _("given name")
        FATHER = "father", _("father's name")
        GRANDFATHER = "grandfather", _("grandfather's name")
        FAMILY = "family", _("family name")
        ALIAS = "alias", _("alias")
        KUNYA = "kunya", _("kunya")

    # Neither key is a database constraint (`db_constraint=False`). The rows are derived data, about six per
    # person, written in bulk (an import of 100,000 rows writes over half a million), and each constraint was one deferred
    # check per row at COMMIT: 19 of an imported person's 35 (docs/benchmarks.md). The ORM still deletes
    # a person's keys with the person (CASCADE is emulated by Django's collector, constraint or not); the
    # merge, undo of an import and anonymisation rebuild or delete them explicitly; and `rebuild_name_keys`
    # removes any row left pointing to no person. No index on `person` alone: the unique constraint's
    # index starts with it and serves the deletions by person.
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="name_keys",
        db_constraint=False,
        db_index=False,
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    key = models.CharField(_("key"), max_length=64)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    part = models.CharField(_("name part"), max_length=12, choices=Part.choices)
    script = models.CharField(_("script"), max_length=10)

    class Meta:
        verbose_name = _("name key")
        verbose_name_plural = _("name keys")
        constraints = [
            models.UniqueConstraint(fields=["person", "part", "kind", "key"], name="person_name_key_unique"),
        ]
        indexes = [
            # Lookups: the keys of a query inside one organisation, giving persons. Every lookup also
            # filters on the kind (and the duplicate scans on the part): with both in the index, PostgreSQL
            # answers from the index alone instead of visiting a table row per key found (the matcher's
            # blocking read 3,400 pages for 5,000 rows at 100,000 persons, 65 with this one; issue #10).
            models.Index(fields=["organisation", "key", "kind", "part", "person"], name="person_name_key_lookup_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}"
