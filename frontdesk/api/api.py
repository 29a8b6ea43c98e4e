"""The API assembled: routers in an order where fixed paths come before the parametrised ones
that would swallow them (/staff/schedule before /staff/{staff_id})."""

from frontdesk.api.routing import api
from frontdesk.api.v1 import analytics, auth, booking, catalog, clients, goods, records, reports, schedule

api.add_router("/", auth.router)
api.add_router("/", schedule.router)
api.add_router("/", catalog.router)
api.add_router("/", booking.router)
api.add_router("/", records.router)
api.add_router("/", clients.router)
api.add_router("/", analytics.router)
api.add_router("/", reports.router)
api.add_router("/", goods.router)
