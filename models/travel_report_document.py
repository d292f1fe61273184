# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

# a row's id packs the booking and the document type: order * 10^5 + type
ROW_ID_FACTOR = 100_000


class TravelReportDocument(models.Model):
    """Documents to collect before a trip: for every upcoming confirmed
    booking, each required document type the customer (or one of its
    contacts) has no valid copy of for the whole trip: none at all
    (missing), or only copies that expire before the trip ends (expiring).
    """

    _name = "travel.report.document"
    _inherit = ["travel.report.order.mixin"]
    _description = "Documents to Collect"
    _auto = False
    _order = "travel_date_start, order_id, type_id"
    _rec_name = "order_id"
    _depends = {
        "sale.order": [
            "state",
            "partner_id",
            "company_id",
            "user_id",
            "travel_departure_id",
            "travel_date_start",
            "travel_date_end",
        ],
        "res.partner": ["commercial_partner_id"],
        "travel.customer.document": ["partner_id", "type_id", "expiry_date"],
        "travel.customer.document.type": ["required", "active"],
    }

    order_id = fields.Many2one("sale.order", string="Booking", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    departure_id = fields.Many2one(
        "travel.departure", string="Departure", readonly=True
    )
    travel_date_start = fields.Date(string="Start Date", readonly=True)
    travel_date_end = fields.Date(string="End Date", readonly=True)
    type_id = fields.Many2one(
        "travel.customer.document.type", string="Document Type", readonly=True
    )
    status = fields.Selection(
        [("missing", "Missing"), ("expiring", "Expires before the trip ends")],
        readonly=True,
    )
    expiry_date = fields.Date(
        string="Latest Expiry", readonly=True, help="Of the copies on file, if any."
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT o.id::bigint * %(factor)s + t.id AS id, o.id AS order_id,
                   op.commercial_partner_id AS partner_id, o.company_id,
                   o.user_id, o.travel_departure_id AS departure_id,
                   o.travel_date_start, o.travel_date_end, t.id AS type_id,
                   CASE WHEN doc.copies = 0 THEN 'missing' ELSE 'expiring' END
                       AS status,
                   doc.expiry_date
              FROM sale_order o
              JOIN res_partner op ON op.id = o.partner_id
              JOIN travel_customer_document_type t ON t.required AND t.active
              CROSS JOIN LATERAL (
                    SELECT COUNT(d.id) AS copies,
                           BOOL_OR(d.expiry_date IS NULL) AS no_expiry,
                           MAX(d.expiry_date) AS expiry_date
                      FROM travel_customer_document d
                      JOIN res_partner dp ON dp.id = d.partner_id
                     WHERE dp.commercial_partner_id = op.commercial_partner_id
                       AND d.type_id = t.id
                   ) doc
             WHERE o.state = 'sale'
               AND o.travel_date_start >= %(today)s
               AND (doc.copies = 0
                    OR (NOT doc.no_expiry
                        AND doc.expiry_date < COALESCE(o.travel_date_end,
                                                       o.travel_date_start)))
            """,
            factor=ROW_ID_FACTOR,
            today=fields.Date.context_today(self),
        )
