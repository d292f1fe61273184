# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TravelSalesChannel(models.Model):
    """Where a booking came from: one of our own channels or an external one.

    Customers of an external channel (Booking.com, Airbnb...) are that
    platform's customers: later rules (anonymization) depend on the flag.
    """

    _name = "travel.sales.channel"
    _description = "Travel Sales Channel"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    external = fields.Boolean(
        help="The booking was sold by a third-party platform, not by us.",
    )
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to share the channel with every company.",
    )
