# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io
import json
import logging
import re
import zipfile
from collections import Counter
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

_logger = logging.getLogger(__name__)

WEEKS_PARAM = "travel_customer.anonymize_weeks"
WEEKS_DEFAULT = 6
RETENTION_PARAM = "travel_customer.retention"
RETENTION_YEARS_PARAM = "travel_customer.retention_years"
RETENTION_YEARS_DEFAULT = 10
RETENTION_BATCH_PARAM = "travel_customer.retention_batch_size"
RETENTION_BATCH = 500
PRIVACY_GROUP = "travel_customer.group_travel_privacy"
HEALTH_GROUP = "travel_customer.group_travel_health"
# what a participant's anonymization empties, besides its name
PARTICIPANT_PERSONAL_COLUMNS = (
    "birth_date",
    "gender",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "allergies",
    "treatments",
    "medical_notes",
    "birth_place",
    "nationality_id",
    "id_type_id",
    "id_number",
    "id_issue_date",
    "id_country_id",
)
# Text fields of a customer that are not about the person.
KEPT_TEXT_FIELDS = {"name", "invoice_edi_format_store", "signup_type"}
# Other fields of a customer emptied (images are attachments, deleted).
PERSONAL_MANY2ONE = (
    "state_id",
    "title",
    "travel_nationality_id",
    "travel_id_type_id",
    "travel_id_country_id",
)
# A customer and everything that is its: contacts, addresses, and the
# duplicates merged into it and kept for an undo.
FAMILY_QUERY = """
WITH RECURSIVE family(root, id) AS (
    SELECT root, root FROM unnest(%s::int[]) AS root
    UNION
    SELECT f.root, p.id FROM family f
    CROSS JOIN LATERAL (
        SELECT id FROM res_partner WHERE parent_id = f.id
        UNION ALL
        -- the result of a merge into it only: its log names them
        SELECT d.id FROM res_partner d WHERE d.travel_merged_into_id = f.id
          AND EXISTS (
            SELECT 1 FROM travel_customer_merge_log l
            WHERE l.master_id = f.id AND l.merged_ids::jsonb @> to_jsonb(d.id))
    ) AS p
)
"""


