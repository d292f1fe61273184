# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class SaleOrderLine(models.Model):
    """A linked customer's bookings get the discount of its link."""

    _inherit = "sale.order.line"

    @api.depends("order_id.partner_id")
    def _compute_discount(self):
        result = super()._compute_discount()
        Link = self.env["travel.customer.link"]
        discounts = {}
        for line in self:
            if line.display_type or not line.product_id or not line.order_id.partner_id:
                continue
            partner = line.order_id.partner_id
            if partner not in discounts:
                discounts[partner] = Link._discount_for(partner)
            if discounts[partner] > line.discount:
                line.discount = discounts[partner]
        return result
