"""Reads every analytics and report operation with the real `yclients` 0.1.1 client. Runs in the
client's own virtual environment (test_yclients_analytics.py) and prints, as one JSON object,
each answer as the client's typed model parsed it (by the wire's field names)."""

import asyncio
import json
import os


def dump(value):
    if isinstance(value, list):
        return [dump(item) for item in value]
    return value.model_dump(by_alias=True, mode="json")


async def main():
    from yclients import YclientsClient

    company = int(os.environ["COMPANY_ID"])
    period = {"date_from": os.environ["DATE_FROM"], "date_to": os.environ["DATE_TO"]}
    out = {}
    async with YclientsClient(os.environ["PARTNER"], base_url=os.environ["BASE_URL"]) as client:
        await client.login(os.environ["LOGIN"], os.environ["PASSWORD"])
        analytics = client.analytics
        out["overall"] = dump(await analytics.get_overall(company, **period))
        out["overall_staff"] = dump(
            await analytics.get_overall(company, staff_id=int(os.environ["STAFF_ID"]), **period)
        )
        out["income_daily"] = dump(await analytics.list_income_daily(company, **period))
        out["records_daily"] = dump(await analytics.list_records_daily(company, **period))
        out["fullness_daily"] = dump(await analytics.list_fullness_daily(company, **period))
        out["record_source"] = dump(await analytics.list_record_source(company, **period))
        out["record_status"] = dump(await analytics.list_record_status(company, **period))
        out["loyalty_visits"] = dump(await client.loyalty.get_visits(company, **period))
        out["loyalty_income"] = dump(await client.loyalty.get_income(company, **period))
        out["loyalty_staff"] = dump(await client.loyalty.list_staff(company, **period))
        out["z_report"] = dump(await client.reports.get_z_report(company, start_date=os.environ["DATE_FROM"]))
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
