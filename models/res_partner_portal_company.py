# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, models
from odoo.exceptions import AccessError

IMPERSONATION_GROUP = "travel_customer.group_travel_portal_impersonation"


class ResPartner(models.Model):
    """Viewing the portal as a customer who booked with several companies
    (brands) first asks which company's portal to open; kept apart from the
    customer's main file."""

    _inherit = "res.partner"

    def action_travel_view_portal(self):
        self.ensure_one()
        if len(self._travel_portal_companies()) > 1:
            # the same checks first: the chooser is no way round them
            self._travel_check_portal_view_rights()
            return {
                "type": "ir.actions.act_window",
                "name": _("View the Portal as the Customer"),
                "res_model": "travel.portal.company",
                "view_mode": "form",
                "target": "new",
                "context": {"default_partner_id": self.id},
            }
        return super().action_travel_view_portal()

    def _travel_check_portal_view_rights(self):
        """Only the group Portal impersonation views the portal as a
        customer (OCA impersonate_login)."""
        if not self.env.user.has_group(IMPERSONATION_GROUP):
            raise AccessError(
                _(
                    "Only the group Portal impersonation may view the portal as "
                    "a customer."
                )
            )

    def _travel_portal_companies(self):
        """The companies the customer has confirmed bookings with, among
        those the user works in."""
        self.ensure_one()
        if not self.id:
            return self.env["res.company"]
        groups = (
            self.env["sale.order"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "child_of", self.commercial_partner_id.id),
                    ("state", "=", "sale"),
                    ("company_id", "in", self.env.user.company_ids.ids),
                ],
                ["company_id"],
            )
        )
        return self.env["res.company"].union(*(company for (company,) in groups))

    def _travel_view_portal_of(self, company):
        """The portal of ``company`` as the customer sees it: its portal
        account works in that company, then the usual checked, logged view."""
        self.ensure_one()
        user = self.sudo().user_ids.filtered("active")[:1]
        if user and user._is_portal() and user.company_id != company:
            user.write({"company_ids": [(4, company.id)], "company_id": company.id})
        return super().action_travel_view_portal()
