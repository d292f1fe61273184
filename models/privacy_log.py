# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class PrivacyLog(models.Model):
    """Odoo's privacy log, also for customer anonymizations and exports.

    It keeps who did what and when, and the masked name and e-mail only
    (``privacy_lookup`` masks them at creation). Written by the code as
    superuser only, and it names the staff member even while it views the
    portal as a customer.
    """

    _inherit = "privacy.log"
    _order = "date desc, id desc"

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

    travel_lookup_hits = fields.Text(
        string="Still Found by the Privacy Lookup",
        readonly=True,
        help="After an anonymization, what Odoo's privacy lookup still finds "
        "for the old name and e-mail (a homonym, or data of another addon).",
    )

    def _travel_check_written_by_code(self):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The privacy log is written by Odoo only: it cannot be "
                    "created, changed or deleted by hand."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        self._travel_check_written_by_code()
        real_user = self.env["res.users"]._travel_real_user()
        if real_user != self.env.user:
            for vals in vals_list:
                vals["user_id"] = real_user.id
        return super().create(vals_list)

    def write(self, vals):
        self._travel_check_written_by_code()
        return super().write(vals)

    def unlink(self):
        self._travel_check_written_by_code()
        return super().unlink()

    def _anonymize_email(self, label):
        # the core returns (does not raise) an error for a missing e-mail
        if not label or "@" not in label:
            return "-"
        return super()._anonymize_email(label)
