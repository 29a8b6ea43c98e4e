import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Labels and errors are read in English; pages pick their language per request."""
    with translation.override("en"):
        yield
