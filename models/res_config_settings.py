# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models

from .travel_customer_similarity import THRESHOLD_DEFAULT


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    travel_merge_max = fields.Integer(
        string="Customers per merge",
        config_parameter="travel_customer.merge_max",
        default=50,
        help="The most customers a manager merges at once (users: 3, as in Odoo).",
    )
    travel_scan_threshold = fields.Integer(
        string="Duplicate match probability (%)",
        config_parameter="travel_customer.scan_threshold",
        default=THRESHOLD_DEFAULT,
        help="Match probability (%) from which the scan proposes two customers, "
        "as learnt from the base by its last scan.",
    )
    travel_merge_undo_days = fields.Integer(
        string="Undo a merge within (days)",
        config_parameter="travel_customer.merge_undo_days",
        default=30,
        help="Merged duplicates stay archived this long, then are deleted.",
    )
    travel_anonymize_weeks = fields.Integer(
        string="Anonymize after (weeks)",
        config_parameter="travel_customer.anonymize_weeks",
        default=6,
        help="A customer can be anonymized once each of its bookings ended this "
        "many weeks ago.",
    )
    travel_retention = fields.Boolean(
        string="Retention policy",
        config_parameter="travel_customer.retention",
        help="Anonymize, every night, the customers with no booking ending in the "
        "last years.",
    )
    travel_customer_company_restricted = fields.Boolean(
        string="New customers restricted to their company",
        config_parameter="travel_customer.customer_company_restricted",
        help="By default a customer is shared by every company of the database "
        "(one profile, its whole history); tick to give new customers the "
        "company they are created in.",
    )
    travel_retention_years = fields.Integer(
        string="Keep customers (years)",
        config_parameter="travel_customer.retention_years",
        default=10,
    )

    travel_cashback_percent = fields.Float(
        string="Cashback (%)",
        config_parameter="travel_customer.cashback_percent",
        help="Of a booking's untaxed total, credited to the customer's e-wallet "
        "once the trip ended.",
    )
    travel_referral_referrer_amount = fields.Float(
        string="Referral: credited to the referrer",
        config_parameter="travel_customer.referral_referrer_amount",
    )
    travel_referral_referee_amount = fields.Float(
        string="Referral: credited to the new customer",
        config_parameter="travel_customer.referral_referee_amount",
    )
    travel_membership_family_max = fields.Integer(
        string="Paying members per family",
        config_parameter="travel_customer.membership_family_max",
        default=2,
        help="Collective membership: a family pays for at most this many members "
        "a year; the others are associate members.",
    )
    travel_supervisor_code = fields.Char(
        string="Supervision code",
        help="Approves linked customers' discounts when no manager is at hand. "
        "Stored hashed; leave empty to keep the current code.",
    )
    travel_supervisor_code_set = fields.Boolean(
        compute="_compute_travel_supervisor_code_set"
    )

    @api.depends("company_id")
    def _compute_travel_supervisor_code_set(self):
        for settings in self:
            settings.travel_supervisor_code_set = bool(
                settings.company_id.sudo().travel_supervisor_code_hash
            )

    def set_values(self):
        result = super().set_values()
        if self.travel_supervisor_code:
            self.company_id._travel_set_supervisor_code(self.travel_supervisor_code)
            self.travel_supervisor_code = False
        return result

    # ------------------------------------------------------------ DUPLICATES
    travel_duplicate_weights = fields.Html(
        string="Duplicate match weights",
        compute="_compute_travel_duplicate_weights",
        sanitize=False,
        help="The weight of each field's level, learnt from the base by the "
        "last duplicate scan.",
    )

    def _compute_travel_duplicate_weights(self):
        table = self.env["travel.customer.similarity"]._weights_table()
        for settings in self:
            settings.travel_duplicate_weights = table
