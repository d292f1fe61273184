# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TravelMembership(models.Model):
    """A participant's association membership for one year: paying, or an
    associate member of its family's collective membership."""

    _name = "travel.membership"
    _description = "Association Membership"
    _order = "year desc, partner_id, id"
    _rec_name = "participant_id"

    participant_id = fields.Many2one(
        "travel.participant", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    year = fields.Integer(required=True, index=True)
    order_id = fields.Many2one("sale.order", string="Booking", ondelete="set null")
    paid = fields.Boolean(
        string="Paying Member",
        help="Unticked: an associate member, covered by its family's paying "
        "members (collective membership).",
    )

    _sql_constraints = [
        (
            "participant_year_unique",
            "UNIQUE (participant_id, year)",
            "This participant is already a member for this year.",
        ),
    ]