class TravelCustomerPrivacy(models.AbstractModel):
    """GDPR for customers: who may be anonymized, anonymization, export.

    Anonymization is set-based SQL over a batch of customers, so that the
    retention policy goes through thousands of them in minutes; only the
    stored computed fields (display names...) are left to the ORM.
    """

    _name = "travel.customer.privacy"
    _description = "Customer Privacy"

    # ------------------------------------------------------------ RULES
    @api.model
    def _anonymize_weeks(self):
        return self.env["ir.config_parameter"]._travel_get_int(
            WEEKS_PARAM, WEEKS_DEFAULT
        )

    @api.model
    def _anonymize_limit_date(self):
        """A booking must have ended on or before this date."""
        today = fields.Date.context_today(self)
        return today - timedelta(weeks=self._anonymize_weeks())

    @api.model
    def _blocking_booking_condition(self, company_id, limit_date):
        """SQL: the booking ``o`` (channel ``ch``) forbids anonymizing."""
        return SQL(
            "o.state = 'sale' AND (o.company_id != %s "
            "OR coalesce(o.travel_date_end, o.travel_date_start, "
            "o.date_order::date) > %s OR coalesce(ch.external, false))",
            company_id,
            limit_date,
        )

    @api.model
    def _blockers(self, partners, limit_date=None):
        """Why each of ``partners`` cannot be anonymized now (or, given
        ``limit_date``, once the bookings ending by then are old enough).

        :return: ``{partner_id: [reason, ...]}``, empty lists when allowed.
        """
        reasons = {partner.id: [] for partner in partners}
        if not partners:
            return reasons
        cr = self.env.cr
        company = self.env.company
        weeks = self._anonymize_weeks()
        limit_date = limit_date or self._anonymize_limit_date()
        self.env.flush_all()
        cr.execute(
            SQL(
                FAMILY_QUERY + "SELECT DISTINCT f.root, o.id, o.name, "
                "o.company_id != %s, c.name, "
                "coalesce(o.travel_date_end, o.travel_date_start, o.date_order::date), "
                "CASE WHEN ch.external THEN ch.id END "
                "FROM family f JOIN sale_order o ON o.partner_id = f.id "
                "JOIN res_company c ON c.id = o.company_id "
                "LEFT JOIN travel_sales_channel ch ON ch.id = o.travel_channel_id "
                "WHERE %s ORDER BY f.root, o.id",
                partners.ids,
                company.id,
                self._blocking_booking_condition(company.id, limit_date),
            )
        )
        rows = cr.fetchall()
        Channel = self.env["travel.sales.channel"].sudo()
        for root, _id, booking, other_company, seller, end, channel_id in rows:
            if other_company:
                reasons[root].append(
                    _(
                        "Booking %(booking)s was sold by %(company)s, not by your "
                        "current company: only its point of sale may anonymize.",
                        booking=booking,
                        company=seller,
                    )
                )
            if end > limit_date:
                reasons[root].append(
                    _(
                        "Booking %(booking)s ends on %(end)s: anonymization is "
                        "possible from %(date)s (%(weeks)s weeks after).",
                        booking=booking,
                        end=format_date(self.env, end),
                        date=format_date(self.env, end + timedelta(weeks=weeks)),
                        weeks=weeks,
                    )
                )
            if channel_id:
                reasons[root].append(
                    _(
                        "Booking %(booking)s came through %(channel)s, an external "
                        "channel: its customers are not ours to anonymize.",
                        booking=booking,
                        channel=Channel.browse(channel_id).name,
                    )
                )
        company_partners = (
            self.env["res.company"].sudo().with_context(active_test=False).search([])
        ).partner_id
        for partner in partners.sudo().with_context(active_test=False):
            if partner.travel_anonymized:
                reasons[partner.id].insert(
                    0, _("%s is already anonymized.", partner.display_name)
                )
            if partner in company_partners:
                reasons[partner.id].append(
                    _("%s is a company of this database.", partner.name)
                )
        # an employee's contact is not a customer's to erase
        cr.execute(
            SQL(
                FAMILY_QUERY + "SELECT DISTINCT f.root, p.name FROM family f "
                "JOIN res_users u ON u.partner_id = f.id AND NOT u.share "
                "JOIN res_partner p ON p.id = f.id",
                partners.ids,
            )
        )
        for partner_id, name in cr.fetchall():
            reasons[partner_id].append(
                _(
                    "%s is the contact of an internal user: archive the user and "
                    "detach the contact first.",
                    name,
                )
            )
        return reasons

    @api.model
    def _check_officer(self):
        if not self.env.user.has_group(PRIVACY_GROUP):
            raise AccessError(
                _("Only Privacy officers may anonymize or export customers.")
            )

    @api.model
    def _check_anonymize(self, partners):
        """Refuse, with every reason, to anonymize one of ``partners``."""
        self._check_officer()
        blockers = self._blockers(partners)
        messages = [
            _(
                "%(customer)s cannot be anonymized:\n%(reasons)s",
                customer=partner.display_name,
                reasons="\n".join(f"- {reason}" for reason in blockers[partner.id]),
            )
            for partner in partners
            if blockers[partner.id]
        ]
        if messages:
            raise UserError("\n\n".join(messages))

    # ------------------------------------------------------------ ANONYMIZE
    @api.model
    def _personal_columns(self):
        """Columns of ``res_partner`` emptied: every text the user can fill."""
        Partner = self.env["res.partner"]
        return [
            name
            for name, field in Partner._fields.items()
            if field.store
            and field.column_type
            and field.type in ("char", "text", "html", "date")
            and not (field.compute and field.readonly)
            and not field.translate
            and name not in KEPT_TEXT_FIELDS
            and not name.startswith("property_")
        ] + [name for name in PERSONAL_MANY2ONE if name in Partner._fields]

    @api.model
    def _anonymize(self, partners, operation="anonymize"):
        """Anonymize ``partners`` (already checked), irreversibly.

        :return: the ``privacy.log`` records, one per customer.
        """
        env = self.env(su=True)
        cr = env.cr
        env.flush_all()
        partners = partners.with_env(env).with_context(active_test=False)
        originals = {p.id: (p.name or "", p.email or "") for p in partners}
        cr.execute(SQL(FAMILY_QUERY + "SELECT root, id FROM family", partners.ids))
        root_of = {pid: root for root, pid in cr.fetchall()}
        ids = list(root_of)
        # not while another user merges or anonymizes the same customers
        env["res.partner"].browse(ids)._travel_lock()
        counts = {root: Counter() for root in partners.ids}

        def count(kind, partner_ids):
            for pid in partner_ids:
                counts[root_of[pid]][kind] += 1

        cr.execute(SQL("SELECT name, email FROM res_partner WHERE id = ANY(%s)", ids))
        texts = [text for row in cr.fetchall() for text in row if text]
        label = _("Anonymized customer")
        # the customers, contacts, addresses and merged duplicates
        columns = self._personal_columns()
        cr.execute(
            SQL(
                "UPDATE res_partner SET name = %s || ' ' || id, %s, "
                "travel_anonymized = TRUE WHERE id = ANY(%s) RETURNING id",
                label,
                SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(column)) for column in columns
                ),
                ids,
            )
        )
        count("partner", [row[0] for row in cr.fetchall()])
        cr.execute(
            SQL(
                "UPDATE res_partner_bank SET acc_number = 'ANONYMIZED-' || id, "
                "sanitized_acc_number = 'ANONYMIZED' || id, acc_holder_name = NULL "
                "WHERE partner_id = ANY(%s) RETURNING partner_id",
                ids,
            )
        )
        count("bank", [row[0] for row in cr.fetchall()])
        # their portal accounts (internal users block the anonymization)
        cr.execute(
            SQL(
                "UPDATE res_users SET login = 'anonymized-' || id, password = NULL, "
                "signature = NULL, active = FALSE WHERE partner_id = ANY(%s) "
                "AND share RETURNING id, partner_id",
                ids,
            )
        )
        users = cr.fetchall()
        count("user", [row[1] for row in users])
        if users:
            user_ids = [row[0] for row in users]
            if "totp_secret" in env["res.users"]._fields:
                cr.execute(
                    SQL(
                        "UPDATE res_users SET totp_secret = NULL WHERE id = ANY(%s)",
                        user_ids,
                    )
                )
            cr.execute(
                SQL("DELETE FROM res_users_apikeys WHERE user_id = ANY(%s)", user_ids)
            )
            # the devices they logged in from (IP addresses, cities)
            cr.execute(
                SQL("DELETE FROM res_device_log WHERE user_id = ANY(%s)", user_ids)
            )
            # session tokens are cached: their open sessions end now
            env.registry.clear_cache()
        # documents and attachments (images included), signatures of bookings
        cr.execute(
            SQL(
                "SELECT id, res_id, res_model FROM ir_attachment "
                "WHERE (res_model = 'res.partner' AND res_id = ANY(%(ids)s)) "
                "OR (res_model = 'sale.order' AND res_field = 'signature' "
                "AND res_id IN (SELECT id FROM sale_order "
                "WHERE partner_id = ANY(%(ids)s)))",
                ids=ids,
            )
        )
        attachments = cr.fetchall()
        count("attachment", [row[1] for row in attachments if row[2] == "res.partner"])
        env["ir.attachment"].browse([row[0] for row in attachments]).unlink()
        # its chatter: messages emptied, tracked values emptied
        count(
            "message", [row[1] for row in self._anonymize_chatter("res.partner", ids)]
        )
        # the participants it booked for: names, birth date, address, health
        cr.execute(
            SQL(
                "SELECT first_name, last_name FROM travel_participant "
                "WHERE partner_id = ANY(%s)",
                ids,
            )
        )
        texts += [text for row in cr.fetchall() for text in row if text]
        participant_label = _("Anonymized participant")
        cr.execute(
            SQL(
                "UPDATE travel_participant SET first_name = %(label)s, "
                "last_name = id::text, name = %(label)s || ' ' || id, %(columns)s "
                "WHERE partner_id = ANY(%(ids)s) RETURNING id, partner_id",
                label=participant_label,
                columns=SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(column))
                    for column in PARTICIPANT_PERSONAL_COLUMNS
                ),
                ids=ids,
            )
        )
        participants = cr.fetchall()
        count("participant", [row[1] for row in participants])
        self._anonymize_chatter("travel.participant", [row[0] for row in participants])
        # what it wrote or received elsewhere keeps the (anonymized) author
        cr.execute(
            SQL(
                "UPDATE mail_message SET email_from = NULL, reply_to = NULL "
                "WHERE author_id = ANY(%s) RETURNING author_id",
                ids,
            )
        )
        count("authored", [row[0] for row in cr.fetchall()])
        cr.execute(
            SQL(
                "UPDATE mail_notification SET failure_reason = NULL "
                "WHERE res_partner_id = ANY(%s) AND failure_reason IS NOT NULL",
                ids,
            )
        )
        # consents: the answers stay (they were given), where from goes
        cr.execute(
            SQL(
                "UPDATE travel_consent_record SET ip_address = NULL "
                "WHERE partner_id = ANY(%s)",
                ids,
            )
        )
        cr.execute(
            SQL(
                "UPDATE privacy_consent SET last_metadata = NULL "
                "WHERE partner_id = ANY(%s)",
                ids,
            )
        )
        self._anonymize_chatter(
            "privacy.consent",
            [
                row[0]
                for row in self._fetch(
                    SQL(
                        "SELECT id FROM privacy_consent WHERE partner_id = ANY(%s)", ids
                    )
                )
            ],
        )
        self._anonymize_documents(ids, texts)
        count("merge", self._purge_merge_logs(ids, label))
        cr.execute(
            SQL(
                "DELETE FROM travel_duplicate_group WHERE id IN ("
                "SELECT group_id FROM travel_duplicate_group_partner_rel "
                "WHERE partner_id = ANY(%s))",
                ids,
            )
        )
        env.invalidate_all()
        family = env["res.partner"].with_context(active_test=False).browse(ids)
        # what is computed from them: display names, normalized e-mail and
        # phone, the invoices' customer name...
        family.modified(["name", *columns])
        env.flush_all()
        return self._log(partners, operation, originals, counts)

    @api.model
    def _purge_merge_logs(self, ids, label):
        """The merges ``ids`` took part in (as master or duplicate) can no
        longer be undone: their journals, which hold the duplicates' old
        values, and the names of the anonymized go.

        :return: for each merge log purged, the id of one of ``ids`` in it.
        """
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT id, master_id, merged_ids, merged_names "
                "FROM travel_customer_merge_log l WHERE master_id = ANY(%(ids)s) "
                "OR EXISTS (SELECT 1 FROM jsonb_array_elements_text("
                "l.merged_ids::jsonb) AS e WHERE e.value::int = ANY(%(ids)s))",
                ids=ids,
            )
        )
        anonymized = set(ids)
        purged = []
        for log_id, master_id, merged_ids, merged_names in cr.fetchall():
            merged = json.loads(merged_ids or "[]")
            if master_id in anonymized:
                # its duplicates are its family: anonymized with it
                names = label
            else:
                names = (merged_names or "").split("\n")
                if len(names) != len(merged):
                    names = [""] * len(merged)
                names = "\n".join(
                    f"{label} {pid}" if pid in anonymized else name
                    for pid, name in zip(merged, names, strict=True)
                )
            cr.execute(
                SQL(
                    "UPDATE travel_customer_merge_log SET merged_names = %s, "
                    "journal = NULL, state = CASE WHEN state = 'done' "
                    "THEN 'final' ELSE state END WHERE id = %s",
                    names,
                    log_id,
                )
            )
            purged.append(
                master_id
                if master_id in anonymized
                else next(pid for pid in merged if pid in anonymized)
            )
        return purged

    @api.model
    def _fetch(self, query):
        self.env.cr.execute(query)
        return self.env.cr.fetchall()

    @api.model
    def _anonymize_chatter(self, model, res_ids):
        """Empty the chatter of these records (messages, tracked values, mails)
        and drop their activities: ``[(message id, res_id)]``."""
        cr = self.env.cr
        cr.execute(
            SQL(
                "UPDATE mail_message SET body = '', subject = NULL, email_from = NULL, "
                "reply_to = NULL, record_name = NULL "
                "WHERE model = %s AND res_id = ANY(%s) RETURNING id, res_id",
                model,
                res_ids,
            )
        )
        messages = cr.fetchall()
        message_ids = [row[0] for row in messages]
        cr.execute(
            SQL(
                "UPDATE mail_tracking_value SET old_value_char = NULL, "
                "new_value_char = NULL, old_value_text = NULL, new_value_text = NULL, "
                "old_value_integer = NULL, new_value_integer = NULL, "
                "old_value_float = NULL, new_value_float = NULL, "
                "old_value_datetime = NULL, new_value_datetime = NULL "
                "WHERE mail_message_id = ANY(%s)",
                message_ids,
            )
        )
        cr.execute(
            SQL(
                "UPDATE mail_mail SET body_html = '', email_to = NULL, email_cc = NULL "
                "WHERE mail_message_id = ANY(%s)",
                message_ids,
            )
        )
        cr.execute(
            SQL(
                "DELETE FROM mail_activity WHERE res_model = %s AND res_id = ANY(%s)",
                model,
                res_ids,
            )
        )
        return messages

    @api.model
    def _anonymize_documents(self, ids, texts):
        """Personal data other documents copied from the customers."""
        cr = self.env.cr
        cr.execute(SQL("SELECT id FROM sale_order WHERE partner_id = ANY(%s)", ids))
        order_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                "UPDATE sale_order SET signed_by = NULL "
                "WHERE id = ANY(%s) AND signed_by IS NOT NULL",
                order_ids,
            )
        )
        if "payment.transaction" in self.env:
            cr.execute(
                SQL(
                    "UPDATE payment_transaction SET partner_name = NULL, "
                    "partner_email = NULL, partner_phone = NULL, "
                    "partner_address = NULL, partner_zip = NULL, partner_city = NULL "
                    "WHERE partner_id = ANY(%s)",
                    ids,
                )
            )
        pattern = self._identity_pattern(texts)
        if not pattern:
            return
        # names and e-mails written in the messages and journal items of its
        # bookings and invoices, and in what it wrote anywhere
        cr.execute(SQL("SELECT id FROM account_move WHERE partner_id = ANY(%s)", ids))
        move_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                "UPDATE mail_message SET body = regexp_replace(body, %(p)s, '***', "
                "'gi'), subject = regexp_replace(subject, %(p)s, '***', 'gi') "
                "WHERE (author_id = ANY(%(ids)s) "
                "OR (model = 'sale.order' AND res_id = ANY(%(orders)s)) "
                "OR (model = 'account.move' AND res_id = ANY(%(moves)s))) "
                "AND (body ~* %(p)s OR subject ~* %(p)s)",
                p=pattern,
                ids=ids,
                orders=order_ids,
                moves=move_ids,
            )
        )
        cr.execute(
            SQL(
                "UPDATE mail_tracking_value v "
                "SET old_value_char = regexp_replace(old_value_char, %(p)s, '***', "
                "'gi'), new_value_char = regexp_replace(new_value_char, %(p)s, "
                "'***', 'gi') FROM mail_message m WHERE m.id = v.mail_message_id "
                "AND ((m.model = 'sale.order' AND m.res_id = ANY(%(orders)s)) "
                "OR (m.model = 'account.move' AND m.res_id = ANY(%(moves)s))) "
                "AND (old_value_char ~* %(p)s OR new_value_char ~* %(p)s)",
                p=pattern,
                orders=order_ids,
                moves=move_ids,
            )
        )
        # payments' journal items are labelled with the customer's name
        cr.execute(
            SQL(
                "UPDATE account_move_line SET name = regexp_replace(name, %(p)s, "
                "'***', 'gi') WHERE move_id = ANY(%(moves)s) AND name ~* %(p)s",
                p=pattern,
                moves=move_ids,
            )
        )

    @api.model
    def _identity_pattern(self, texts):
        """A regular expression matching the names and e-mails in ``texts``:
        whole values first, then each word of three letters or more."""
        values = {text.strip() for text in texts if text and len(text.strip()) > 2}
        words = {
            word
            for text in texts
            if text and "@" not in text
            for word in re.split(r"[\W_]+", text)
            if len(word) > 2
        }
        parts = sorted(values | words, key=len, reverse=True)
        if not parts:
            return None
        return r"\m(" + "|".join(re.escape(part) for part in parts) + r")"

    @api.model
    def _log(self, partners, operation, originals, counts):
        kinds = {
            "partner": _("Customers, contacts and addresses"),
            "bank": _("Bank accounts"),
            "user": _("Portal users"),
            "attachment": _("Documents and attachments"),
            "message": _("Messages emptied"),
            "participant": _("Participants"),
            "authored": _("Messages sent"),
            "merge": _("Merges made final"),
        }
        details = (
            _("Anonymized by the retention policy.")
            if operation == "retention"
            else _("Anonymized on request.")
        )
        return (
            self.env["privacy.log"]
            .sudo()
            .create(
                [
                    {
                        "anonymized_name": originals[partner.id][0],
                        "anonymized_email": originals[partner.id][1],
                        "travel_operation": operation,
                        "travel_partner_id": partner.id,
                        "user_id": self.env.user.id,
                        "execution_details": details,
                        "records_description": "\n".join(
                            f"{label}: {counts[partner.id][kind]}"
                            for kind, label in kinds.items()
                            if counts[partner.id][kind]
                        ),
                    }
                    for partner in partners
                ]
            )
        )

    # ------------------------------------------------------------ EXPORT
    @api.model
    def _export(self, partner, by_customer=False):
        """What we hold on ``partner``: ``(file name, ZIP bytes)``.

        ``personal_data.json`` (profile, addresses, bookings, invoices,
        participants, consents, documents, messages) and the documents
        themselves. Every export is written in the privacy log, in the name
        of the staff member when it views the portal as the customer.

        Health data (allergies, treatments, medical notes) is left out, and
        the file says so, unless the customer downloads its own or the user
        behind the request is in the Health data group.
        """
        real_user = self.env["res.users"]._travel_real_user()
        with_health = real_user.has_group(HEALTH_GROUP) or (
            by_customer and real_user == self.env.user
        )
        self = self.sudo()  # noqa: PLW0642 - the officer or the customer itself
        env = self.env
        partner = partner.with_env(env).with_context(active_test=False)
        cr = env.cr
        env.flush_all()
        cr.execute(SQL(FAMILY_QUERY + "SELECT id FROM family ORDER BY id", partner.ids))
        family = partner.browse([row[0] for row in cr.fetchall()])
        orders = env["sale.order"].search(
            [("partner_id", "in", family.ids)], order="date_order, id"
        )
        invoices = env["account.move"].search(
            [
                ("partner_id", "in", family.ids),
                ("move_type", "in", ("out_invoice", "out_refund")),
                ("state", "=", "posted"),
            ],
            order="invoice_date, id",
        )
        attachments = env["ir.attachment"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", family.ids),
                ("res_field", "=", False),
            ]
        )
        messages = env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", family.ids),
                ("author_id", "in", family.ids),
                ("message_type", "!=", "user_notification"),
                # on the portal, what the portal shows: no employees' notes
                *(
                    [("is_internal", "=", False), ("subtype_id.internal", "=", False)]
                    if by_customer
                    else []
                ),
            ],
            order="date, id",
        )
        health_left_out = _(
            "Left out: the participants' allergies, treatments and medical "
            "notes are exported for the Health data group only."
        )
        documents = []
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for attachment in attachments:
                path = f"documents/{attachment.id}-{attachment.name}"
                archive.writestr(path, attachment.raw or b"")
                documents.append(
                    {
                        "file": path,
                        "name": attachment.name,
                        "mimetype": attachment.mimetype,
                        "date": attachment.create_date,
                    }
                )
            data = {
                "exported_at": fields.Datetime.now(),
                "customer": self._export_profile(partner),
                "addresses": [
                    self._export_profile(child) for child in family - partner
                ],
                "bookings": [self._export_order(order) for order in orders],
                "invoices": [self._export_invoice(move) for move in invoices],
                "participants": [
                    self._export_participant(participant, with_health)
                    for participant in env["travel.participant"]
                    .sudo()
                    .with_context(active_test=False)
                    .search([("partner_id", "in", family.ids)])
                ],
                "health_data": None if with_health else health_left_out,
                "consents": self._export_consents(family),
                "documents": documents,
                "messages": [
                    {
                        "date": message.date,
                        "document": message.record_name or message.model,
                        "author": message.author_id.name or message.email_from,
                        "subject": message.subject,
                        "body": message.body and str(message.body),
                    }
                    for message in messages
                ],
            }
            archive.writestr(
                "personal_data.json",
                json.dumps(data, indent=2, default=str, ensure_ascii=False),
            )
        env["privacy.log"].create(
            {
                "anonymized_name": partner.name or "",
                "anonymized_email": partner.email or "",
                "travel_operation": "export",
                "travel_partner_id": partner.id,
                "user_id": real_user.id,
                "execution_details": "\n".join(
                    filter(
                        None,
                        [
                            self._export_by_whom(real_user, by_customer),
                            not with_health and health_left_out,
                        ],
                    )
                ),
                "records_description": _(
                    "Bookings: %(bookings)s, invoices: %(invoices)s, documents: "
                    "%(documents)s, messages: %(messages)s",
                    bookings=len(orders),
                    invoices=len(invoices),
                    documents=len(attachments),
                    messages=len(messages),
                ),
            }
        )
        return f"personal_data_{partner.id}.zip", buffer.getvalue()

    @api.model
    def _export_by_whom(self, real_user, by_customer):
        if not by_customer:
            return _("Exported by a privacy officer.")
        if real_user != self.env.user:
            return _(
                "Downloaded on the portal by %s, viewing the portal as the "
                "customer.",
                real_user.name,
            )
        return _("Downloaded by the customer on the portal.")

    @api.model
    def _export_profile_fields(self):
        return [
            *self._personal_columns(),
            "country_id",
            "lang",
            "is_company",
            "type",
            "customer_type_id",
            "travel_level_id",
            "create_date",
        ]

    @api.model
    def _export_profile(self, partner):
        values = {"id": partner.id, "name": partner.name}
        for fname in self._export_profile_fields():
            field = partner._fields[fname]
            value = partner[fname]
            if field.type == "many2one":
                value = value.display_name or None
            elif field.type == "html":
                value = value and str(value)
            values[fname] = value if value is not False else None
        return values

    @api.model
    def _export_order(self, order):
        return {
            "reference": order.name,
            "status": dict(order._fields["state"]._description_selection(self.env))[
                order.state
            ],
            "date": order.date_order,
            "start": order.travel_date_start,
            "end": order.travel_date_end,
            "sales_channel": order.travel_channel_id.name,
            "company": order.company_id.name,
            "total": order.amount_total,
            "currency": order.currency_id.name,
            "lines": [
                {
                    "description": line.name,
                    "quantity": line.product_uom_qty,
                    "unit_price": line.price_unit,
                    "total": line.price_total,
                }
                for line in order.order_line
                if not line.display_type
            ],
        }

    @api.model
    def _export_participant(self, participant, with_health=True):
        values = {
            "first_name": participant.first_name,
            "last_name": participant.last_name,
            "birth_date": participant.birth_date,
            "gender": participant.gender,
            "address": ", ".join(
                filter(
                    None,
                    [
                        participant.street,
                        participant.street2,
                        participant.zip,
                        participant.city,
                        participant.country_id.name,
                    ],
                )
            ),
            "guardians": participant.guardian_ids.mapped("name"),
            "bookings": participant.order_ids.mapped("name"),
        }
        if with_health:
            values.update(
                allergies=participant.allergies,
                treatments=participant.treatments,
                medical_notes=participant.medical_notes,
            )
        return values

    def _export_invoice(self, move):
        return {
            "number": move.name,
            "date": move.invoice_date,
            "total": move.amount_total,
            "amount_due": move.amount_residual,
            "currency": move.currency_id.name,
            "origin": move.invoice_origin,
        }

    @api.model
    def _export_consents(self, family):
        """Its answers to each purpose, newest first, with where they were
        given."""
        records = (
            self.env["travel.consent.record"]
            .sudo()
            .search([("partner_id", "in", family.ids)])
        )
        return [
            {
                "purpose": record.activity_id.name,
                "accepted": record.accepted,
                "date": record.date,
                "channel": record.channel,
                "ip_address": record.ip_address,
                "order": record.order_id.name or None,
                "text_shown": record.text_shown,
            }
            for record in records
        ]

    # ------------------------------------------------------------ RETENTION
    @api.model
    def _retention_years(self):
        """Years a customer is kept after its last booking; 0: policy off."""
        params = self.env["ir.config_parameter"]
        if not params.sudo().get_param(RETENTION_PARAM):
            return 0
        return params._travel_get_int(RETENTION_YEARS_PARAM, RETENTION_YEARS_DEFAULT)

    @api.model
    def _retention_candidates(self, years, limit):
        """Customers with no booking ending in the last ``years`` years:
        ``(the first limit of them, how many in all)``.

        Customers older than that, with no invoice nor quotation in that
        time, none of whose contacts is a company of the database or an
        internal user, and allowed by the rules of anonymization (checked in
        SQL, so that a batch never returns a customer it must skip).
        """
        today = fields.Date.context_today(self)
        since = today - relativedelta(years=years)
        query = SQL(
            """
            FROM res_partner p
            WHERE p.parent_id IS NULL AND p.travel_anonymized IS NOT TRUE
              AND p.travel_merged_into_id IS NULL
              AND p.create_date < %(since)s
              AND (p.customer_rank > 0 OR EXISTS (
                   SELECT 1 FROM sale_order o WHERE o.partner_id = p.id))
              AND NOT EXISTS (
                  SELECT 1 FROM res_partner cp
                  WHERE cp.commercial_partner_id = p.id
                    AND (EXISTS (SELECT 1 FROM res_company c
                                 WHERE c.partner_id = cp.id)
                         OR EXISTS (SELECT 1 FROM res_users u
                                    WHERE u.partner_id = cp.id AND NOT u.share)))
              AND NOT EXISTS (
                  SELECT 1 FROM account_move m
                  WHERE m.commercial_partner_id = p.id AND m.invoice_date >= %(since)s)
              AND NOT EXISTS (
                  SELECT 1 FROM res_partner op
                  JOIN sale_order o ON o.partner_id = op.id
                  LEFT JOIN travel_sales_channel ch ON ch.id = o.travel_channel_id
                  WHERE op.commercial_partner_id = p.id
                    AND (%(blocking)s
                         OR (o.state = 'sale' AND coalesce(o.travel_date_end,
                             o.travel_date_start, o.date_order::date) >= %(since)s)
                         OR (o.state IN ('draft', 'sent')
                             AND o.create_date >= %(since)s)))
            """,
            since=since,
            blocking=self._blocking_booking_condition(
                self.env.company.id, self._anonymize_limit_date()
            ),
        )
        self.env.flush_all()
        # compiling this query (JIT) costs more than running it
        self.env.cr.execute("SET LOCAL jit = off")
        self.env.cr.execute(
            SQL("SELECT p.id, count(*) OVER () %s ORDER BY p.id LIMIT %s", query, limit)
        )
        rows = self.env.cr.fetchall()
        partners = self.env["res.partner"].browse([row[0] for row in rows])
        return partners, rows[0][1] if rows else 0

    @api.model
    def _cron_retention(self, batch_size=None):
        """Anonymize one batch of customers past the retention period.

        Each batch is one transaction (the cron commits it and calls again
        while customers remain): a stopped run loses at most its current
        batch, and the next run starts from what is left. The batch size is
        the system parameter ``travel_customer.retention_batch_size`` (500).
        """
        years = self._retention_years()
        Cron = self.env["ir.cron"]
        if not years:
            return 0
        if not batch_size:
            batch_size = (
                self.env["ir.config_parameter"]._travel_get_int(
                    RETENTION_BATCH_PARAM, RETENTION_BATCH
                )
                or RETENTION_BATCH
            )
        partners, total = self._retention_candidates(years, batch_size)
        if partners:
            self._anonymize(partners, operation="retention")
            _logger.info("Retention policy: %s customers anonymized", len(partners))
        Cron._notify_progress(done=len(partners), remaining=total - len(partners))
        return len(partners)
