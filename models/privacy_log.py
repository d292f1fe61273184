# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import format_date


class PrivacyLog(models.Model):
    """Odoo's privacy log, also for customer anonymizations and exports.

    It keeps who did what and when, and the masked name and e-mail only
    (``privacy_lookup`` masks them at creation). Written by the code as
    superuser only, and it names the staff member even while it views the
    portal as a customer.
    """

    _name = "privacy.log"
    _inherit = ["privacy.log", "travel.code.only.mixin"]
    _order = "date desc, id desc"

    travel_operation = fields.Selection(
        [
            ("anonymize", "Anonymization"),
            ("retention", "Anonymization (retention policy)"),
            ("export", "Personal data export"),
        ],
        string="Operation",
        readonly=True,
        index="btree_not_null",
    )
    travel_partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        help="The customer, anonymized when the operation is an anonymization.",
    )

    travel_lookup_hits = fields.Text(
        string="Still Found by the Privacy Lookup",
        readonly=True,
        help="After an anonymization, what Odoo's privacy lookup still finds "
        "for the old name and e-mail (a homonym, or data of another addon).",
    )

    travel_details = fields.Json(
        string="Detail Codes",
        readonly=True,
        help="What the operation did, as message codes and values: shown in the "
        "reader's language (Details).",
    )
    travel_summary = fields.Text(
        string="Details",
        compute="_compute_travel_summary",
        help="What the operation did, in your language.",
    )

    @api.model
    def _travel_detail_messages(self):
        """The sentences of ``travel_details``, in the reader's language."""
        _ = self.env._
        return {
            "request": _("Anonymized on request."),
            "retention": _("Anonymized by the retention policy."),
            "requested": _("Requested by %(user)s on %(date)s."),
            "approved": _("%(company)s: approved by %(user)s on %(date)s"),
            "officer": _("Exported by a privacy officer."),
            "customer": _("Downloaded by the customer on the portal."),
            "staff_portal": _(
                "Downloaded on the portal by %(user)s, viewing the portal as the "
                "customer."
            ),
            "health_left_out": _(
                "Left out: the participants' allergies, treatments and medical "
                "notes are exported for the Health data group only."
            ),
            "exported": _(
                "Bookings: %(bookings)s, invoices: %(invoices)s, documents: "
                "%(documents)s, messages: %(messages)s"
            ),
            "partner": _("Customers, contacts and addresses: %(count)s"),
            "bank": _("Bank accounts: %(count)s"),
            "user": _("Portal users: %(count)s"),
            "attachment": _("Documents and attachments: %(count)s"),
            "document": _("Identity documents: %(count)s"),
            "message": _("Messages emptied: %(count)s"),
            "participant": _("Participants: %(count)s"),
            "authored": _("Messages sent: %(count)s"),
            "mail": _("Queued e-mails cancelled: %(count)s"),
            "mention": _("Texts naming it rewritten: %(count)s"),
            "merge": _("Merges made final: %(count)s"),
        }

    @api.model
    def _travel_detail_text(self, messages, code, values):
        """One line of the details, from its code and values."""
        values = dict(values or {})
        if values.get("date"):
            values["date"] = format_date(self.env, values["date"])
        if code == "text":
            return values.get("text") or ""
        return messages[code] % values if code in messages else ""

    @api.depends("travel_details")
    @api.depends_context("lang")
    def _compute_travel_summary(self):
        messages = self._travel_detail_messages()
        for log in self:
            lines = [
                self._travel_detail_text(messages, code, values)
                for code, values in log.travel_details or []
            ]
            log.travel_summary = "\n".join(filter(None, lines)) or "\n".join(
                filter(None, [log.execution_details, log.records_description])
            )

    @api.model
    def _travel_code_only_message(self):
        return self.env._(
            "The privacy log is written by Odoo only: it cannot be "
            "created, changed or deleted by hand."
        )

    @api.model_create_multi
    def create(self, vals_list):
        real_user = self.env["res.users"]._travel_real_user()
        if real_user != self.env.user:
            for vals in vals_list:
                vals["user_id"] = real_user.id
        return super().create(vals_list)

    def _anonymize_email(self, label):
        # the core returns (does not raise) an error for a missing e-mail
        if not label or "@" not in label:
            return "-"
        return super()._anonymize_email(label)
