from django.urls import path

from frontdesk.warehouse import report_views, sheet_views, stock_views, stocktaking_views, techcard_views, views

app_name = "warehouse"

W = "c/<int:company_id>/warehouse/"
urlpatterns = [
    path(W, stock_views.index, name="index"),
    path(W + "settings/", stock_views.negative_setting, name="settings"),
    path(W + "add/", stock_views.warehouse_add, name="warehouse_add"),
    path(W + "<int:warehouse_id>/", stock_views.remains, name="remains"),
    path(W + "<int:warehouse_id>/export/", stock_views.remains_export, name="remains_export"),
    path(W + "<int:warehouse_id>/edit/", stock_views.warehouse_edit, name="warehouse_edit"),
    path(W + "<int:warehouse_id>/archive/", stock_views.warehouse_archive, name="warehouse_archive"),
    path(W + "documents/", stock_views.documents, name="documents"),
    path(W + "documents/<int:stock_document_id>/", stock_views.document, name="document"),
    path(W + "receipt/", stock_views.receipt, name="receipt"),
    path(W + "write-off/", stock_views.write_off, name="write_off"),
    path(W + "transfer/", stock_views.transfer, name="transfer"),
    path(W + "stocktaking/", stocktaking_views.stocktakings, name="stocktakings"),
    path(W + "stocktaking/start/", stocktaking_views.stocktaking_start, name="stocktaking_start"),
    path(W + "stocktaking/<int:stocktaking_id>/", stocktaking_views.stocktaking_page, name="stocktaking"),
    path(W + "stocktaking/<int:stocktaking_id>/scan/", stocktaking_views.stocktaking_scan, name="stocktaking_scan"),
    path(
        W + "stocktaking/<int:stocktaking_id>/counts/", stocktaking_views.stocktaking_counts, name="stocktaking_counts"
    ),
    path(W + "stocktaking/<int:stocktaking_id>/apply/", stocktaking_views.stocktaking_apply, name="stocktaking_apply"),
    path(
        W + "stocktaking/<int:stocktaking_id>/cancel/", stocktaking_views.stocktaking_cancel, name="stocktaking_cancel"
    ),
    path(W + "low-stock/", sheet_views.low_stock, name="low_stock"),
    path(W + "low-stock/export/", sheet_views.low_stock_export, name="low_stock_export"),
    path(W + "price-tags/", sheet_views.price_tags, name="price_tags"),
    path(W + "cards/", techcard_views.techcards, name="techcards"),
    path(W + "cards/add/", techcard_views.techcard_add, name="techcard_add"),
    path(W + "cards/<int:techcard_id>/", techcard_views.techcard, name="techcard"),
    path(W + "cards/<int:techcard_id>/delete/", techcard_views.techcard_delete, name="techcard_delete"),
    path(W + "visits/<int:visit_id>/materials/", techcard_views.visit_materials_save, name="visit_materials"),
    path(W + "sales/<int:sale_id>/materials/", techcard_views.sale_materials_save, name="sale_materials"),
    path(W + "reports/", report_views.remains, name="reports"),
    path(W + "reports/movements/", report_views.movements, name="report_movements"),
    path(W + "reports/sales/", report_views.sales, name="report_sales"),
    path(W + "reports/turnover/", report_views.turnover, name="report_turnover"),
    path(W + "reports/purchases/", report_views.purchases, name="report_purchases"),
    path(W + "goods/", views.goods_list, name="goods"),
    path(W + "goods/add/", views.goods_add, name="goods_add"),
    path(W + "goods/export/", views.goods_export, name="goods_export"),
    path(W + "goods/import/", views.goods_import, name="goods_import"),
    path(W + "goods/<int:goods_id>/", views.goods_edit, name="goods_edit"),
    path(W + "goods/<int:goods_id>/archive/", views.goods_archive, name="goods_archive"),
    path(W + "categories/", views.categories, name="categories"),
    path(W + "categories/add/", views.category_add, name="category_add"),
    path(W + "categories/<int:goods_category_id>/", views.category_edit, name="category_edit"),
]
