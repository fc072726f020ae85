from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "casework.matching"
    label = "matching"
    verbose_name = _("Identity resolution")

    def ready(self) -> None:
        # `people` may not import this app (app order): its name searches reach the matcher through
        # this registration (casework/people/name_search.py).
        from casework.matching.selectors import rank_candidates
        from casework.people import name_search

        name_search.register_ranker(rank_candidates)
