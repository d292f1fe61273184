# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ImpersonateLog(models.Model):
    """How long a staff member viewed the portal as a customer (OCA
    impersonate_login keeps who, whom and when).

    Written by the code as superuser only: nobody may forge or erase it.
    """

    _name = "impersonate.log"
    _inherit = ["impersonate.log", "travel.code.only.mixin"]
    _order = "date_start desc, id desc"

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

    @api.model
    def _travel_code_only_message(self):
        return self.env._(
            "The impersonation log is written by Odoo only: it cannot be "
            "created, changed or deleted by hand."
        )
