# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError

MANAGER_GROUP = "travel_customer.group_travel_manager"


class TravelCustomerLink(models.Model):
    """A customer linked to another (a works council and its employees, a
    parent company and its agencies), with a negotiated discount on the
    linked customer's bookings. The discount needs a supervisor."""

    _name = "travel.customer.link"
    _description = "Linked Customer"
    _order = "partner_id, linked_partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        help="The customer granting the link (works council, parent company).",
    )
    linked_partner_id = fields.Many2one(
        "res.partner",
        string="Linked Customer",
        required=True,
        index=True,
        ondelete="cascade",
        help="Its bookings get the discount.",
    )
    discount = fields.Float(string="Discount (%)", digits="Discount", readonly=True)
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True)
    approved_on = fields.Datetime(readonly=True)

    _sql_constraints = [
        (
            "link_unique",
            "UNIQUE (partner_id, linked_partner_id)",
            "These customers are already linked.",
        ),
        (
            "discount_range",
            "CHECK (discount >= 0 AND discount <= 100)",
            "A discount is between 0 and 100 %.",
        ),
    ]

    @api.constrains("partner_id", "linked_partner_id")
    def _check_not_itself(self):
        for link in self:
            if link.partner_id == link.linked_partner_id:
                raise ValidationError(_("A customer cannot be linked to itself."))

    @api.model_create_multi
    def create(self, vals_list):
        links = super().create(vals_list)
        # checked on the records: the context's default_* values count too
        if not self.env.su and any(
            link.approved_by_id or link.approved_on for link in links
        ):
            raise self._approval_error()
        discounted = links.filtered("discount")
        if discounted:
            discounted._check_supervised()
            discounted._record_approval()
        return links

    def write(self, vals):
        if not self.env.su and {"approved_by_id", "approved_on"} & set(vals):
            raise self._approval_error()
        if "discount" in vals:
            self._check_supervised()
        result = super().write(vals)
        if "discount" in vals:
            self._record_approval()
        return result

    def _approval_error(self):
        return AccessError(
            _(
                "Who approved a discount, and when, is recorded by the "
                "application: it cannot be entered by hand."
            )
        )

    def _record_approval(self):
        """A manager's own discount is approved by that manager (the Set
        discount wizard records the approval itself, as superuser)."""
        if not self.env.su:
            self.sudo().write(
                {"approved_by_id": self.env.uid, "approved_on": fields.Datetime.now()}
            )

    def _check_supervised(self):
        """Discounts are written by a manager; the Set discount wizard writes
        them as superuser once it checked the supervision code itself (no
        flag of the caller's context ever stands for an approval)."""
        if self.env.su:
            return
        if not self.env.user.has_group(MANAGER_GROUP):
            raise AccessError(
                _(
                    "Granting or changing a linked customer's discount needs a "
                    "supervisor: use Set discount and have a manager, or the "
                    "supervision code, approve it."
                )
            )

    @api.model
    def _discount_for(self, partner):
        """The best discount a customer gets through its links."""
        commercial = partner.commercial_partner_id
        links = self.sudo().search([("linked_partner_id", "=", commercial.id)])
        return max(links.mapped("discount"), default=0.0)

    def action_set_discount(self):
        self.ensure_one()
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": _("Set Discount"),
            "res_model": "travel.link.discount",
            "view_mode": "form",
            "target": "new",
            "context": {"default_link_id": self.id, "default_discount": self.discount},
        }
