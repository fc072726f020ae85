"""The admin toolkit every app's admin is built from, and the registrations of core's own models.

- `base`: scoped, audited admins and inlines (`ScopedModelAdmin`, `AuditedModelAdmin`, `AuditedHistoryAdmin`, …);
- `filters`: list filters offering only what the user may see (`OrganisationFilter`, `ActorFilter`, …);
- `actions`: admin actions with an intermediate form (`run_form_action`, `run_status_action`);
- `status_changes`: the read-only list and inline of a status history (`StatusChangeAdmin`, `StatusChangeInline`);
- `registrations`: the admins of `AuditEvent` and `WorkerHeartbeat`.

Every model admin in `casework/` derives from `ScopedModelAdmin` (tests/admin/test_admin_bases.py).
"""

from casework.core.admin.actions import (
    ACTION_FORM_TEMPLATE,
    allowed_status_choices,
    run_form_action,
    run_status_action,
)
from casework.core.admin.base import (
    AuditedHistoryAdmin,
    AuditedModelAdmin,
    NoAddOrDeleteMixin,
    NonOverlappingPeriodsFormSet,
    ReadOnlyInlineMixin,
    ReadOnlyMixin,
    ReadOnlyModelAdmin,
    RecordedByAdminMixin,
    ReferenceDataScopeMixin,
    ScopedAdminMixin,
    ScopedInlineMixin,
    ScopedModelAdmin,
    SharedDefaultsAdminMixin,
    admin_action,
    adopt,
    owner_organisation_id,
    related_count,
    scoped_choices,
    status_badge,
)
from casework.core.admin.filters import (
    ActorFilter,
    CountryListFilter,
    OrganisationFilter,
    ScopedUserFilter,
    country_filter,
)
from casework.core.admin.registrations import AuditEventAdmin, WorkerHeartbeatAdmin
from casework.core.admin.status_changes import StatusChangeAdmin, StatusChangeInline

__all__ = [
    "ACTION_FORM_TEMPLATE",
    "ActorFilter",
    "AuditEventAdmin",
    "AuditedHistoryAdmin",
    "AuditedModelAdmin",
    "CountryListFilter",
    "NoAddOrDeleteMixin",
    "NonOverlappingPeriodsFormSet",
    "OrganisationFilter",
    "ReadOnlyInlineMixin",
    "ReadOnlyMixin",
    "ReadOnlyModelAdmin",
    "RecordedByAdminMixin",
    "ReferenceDataScopeMixin",
    "ScopedAdminMixin",
    "ScopedInlineMixin",
    "ScopedModelAdmin",
    "ScopedUserFilter",
    "SharedDefaultsAdminMixin",
    "StatusChangeAdmin",
    "StatusChangeInline",
    "WorkerHeartbeatAdmin",
    "admin_action",
    "adopt",
    "allowed_status_choices",
    "country_filter",
    "owner_organisation_id",
    "related_count",
    "run_form_action",
    "run_status_action",
    "scoped_choices",
    "status_badge",
]
