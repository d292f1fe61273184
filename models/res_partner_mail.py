# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models
from odoo.exceptions import AccessError

from .mail_composer import composer_action

USER_GROUP = "travel_customer.group_travel_user"
MAIL_LAYOUT = "mail.mail_notification_layout"


class ResPartner(models.Model):
    """The customer's e-mails: referral invitation and membership renewal,
    sent from its chatter (or to the selected customers at once)."""

    _inherit = "res.partner"

    # ------------------------------------------------------------ ACTIONS
    def action_travel_send_referral_invitation(self):
        """The referral invitation (the customer's own link) in the composer."""
        return self._travel_mail_composer(
            "travel_customer.mail_template_travel_referral_invitation"
        )

    def action_travel_send_membership_renewal(self):
        """The membership renewal reminder in the composer."""
        return self._travel_mail_composer(
            "travel_customer.mail_template_travel_membership_renewal"
        )

    # ------------------------------------------------------------ BUSINESS
    def _travel_mail_composer(self, template_xmlid):
        """Odoo's composer with the template: a message in the customer's
        chatter, or a mass mailing when several customers are selected."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(_("Only travel users may send the customer e-mails."))
        self.check_access("read")
        return composer_action(self, template_xmlid, MAIL_LAYOUT)
