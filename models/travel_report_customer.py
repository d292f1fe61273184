# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL

from .travel_customer_type import CUSTOMER_CATEGORIES


class TravelReportCustomer(models.Model):
    """The customer base: one row per customer (a company or a person
    without a parent), by type, level, country, month of creation and
    dispute. The company's own partners and the staff are not customers;
    customers merged into another are counted once, in the master."""

    _name = "travel.report.customer"
    _description = "Customer Base Analysis"
    _auto = False
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"
    _depends = {
        "res.partner": [
            "commercial_partner_id",
            "customer_type_id",
            "travel_level_id",
            "country_id",
            "travel_dispute",
            "travel_anonymized",
            "travel_merged_into_id",
            "company_id",
            "active",
        ],
        "travel.customer.type": ["category"],
        "sale.order": ["partner_id", "state"],
        "res.users": ["partner_id", "share"],
        "res.company": ["partner_id"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    create_date = fields.Datetime(string="Created on", readonly=True)
    customer_type_id = fields.Many2one(
        "travel.customer.type", string="Customer Type", readonly=True
    )
    customer_category = fields.Selection(CUSTOMER_CATEGORIES, readonly=True)
    level_id = fields.Many2one(
        "travel.customer.level", string="Customer Level", readonly=True
    )
    country_id = fields.Many2one("res.country", string="Country", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    dispute = fields.Boolean(string="In Dispute", readonly=True)
    anonymized = fields.Boolean(readonly=True)
    booking_count = fields.Integer(
        string="Bookings", readonly=True, help="Confirmed bookings, all companies."
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT p.id, p.id AS partner_id, p.create_date, p.customer_type_id,
                   t.category AS customer_category,
                   p.travel_level_id AS level_id, p.country_id, p.company_id,
                   COALESCE(p.travel_dispute, FALSE) AS dispute,
                   COALESCE(p.travel_anonymized, FALSE) AS anonymized,
                   COALESCE(b.bookings, 0) AS booking_count
              FROM res_partner p
              LEFT JOIN travel_customer_type t ON t.id = p.customer_type_id
              LEFT JOIN (
                    SELECT op.commercial_partner_id, COUNT(*) AS bookings
                      FROM sale_order o
                      JOIN res_partner op ON op.id = o.partner_id
                     WHERE o.state = 'sale'
                     GROUP BY op.commercial_partner_id
                   ) b ON b.commercial_partner_id = p.id
             WHERE p.id = p.commercial_partner_id
               AND p.active
               AND p.travel_merged_into_id IS NULL
               AND NOT EXISTS (
                    SELECT 1 FROM res_company c WHERE c.partner_id = p.id)
               AND NOT EXISTS (
                    SELECT 1 FROM res_users u
                     WHERE u.partner_id = p.id AND NOT u.share)
            """
        )
