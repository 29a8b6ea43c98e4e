from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from frontdesk.accounts.views import set_language_view
from frontdesk.api.api import api
from frontdesk.api.views import api_not_found
from frontdesk.core.files import serve_media
from frontdesk.core.views import favicon

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", include("frontdesk.tenancy.urls")),
    path("", include("frontdesk.staff.urls")),
    path("", include("frontdesk.catalog.urls")),
    path("", include("frontdesk.scheduling.journal_urls")),
    path("", include("frontdesk.booking.urls")),
    path("", include("frontdesk.clients.urls")),
    path("", include("frontdesk.finance.urls")),
    path("", include("frontdesk.notifications.urls")),
    path("", include("frontdesk.payments.urls")),
    path("", include("frontdesk.prepaid.urls")),
    path("", include("frontdesk.warehouse.urls")),
    path("", include("frontdesk.payroll.urls")),
    path("", include("frontdesk.loyalty.urls")),
    path("", include("frontdesk.analytics.urls")),
    path("", include("frontdesk.api.urls")),
    path("api/", api.urls),
    re_path(r"^api/(?P<rest>.*)$", api_not_found),
    path("accounts/", include("frontdesk.accounts.urls")),
    path("", include("frontdesk.scheduling.classes_urls")),
    path("i18n/setlang/", set_language_view, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # The embedded set-up has no separate web server for uploaded files (logos, photos); they go
    # through the one helper that never lets an upload be served as a page (core/files.py).
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", serve_media)]

handler403 = "frontdesk.core.views.permission_denied"
handler404 = "frontdesk.core.views.page_not_found"
handler500 = "frontdesk.core.views.server_error"
