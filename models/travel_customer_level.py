# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TravelCustomerLevel(models.Model):
    """A customer's standing (VIP, Gold member, Do not book...).

    Shown on every booking of the customer; a level that blocks booking
    refuses the confirmation of its bookings.
    """

    _name = "travel.customer.level"
    _description = "Travel Customer Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    blocks_booking = fields.Boolean(
        help="Bookings of customers at this level cannot be confirmed.",
    )

    _sql_constraints = [
        ("name_uniq", "unique (name)", "A customer level with this name exists."),
    ]
