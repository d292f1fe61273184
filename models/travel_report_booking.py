# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .travel_customer_type import CUSTOMER_CATEGORIES

ORDER_STATES = [
    ("draft", "Quotation"),
    ("sent", "Quotation Sent"),
    ("sale", "Booking"),
    ("cancel", "Cancelled"),
]


class TravelReportBooking(models.Model):
    """Bookings and their revenue, one row per order, for Odoo's graph and
    pivot views: by month, sales channel (ours or a platform), company,
    customer type and reseller.

    A query rather than stored figures: the customer's type and the channel
    are read as they are now, and nothing has to be kept in sync.
    """

    _name = "travel.report.booking"
    _inherit = ["travel.report.order.mixin"]
    _description = "Bookings Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "name"
    _depends = {
        "sale.order": [
            "name",
            "date_order",
            "state",
            "company_id",
            "user_id",
            "team_id",
            "partner_id",
            "travel_channel_id",
            "travel_departure_id",
            "travel_date_start",
            "travel_date_end",
            "travel_seats",
            "amount_untaxed",
            "amount_total",
            "currency_rate",
        ],
        "res.partner": ["commercial_partner_id", "customer_type_id"],
        "travel.customer.type": ["category"],
        "travel.sales.channel": ["external"],
        "travel.departure": ["product_id"],
        "res.company": ["currency_id"],
    }

    name = fields.Char(string="Order Reference", readonly=True)
    order_id = fields.Many2one("sale.order", string="Order", readonly=True)
    date = fields.Datetime(string="Order Date", readonly=True)
    travel_date_start = fields.Date(string="Start Date", readonly=True)
    travel_date_end = fields.Date(string="End Date", readonly=True)
    state = fields.Selection(ORDER_STATES, string="Status", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    customer_type_id = fields.Many2one(
        "travel.customer.type", string="Customer Type", readonly=True
    )
    customer_category = fields.Selection(CUSTOMER_CATEGORIES, readonly=True)
    channel_id = fields.Many2one(
        "travel.sales.channel", string="Sales Channel", readonly=True
    )
    channel_origin = fields.Selection(
        [("own", "Our channels"), ("platform", "Platforms")],
        readonly=True,
        help="Sold by us (our own channels, or no channel set) or by an "
        "external platform.",
    )
    reseller_id = fields.Many2one(
        "res.partner",
        string="Reseller",
        readonly=True,
        help="The customer, when it is a reseller (professional type).",
    )
    departure_id = fields.Many2one(
        "travel.departure", string="Departure", readonly=True
    )
    product_id = fields.Many2one("product.product", string="Stay", readonly=True)
    seats = fields.Integer(readonly=True)
    amount_untaxed = fields.Monetary(
        string="Revenue (untaxed)", currency_field="currency_id", readonly=True
    )
    amount_total = fields.Monetary(
        string="Revenue (taxes incl.)", currency_field="currency_id", readonly=True
    )
    currency_id = fields.Many2one("res.currency", readonly=True)

    @property
    def _table_query(self):
        # amounts in the company's currency
        rate = self._company_rate_sql()
        return SQL(
            """
            SELECT o.id, o.id AS order_id, o.name, o.date_order AS date,
                   o.travel_date_start, o.travel_date_end, o.state,
                   o.company_id, o.user_id, o.team_id,
                   cp.id AS partner_id, cp.customer_type_id,
                   t.category AS customer_category,
                   o.travel_channel_id AS channel_id,
                   CASE WHEN ch.external THEN 'platform' ELSE 'own' END
                       AS channel_origin,
                   CASE WHEN t.category = 'professional' THEN cp.id END
                       AS reseller_id,
                   o.travel_departure_id AS departure_id,
                   d.product_id,
                   o.travel_seats AS seats,
                   o.amount_untaxed / %(rate)s AS amount_untaxed,
                   o.amount_total / %(rate)s AS amount_total,
                   c.currency_id
              FROM sale_order o
              JOIN res_partner op ON op.id = o.partner_id
              JOIN res_partner cp ON cp.id = op.commercial_partner_id
              JOIN res_company c ON c.id = o.company_id
              LEFT JOIN travel_customer_type t ON t.id = cp.customer_type_id
              LEFT JOIN travel_sales_channel ch ON ch.id = o.travel_channel_id
              LEFT JOIN travel_departure d ON d.id = o.travel_departure_id
            """,
            rate=rate,
        )
