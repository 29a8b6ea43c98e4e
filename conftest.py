"""Shared fixtures: the cast of users across two networks, and the browser."""

import os

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from frontdesk.testing.browser import *  # noqa: E402,F401,F403
from frontdesk.testing.fixtures import *  # noqa: E402,F401,F403
