"""Shared fixtures: the cast of users across two networks, and the browser."""

import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Several tests build the demo network: a month and a half of its history shows the same as a
# year, in a tenth of the time (analytics/tests/test_demo_history.py checks the history itself).
os.environ.setdefault("DEMO_HISTORY_DAYS", "45")

from hypothesis import HealthCheck, settings  # noqa: E402

# Property tests run beside other work on two cores: slow input generation there is the machine's
# load, not a fault of the strategy, and must not fail a run (every other health check stays).
settings.register_profile("frontdesk", suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("frontdesk")

from frontdesk.testing.browser import *  # noqa: E402,F401,F403
from frontdesk.testing.fixtures import *  # noqa: E402,F401,F403
