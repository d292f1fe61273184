# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import clean_context

from ..models.travel_customer_link import MANAGER_GROUP
from .wizard_tools import reopen_action

USER_GROUP = "travel_customer.group_travel_user"


class TravelLinkDiscount(models.TransientModel):
    """Set the discount of a linked customer, approved by a supervisor: the
    user itself when a manager, else the company's supervision code."""

    _name = "travel.link.discount"
    _description = "Set a Linked Customer's Discount"

    link_id = fields.Many2one("travel.customer.link", string="Link")
    partner_id = fields.Many2one("res.partner", string="Customer")
    linked_partner_id = fields.Many2one("res.partner", string="Linked Customer")
    discount = fields.Float(string="Discount (%)", digits="Discount")
    is_manager = fields.Boolean(compute="_compute_is_manager")
    supervisor_id = fields.Many2one(
        "res.users",
        string="Supervisor",
        domain=lambda self: [
            ("groups_id", "in", self.env.ref(MANAGER_GROUP).ids),
            ("share", "=", False),
        ],
        help="The manager who types the supervision code: recorded as the "
        "approver of the discount.",
    )
    supervisor_code = fields.Char(string="Supervision Code")
    message = fields.Char(readonly=True)

    @api.depends_context("uid")
    def _compute_is_manager(self):
        self.is_manager = self.env.user.has_group(MANAGER_GROUP)

    def _reopen(self):
        return reopen_action(self, _("Set Discount"))

    def _check_rights(self):
        """The caller may create or change this link itself; only the
        discount and its approval are then written as superuser."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                _("Only Travel customers users may link customers and set discounts.")
            )
        if self.link_id:
            self.link_id.check_access("write")
        else:
            self.env["travel.customer.link"].check_access("create")
            (self.partner_id | self.linked_partner_id).check_access("read")

    def action_apply(self):
        self.ensure_one()
        self._check_rights()
        if not 0 <= self.discount <= 100:
            raise UserError(_("A discount is between 0 and 100 %."))
        if not self.link_id and not (self.partner_id and self.linked_partner_id):
            raise UserError(_("Choose the customer and the linked customer."))
        approval = self._approval()
        if not approval:
            # not raised: the wrong attempt must stay counted
            return self._reopen()
        approver, how = approval
        link = self.link_id or self._create_link()
        before = link.discount
        # approved just above, by the manager or the supervision code
        link.sudo().write(
            {
                "discount": self.discount,
                "approved_by_id": approver.id,
                "approved_on": fields.Datetime.now(),
            }
        )
        self._post_discount_note(link, before, how)
        return {"type": "ir.actions.act_window_close"}

    def _approval(self):
        """Who approves the discount, and how, in the chatter's words:
        ``(approver, how)``; ``None`` (with the reason in ``message``) when
        the supervision code is wrong."""
        if self.is_manager:
            return self.env.user, _("approved by the manager %s", self.env.user.name)
        approver = self.supervisor_id
        if not approver or not approver.sudo().has_group(MANAGER_GROUP):
            raise UserError(
                _(
                    "Choose the supervisor (a Travel customers manager) who "
                    "approves this discount with the supervision code."
                )
            )
        company = (
            self.link_id.partner_id or self.partner_id
        ).company_id or self.env.company
        approved, why = company._travel_check_supervisor_code(self.supervisor_code)
        self.supervisor_code = False
        if not approved:
            self.message = why
            return None
        return approver, _(
            "approved by the supervisor %(supervisor)s with the supervision "
            "code, entered by %(user)s",
            supervisor=approver.name,
            user=self.env.user.name,
        )

    def _create_link(self):
        """The new link, as the user, who may link customers; the discount
        comes after, without the dialog's default_* values (its discount
        above all)."""
        return (
            self.env["travel.customer.link"]
            .with_env(self.env(context=clean_context(self.env.context)))
            .create(
                {
                    "partner_id": self.partner_id.id,
                    "linked_partner_id": self.linked_partner_id.id,
                }
            )
        )

    def _post_discount_note(self, link, before, how):
        """The change and its approval, on both customers' chatter."""
        body = _(
            "Discount of %(linked)s through %(customer)s: %(before)s %% → "
            "%(after)s %%, %(how)s.",
            linked=link.linked_partner_id.display_name,
            customer=link.partner_id.display_name,
            before=before,
            after=self.discount,
            how=how,
        )
        for partner in link.partner_id | link.linked_partner_id:
            partner.sudo().message_post(
                body=body,
                author_id=self.env.user.partner_id.id,
                subtype_xmlid="mail.mt_note",
            )
