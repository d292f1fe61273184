# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, api, models
from odoo.exceptions import AccessError, UserError
from odoo.http import request

USER_GROUP = "travel_customer.group_travel_user"


class ResUsers(models.Model):
    """Customers' portal accounts, managed by Travel staff from the customer
    (access link, password reset), and viewing the portal as a customer (OCA
    ``impersonate_login``): portal users only, never an employee, whatever
    the OCA settings say."""

    _inherit = "res.users"

    def _travel_check_impersonation(self):
        """Refuse unless an employee of the impersonation group views the
        portal as one active portal user."""
        caller = self.env.user
        if not (caller._is_internal() and caller._is_impersonate_user()):
            raise AccessError(
                self.env._(
                    "Only the group Portal impersonation may view the portal as "
                    "a customer."
                )
            )
        if len(self) != 1:
            raise AccessError(
                self.env._("The portal can be viewed as one customer at a time.")
            )
        target = self.sudo()
        if not (target.active and target._is_portal()):
            raise AccessError(
                self.env._(
                    "%s is not a portal user: only customers' portal accounts "
                    "can be viewed as, never an employee's.",
                    target.name,
                )
            )

    def impersonate_login(self):
        going_back = (
            request
            and len(self) == 1
            and request.session.get("impersonate_from_uid") == self.id
        )
        if not going_back:
            self._travel_check_impersonation()
        return self._travel_switch(super().impersonate_login)

    def back_to_origin_login(self):
        return self._travel_switch(super().back_to_origin_login)

    def _travel_switch(self, switch):
        """Run OCA's ``switch`` of the session's user, then give the session
        a new id if it changed hands (OCA keeps the id). The session token
        is cached by session id alone: a request still in flight (the
        chatter, the bus) would check its former user against the new
        user's token, log the session out and delete it, landing the user
        on the login page. The cache emptied, each id keeps its own; the
        former id opens nothing any more."""
        uid = request and request.session.uid
        result = switch()
        if request and request.session.uid != uid:
            request.session.should_rotate = True
            self.env.registry.clear_cache()
        return result

    @api.model
    def action_impersonate_login(self):
        """OCA's "Switch Login" list: the portal users, who alone may be
        viewed as."""
        action = super().action_impersonate_login()
        if action:
            action["domain"] = [
                ("share", "=", True),
                ("groups_id", "in", self.env.ref("base.group_portal").ids),
            ]
        return action

    @api.model
    def _travel_real_user(self):
        """The user really behind the request: the staff member while it views
        the portal as a customer (as superuser, for its name and groups: the
        portal user cannot read it), else the current user."""
        from_uid = request and request.session.get("impersonate_from_uid")
        if from_uid:
            return self.env["res.users"].sudo().browse(from_uid)
        return self.env.user

    # ------------------------------------------------------------ CUSTOMERS
    @api.model
    def _travel_customer_account(self, partner):
        """The portal user of the customer ``partner`` (or none yet), once
        checked that the current user manages customer accounts and that
        ``partner`` is a customer, never one of our users."""
        partner.ensure_one()
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(
                self.env._("Only Travel customers users may manage customer accounts.")
            )
        if partner.travel_anonymized:
            raise UserError(
                self.env._(
                    "%s is anonymized: it has no account any more.",
                    partner.display_name,
                )
            )
        users = partner.sudo().with_context(active_test=False).user_ids
        if users.filtered(lambda u: not u.share):
            raise UserError(
                self.env._(
                    "%s is one of our users, not a customer: manage its account "
                    "in Settings > Users.",
                    partner.display_name,
                )
            )
        return users[:1]

    @api.model
    def _travel_active_account(self, partner):
        """The customer's active portal user; none is an error."""
        user = self._travel_customer_account(partner)
        if not user or not user.active:
            raise UserError(
                self.env._(
                    "%s has no portal account: send it the portal access link "
                    "first.",
                    partner.display_name,
                )
            )
        return user

    @api.model
    def _travel_note(self, partner, body):
        """A note in the customer's chatter, by the staff member."""
        partner.sudo().message_post(
            body=body,
            author_id=self.env.user.partner_id.id,
            subtype_xmlid="mail.mt_note",
        )

    @api.model
    def _travel_send_portal_access(self, partner):
        """Grant portal access through Odoo's portal wizard, or send the
        invitation again; the chatter says who sent it."""
        user = self._travel_customer_account(partner)
        wizard = (
            self.env["portal.wizard"]
            .sudo()
            .create({"partner_ids": [Command.set(partner.ids)]})
        )
        line = wizard.user_ids
        name = self.env.user.name
        if user and user.active:
            line.action_invite_again()
            body = self.env._("Portal access link sent again by %s.", name)
        else:
            line.action_grant_access()
            body = self.env._("Portal access granted and link sent by %s.", name)
        self._travel_note(partner, body)
        return partner._travel_notify(
            self.env._("Portal access link sent to %s.", partner.email)
        )

    @api.model
    def _travel_send_password_reset(self, partner):
        """Odoo's password reset e-mail: nobody but the customer sets it."""
        user = self._travel_active_account(partner)
        user.sudo().action_reset_password()
        self._travel_note(
            partner,
            self.env._("Password reset e-mail sent by %s.", self.env.user.name),
        )
        return partner._travel_notify(
            self.env._("Password reset e-mail sent to %s.", partner.email)
        )

    @api.model
    def _travel_view_portal(self, partner):
        """Open the portal as the customer sees it (OCA impersonate_login):
        the session is logged and the staff member named in what it does."""
        self._travel_customer_account(partner)
        partner._travel_check_portal_view_rights()
        user = self._travel_active_account(partner)
        if not request:
            raise UserError(self.env._("The portal can only be viewed from a browser."))
        self._travel_note(
            partner,
            self.env._("Portal viewed as this customer by %s.", self.env.user.name),
        )
        user.impersonate_login()
        return {"type": "ir.actions.act_url", "url": "/my", "target": "self"}

    @api.model
    def _travel_check_guardian_portal(self, partners):
        """Refuse a portal account to a contact who is only a guardian, unless
        a customer of its participants is of a type allowing guardian accounts."""
        for partner in partners.sudo():
            participants = partner.travel_guarded_participant_ids
            customers = participants.partner_id
            if not participants or partner.commercial_partner_id in customers:
                continue
            if not customers.customer_type_id.filtered("guardian_portal_allowed"):
                raise UserError(
                    self.env._(
                        "%(guardian)s is a legal guardian, and the customer type of "
                        "%(customers)s does not allow guardian portal accounts "
                        "(Contacts > Configuration > Customer Types).",
                        guardian=partner.display_name,
                        customers=", ".join(customers.mapped("display_name")),
                    )
                )
