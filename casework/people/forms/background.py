"""Forms of the journey to Syria and of the return wish and risk-on-return assessment of a person."""

from django import forms

from casework.people.forms.records import PersonRecordForm
from casework.people.models import JourneyToSyria, ReturnAssessment


class JourneyToSyriaForm(PersonRecordForm):
    """The journey; its indications (minor, coercion, trafficking) are L3 and left out without the permission."""

    class Meta:
        model = JourneyToSyria
        fields = [
            "travelled_on",
            "travel_date_precision",
            "travelled_from",
            "travelled_with",
            "age_at_travel_recorded",
            "minor_indicator",
            "coercion_indicator",
            "trafficking_indicator",
            "indicator_notes",
        ]
        widgets = {"indicator_notes": forms.Textarea(attrs={"rows": 3})}


class ReturnAssessmentForm(PersonRecordForm):
    """The person's wish about return to one State and the risk they would face there (grounds are L3)."""

    class Meta:
        model = ReturnAssessment
        fields = ["country", "assessed_on", "wish", "wish_expressed_by", "risk", "risk_grounds", "assessed_by"]
        widgets = {"risk_grounds": forms.Textarea(attrs={"rows": 3})}
