"""A post claiming a huge number of rows in a formset of the person pages builds no more forms than the formset
allows and is refused with the formset's error (Django's default would build max_num + 1,000 forms)."""

import pytest

from casework.people.forms.family import FamilyLinkFormSet
from casework.people.forms.person import AliasFormSet, NationalityClaimFormSet
from casework.people.forms.records import AliasRowFormSet

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("formset_class", "needs_user"),
    [(AliasFormSet, False), (NationalityClaimFormSet, False), (FamilyLinkFormSet, True), (AliasRowFormSet, True)],
)
def test_a_post_claiming_a_thousand_rows_builds_at_most_max_num_forms(formset_class, needs_user, caseworker_a):
    data = {"rows-TOTAL_FORMS": "1000", "rows-INITIAL_FORMS": "0"}
    formset = formset_class(data, prefix="rows", form_kwargs={"user": caseworker_a} if needs_user else {})
    assert len(formset.forms) == formset_class.max_num
    assert not formset.is_valid()
    assert f"at most {formset_class.max_num} form" in " ".join(formset.non_form_errors())
