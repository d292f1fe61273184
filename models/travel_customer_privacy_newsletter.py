# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.tools import email_normalize


class TravelCustomerPrivacy(models.AbstractModel):
    """A newsletter subscription is personal data: the anonymization of its
    customer deletes it (with its list subscriptions and history)."""

    _inherit = "travel.customer.privacy"

    @api.model
    def _anonymize_steps(self):
        steps = super()._anonymize_steps()
        steps.insert(
            steps.index("_anonymize_step_chatter"), "_anonymize_step_newsletter"
        )
        return steps

    @api.model
    def _anonymize_step_newsletter(self, erasure):
        """The customers' subscriptions, linked or of the same e-mail."""
        emails = [
            normalized
            for _name, email in erasure.originals.values()
            if (normalized := email_normalize(email or ""))
        ]
        self.env["mailing.contact"].sudo().search(
            [
                "|",
                ("travel_partner_id", "in", erasure.ids),
                ("email_normalized", "in", emails),
            ]
        ).unlink()
