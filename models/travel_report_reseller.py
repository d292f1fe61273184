# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class TravelReportReseller(models.Model):
    """What each reseller sells and the markup earned on it: one row per
    confirmed booking of a reseller (a customer of professional type).

    The markup is what the stay lines bring above the departure's base
    price (stay lines' untaxed amount - base price x seats of those lines).
    """

    _name = "travel.report.reseller"
    _inherit = ["travel.report.order.mixin"]
    _description = "Reseller Sales Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "order_id"
    _depends = {
        "sale.order": [
            "date_order",
            "state",
            "company_id",
            "user_id",
            "partner_id",
            "travel_end_client_id",
            "travel_departure_id",
            "travel_seats",
            "amount_untaxed",
            "currency_rate",
        ],
        "sale.order.line": [
            "order_id",
            "product_id",
            "product_uom_qty",
            "price_subtotal",
            "display_type",
        ],
        "res.partner": ["commercial_partner_id", "customer_type_id"],
        "travel.customer.type": ["category"],
        "travel.departure": ["product_id", "price"],
        "res.company": ["currency_id"],
    }

    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    date = fields.Datetime(string="Order Date", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    reseller_id = fields.Many2one("res.partner", string="Reseller", readonly=True)
    end_client_id = fields.Many2one("res.partner", string="End Client", readonly=True)
    departure_id = fields.Many2one(
        "travel.departure", string="Departure", readonly=True
    )
    product_id = fields.Many2one("product.product", string="Stay", readonly=True)
    seats = fields.Integer(readonly=True)
    amount_untaxed = fields.Monetary(
        string="Sales (untaxed)", currency_field="currency_id", readonly=True
    )
    base_amount = fields.Monetary(
        string="At Base Price",
        currency_field="currency_id",
        readonly=True,
        help="The stay lines at the departure's base price.",
    )
    markup_amount = fields.Monetary(
        string="Markup Earned",
        currency_field="currency_id",
        readonly=True,
        help="What the stay lines bring above the departure's base price.",
    )
    currency_id = fields.Many2one("res.currency", readonly=True)

    @property
    def _table_query(self):
        rate = self._company_rate_sql()
        return SQL(
            """
            SELECT o.id, o.id AS order_id, o.date_order AS date, o.company_id,
                   o.user_id, cp.id AS reseller_id,
                   o.travel_end_client_id AS end_client_id,
                   o.travel_departure_id AS departure_id, d.product_id,
                   o.travel_seats AS seats,
                   o.amount_untaxed / %(rate)s AS amount_untaxed,
                   COALESCE(l.qty, 0) * COALESCE(d.price, 0) AS base_amount,
                   COALESCE(l.amount, 0) / %(rate)s
                       - COALESCE(l.qty, 0) * COALESCE(d.price, 0) AS markup_amount,
                   c.currency_id
              FROM sale_order o
              JOIN res_partner op ON op.id = o.partner_id
              JOIN res_partner cp ON cp.id = op.commercial_partner_id
              JOIN travel_customer_type t
                ON t.id = cp.customer_type_id AND t.category = 'professional'
              JOIN res_company c ON c.id = o.company_id
              LEFT JOIN travel_departure d ON d.id = o.travel_departure_id
              LEFT JOIN LATERAL (
                    SELECT SUM(sol.price_subtotal) AS amount,
                           SUM(sol.product_uom_qty) AS qty
                      FROM sale_order_line sol
                     WHERE sol.order_id = o.id
                       AND sol.product_id = d.product_id
                       AND sol.display_type IS NULL
                   ) l ON TRUE
             WHERE o.state = 'sale'
            """,
            rate=rate,
        )
