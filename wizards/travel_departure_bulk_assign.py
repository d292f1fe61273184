# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .wizard_tools import reopen_action, selected_default, split_readable

MANAGER_GROUP = "travel_customer.group_travel_manager"


class TravelDepartureBulkAssign(models.TransientModel):
    """Assign the departures selected in the list to several resellers at
    once, at each reseller's default markup.

    Departures over or archived, and customers that are not resellers, are
    refused and listed; the rest is assigned (pairs already assigned stay
    as they are)."""

    _name = "travel.departure.bulk.assign"
    _description = "Assign Departures to Resellers"

    departure_ids = fields.Many2many(
        "travel.departure",
        "travel_departure_bulk_assign_departure_rel",
        "wizard_id",
        "departure_id",
        string="Departures",
    )
    reseller_ids = fields.Many2many(
        "res.partner",
        "travel_departure_bulk_assign_partner_rel",
        "wizard_id",
        "partner_id",
        string="Resellers",
        domain="[('customer_type_id.category', '=', 'professional')]",
    )
    state = fields.Selection(
        [("draft", "To confirm"), ("done", "Done")], default="draft", readonly=True
    )
    summary = fields.Text(readonly=True)

    @api.model
    def default_get(self, fields_list):
        return {
            **super().default_get(fields_list),
            **selected_default(
                self.env, "travel.departure", fields_list, "departure_ids"
            ),
        }

    # ------------------------------------------------------------ ACTIONS
    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _("Only a Travel customers manager can assign departures in bulk.")
            )
        if self.state == "done":
            raise UserError(_("These departures are already assigned."))
        if not self.departure_ids or not self.reseller_ids:
            raise UserError(_("Select the departures and the resellers."))
        self.write({"state": "done", "summary": self._assign()})
        return reopen_action(self, _("What changed"))

    # ------------------------------------------------------------ BUSINESS
    def _assign(self):
        """Assign what may be, and say what was done and what was refused."""
        today = fields.Date.context_today(self)
        wizard = self.sudo().with_context(active_test=False)
        departures, resellers = wizard.departure_ids, wizard.reseller_ids
        departures, refused = split_readable(
            departures,
            self.env,
            _("Departure #%s"),
            _("you may not see this departure"),
        )
        for departure in departures:
            if not departure.active:
                refused.append((departure.display_name, _("archived")))
            elif departure.date_end < today:
                refused.append((departure.display_name, _("already over")))
        departures = departures.filtered(lambda d: d.active and d.date_end >= today)
        resellers, unreadable = split_readable(
            resellers, self.env, _("Customer #%s"), _("you may not see this customer")
        )
        refused += unreadable
        for reseller in resellers:
            if not reseller.active:
                refused.append((reseller.display_name, _("archived")))
            elif reseller.customer_type_id.category != "professional":
                refused.append(
                    (
                        reseller.display_name,
                        _("not a reseller (its type is not professional)"),
                    )
                )
        resellers = resellers.filtered(
            lambda r: r.active and r.customer_type_id.category == "professional"
        )
        Assignment = self.env["travel.departure.assignment"]
        existing = Assignment.sudo().search(
            [
                ("partner_id", "in", resellers.ids),
                ("departure_id", "in", departures.ids),
            ]
        )
        created = Assignment._assign(resellers, departures)
        lines = [_("Assignments created: %s", created)]
        for reseller in resellers:
            already = len(existing.filtered(lambda a, r=reseller: a.partner_id == r))
            lines.append(
                _(
                    "- %(reseller)s: %(new)s new, %(already)s already assigned",
                    reseller=reseller.display_name,
                    new=len(departures) - already,
                    already=already,
                )
            )
        if refused:
            lines.append(_("Refused: %s", len(refused)))
            lines += [f"- {name}: {reason}" for name, reason in refused]
        return "\n".join(lines)
