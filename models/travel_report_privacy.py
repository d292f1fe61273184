# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class TravelReportPrivacy(models.Model):
    """GDPR operations per month (anonymizations, by hand or by the
    retention policy, and personal-data exports), from the privacy log.
    Who and when only: the log keeps no personal data, nor does this."""

    _name = "travel.report.privacy"
    _description = "GDPR Operations Analysis"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "operation"
    _depends = {"privacy.log": ["date", "travel_operation", "user_id"]}

    date = fields.Datetime(readonly=True)
    operation = fields.Selection(
        [
            ("anonymize", "Anonymization"),
            ("retention", "Anonymization (retention policy)"),
            ("export", "Personal data export"),
        ],
        readonly=True,
    )
    user_id = fields.Many2one("res.users", string="Done by", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT l.id, l.date, l.travel_operation AS operation, l.user_id
              FROM privacy_log l
             WHERE l.travel_operation IS NOT NULL
            """
        )
