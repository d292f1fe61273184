# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, fields, models
from odoo.exceptions import AccessError

SUPERVISOR_MAX_FAILURES = 3
SUPERVISOR_LOCK_MINUTES = 15


class ResCompany(models.Model):
    """The supervision code approving discounts: stored hashed, locked for a
    while after repeated wrong codes."""

    _inherit = "res.company"

    travel_supervisor_code_hash = fields.Char(groups="base.group_system", copy=False)
    travel_supervisor_failures = fields.Integer(groups="base.group_system", copy=False)
    travel_supervisor_locked_until = fields.Datetime(
        groups="base.group_system", copy=False
    )

    def _travel_set_supervisor_code(self, code):
        self.ensure_one()
        if not self.env.user.has_group("travel_customer.group_travel_manager"):
            raise AccessError(_("Only a manager sets the supervision code."))
        self.sudo().write(
            {
                "travel_supervisor_code_hash": code
                and self.env["res.users"]._crypt_context().hash(code),
                "travel_supervisor_failures": 0,
                "travel_supervisor_locked_until": False,
            }
        )

    def _travel_check_supervisor_code(self, code):
        """``(True, None)`` for the right code, else ``(False, why)``; wrong
        codes are counted and lock the code for a while."""
        self.ensure_one()
        company = self.sudo()
        now = fields.Datetime.now()
        if company.travel_supervisor_locked_until and (
            company.travel_supervisor_locked_until > now
        ):
            return False, _(
                "Too many wrong codes: the supervision code is locked until "
                "%(time)s (UTC).",
                time=company.travel_supervisor_locked_until.strftime("%H:%M"),
            )
        if not company.travel_supervisor_code_hash:
            return False, _(
                "No supervision code is set for %(company)s: a manager must "
                "approve.",
                company=company.name,
            )
        if code and self.env["res.users"]._crypt_context().verify(
            code, company.travel_supervisor_code_hash
        ):
            company.write(
                {
                    "travel_supervisor_failures": 0,
                    "travel_supervisor_locked_until": False,
                }
            )
            return True, None
        failures = company.travel_supervisor_failures + 1
        values = {"travel_supervisor_failures": failures}
        if failures >= SUPERVISOR_MAX_FAILURES:
            values.update(
                travel_supervisor_failures=0,
                travel_supervisor_locked_until=now
                + timedelta(minutes=SUPERVISOR_LOCK_MINUTES),
            )
        company.write(values)
        if "travel_supervisor_locked_until" in values:
            return False, _(
                "Wrong supervision code, for the %(count)s time: it is locked for "
                "%(minutes)s minutes.",
                count=failures,
                minutes=SUPERVISOR_LOCK_MINUTES,
            )
        return False, _("Wrong supervision code.")
