"""The refusals of the warehouse, in one place, translated when shown."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.core.money import money_params
from frontdesk.core.quantities import QUANTITY_MESSAGES

MESSAGES = {
    **QUANTITY_MESSAGES,  # bad_quantity, quantity_positive, quantity_too_big
    "bad_price": _("Enter a price such as 1500 or 1500.50, zero or more."),
    "bad_factor": _("Enter how many write-off units one sale unit holds: a number greater than zero."),
    "same_unit_factor": _("The units of sale and write-off are the same: one holds exactly 1 of the other."),
    "bad_barcode": _("“%(code)s” is not a barcode: use 1–32 letters, digits or - . / without spaces."),
    "bad_check_digit": _("“%(code)s” has a wrong check digit for %(format)s; check the digits."),
    "barcode_taken": _("The barcode %(code)s already belongs to “%(goods)s”."),
    "barcode_repeated": _("The barcode %(code)s is given twice."),
    "no_lines": _("Add at least one line."),
    "goods_archived": _("“%(goods)s” is archived: restore it first."),
    "warehouse_archived": _("The warehouse “%(warehouse)s” is archived."),
    "warehouse_branch": _("The warehouse “%(warehouse)s” is not in this branch."),
    "same_warehouse": _("Choose two different warehouses."),
    "other_network": _("Stock moves only between warehouses of one network."),
    "supplier_required": _("Choose the supplier."),
    "reason_required": _("Say why the goods are written off."),
    "insufficient": _(
        "Not enough “%(goods)s” in “%(warehouse)s”: %(have)s %(unit)s in stock, %(want)s %(unit)s asked. "
        "Stock may not go negative in this network."
    ),
    "wrong_direction": _("This kind of document cannot move stock this way."),
    "no_sale_warehouse": _(
        "The branch has no warehouse of goods for sale: add one under Warehouse before selling goods."
    ),
    "no_goods": _("No goods item matches “%(text)s”."),
    "many_goods": _("Several goods items match “%(text)s”; pick one from the list."),
    "count_open": _("The warehouse “%(warehouse)s” is already being counted: finish or cancel that count first."),
    "count_closed": _("This stocktaking is no longer open (%(status)s): nothing was changed."),
    "count_value": _("“%(goods)s”: enter the counted quantity such as 3 or 2.5, zero or more."),
    "no_barcode": _("No goods item has the barcode “%(code)s”."),
    "tags_no_goods": _("Tick at least one item of goods or choose a category."),
    "tags_branch": _("Choose a branch you work in."),
    "tags_too_many": _("At most %(max)s price tags at once: choose fewer goods or copies."),
    "tags_copies": _("Enter how many tags of each item: 1 to %(max)s."),
    "tags_font": _("Price tags need a font with Cyrillic letters: install fonts-dejavu-core (make system-deps)."),
    "card_service": _("Choose a service of this branch."),
    "card_specialist": _("Choose a specialist of this branch, or none for every specialist."),
    "card_exists": _("This service already has a card for this specialist and length: edit that one."),
    "card_length": _("Enter the length in minutes: a whole number greater than zero, or leave it empty."),
    "not_a_material": _("Choose a material from the list."),
    "material_amount": _("“%(goods)s”: enter the amount such as 30 or 2.5, zero or more."),
    "material_twice": _("“%(goods)s” is on the card already: change its amount instead."),
    "visit_paid": _("This visit is already checked out: correct its materials on the sale's page."),
    "not_a_visit_sale": _("Only a visit's services use materials."),
    "no_materials_warehouse": _(
        "The branch has no warehouse of materials: add one under Warehouse to write materials off."
    ),
}


class WarehouseError(ValidationError):
    """A refused stock operation or catalogue change: nothing was saved."""

    def __init__(self, key: str, /, **params):
        self.warehouse_code = key
        super().__init__(MESSAGES[key], code=key, params=money_params(params) or None)

    @property
    def text(self) -> str:
        return self.messages[0]
