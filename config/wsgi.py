import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Refuse to serve rather than send dead links: the web server runs no system checks of its own.
from frontdesk.core.siteurl import refuse_to_serve_without_site_url  # noqa: E402

refuse_to_serve_without_site_url()

# What is loaded by now (Django, the apps, their modules) lives as long as the worker. Frozen, it
# is no longer walked by every full garbage collection, which a heavy page (a client card with
# 300 visits) sets off every few requests; in the client benchmark such a collection cost about a
# third of what it did, and it decided the card's p95.
gc.freeze()
