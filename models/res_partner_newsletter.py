# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResPartner(models.Model):
    """Where a customer came from (Odoo's marketing sources), and its
    newsletter subscriptions; kept apart from the customer's main file."""

    _inherit = "res.partner"

    travel_source_id = fields.Many2one(
        "utm.source",
        string="Source",
        ondelete="set null",
        groups="base.group_user",
        help="How this customer first came to us, e.g. the newsletter.",
    )
    travel_mailing_contact_ids = fields.One2many(
        "mailing.contact",
        "travel_partner_id",
        string="Newsletter Subscriptions",
        groups="mass_mailing.group_mass_mailing_user",
    )
