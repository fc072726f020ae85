"""Organisations, their demo users, and the government authorities of each State."""

from itertools import accumulate

from django_countries import countries

from casework.accounts import roles
from casework.accounts.models import Organisation, User
from casework.demo import data, names
from casework.demo.build.base import Draw
from casework.demo.data import Country
from casework.govrequests.choices import AuthorityKind
from casework.govrequests.models import GovernmentAuthority
from casework.policies.models import StatePolicy


class Organisations(Draw):
    """Organisations, demo users and government authorities."""

    def _organisations(self) -> None:
        templates = list(data.ORGANISATIONS)
        for n in range(len(templates) + 1, self.org_count + 1):
            templates.append((f"Demo organisation {n}", f"ORG{n}", "ngo"))
        for name, code, kind in templates[: self.org_count]:
            org = Organisation(name=name, code=code, kind=kind, email=f"cases@{code.lower()}.example")
            self.plan.organisations.append(org)
            self.case_seq[code] = self.household_seq[code] = self.request_seq[code] = 0
        # Most persons in the first organisation, the rest in decreasing shares.
        rest = self.org_count - 1
        weights = [60.0] + [40.0 * (rest - i) / (rest * (rest + 1) / 2) for i in range(rest)] if rest else [1.0]
        self.org_cum = list(accumulate(weights))
        self.org_share = {org.code: w / sum(weights) for org, w in zip(self.plan.organisations, weights, strict=True)}

    def _users(self) -> None:
        plan = self.plan
        staff = iter(names.STAFF_NAMES * 50)

        def user(username: str, org: Organisation | None, role: str | None, **extra) -> User:
            first, last = next(staff)
            domain = f"{org.code.lower()}.example" if org else "casework.example"
            account = User(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{domain}",
                organisation=org,
                is_staff=True,
                **extra,
            )
            plan.users.append(account)
            if role:
                plan.roles[username] = role
            return account

        user("admin", None, None, is_superuser=True)
        self.assignees: dict[str, tuple[list[User], list[float]]] = {}
        for index, org in enumerate(plan.organisations):
            pool: list[tuple[User, float]] = []
            if index == 0:
                pool.append((user("caseworker", org, roles.CASEWORKER), 3))
                pool.append((user("fieldworker", org, roles.CASEWORKER, sees_assigned_only=True), 1))
                user("supervisor", org, roles.SUPERVISOR)
                plan.sensitive_users.append("supervisor")
                user("orgadmin", org, roles.ORGANISATION_ADMIN)
                user("auditor", org, roles.AUDITOR)
            elif index == 1:
                pool.append((user("caseworker2", org, roles.CASEWORKER), 3))
                user("supervisor2", org, roles.SUPERVISOR)
            # About one caseworker per 2,500 cases on top of the named ones.
            expected = self.size * self.org_share[org.code]
            for n in range(1, max(1, min(30, round(expected / 2500))) + 1):
                pool.append((user(f"{org.code.lower()}.cw{n:02d}", org, roles.CASEWORKER), 2))
            self.assignees[org.code] = ([u for u, _w in pool], list(accumulate(w for _u, w in pool)))

    def _government_authorities(self) -> None:
        self.state_authorities: dict[str, list[GovernmentAuthority]] = {}
        for country in data.COUNTRIES:
            code, cc = country.code, country.code.lower()
            language = _correspondence_language(country)
            found = [
                GovernmentAuthority(
                    country=code,
                    name=f"Ministry of Foreign Affairs ({countries.name(code)})",
                    kind=AuthorityKind.FOREIGN_MINISTRY,
                    email=f"repatriation@mfa.{cc}.example",
                    language=language,
                )
            ]
            if code == "IQ":
                found.append(
                    GovernmentAuthority(
                        country=code,
                        name="Ministry of Migration and Displacement",
                        kind=AuthorityKind.OTHER,
                        email="returns@momd.iq.example",
                        language=language,
                    )
                )
            elif code in data.MISSION_CITY:
                city = data.MISSION_CITY[code]
                embassy = city == "Damascus"
                found.append(
                    GovernmentAuthority(
                        country=code,
                        name=f"Embassy in {city}" if embassy else f"Consulate General in {city}",
                        kind=AuthorityKind.EMBASSY if embassy else AuthorityKind.CONSULATE,
                        email=f"consular@{city.lower()}.{cc}.example",
                        language=language,
                    )
                )
            self.state_authorities[code] = found
            self.plan.gov_authorities.extend(found)

    def _state_policies(self) -> None:
        """The shared State policies of `data.STATE_POLICIES` (no random draw: the same whatever the seed)."""
        for (
            code,
            valid_from,
            takes_back,
            age,
            prosecuted,
            channel,
            language,
            days,
            authority,
            notes,
        ) in data.STATE_POLICIES:
            self.plan.state_policies.append(
                StatePolicy(
                    country=code,
                    valid_from=valid_from,
                    takes_back=takes_back,
                    age_limit=age,
                    prosecutes_adults=prosecuted,
                    channel=channel,
                    language=language,
                    usual_answer_days=days,
                    authority=authority,
                    notes=notes,
                    sources=data.STATE_POLICY_SOURCE,
                )
            )


def _correspondence_language(country: Country) -> str:
    if country.language in ("ar", "fr", "de", "nl", "tr", "es", "it", "pt", "ru"):
        return country.language
    if country.code in ("KZ", "TJ", "UZ", "KG", "TM", "AZ", "BY", "UA"):
        return "ru"
    return "en"
