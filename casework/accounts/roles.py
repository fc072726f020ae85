"""Roles are Django groups with a fixed set of permissions, kept in sync after every migrate.

The extra permission for highly sensitive data (`accounts.view_sensitive_data`) is not part of
any role: it is granted to individual users.
"""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

CASEWORKER = "caseworker"
SUPERVISOR = "supervisor"
ORGANISATION_ADMIN = "organisation_admin"
AUDITOR = "auditor"

_CASE_MODELS = [
    "people.person",
    "people.alias",
    "people.household",
    "people.familylink",
    "people.custodyperiod",
    "people.nationalityclaim",
    "people.identitydocument",
    "people.dnatest",
    "people.assessment",
    "people.journeytosyria",
    "people.returnassessment",
    "screenings.screening",
    "screenings.custodyentry",
    "legal.legalproceeding",
    "legal.hearing",
    "govrequests.governmentrequest",
    "govrequests.requestedperson",
    "govrequests.requestevent",
    "govrequests.handoveroperation",
    "govrequests.handoverperson",
]
_REFERENCE_MODELS = [
    "camps.facility",
    "camps.facilitysection",
    "camps.controllingauthority",
    "camps.facilitycontrolperiod",
    "govrequests.governmentauthority",
]
_HISTORY_MODELS = ["people.personstatuschange", "govrequests.requeststatuschange"]
_REMINDER_SETTINGS = ["reminders.reminderrule"]
# State policies: read by every role, written by organisation admins (their organisation's own).
_POLICY_MODELS = ["policies.statepolicy"]
# Follow-up drafts and the disclosure record: read by every role, written only by services.
_FOLLOWUP_MODELS = ["govrequests.authorityfollowup", "govrequests.disclosure", "dossiers.dossier"]

# Deciding on cases: what supervisors and organisation admins both may do.
_CASE_DECISIONS = [
    "people.transition_person",
    "people.assign_case",
    "people.merge_person",
    "people.approve_family_separation",
    "accounts.view_organisation_figures",
    "govrequests.decide_request",
]


def _perms(models: list[str], actions: list[str]) -> list[str]:
    return [f"{m.split('.')[0]}.{a}_{m.split('.')[1]}" for m in models for a in actions]


ROLE_PERMISSIONS: dict[str, list[str]] = {
    CASEWORKER: [
        *_perms(_CASE_MODELS, ["view", "add", "change"]),
        *_perms(_REFERENCE_MODELS, ["view"]),
        *_perms(_HISTORY_MODELS, ["view"]),
        *_perms(["reminders.reminder"], ["view", "change"]),
        *_perms(_FOLLOWUP_MODELS, ["view"]),
        *_perms(_POLICY_MODELS, ["view"]),
        "people.transition_person",
        "govrequests.send_followup",
        "dossiers.generate_dossier",
    ],
    SUPERVISOR: [
        *_perms(_CASE_MODELS, ["view", "add", "change", "delete"]),
        *_perms(_REFERENCE_MODELS, ["view"]),
        *_perms(_HISTORY_MODELS, ["view"]),
        *_perms(["reminders.reminder"], ["view", "change"]),
        *_perms(_REMINDER_SETTINGS, ["view"]),
        *_perms(["outbox.outboundmessage"], ["view"]),
        *_perms(_FOLLOWUP_MODELS, ["view"]),
        *_perms(["merging.personmerge"], ["view"]),
        *_perms(["govrequests.disclosurepolicy", "govrequests.answerperiod"], ["view"]),
        *_perms(_POLICY_MODELS, ["view"]),
        *_CASE_DECISIONS,
        "govrequests.send_followup",
        "dossiers.generate_dossier",
        "imports.run_import",
        "accounts.view_user",
        "core.view_auditevent",
        "core.view_access_log",
        "retention.view_retentionreview",
        "retention.view_retentionpolicy",
        "retention.approve_anonymisation",
        "matching.review_duplicates",
    ],
    ORGANISATION_ADMIN: [
        *_perms(_CASE_MODELS, ["view", "add", "change", "delete"]),
        *_perms(_REFERENCE_MODELS, ["view", "add", "change"]),
        *_perms(_HISTORY_MODELS, ["view"]),
        *_perms(["reminders.reminder"], ["view", "change"]),
        *_perms(_REMINDER_SETTINGS, ["view"]),
        *_perms(["reminders.reminderrule"], ["add", "change"]),
        *_perms(["outbox.outboundmessage"], ["view", "change"]),
        *_perms(_FOLLOWUP_MODELS, ["view"]),
        *_perms(["merging.personmerge"], ["view"]),
        *_perms(["govrequests.disclosurepolicy", "govrequests.answerperiod"], ["view", "add", "change", "delete"]),
        *_perms(_POLICY_MODELS, ["view", "add", "change", "delete"]),
        *_CASE_DECISIONS,
        "imports.run_import",
        "accounts.view_user",
        "accounts.add_user",
        "accounts.change_user",
        "accounts.view_organisation",
        "accounts.change_organisation",
        "core.view_auditevent",
        "retention.view_retentionreview",
        "retention.approve_anonymisation",
        *_perms(["retention.retentionpolicy"], ["view", "add", "change", "delete"]),
    ],
    AUDITOR: [
        *_perms(_CASE_MODELS, ["view"]),
        *_perms(_REFERENCE_MODELS, ["view"]),
        *_perms(_HISTORY_MODELS, ["view"]),
        *_perms(["reminders.reminder"], ["view"]),
        *_perms(_REMINDER_SETTINGS, ["view"]),
        *_perms(["outbox.outboundmessage"], ["view"]),
        *_perms(_FOLLOWUP_MODELS, ["view"]),
        *_perms(["merging.personmerge"], ["view"]),
        *_perms(["govrequests.disclosurepolicy", "govrequests.answerperiod"], ["view"]),
        *_perms(_POLICY_MODELS, ["view"]),
        "accounts.view_user",
        "core.view_auditevent",
        "core.view_access_log",
    ],
}


def sync_roles(**kwargs) -> None:
    """Create or update the role groups so that each has exactly its listed permissions."""
    from django.contrib.auth.models import Group, Permission

    apps = kwargs.get("apps", global_apps)
    if apps is not global_apps:
        # During migrations the historical registry is passed; permissions need the real one.
        apps = global_apps
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for role, perm_names in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        wanted = []
        for name in perm_names:
            app_label, codename = name.split(".")
            wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(wanted)
