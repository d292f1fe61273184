# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models


class PortalWizardUser(models.TransientModel):
    """A legal guardian gets a portal account only where the customer type of
    one of its participants allows guardian accounts."""

    _inherit = "portal.wizard.user"

    def action_grant_access(self):
        self.check_access("write")
        self.ensure_one()
        self.partner_id._travel_check_guardian_portal()
        return super().action_grant_access()
