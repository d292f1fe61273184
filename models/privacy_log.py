# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class PrivacyLog(models.Model):
    """Odoo's privacy log, also for customer anonymizations and exports.

    It keeps who did what and when, and the masked name and e-mail only
    (``privacy_lookup`` masks them at creation).
    """

    _inherit = "privacy.log"

    travel_operation = fields.Selection(
        [
            ("anonymize", "Anonymization"),
            ("retention", "Anonymization (retention policy)"),
            ("export", "Personal data export"),
        ],
        string="Operation",
        readonly=True,
        index="btree_not_null",
    )
    travel_partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        help="The customer, anonymized when the operation is an anonymization.",
    )

    def _anonymize_email(self, label):
        # the core returns (does not raise) an error for a missing e-mail
        if not label or "@" not in label:
            return "-"
        return super()._anonymize_email(label)
