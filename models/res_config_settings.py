# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    travel_merge_max = fields.Integer(
        string="Customers per merge",
        config_parameter="travel_customer.merge_max",
        default=50,
        help="The most customers a manager merges at once (users: 3, as in Odoo).",
    )
    travel_scan_threshold = fields.Integer(
        string="Duplicate scan threshold",
        config_parameter="travel_customer.scan_threshold",
        default=60,
        help="Likeness score (0-100) from which the scan proposes two customers.",
    )
    travel_merge_undo_days = fields.Integer(
        string="Undo a merge within (days)",
        config_parameter="travel_customer.merge_undo_days",
        default=30,
        help="Merged duplicates stay archived this long, then are deleted.",
    )
