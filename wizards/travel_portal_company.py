# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError


class TravelPortalCompany(models.TransientModel):
    """Which company's (brand's) portal staff open when they view the portal
    as a customer who booked with several of them: the customer's portal
    account is set to that company, whose portal it then shows."""

    _name = "travel.portal.company"
    _description = "Company of the Portal to View"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_ids = fields.Many2many(
        "res.company", string="Companies", compute="_compute_company_ids"
    )
    company_id = fields.Many2one(
        "res.company",
        string="Company",
        domain="[('id', 'in', company_ids)]",
        help="The brand whose portal opens, as the customer sees it.",
    )

    @api.depends("partner_id")
    def _compute_company_ids(self):
        for wizard in self:
            wizard.company_ids = wizard.partner_id._travel_portal_companies()

    def action_open(self):
        """Open the portal of the chosen company as the customer."""
        self.ensure_one()
        partner = self.partner_id
        partner._travel_check_portal_view_rights()
        if not self.company_id or self.company_id not in self.company_ids:
            raise UserError(
                _(
                    "Choose one of the companies %s has booked with.",
                    partner.display_name,
                )
            )
        return partner._travel_view_portal_of(self.company_id)
