"""Forms shared by the admin: a model form that places every model error and checks uploads, and the status-change form.

Forms validate shape only; business rules stay in the services they feed.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any
from uuid import UUID

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from casework.core.files import reencode_photo, validate_scan


def reason_field(label: Any, help_text: Any, *, max_length: int, rows: int) -> forms.CharField:
    """An optional free-text reason of an admin form (a rule of the form or service says when it is required)."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, "cols": 60}),
        help_text=help_text,
    )


def row_formset(form: type[forms.Form], formset: type[forms.BaseFormSet], *, max_num: int, **kwargs: Any) -> type:
    """A formset class of at most `max_num` rows, more refused with the formset's error (validate_max).

    absolute_max = max_num: a post that claims more rows builds no more forms than that (Django's default
    builds up to max_num + 1,000 forms, about 12 s of CPU for one such request)."""
    return forms.formset_factory(
        form, formset=formset, max_num=max_num, absolute_max=max_num, validate_max=True, **kwargs
    )


def uuids_in(values: Iterable[Any]) -> list[UUID]:
    """The values that are UUIDs (posted public ids), others left out: a tampered value is not an error page."""
    found = []
    for value in values:
        try:
            found.append(UUID(str(value)))
        except ValueError:
            continue
    return found


def formsets_with_errors(*sections: tuple[str, Any, Any]) -> list[tuple[str, Any, Any]]:
    """The (anchor, label, formset) sections whose formset was submitted with errors.

    The `summary_formsets` of `includes/_form_errors.html`: their errors are listed in the page's
    error summary row by row, each linked to its field (or to the section for a formset's own errors).
    """
    return [
        (anchor, label, formset)
        for anchor, label, formset in sections
        if formset is not None and formset.is_bound and formset.total_error_count()
    ]


class ModelErrorsOnFormMixin:
    """For a ModelForm: a model error naming a field the form does not display becomes an error of the whole form.

    `Model.clean()` may name a field that this form leaves out (an L3 field hidden from the user, a
    read-only date): Django would raise ValueError ("has no field named …") and answer with a 500.
    """

    def _update_errors(self, errors: ValidationError) -> None:
        if hasattr(errors, "error_dict"):
            placed: dict[str, list] = {}
            for field, field_errors in errors.error_dict.items():
                key = field if field == NON_FIELD_ERRORS or field in self.fields else NON_FIELD_ERRORS
                placed.setdefault(key, []).extend(field_errors)
            errors = ValidationError(placed)
        super()._update_errors(errors)


class AdminModelForm(ModelErrorsOnFormMixin, forms.ModelForm):
    """A ModelForm that checks uploads by content and shows a model error on a field it does not display
    (`ModelErrorsOnFormMixin`).

    Every new upload to a model file field is checked here, for the admin and the web forms alike:
    an image field (a photo) is re-encoded (`core.files.reencode_photo`), any other file field holds
    a scan and must be a PDF or image by its content (`core.files.validate_scan`).
    """

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if not isinstance(value, UploadedFile):
                continue
            try:
                model_field = self._meta.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            try:
                if isinstance(model_field, models.ImageField):
                    cleaned[name] = reencode_photo(value)
                elif isinstance(model_field, models.FileField):
                    validate_scan(value)
            except ValidationError as exc:
                self.add_error(name, exc)
        return cleaned


class VersionedAdminForm(AdminModelForm):
    """An admin form (a change form or an inline row) that carries the `updated_at` it was built from.

    Optimistic concurrency: a save over someone else's newer edit of the row is a form error and
    nothing is saved. The admin renders `version` as a hidden field of every change form and inline
    row it may change (`ScopedAdminMixin.get_fieldsets`); an empty version (a new row) checks nothing.
    """

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        updated_at = getattr(self.instance, "updated_at", None)
        if self.instance.pk is not None and isinstance(updated_at, datetime):
            self.fields["version"].initial = updated_at.isoformat()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            expected = datetime.fromisoformat(cleaned.get("version") or "")
        except ValueError:
            return cleaned
        if self.instance.pk is not None and getattr(self.instance, "updated_at", None) != expected:
            raise ValidationError(
                gettext("Someone else changed this record while you were editing it. Reload the page and try again.")
            )
        return cleaned


class StatusTransitionForm(forms.Form):
    """The target status of a status change, why, and (for cases being closed) the closure reason."""

    to = forms.ChoiceField(label=_("New status"))
    note = reason_field(_("Reason"), _("Required when a case is put on hold or closed."), max_length=2000, rows=3)
    closure_reason = forms.ChoiceField(label=_("Closure reason"), required=False)

    def __init__(
        self,
        *args: Any,
        status_choices: Iterable[tuple[str, Any]],
        closure_reason_choices: Iterable[tuple[str, Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = list(status_choices)
        if closure_reason_choices is None:
            del self.fields["closure_reason"]
        else:
            self.fields["closure_reason"].choices = [("", "---------"), *closure_reason_choices]
