"""Parts of forms shared through includes: the Submit/Cancel buttons (includes/_form_buttons.html) and the
hidden fields of the reminder actions (reminders/_reminder_action_fields.html)."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from tests import factories
from tests.web.test_reminder_actions import make_reminder, person_url, section

BUTTONS = (
    '<div class="d-flex gap-2">\n'
    '  <button type="submit" class="btn btn-primary">{label}</button>\n'
    '  <a class="btn btn-outline-secondary" href="{url}">Cancel</a>\n'
    "</div>"
)


def test_the_buttons_submit_with_the_label_given_or_cancel_back_to_the_url_given():
    template = Template('{% include "includes/_form_buttons.html" with label=_("Save") cancel_url="/policies/" %}')

    assert BUTTONS.format(label="Save", url="/policies/") in template.render(Context())


@pytest.mark.django_db
def test_a_record_edit_page_cancels_back_to_the_records_list(client_for, caseworker_a, person_a):
    document = factories.IdentityDocumentFactory(person=person_a)
    edit = reverse("people:document_update", args=[person_a.public_id, document.public_id])

    html = client_for(caseworker_a).get(edit).content.decode()

    list_url = reverse("people:document_list", args=[person_a.public_id])
    assert BUTTONS.format(label="Save changes", url=list_url) in html


@pytest.mark.django_db
def test_every_reminder_action_form_carries_the_token_the_way_back_and_the_scope(
    client_for, caseworker_a, org_a, person_a
):
    make_reminder(org_a, person=person_a)

    html = client_for(caseworker_a).get(person_url(person_a)).content.decode()

    forms = re.findall(r"<form .*?</form>", section(html, 'id="reminders"', "</section>"), re.S)
    assert len(forms) >= 3  # done, snooze, dismiss (acknowledge while open)
    for form in forms:
        assert re.search(r'name="csrfmiddlewaretoken" value="[^"]+"', form)
        assert f'<input type="hidden" name="next" value="{person_url(person_a)}">' in form
        assert '<input type="hidden" name="scope" value="person">' in form
