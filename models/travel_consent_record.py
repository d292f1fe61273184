# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models

CHANNELS = [
    ("backoffice", "Back office"),
    ("portal", "Portal"),
    ("signup", "Sign-up"),
    ("order", "Order"),
]


class TravelConsentRecord(models.Model):
    """One answer of a customer to one purpose (contacted by us, by our
    partners): the history behind OCA privacy_consent's current answer."""

    _name = "travel.consent.record"
    _description = "Consent Record"
    _order = "date desc, id desc"
    _rec_name = "activity_id"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    activity_id = fields.Many2one(
        "privacy.activity", string="Purpose", required=True, ondelete="restrict"
    )
    accepted = fields.Boolean()
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    channel = fields.Selection(CHANNELS, required=True)
    ip_address = fields.Char(string="IP Address")
    text_shown = fields.Text(help="What the customer read when answering.")
    order_id = fields.Many2one("sale.order", string="Order", index="btree_not_null")
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        default=lambda self: self.env.user,
        help="Who recorded the answer: the customer itself online, or a staff "
        "member.",
    )
