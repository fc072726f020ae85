"""PDF dossiers of government requests: the formal file a State's ministry receives, in its language."""

import os
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from casework.accounts.fields import organisation_fk
from casework.core.models import PublicModel
from casework.core.userfields import user_fk
from casework.govrequests.models import RequestScopedQuerySet


class DossierStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DossierStorage(FileSystemStorage):
    """Private storage under MEDIA_ROOT/dossiers (read when used): never served by URL, 0640 files."""

    def __init__(self) -> None:
        super().__init__(directory_permissions_mode=0o750, file_permissions_mode=0o640)

    @property
    def base_location(self) -> str:  # type: ignore[override]
        return os.path.join(str(settings.MEDIA_ROOT), "dossiers")

    @property
    def location(self) -> str:  # type: ignore[override]
        return os.path.abspath(self.base_location)

    @property
    def base_url(self) -> None:  # type: ignore[override]
        return None


def dossier_storage() -> FileSystemStorage:
    return DossierStorage()


def dossier_upload_to(instance: "Dossier", filename: str) -> str:
    return f"{instance.organisation_id}/{instance.public_id}.pdf"


class Dossier(PublicModel):
    """One generated dossier for sending: its PDF, who signs it, and the disclosure it was recorded as.

    Draft previews are never stored (they are rendered on the fly, watermarked, and not disclosures).
    """

    organisation = organisation_fk()
    request = models.ForeignKey(
        "govrequests.GovernmentRequest", verbose_name=_("request"), on_delete=models.PROTECT, related_name="dossiers"
    )
    language = models.CharField(_("language"), max_length=8)
    signing_officer = models.CharField(_("signing officer"), max_length=200)
    signing_title = models.CharField(_("title of the signing officer"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DossierStatus.choices, default=DossierStatus.PENDING, editable=False
    )
    file = models.FileField(_("file"), storage=dossier_storage, upload_to=dossier_upload_to, blank=True)
    person_count = models.PositiveIntegerField(_("persons"), default=0)
    page_count = models.PositiveIntegerField(_("pages"), default=0)
    requested_by = user_fk(_("requested by"), required=True)
    disclosure = models.OneToOneField(
        "govrequests.Disclosure",
        verbose_name=_("disclosure"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossier",
        editable=False,
    )
    error = models.CharField(_("error"), max_length=200, blank=True, editable=False)

    objects = RequestScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-created_at", "-pk"]
        permissions = [("generate_dossier", "Can generate a request's dossier for sending")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DossierStatus.values), name="dossier_status_valid"),
            models.CheckConstraint(
                condition=~models.Q(status=DossierStatus.READY) | models.Q(disclosure__isnull=False),
                name="dossier_ready_is_disclosed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id} {self.language} {self.created_at:%Y-%m-%d}" if self.created_at else "dossier"

    def context_ids(self) -> dict[str, Any]:
        return {"dossier": self.pk}
