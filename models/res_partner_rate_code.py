# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from .res_partner import MANAGER_GROUP


class ResPartner(models.Model):
    """A reseller's rate codes (Odoo pricelists), kept apart from the
    customer's main file: the departures of the stays they cover are offered
    to the reseller at their price (``travel.departure.assignment``)."""

    _inherit = "res.partner"

    travel_rate_code_ids = fields.Many2many(
        "product.pricelist",
        "travel_partner_rate_code_rel",
        "partner_id",
        "pricelist_id",
        string="Rate Codes",
        domain=[("travel_rate_code", "=", True)],
        groups="base.group_user",
        help="The departures of the stays these pricelists cover are assigned to "
        "this reseller at the pricelist's price: at once, then every night for "
        "new departures.",
    )

    @api.constrains("travel_rate_code_ids", "company_id")
    def _check_travel_rate_code_company(self):
        for partner in self:
            codes = partner.sudo().travel_rate_code_ids
            if codes.filtered(lambda code: not code.travel_rate_code):
                raise ValidationError(
                    _(
                        "Only a pricelist marked as a rate code can be given to a "
                        "reseller."
                    )
                )
            foreign = codes.filtered(
                lambda code, partner=partner: code.company_id
                and partner.company_id
                and code.company_id != partner.company_id
            )
            if foreign:
                raise ValidationError(
                    _(
                        "The rate code %(code)s belongs to %(company)s, not to "
                        "%(partner)s's company %(own)s.",
                        code=foreign[0].display_name,
                        company=foreign[0].company_id.name,
                        partner=partner.display_name,
                        own=partner.company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("travel_rate_code_ids") for vals in vals_list):
            self._travel_check_rate_code_rights()
        partners = super().create(vals_list)
        partners.filtered("travel_rate_code_ids")._travel_assign_rate_codes()
        return partners

    def write(self, vals):
        if "travel_rate_code_ids" not in vals:
            return super().write(vals)
        self._travel_check_rate_code_rights()
        before = {partner: partner.sudo().travel_rate_code_ids for partner in self}
        result = super().write(vals)
        for partner, codes in before.items():
            removed = codes - partner.sudo().travel_rate_code_ids
            if removed:
                partner._travel_unassign_rate_codes(removed)
        self._travel_assign_rate_codes()
        return result

    def _travel_check_rate_code_rights(self):
        if not self.env.su and not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a Travel customers manager can give rate codes to a reseller.")
            )

    def _travel_assign_rate_codes(self):
        """The departures the rate codes cover now, assigned at once; the
        nightly action assigns those created later."""
        resellers = self.filtered(lambda p: not p.parent_id)
        if not resellers:
            return 0
        Assignment = self.env["travel.departure.assignment"].sudo()
        Assignment._flush_assignment_inputs()
        today = fields.Date.context_today(self)
        return Assignment._insert_pairs(
            SQL(
                """
                SELECT r.partner_id, r.departure_id
                FROM (%(rates)s) r
                JOIN travel_departure d ON d.id = r.departure_id
                WHERE d.date_end >= %(today)s
                """,
                rates=Assignment._rate_code_offers_sql(resellers.ids),
                today=today,
            ),
            self.env.uid,
            resellers.ids,
        )

    def _travel_unassign_rate_codes(self, codes):
        """A rate code taken away takes the assignments it gave along."""
        self.ensure_one()
        Assignment = self.env["travel.departure.assignment"].sudo()
        Assignment.search(
            [("partner_id", "=", self.id), ("pricelist_id", "in", codes.ids)]
        ).unlink()
