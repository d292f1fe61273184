# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .travel_customer_privacy import PRIVACY_GROUP


class TravelAnonymizeRequest(models.Model):
    """A customer shared by several companies is anonymized once each of
    them agreed: the officer who asks approves for its own companies, the
    privacy officers of the others get an activity, and the last approval
    runs the anonymization. Written by the code only; the privacy log names
    who asked and who approved."""

    _name = "travel.anonymize.request"
    _description = "Anonymization Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    requested_by_id = fields.Many2one("res.users", string="Requested By", readonly=True)
    company_ids = fields.Many2many(
        "res.company",
        "travel_anonymize_request_company_rel",
        "request_id",
        "company_id",
        string="Companies",
        readonly=True,
        help="The companies that sold to the customer: each one approves.",
    )
    approved_company_ids = fields.Many2many(
        "res.company",
        "travel_anonymize_request_approved_rel",
        "request_id",
        "company_id",
        string="Approved By Companies",
        readonly=True,
    )
    approvals = fields.Text(readonly=True)
    state = fields.Selection(
        [("pending", "Waiting for approval"), ("done", "Anonymized")],
        default="pending",
        required=True,
        readonly=True,
    )

    def _travel_log(self):
        """The privacy log line of the anonymization it ran."""
        return (
            self.env["privacy.log"]
            .sudo()
            .search(
                [
                    ("travel_partner_id", "=", self.partner_id.id),
                    ("travel_operation", "=", "anonymize"),
                ],
                limit=1,
            )
        )

    def _pending_companies(self):
        return self.company_ids - self.approved_company_ids

    @api.model
    def _travel_request(self, partner, companies):
        """Record the current officer's request to anonymize ``partner``
        (whose bookings ``companies`` made), approved for the companies it
        is allowed in; or its approval of a request already made."""
        user = self.env.user
        request = self.sudo().search(
            [("partner_id", "=", partner.id), ("state", "=", "pending")], limit=1
        )
        if request:
            return request._approve()
        covered = companies & user.company_ids
        request = self.sudo().create(
            {
                "partner_id": partner.id,
                "requested_by_id": user.id,
                "company_ids": [Command.set(companies.ids)],
                "approved_company_ids": [Command.set(covered.ids)],
                "approvals": "\n".join(
                    self._approval_line(company, user) for company in covered
                ),
            }
        )
        request._notify_officers(companies - covered)
        return request

    @api.model
    def _approval_line(self, company, user):
        return _(
            "%(company)s: approved by %(user)s on %(date)s",
            company=company.name,
            user=user.name,
            date=fields.Date.context_today(self),
        )

    def _notify_officers(self, companies):
        """An activity for each privacy officer of ``companies``."""
        group = self.env.ref(PRIVACY_GROUP)
        officers = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("groups_id", "in", group.id),
                    ("company_ids", "in", companies.ids),
                    ("share", "=", False),
                ]
            )
        )
        for officer in officers:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=officer.id,
                summary=_("Approve an anonymization"),
                note=_(
                    "%(user)s asks to anonymize a customer your company also sold "
                    "to: approve it for %(companies)s.",
                    user=self.requested_by_id.name,
                    companies=", ".join(
                        (companies & officer.company_ids).mapped("name")
                    ),
                ),
            )

    def action_approve(self):
        """Approve for the companies of the current privacy officer; the last
        approval anonymizes the customer."""
        self.env["travel.customer.privacy"]._check_officer()
        for request in self:
            request._approve()
        return True

    def _approve(self):
        self.ensure_one()
        user = self.env.user
        request = self.sudo()
        if request.state != "pending":
            raise UserError(_("This customer is already anonymized."))
        mine = request._pending_companies() & user.company_ids
        if not mine:
            raise AccessError(
                _(
                    "This anonymization waits for the privacy officers of "
                    "%(companies)s: you are not one of them.",
                    companies=", ".join(request._pending_companies().mapped("name")),
                )
            )
        request.write(
            {
                "approved_company_ids": [Command.link(c.id) for c in mine],
                "approvals": "\n".join(
                    filter(
                        None,
                        [request.approvals]
                        + [self._approval_line(company, user) for company in mine],
                    )
                ),
            }
        )
        request.activity_ids.filtered(
            lambda a: not (request._pending_companies() & a.user_id.company_ids)
        ).unlink()
        if not request._pending_companies():
            self._run()
        return request

    def _run(self):
        """Every company agreed: anonymize, by the rules checked now."""
        Privacy = self.env["travel.customer.privacy"]
        partner = self.sudo().partner_id
        Privacy._check_anonymize(partner)
        request = self.sudo()
        Privacy._anonymize(
            partner,
            notes=[
                # codes and values: the privacy log shows them in its reader's
                # language
                [
                    "requested",
                    {
                        "user": request.requested_by_id.name,
                        "date": fields.Date.to_string(request.create_date),
                    },
                ],
                *(request.approvals or "").splitlines(),
            ],
        )
        request.activity_ids.unlink()
        request.state = "done"
