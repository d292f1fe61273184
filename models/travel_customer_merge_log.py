# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class TravelCustomerMergeLog(models.Model):
    """Who merged which customers into which master, and what moved."""

    _name = "travel.customer.merge.log"
    _description = "Customer Merge Log"
    _order = "id desc"
    _rec_name = "master_id"

    master_id = fields.Many2one(
        "res.partner", string="Master", ondelete="set null", index=True, readonly=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Merged by",
        default=lambda self: self.env.user,
        readonly=True,
    )
    merged_ids = fields.Char(string="Merged IDs", readonly=True)
    merged_names = fields.Text(string="Merged customers", readonly=True)
    counts = fields.Text(
        string="Moved", readonly=True, help="Records moved, per customer."
    )
