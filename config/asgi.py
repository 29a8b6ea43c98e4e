import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_asgi_application()

# Refuse to serve rather than send dead links: the web server runs no system checks of its own.
from frontdesk.core.siteurl import refuse_to_serve_without_site_url  # noqa: E402

refuse_to_serve_without_site_url()
