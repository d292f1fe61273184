# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import logging

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.mimetypes import guess_mimetype

_logger = logging.getLogger(__name__)

ALLOWED_MIMETYPES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}
MAX_SIZE_PARAM = "travel_customer.document_max_size_mb"
MAX_SIZE_DEFAULT = 10


class TravelCustomerDocument(models.Model):
    """An identity or travel document of a customer: what it is, until when it
    is valid, and the scanned file."""

    _name = "travel.customer.document"
    _description = "Customer Document"
    _inherit = ["mail.thread"]
    _order = "expiry_date, id"
    _rec_name = "type_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        tracking=True,
    )
    participant_id = fields.Many2one(
        "travel.participant",
        string="Participant",
        index="btree_not_null",
        ondelete="cascade",
        tracking=True,
        help="Whose document it is, when it is a participant's (a child's ID "
        "sent by its guardian) rather than the customer's own.",
    )
    type_id = fields.Many2one(
        "travel.customer.document.type",
        string="Document Type",
        required=True,
        ondelete="restrict",
        tracking=True,
    )
    number = fields.Char(tracking=True)
    country_id = fields.Many2one("res.country", string="Issuing Country")
    expiry_date = fields.Date(tracking=True, index=True)
    file = fields.Binary(attachment=True, copy=False)
    file_name = fields.Char()
    notes = fields.Text()
    expired = fields.Boolean(compute="_compute_expired")

    @api.depends("expiry_date")
    def _compute_expired(self):
        today = fields.Date.context_today(self)
        for document in self:
            document.expired = bool(
                document.expiry_date and document.expiry_date < today
            )

    @api.depends("type_id", "number")
    def _compute_display_name(self):
        for document in self:
            document.display_name = " ".join(
                filter(None, [document.type_id.name, document.number])
            )

    @api.model
    def _max_size_mb(self):
        return (
            self.env["ir.config_parameter"]
            .sudo()
            ._travel_get_int(MAX_SIZE_PARAM, MAX_SIZE_DEFAULT)
        )

    @api.model
    def _check_upload(self, content):
        """Refuse a file too big or of a type we do not take, and say why."""
        max_mb = self._max_size_mb()
        if len(content) > max_mb * 1024 * 1024:
            raise ValidationError(
                _("The file is too big: %(max)s MB at most.", max=max_mb)
            )
        mimetype = guess_mimetype(content)
        if mimetype not in ALLOWED_MIMETYPES:
            raise ValidationError(
                _(
                    "This kind of file is not accepted: send a %(kinds)s file.",
                    kinds=", ".join(ALLOWED_MIMETYPES.values()),
                )
            )

    @api.constrains("file")
    def _check_file(self):
        for document in self.filtered("file"):
            self._check_upload(base64.b64decode(document.file))

    # ------------------------------------------------------------ EXPIRY
    @api.model
    def _valid_on(self, partner, day):
        """Type of each document of ``partner`` (and its contacts) still valid
        on ``day``."""
        documents = self.sudo().search(
            [
                ("partner_id", "child_of", partner.commercial_partner_id.id),
                "|",
                ("expiry_date", "=", False),
                ("expiry_date", ">=", day),
            ]
        )
        return documents.type_id

    # ------------------------------------------------------------ BOOKINGS
    @api.model
    def _order_day(self, order):
        """The day a document must still be valid on for ``order``: its end."""
        return order.travel_date_end or order.travel_date_start or fields.Date.today()

    @api.model
    def _required_types(self):
        return (
            self.env["travel.customer.document.type"]
            .sudo()
            .search([("required", "=", True)])
        )

    @api.model
    def _order_missing_types(self, order):
        """Required document types without a document valid until the end of
        ``order``'s trip (the customer's, or one of its contacts')."""
        order.ensure_one()
        valid = self._valid_on(order.partner_id, self._order_day(order))
        return self._required_types() - valid

    @api.model
    def _order_rows(self, order, participants=None):
        """Where each traveller's required documents stand for ``order``'s
        trip: ``[(traveller name, document type, state, document)]``, state
        ``given`` (valid until the trip ends), ``expiring`` (on file but
        expiring before) or ``missing``. The travellers are the participants
        given (the order's by default), else the customer itself."""
        order = order.sudo().ensure_one()
        required = self._required_types()
        day = self._order_day(order)
        Document = self.sudo()
        participants = (
            order.travel_participant_ids if participants is None else participants
        )
        if participants:
            travellers = [
                (p.name, [("participant_id", "=", p.id)]) for p in participants
            ]
        else:
            customer = order.partner_id.commercial_partner_id
            travellers = [
                (
                    order.partner_id.name,
                    [
                        ("partner_id", "child_of", customer.id),
                        ("participant_id", "=", False),
                    ],
                )
            ]
        rows = []
        for name, domain in travellers:
            documents = Document.search(domain + [("type_id", "in", required.ids)])
            for doc_type in required:
                of_type = documents.filtered(lambda d, t=doc_type: d.type_id == t)
                valid = of_type.filtered(
                    lambda d: not d.expiry_date or d.expiry_date >= day
                )
                if valid:
                    rows.append((name, doc_type, "given", valid[0]))
                elif of_type:
                    rows.append((name, doc_type, "expiring", of_type[-1]))
                else:
                    rows.append((name, doc_type, "missing", Document))
        return rows

    @api.model
    def _order_refusal(self, order):
        """Why the customer cannot download ``order``'s travel documents yet,
        or False."""
        order.ensure_one()
        if order.state != "sale":
            return _("Travel documents come with the confirmed booking.")
        customer_type = order.partner_id.commercial_partner_id.customer_type_id
        if customer_type.documents_despite_incomplete:
            return False
        reasons = []
        if not order._travel_is_paid():
            reasons.append(_("the booking is not fully paid yet"))
        missing = self._order_missing_types(order)
        if missing:
            reasons.append(
                _(
                    "these documents are missing or expire before the trip ends: "
                    "%(types)s",
                    types=", ".join(missing.mapped("name")),
                )
            )
        if reasons:
            return _(
                "Your travel documents will be available once your file is "
                "complete: %(reasons)s.",
                reasons="; ".join(reasons),
            )
        return False

    @api.model
    def _cron_expiry_activities(self):
        """An activity for the salesperson of each upcoming booking whose
        customer has a required document expiring before the booking's end.

        The pairs come from one query; a booking is reminded once per
        document, each in a savepoint: one that fails is logged and tried
        again the next night, the others go on.
        """
        self.flush_model(["partner_id", "type_id", "expiry_date"])
        self.env["travel.customer.document.type"].flush_model(["required"])
        self.env["sale.order"].flush_model(
            ["partner_id", "state", "travel_date_start", "travel_date_end"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        today = fields.Date.context_today(self)
        self.env.cr.execute(
            SQL(
                """
                SELECT o.id, d.id
                FROM sale_order o
                JOIN res_partner p ON p.id = o.partner_id
                JOIN res_partner dp
                  ON dp.commercial_partner_id = p.commercial_partner_id
                JOIN travel_customer_document d ON d.partner_id = dp.id
                JOIN travel_customer_document_type t
                  ON t.id = d.type_id AND t.required
                WHERE o.state = 'sale' AND o.travel_date_start >= %(today)s
                  AND d.expiry_date < o.travel_date_end
                ORDER BY o.id, d.id
                """,
                today=today,
            )
        )
        created = 0
        for order_id, document_id in self.env.cr.fetchall():
            order = self.env["sale.order"].browse(order_id)
            try:
                with self.env.cr.savepoint():
                    created += self.browse(document_id)._expiry_activity(order)
            except Exception:
                _logger.exception(
                    "Document expiry: no reminder for document %s on booking %s, "
                    "tried again the next run",
                    document_id,
                    order_id,
                )
        return created

    def _expiry_activity(self, order):
        """Remind the salesperson of ``order`` that this document expires
        before its end, once: 1 when reminded now, else 0."""
        self.ensure_one()
        summary = _(
            "%(document)s expires on %(date)s",
            document=self.display_name,
            date=self.expiry_date,
        )
        if order.activity_ids.filtered(lambda a: a.summary == summary):
            return 0
        order.activity_schedule(
            activity_type_id=self.env.ref("mail.mail_activity_data_todo").id,
            summary=summary,
            note=_(
                "%(document)s of %(customer)s expires on %(date)s, before the "
                "end of this booking (%(end)s): ask for a new one.",
                document=self.display_name,
                customer=self.partner_id.display_name,
                date=self.expiry_date,
                end=order.travel_date_end,
            ),
            user_id=(order.user_id or self.env.user).id,
        )
        return 1
