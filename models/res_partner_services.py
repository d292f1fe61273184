# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResPartner(models.Model):
    """The customer's invoices split between trips (an invoice with a stay)
    and services (insurance, transfers, rentals: every other invoice), kept
    apart from the customer's main file."""

    _inherit = "res.partner"

    travel_trip_invoice_ids = fields.Many2many(
        "account.move",
        string="Trip Invoices",
        compute="_compute_travel_invoice_split",
        help="Invoices with a stay (a trip): their totals and payment status.",
    )
    travel_service_invoice_ids = fields.Many2many(
        "account.move",
        string="Service Invoices",
        compute="_compute_travel_invoice_split",
        help="Invoices without a stay: insurance, transfers, rentals...",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_travel_invoice_split(self):
        Line = self.env["account.move.line"]
        for partner in self:
            invoices = partner.travel_invoice_ids
            trips = invoices.browse()
            if invoices:
                # one query for all the invoices' lines, within the user's rights
                trips = Line.search(
                    [
                        ("move_id", "in", invoices.ids),
                        ("display_type", "=", "product"),
                        ("product_id.travel_is_stay", "=", True),
                    ]
                ).move_id
            partner.travel_trip_invoice_ids = invoices & trips
            partner.travel_service_invoice_ids = invoices - trips
