"""Drives a whole booking with the real `yclients` 0.1.1 client. Runs in the client's own
virtual environment (test_yclients_client.py), prints one JSON object with what it saw.

Ids are fed back exactly as the client parsed them (floats), so paths carry `12.0`.
"""

import asyncio
import json
import os
import sys

from yclients import YclientsClient
from yclients.exceptions import YclientsValidationError
from yclients.models.schemas import BookCheckCompanyidRequestDataTypes, BookRecordCompanyidRequestDataTypes


async def main():
    out = {}
    async with YclientsClient(os.environ["PARTNER"], base_url=os.environ["BASE_URL"]) as client:
        auth = await client.login(os.environ["LOGIN"], os.environ["PASSWORD"])
        out["auth_class"] = type(auth).__name__
        companies = await client.companies.list(my=1)
        company = next(c for c in companies if c.title == os.environ["COMPANY_TITLE"])
        cid = company.id_
        out["company_id"] = cid
        out["company_tz"] = (await client.companies.get(cid)).timezone_name
        services = await client.services.list(cid, "")
        service = next(s for s in services if s.title == "API cut")
        staff = await client.staff.list(cid, "")
        specialist = staff[0]
        out["staff_names"] = [s.name for s in staff]
        book_services = await client.booking.get_book_services(cid, staff_id=specialist.id_)
        out["book_services"] = [s.title for s in book_services.services]
        book_staff = await client.booking.list_staff(cid, service_ids=[service.id_])
        out["book_staff_bookable"] = [s.bookable for s in book_staff]
        dates = await client.booking.get_book_dates(cid, service_ids=[service.id_], staff_id=specialist.id_)
        day = dates.booking_dates[2]
        out["day"] = day
        times = await client.booking.list_times(cid, specialist.id_, day, service_ids=[service.id_])
        out["first_time"] = times[0].datetime
        appointment = {"id": 1, "services": [service.id_], "staff_id": specialist.id_, "datetime": times[0].datetime}
        await client.booking.check(cid, BookCheckCompanyidRequestDataTypes(appointments=[appointment]))
        booked = await client.booking.create(
            cid,
            BookRecordCompanyidRequestDataTypes(
                phone="+79161234567", fullname="Иван", email="ivan@example.com", appointments=[appointment]
            ),
        )
        record_id, record_hash = booked[0].record_id, booked[0].record_hash
        out["record_id"] = record_id
        try:
            await client.booking.check(cid, BookCheckCompanyidRequestDataTypes(appointments=[appointment]))
            out["taken"] = None
        except YclientsValidationError as exc:
            out["taken"] = {
                "status": exc.status_code,
                "errors": exc.errors,
                "alternatives": len(exc.meta["alternatives"]),
            }
        listed = await client.records.list(cid, start_date=day, end_date=day)
        out["listed"] = [r.id_ for r in listed]
        try:
            fetched = await client.records.get(cid, record_id)
            out["fetched"] = {"id": fetched.id_, "datetime": fetched.datetime}
        except Exception as exc:
            # yclients 0.1.1 types records.get's `client` as a string, while YCLIENTS (and the
            # client's own records.list model) send an object: read that one untyped.
            fields = [".".join(map(str, e["loc"])) for e in getattr(exc, "errors", lambda: [])()]
            out["fetched_typed_error"] = f"{type(exc).__name__}:{','.join(fields)}"
            raw = await client._base.request("GET", f"/api/v1/record/{cid}/{record_id}")
            out["fetched"] = {"id": raw["id"], "datetime": raw["datetime"]}
        mine = await client.user_records.get(str(record_id), record_hash)
        out["user_record_deleted"] = mine[0].deleted
        await client.records.delete(cid, record_id)
        mine = await client.user_records.get(str(record_id), record_hash)
        out["cancelled"] = mine[0].deleted
        out["listed_after_cancel"] = [r.id_ for r in await client.records.list(cid, start_date=day, end_date=day)]
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
    sys.exit(0)
