# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import api, fields, models


class MembershipLine(models.Model):
    """The association membership billed on a booking is valid for the
    calendar year of the booking, not for the dates the membership product
    was given when the addon was installed."""

    _inherit = "membership.membership_line"

    @api.model_create_multi
    def create(self, vals_list):
        product = self.env.ref(
            "travel_customer.product_membership", raise_if_not_found=False
        )
        if product:
            for vals in vals_list:
                if vals.get("membership_id") != product.id:
                    continue
                year = self._travel_membership_year(vals.get("account_invoice_line"))
                vals["date_from"] = date(year, 1, 1)
                vals["date_to"] = date(year, 12, 31)
        return super().create(vals_list)

    @api.model
    def _travel_membership_year(self, invoice_line_id):
        """The year of the booking the invoice line bills, else of the
        invoice, else the current year."""
        line = self.env["account.move.line"].sudo().browse(invoice_line_id)
        orders = line.sale_line_ids.order_id if line else False
        if orders:
            return self.env["travel.membership"]._order_year(orders[0])
        day = (line and line.move_id.invoice_date) or fields.Date.context_today(self)
        return day.year
