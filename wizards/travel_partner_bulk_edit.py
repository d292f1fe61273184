# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .wizard_tools import reopen_action, selected_default, split_readable

USER_GROUP = "travel_customer.group_travel_user"


class TravelPartnerBulkEdit(models.TransientModel):
    """Change the type or the level of the customers selected in the list.

    What may be changed is changed; the customers the user may not change
    (record rules, a contact whose type is its company's, a refusal of the
    customer's own checks) are listed with the reason, in the summary."""

    _name = "travel.partner.bulk.edit"
    _description = "Change the Type or Level of Customers"

    partner_ids = fields.Many2many(
        "res.partner",
        "travel_partner_bulk_edit_partner_rel",
        "wizard_id",
        "partner_id",
        string="Customers",
    )
    partner_count = fields.Integer(compute="_compute_partner_count")
    customer_type_id = fields.Many2one(
        "travel.customer.type",
        string="New Type",
        help="Empty: the type does not change.",
    )
    change_level = fields.Boolean(string="Change the Level")
    level_id = fields.Many2one(
        "travel.customer.level",
        string="New Level",
        help="Empty: the customers no longer have a level.",
    )
    state = fields.Selection(
        [("draft", "To confirm"), ("done", "Done")], default="draft", readonly=True
    )
    summary = fields.Text(readonly=True)

    @api.model
    def default_get(self, fields_list):
        return {
            **super().default_get(fields_list),
            **selected_default(self.env, "res.partner", fields_list, "partner_ids"),
        }

    @api.depends("partner_ids")
    def _compute_partner_count(self):
        for wizard in self:
            wizard.partner_count = len(wizard.partner_ids)

    # ------------------------------------------------------------ ACTIONS
    def action_apply(self):
        self.ensure_one()
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                _(
                    "Only Travel customers users may change the type or level of "
                    "customers."
                )
            )
        if self.state == "done":
            raise UserError(_("These changes are already made."))
        vals = self._new_values()
        if not vals:
            raise UserError(_("Choose a new type or a new level."))
        changed, unchanged, refused = self._apply(vals)
        self.write(
            {"state": "done", "summary": self._summary(changed, unchanged, refused)}
        )
        return reopen_action(self, _("What changed"))

    # ------------------------------------------------------------ BUSINESS
    def _new_values(self):
        vals = {}
        if self.customer_type_id:
            vals["customer_type_id"] = self.customer_type_id
        if self.change_level:
            vals["travel_level_id"] = self.level_id
        return vals

    def _apply(self, vals):
        """Write ``vals`` on each customer that may take it: ``(changed,
        unchanged, refused)``, refused as ``(label, reason)``."""
        # the ids as stored: a customer the user may not read is refused too
        selected = self.sudo().with_context(active_test=False).partner_ids
        Partner = self.env["res.partner"]
        readable, refused = split_readable(
            selected, self.env, _("Customer #%s"), _("you may not see this customer")
        )
        writable = readable._filtered_access("write")
        refused += [
            (p.display_name, _("you may not change this customer"))
            for p in readable - writable
        ]
        changed, unchanged = [], Partner
        for partner in writable:
            if partner.commercial_partner_id != partner:
                refused.append(
                    (
                        partner.display_name,
                        _(
                            "a contact of %s: its type and level are its company's, "
                            "change the company",
                            partner.commercial_partner_id.display_name,
                        ),
                    )
                )
                continue
            todo = {
                fname: value.id
                for fname, value in vals.items()
                if partner[fname] != value
            }
            if not todo:
                unchanged |= partner
                continue
            before = {fname: partner[fname].display_name for fname in todo}
            try:
                with self.env.cr.savepoint():
                    partner.write(todo)
            except (UserError, ValidationError) as error:
                refused.append((partner.display_name, str(error)))
                continue
            changed.append(
                (
                    partner.display_name,
                    [
                        (
                            partner._fields[fname].get_description(self.env)["string"],
                            before[fname] or _("none"),
                            partner[fname].display_name or _("none"),
                        )
                        for fname in todo
                    ],
                )
            )
        return changed, unchanged, refused

    def _summary(self, changed, unchanged, refused):
        lines = [_("Changed: %s", len(changed))]
        for name, changes in changed:
            described = "; ".join(
                f"{label} {old} \N{RIGHTWARDS ARROW} {new}"
                for label, old, new in changes
            )
            lines.append(f"- {name}: {described}")
        if unchanged:
            lines.append(_("Already so: %s", len(unchanged)))
        if refused:
            lines.append(_("Refused: %s", len(refused)))
            lines += [f"- {name}: {reason}" for name, reason in refused]
        return "\n".join(lines)
