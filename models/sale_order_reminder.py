# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from .mail_composer import composer_action

USER_GROUP = "travel_customer.group_travel_user"
REMINDER_DAYS_PARAM = "travel_customer.reminder_days"
REMINDER_DAYS = 14
MAIL_LAYOUT = "mail.mail_notification_layout_with_responsible_signature"


class SaleOrder(models.Model):
    """The booking's e-mails: confirmation, the reseller's quotation to its
    end client, and the reminder of missing documents before the trip
    (sent once per booking, by a scheduled action)."""

    _inherit = "sale.order"

    travel_reminder_sent_date = fields.Datetime(
        string="Document Reminder Sent",
        readonly=True,
        copy=False,
        help="When the reminder of missing or expiring documents was sent: "
        "it is sent once per booking.",
    )

    def write(self, vals):
        if "travel_reminder_sent_date" in vals and not self.env.su:
            raise AccessError(
                _(
                    "The date the document reminder was sent is set by the "
                    "scheduled reminder itself."
                )
            )
        return super().write(vals)

    # ------------------------------------------------------------ ACTIONS
    def action_travel_send_confirmation(self):
        """The booking confirmation in the e-mail composer."""
        return self._travel_mail_composer(
            "travel_customer.mail_template_travel_booking_confirmation"
        )

    def action_travel_send_end_client_quotation(self):
        """The reseller's quotation, to its end client, in the composer."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(_("Only travel users may send the booking e-mails."))
        without = self.filtered(lambda o: not o.travel_end_client_id)
        if without:
            raise UserError(
                _(
                    "%(orders)s has no end client: this e-mail is for the bookings "
                    "a reseller makes for its own clients.",
                    orders=", ".join(without.mapped("name")),
                )
            )
        return self._travel_mail_composer(
            "travel_customer.mail_template_travel_end_client_quotation"
        )

    # ------------------------------------------------------------ BUSINESS
    def _travel_mail_composer(self, template_xmlid):
        """Odoo's composer with the template, as sale's "Send by e-mail"
        opens it (one order: a message in its chatter; several: mass mail)."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(_("Only travel users may send the booking e-mails."))
        self.check_access("read")
        for order in self:
            order._portal_ensure_token()
        return composer_action(
            self, template_xmlid, MAIL_LAYOUT, email_notification_allow_footer=True
        )

    def _travel_documents_to_give(self):
        """The rows of ``_travel_document_rows`` still to give: missing, or
        on file but expiring before the trip ends."""
        self.ensure_one()
        return [row for row in self._travel_document_rows() if row[2] != "given"]

    @api.model
    def _cron_travel_trip_reminder(self):
        """E-mail the customers of the bookings starting within the reminder
        delay (system parameter ``travel_customer.reminder_days``, 14) whose
        documents are missing or expire before the trip ends; once per
        booking. Returns the count of reminders sent."""
        days = self.env["ir.config_parameter"]._travel_get_int(
            REMINDER_DAYS_PARAM, REMINDER_DAYS
        )
        today = fields.Date.context_today(self)
        orders = self.search(
            [
                ("state", "=", "sale"),
                ("travel_date_start", ">=", today),
                ("travel_date_start", "<=", today + timedelta(days=days)),
                ("travel_reminder_sent_date", "=", False),
            ]
        )
        template = self.env.ref(
            "travel_customer.mail_template_travel_trip_reminder",
            raise_if_not_found=False,
        )
        if not template:
            return 0
        sent = 0
        for order in orders:
            if not order._travel_documents_to_give():
                continue
            order._portal_ensure_token()
            order.message_post_with_source(
                template,
                email_layout_xmlid=MAIL_LAYOUT,
                subtype_xmlid="mail.mt_comment",
            )
            order.sudo().travel_reminder_sent_date = fields.Datetime.now()
            sent += 1
        return sent
