# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.tools import SQL


class TravelReportOrderMixin(models.AbstractModel):
    """A report row of one order opens that order (as Odoo's sales
    analysis does), not a form of the report."""

    _name = "travel.report.order.mixin"
    _description = "Report Row of an Order"

    def action_open_order(self):
        """The row's order, if the user may read it (the report's rows
        follow the orders' rules, but the order may be of a company not
        selected)."""
        self.ensure_one()
        order = self.order_id
        order.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "views": [[False, "form"]],
            "res_id": order.id,
        }

    def _company_rate_sql(self):
        """The order's rate to the company's currency, to divide its amounts
        by (as Odoo's sales analysis does); an order without one counts 1."""
        return SQL(
            "CASE COALESCE(o.currency_rate, 0) WHEN 0 THEN 1.0 ELSE o.currency_rate END"
        )
