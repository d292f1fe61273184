# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class SaleOrderLine(models.Model):
    """A linked customer's bookings get the discount of its link; the stay
    of the departure booked is at the departure's (or reseller's) price."""

    _inherit = "sale.order.line"

    def _travel_departure_price(self):
        """The departure's price of this line in the order's currency, or
        None when the line is not the departure's stay or it sets no price."""
        self.ensure_one()
        order = self.order_id
        departure = order.travel_departure_id.sudo()
        if not departure or self.product_id != departure.product_id:
            return None
        price = order._travel_stay_price()
        if price is None:
            return None
        return departure.currency_id._convert(
            price,
            self.currency_id or departure.currency_id,
            self.company_id or departure.company_id,
            self._get_order_date() or fields.Date.context_today(self),
        )

    def _get_pricelist_price(self):
        price = self._travel_departure_price()
        return super()._get_pricelist_price() if price is None else price

    def _get_pricelist_price_before_discount(self):
        price = self._travel_departure_price()
        if price is None:
            return super()._get_pricelist_price_before_discount()
        return price

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
