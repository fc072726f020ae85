"""Admin of persons and everything recorded about them, for supervisors.

Registration and edits of a person go through `person_register` / `person_update`; case status,
assignment and nationality-claim status move only through the actions, which call the services.
New inline rows go through their service where there is one: family links through
`family_link_create` (which also writes the inverse link; a deleted row takes its inverse with it),
aliases through `alias_add`, nationality claims through `nationality_claim_add`; other rows are saved
here with an audit event.

Modules: `filters`, `forms` (forms and formsets; the rules they pre-check are asked of the models),
`inlines` (the person's inlines, each saving through its service), `persons` (`PersonAdmin`),
`records` (the admins of the other records about persons).
`PersonAdmin` is registered by `casework.pages.admin`, which adds the screening and request inlines:
this app does not reach the apps above it (style guide §2).
"""

from casework.people.admin import records  # noqa: F401  (it registers its admins)
from casework.people.admin.inlines import PersonStatusChangeInline
from casework.people.admin.persons import PersonAdmin

__all__ = ["PersonAdmin", "PersonStatusChangeInline"]
