"""Hypothesis profiles: a small, deterministic fuzz in the suite; `HYPOTHESIS_PROFILE=explore` for a long run."""

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "database": None,
    # The client and the records are fixtures shared by the examples of one test, on purpose.
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("casework", max_examples=4, derandomize=True, **_COMMON)
settings.register_profile("explore", max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", "200")), **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "casework"))
