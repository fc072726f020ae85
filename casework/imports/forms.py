"""Forms of the import pages: upload, mapping (built from the file's headers), duplicate decision."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from casework.imports.mapping import FIELDS
from casework.imports.models import MappingTemplate
from casework.imports.readers import SheetInfo
from casework.people.choices import ClaimStatus, DocumentType, SeparationStatus, Sex

ENCODING_CHOICES = [
    ("", _("Detect")),
    ("utf-8", "UTF-8"),
    ("cp1256", _("Arabic (Windows-1256)")),
    ("cp1252", _("Western (Windows-1252)")),
    ("latin-1", "Latin-1 (ISO-8859-1)"),
]
MAX_VALUE_MAPS = 60


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV, XLSX or ODS)"))
    source = forms.CharField(
        label=_("Source"),
        max_length=100,
        required=False,
        help_text=_("Who the list comes from. A later file of the same source updates the persons it created."),
    )
    encoding = forms.ChoiceField(label=_("Encoding (CSV only)"), choices=ENCODING_CHOICES, required=False)


class MappingForm(forms.Form):
    """Sheet, header row, one field per column, value mappings for the values the import does not know."""

    sheet_name = forms.ChoiceField(label=_("Sheet"), required=False)
    header_row = forms.IntegerField(label=_("Row of the column names"), min_value=1, max_value=1000, initial=1)
    encoding = forms.ChoiceField(label=_("Encoding (CSV only)"), choices=ENCODING_CHOICES, required=False)
    template = forms.ModelChoiceField(
        label=_("Apply a saved mapping"), queryset=MappingTemplate.objects.none(), required=False
    )
    save_as = forms.CharField(label=_("Save this mapping as"), max_length=100, required=False)

    def __init__(
        self,
        *args: Any,
        sheets: list[SheetInfo],
        headers: list[str],
        unknown_values: dict[str, list[str]],
        facilities: list[tuple[str, str]],
        organisation_id: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        self.current_sheet = ""
        self.fields["sheet_name"].choices = [
            (s.name, f"{s.name} ({_('hidden')})" if s.hidden else s.name) for s in sheets if s.name
        ] or [("", "—")]
        self.fields["template"].queryset = MappingTemplate.objects.filter(organisation_id=organisation_id)
        field_choices = [("", _("— not imported —")), *((f.key, f.label) for f in FIELDS)]
        for index, header in enumerate(headers):
            if header:
                self.fields[f"col_{index}"] = forms.ChoiceField(label=header, choices=field_choices, required=False)
        value_choices = {
            "sex": [("", _("— as written —")), *Sex.choices],
            "separation_status": [("", _("— as written —")), *SeparationStatus.choices],
            "claim_status": [("", _("— as written —")), *ClaimStatus.choices],
            "document_type": [("", _("— as written —")), *DocumentType.choices],
            "facility": [("", _("— as written —")), *facilities],
        }
        self.value_fields: list[tuple[str, str, str]] = []
        count = 0
        for key, values in unknown_values.items():
            for value in values:
                if count >= MAX_VALUE_MAPS:
                    break
                name = f"val_{count}"
                self.fields[name] = forms.ChoiceField(label=value, choices=value_choices[key], required=False)
                self.fields[f"src_{count}"] = forms.CharField(
                    widget=forms.HiddenInput, initial=f"{key}\x1f{value}", required=False
                )
                self.value_fields.append((name, key, value))
                count += 1

    def column_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("col_")]

    def value_map_fields(self) -> list[tuple[Any, Any, str]]:
        return [(self[name], self[name.replace("val_", "src_")], key) for name, key, _value in self.value_fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        chosen: dict[str, str] = {}
        for index, header in enumerate(self.headers):
            key = cleaned.get(f"col_{index}")
            if key:
                if key in chosen:
                    self.add_error(
                        f"col_{index}",
                        _("“%(field)s” is already mapped from the column “%(other)s”.")
                        % {"field": dict((f.key, f.label) for f in FIELDS)[key], "other": chosen[key]},
                    )
                chosen[key] = header
        cleaned["mapping"] = {header: key for key, header in chosen.items()}
        value_maps: dict[str, dict[str, str]] = {}
        for name, key, value in self.value_fields:
            if cleaned.get(name):
                value_maps.setdefault(key, {})[value] = cleaned[name]
        cleaned["value_maps"] = value_maps
        return cleaned


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("Decision"), max_length=60)
