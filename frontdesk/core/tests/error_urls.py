"""The project's URLs plus views that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import path

from config.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def refuse(request):
    raise PermissionDenied


def missing(request):
    raise Http404


def crash(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [
    path("test-errors/403/", refuse),
    path("test-errors/404/", missing),
    path("test-errors/500/", crash),
    *urlpatterns,
]
