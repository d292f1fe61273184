# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..models.res_partner import MANAGER_GROUP, MARKUP_MIN


class TravelDepartureMarkup(models.TransientModel):
    """Change the markup of departures selected on the assignment screen;
    those not yet assigned are assigned at the same time."""

    _name = "travel.departure.markup"
    _description = "Change the Markup of Assigned Departures"

    partner_id = fields.Many2one("res.partner", string="Reseller", required=True)
    departure_ids = fields.Many2many("travel.departure", string="Departures")
    reseller_default = fields.Boolean(
        string="Reseller's Default Markup",
        help="Use the reseller's default markup again on these departures.",
    )
    markup = fields.Float(string="Markup (%)", digits=(5, 2))
    reseller_markup = fields.Float(
        related="partner_id.travel_markup", string="Reseller's Markup (%)"
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        offers = self.env["travel.departure.offer"].browse(
            self.env.context.get("active_ids", [])
        )
        if offers:
            offers._check_reseller()
            values.update(
                partner_id=offers.partner_id.id,
                departure_ids=[fields.Command.set(offers.departure_id.ids)],
                markup=offers[0].markup,
            )
        return values

    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a Travel customers manager can set a reseller's markup.")
            )
        self.departure_ids.check_access("read")
        self.partner_id.check_access("read")
        if not self.departure_ids:
            raise UserError(_("Select the departures whose markup changes."))
        if not self.reseller_default and self.markup <= MARKUP_MIN:
            raise UserError(
                _("A markup of -100% or less would make the price zero or negative.")
            )
        assignments = self.env["travel.departure.assignment"]
        assignments._assign(self.partner_id, self.departure_ids)
        assignments.search(
            [
                ("partner_id", "=", self.partner_id.id),
                ("departure_id", "in", self.departure_ids.ids),
            ]
        ).write(
            {
                "markup_override": not self.reseller_default,
                "markup": 0.0 if self.reseller_default else self.markup,
            }
        )
        self.env["travel.departure.offer"]._reload()
        if self.reseller_default:
            message = _(
                "%(count)s departures of %(reseller)s now take its default markup "
                "(%(markup)s %%).",
                count=len(self.departure_ids),
                reseller=self.partner_id.display_name,
                markup=self.partner_id.travel_markup,
            )
        else:
            message = _(
                "Markup of %(markup)s %% set on %(count)s departures of "
                "%(reseller)s.",
                markup=self.markup,
                count=len(self.departure_ids),
                reseller=self.partner_id.display_name,
            )
        return self.env["res.partner"]._travel_notify(message, reload=True)
