# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ImpersonateLog(models.Model):
    """How long a staff member viewed the portal as a customer (OCA
    impersonate_login keeps who, whom and when)."""

    _inherit = "impersonate.log"

    travel_duration = fields.Float(
        string="Duration (minutes)",
        compute="_compute_travel_duration",
        digits=(16, 1),
        help="Empty while the session is still open.",
    )

    @api.depends("date_start", "date_end")
    def _compute_travel_duration(self):
        for log in self:
            if log.date_start and log.date_end:
                log.travel_duration = (
                    log.date_end - log.date_start
                ).total_seconds() / 60
            else:
                log.travel_duration = 0.0
