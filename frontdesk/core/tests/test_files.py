"""Every file people uploaded reaches the browser through frontdesk/core/files.py (issue 22, B8):
logos, photos and service images under /media/ as much as clients' files. A picture is shown
inline with the type of its content; anything else is a sandboxed download. The last tests fail
when a new view serves files some other way."""

import ast
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.views import static
from PIL import Image

ROOT = Path(settings.BASE_DIR)


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "logos").mkdir()
    return tmp_path / "logos"


def _gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (2, 2)).save(buffer, "GIF")
    return buffer.getvalue()


def test_a_logo_that_is_a_picture_is_shown_inline(media):
    (media / "salon.png").write_bytes(_gif())  # named .png, is a GIF: the content decides the type
    response = Client().get("/media/logos/salon.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get("/media/logos/salon.png", HTTP_IF_MODIFIED_SINCE=response["Last-Modified"]).status_code == 304


@pytest.mark.parametrize("name", ["salon.png", "salon.svg", "salon.html"])
def test_a_page_among_the_uploads_is_never_served_as_a_page(media, name):
    (media / name).write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    response = Client().get(f"/media/logos/{name}")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["../../etc/passwd", "logos", "logos/missing.png", "%2e%2e/secret"])
def test_nothing_outside_the_uploads_and_no_folder_listing(media, path):
    (media.parent.parent / "secret").write_text("no")
    assert Client().get(f"/media/{path}").status_code == 404


# ------------------------------------------------------------ no file leaves by another door
FORBIDDEN_NAMES = {"FileResponse", "StreamingHttpResponse"}
FORBIDDEN_IMPORTS = {("django.views.static", "serve"), ("django.conf.urls.static", "static")}
HELPER = ROOT / "frontdesk" / "core" / "files.py"


def _product_modules():
    for path in [*ROOT.glob("config/*.py"), *ROOT.glob("frontdesk/**/*.py")]:
        parts = set(path.relative_to(ROOT).parts)
        if parts & {"tests", "testing", "migrations"} or path == HELPER:
            continue
        yield path


def test_no_view_serves_a_file_except_through_the_helper():
    offenders = []
    for path in _product_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name in FORBIDDEN_NAMES or (node.module, alias.name) in FORBIDDEN_IMPORTS:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {alias.name}")
            elif isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_NAMES:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} uses {node.attr}")
    assert not offenders, "serve files through frontdesk.core.files.file_response: " + "; ".join(offenders)


def _callbacks(patterns):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _callbacks(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            yield entry.callback


def test_no_url_hands_files_to_djangos_unchecked_static_view():
    assert static.serve not in set(_callbacks(get_resolver().url_patterns))
