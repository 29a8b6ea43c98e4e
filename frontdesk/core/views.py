from pathlib import Path

from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # Rendered without context processors: the failure may be the database itself.
    return HttpResponseServerError(loader.get_template("500.html").render({"nonce": getattr(request, "csp_nonce", "")}))


FAVICON = Path(__file__).parent / "static" / "img" / "favicon.ico"


def favicon(request):
    """/favicon.ico, which browsers, bookmarks and link previews ask for whatever the page links:
    served from the code (not the collected static files), so it is there on every install."""
    response = HttpResponse(FAVICON.read_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
