import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(settings):
    """The assertions read the English source messages; the Russian catalogue may be compiled."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
