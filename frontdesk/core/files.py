"""Serving files people uploaded (client files, logos, photos, service images): the one way every
view hands a stored file to a browser, so an upload can never run as a page of this site.

The type a browser gets is decided here from the file's content, never from the type the uploader
declared nor from the file's extension: a PNG, JPEG, GIF or WebP that Pillow recognises is shown
inline with that format's fixed type; everything else — HTML, SVG, XHTML, PDF, a "photo.jpg"
that is really a page — is sent as a download (`attachment`, `application/octet-stream`).
Every file response also carries `Content-Security-Policy: sandbox` (a file opened anyway runs
no script and has no origin to read cookies or tokens from) and `X-Content-Type-Options: nosniff`
(the browser keeps the type given here). `frontdesk/core/tests/test_files.py` fails on a view that
serves a file any other way.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils._os import safe_join
from django.utils.http import http_date
from django.views.static import was_modified_since

# Pillow's format name → the only type a raster image is served with.
RASTER_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/gif", "WEBP": "image/webp"}
DOWNLOAD_TYPE = "application/octet-stream"


def raster_type(handle) -> str | None:
    """The fixed MIME type of a PNG/JPEG/GIF/WebP file read from `handle` (by its content), or None
    for anything else. Only the header is parsed; the handle is rewound."""
    from PIL import Image  # imported on first use: most requests serve no file

    position = handle.tell()
    try:
        with Image.open(handle) as image:
            return RASTER_TYPES.get(image.format or "")
    except Exception:  # noqa: BLE001 — Pillow raises many kinds for "not an image"; none is an error here
        return None
    finally:
        handle.seek(position)


def file_response(handle, *, filename: str, inline: bool = True) -> FileResponse:
    """A response for the open binary `handle`: inline only when `inline` is asked and the content
    is a raster image; otherwise a download named `filename`. Closes `handle` when sent."""
    content_type = raster_type(handle)
    show = inline and content_type is not None
    if content_type is None:
        content_type = DOWNLOAD_TYPE
    response = FileResponse(handle, as_attachment=not show, filename=filename, content_type=content_type)
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def serve_media(request, path: str):
    """Files under MEDIA_ROOT (logos, specialists' photos, service images) for the embedded set-up,
    which has no separate web server for them: pictures inline, anything else a download."""
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except (SuspiciousFileOperation, ValueError):  # a path that leaves MEDIA_ROOT, or a NUL byte
        raise Http404 from None
    if not full.is_file():
        raise Http404
    modified = full.stat().st_mtime
    if not was_modified_since(request.META.get("HTTP_IF_MODIFIED_SINCE"), modified):
        return HttpResponseNotModified()
    response = file_response(full.open("rb"), filename=full.name, inline=True)
    response["Last-Modified"] = http_date(modified)
    return response
