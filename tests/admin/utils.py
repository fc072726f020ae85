"""Helpers of the admin tests: re-submit a rendered admin form, add inline rows, read messages."""

from typing import Any

from django.contrib.messages import get_messages
from django.forms import CheckboxInput, FileInput


def _put_form(data: dict[str, Any], form: Any) -> None:
    for bound in form:
        widget = bound.field.widget
        if isinstance(widget, FileInput):
            continue  # not re-posted: the stored file is kept
        value = bound.value()
        if isinstance(widget, CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if value is None:
            value = ""
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)


def changeform_data(response: Any) -> dict[str, Any]:
    """The POST data of an admin add/change form as rendered: main form, inline management forms and saved rows."""
    context = response.context
    data: dict[str, Any] = {}
    _put_form(data, context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        _put_form(data, formset.management_form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
        for form in formset.initial_forms:
            _put_form(data, form)
    return data


def add_inline_row(data: dict[str, Any], prefix: str, **fields: Any) -> int:
    """Append a new row to the inline `prefix` of `data`; returns its index."""
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in fields.items():
        data[f"{prefix}-{index}-{name}"] = str(value)
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    return index


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def inline_errors(response: Any) -> dict[str, list]:
    """{prefix: [form errors…]} of the inlines of a re-rendered admin form."""
    return {
        inline.formset.prefix: [f.errors for f in inline.formset.forms if f.errors]
        + ([inline.formset.non_form_errors()] if inline.formset.non_form_errors() else [])
        for inline in response.context["inline_admin_formsets"]
    }
