"""Works the goods catalogue and the storages with the real `yclients` 0.1.1 client. Runs in the
client's own virtual environment (test_yclients_goods.py) and prints, as one JSON object, what
the client's typed models parsed (by the wire's field names)."""

import asyncio
import json
import os


def dump(value):
    if isinstance(value, list):
        return [dump(item) for item in value]
    return value.model_dump(by_alias=True, mode="json")


async def main():
    from yclients import YclientsClient
    from yclients.models.schemas import (
        GoodsCategoriesRequestDataTypes,
        GoodsCompanyRequestDataType,
        GoodsCompanyRequestWithRulesDataType,
    )

    company = int(os.environ["COMPANY_ID"])
    out = {}
    async with YclientsClient(os.environ["PARTNER"], base_url=os.environ["BASE_URL"]) as client:
        await client.login(os.environ["LOGIN"], os.environ["PASSWORD"])
        out["storages"] = dump(await client.storages.list(company))

        categories = client.goods_categories
        hair = await categories.create(company, GoodsCategoriesRequestDataTypes(title="Волосы"))
        out["category_created"] = dump(hair)
        dyes = await categories.create(
            company, GoodsCategoriesRequestDataTypes(title="Краски", parent_category_id=hair.id_)
        )
        out["category_renamed"] = dump(
            await categories.update(company, dyes.id_, GoodsCategoriesRequestDataTypes(title="Краски для волос"))
        )
        out["top_categories"] = dump(await categories.list(company, 0))
        out["inside_hair"] = dump(await categories.list_by_company(company, hair.id_))
        out["multiple"] = dump(await categories.list_multiple(company, id_=dyes.id_))
        out["node"] = dump(await categories.get_category_node(company, hair.id_))

        goods = client.goods
        created = await goods.create(
            company,
            GoodsCompanyRequestDataType(
                title="Краска 7.1",
                article="DYE-71",
                barcode=os.environ["BARCODE"],
                category_id=dyes.id_,
                cost=0,
                actual_cost=420,
                sale_unit_id=int(os.environ["UNIT_PIECE"]),
                service_unit_id=int(os.environ["UNIT_ML"]),
                unit_equals=60,
                critical_amount=120,
            ),
        )
        out["created"] = dump(created)
        good_id = int(created[0].good_id)
        out["listed"] = dump(await goods.list(company, 0, term="DYE-71"))
        out["changed"] = dump(
            await goods.update(
                company,
                good_id,
                GoodsCompanyRequestWithRulesDataType(
                    title="Краска 7.1 60 мл",
                    category_id=dyes.id_,
                    sale_unit_id=int(os.environ["UNIT_PIECE"]),
                    service_unit_id=int(os.environ["UNIT_ML"]),
                    cost=350,
                ),
            )
        )
        out["one"] = dump(await goods.list(company, good_id))
        out["search"] = dump(await categories.search(company, search_term="Краск", max_count=10))
        out["deleted"] = await goods.delete(company, good_id)
        out["after_delete"] = dump(await goods.list(company, 0))
        out["category_deleted"] = await categories.delete(company, dyes.id_)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    asyncio.run(main())
