# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class ProductPricelistItem(models.Model):
    """A rule of a rate code changed: its resellers are looked at again by
    the next nightly assignment."""

    _inherit = "product.pricelist.item"

    def _travel_rate_price(self, base_price):
        """This rule's price for a departure of base price ``base_price``."""
        self.ensure_one()
        base_price = base_price or 0.0
        if self.compute_price == "fixed":
            price = self.fixed_price
        elif self.compute_price == "percentage":
            price = base_price * (1 - (self.percent_price or 0.0) / 100)
        else:
            price = base_price * (1 - (self.price_discount or 0.0) / 100) + (
                self.price_surcharge or 0.0
            )
        return round(price, 2)

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items.pricelist_id._travel_rate_code_changed()
        return items

    def write(self, vals):
        pricelists = self.pricelist_id
        result = super().write(vals)
        (pricelists | self.pricelist_id)._travel_rate_code_changed()
        return result
