# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import AccessError
from odoo.http import request


class ResUsers(models.Model):
    """Viewing the portal as a customer (OCA ``impersonate_login``): portal
    users only, never an employee, whatever the OCA settings say."""

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
        return super().impersonate_login()

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
