# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
import logging
import re
import threading
from collections import Counter
from datetime import timedelta

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, format_date

from odoo.addons.base.models.res_partner import ADDRESS_FIELDS

from .privacy_identity import Identity

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
    *ADDRESS_FIELDS,
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
# The steps of an anonymization, in order (see ``_anonymize_steps``).
ANONYMIZE_STEPS = (
    "_anonymize_step_identity",
    "_anonymize_step_profile",
    "_anonymize_step_bank_accounts",
    "_anonymize_step_users",
    "_anonymize_step_attachments",
    "_anonymize_step_documents",
    "_anonymize_step_participants",
    "_anonymize_step_chatter",
    "_anonymize_step_mails",
    "_anonymize_step_consents",
    "_anonymize_step_orders",
    "_anonymize_step_mentions",
    "_anonymize_step_order_texts",
    "_anonymize_step_merge_logs",
    "_anonymize_step_duplicates",
    "_anonymize_step_recompute",
)
# customers whose mentions are looked for in one pass over each table
MENTION_CHUNK = 50
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
# What FAMILY_QUERY reads, written before it runs.
FAMILY_FIELDS = {
    "res.partner": ["parent_id", "travel_merged_into_id"],
    "travel.customer.merge.log": ["master_id", "merged_ids"],
}
# What the rules of anonymization read of the bookings.
BOOKING_FIELDS = {
    "sale.order": [
        "name",
        "partner_id",
        "state",
        "date_order",
        "create_date",
        "travel_date_start",
        "travel_date_end",
        "travel_channel_id",
        "company_id",
    ],
    "travel.sales.channel": ["external"],
}
# What the retention policy reads besides the bookings.
RETENTION_FIELDS = {
    "res.partner": [
        "parent_id",
        "travel_anonymized",
        "travel_merged_into_id",
        "create_date",
        "customer_rank",
        "commercial_partner_id",
    ],
    "res.company": ["partner_id"],
    "res.users": ["partner_id", "share"],
    "account.move": ["commercial_partner_id", "invoice_date"],
}


# What an anonymization counts, in the order of the log's details.
KINDS = (
    "partner",
    "bank",
    "user",
    "attachment",
    "document",
    "message",
    "participant",
    "authored",
    "mail",
    "mention",
    "merge",
)


class Erasure:
    """One anonymization run, handed from step to step: the customers, their
    families, what names them, and what each step did (for the log)."""

    def __init__(self, partners, operation, label, notes=None):
        self.partners = partners
        self.operation = operation
        self.label = label
        self.notes = list(notes or [])
        self.root_of = {}
        self.ids = []
        self.originals = {}
        self.texts = []
        self.order_ids = []
        self.move_ids = []
        self.counts = {root: Counter() for root in partners.ids}
        self.identities = {root: Identity(f"{label} {root}") for root in partners.ids}
        self.lookup = {}

    def count(self, kind, partner_ids):
        """One more ``kind`` for the customer of each of ``partner_ids``."""
        for pid in partner_ids:
            self.counts[self.root_of[pid]][kind] += 1


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
    def _blocking_booking_condition(self, limit_date):
        """SQL: the booking ``o`` (channel ``ch``) forbids anonymizing, by the
        rules of its own company."""
        return SQL(
            "o.state = 'sale' AND (coalesce(o.travel_date_end, o.travel_date_start, "
            "o.date_order::date) > %s OR coalesce(ch.external, false))",
            limit_date,
        )

    @api.model
    def _blockers(self, partners, limit_date=None):
        """Why each of ``partners`` cannot be anonymized now (or, given
        ``limit_date``, once the bookings ending by then are old enough),
        whoever asks: each booking is checked by its own company's rules (a
        customer shared by two companies is not blocked by either).

        :return: ``{partner_id: [reason, ...]}``, empty lists when allowed.
        """
        reasons = {partner.id: [] for partner in partners}
        if not partners:
            return reasons
        weeks = self._anonymize_weeks()
        limit_date = limit_date or self._anonymize_limit_date()
        self._flush_fields(
            FAMILY_FIELDS, BOOKING_FIELDS, {"res.users": ["partner_id", "share"]}
        )
        rows = self._fetch(
            SQL(
                FAMILY_QUERY + "SELECT DISTINCT f.root, o.id, o.name, "
                "coalesce(o.travel_date_end, o.travel_date_start, o.date_order::date), "
                "CASE WHEN ch.external THEN ch.id END "
                "FROM family f JOIN sale_order o ON o.partner_id = f.id "
                "LEFT JOIN travel_sales_channel ch ON ch.id = o.travel_channel_id "
                "WHERE %s ORDER BY f.root, o.id",
                partners.ids,
                self._blocking_booking_condition(limit_date),
            )
        )
        Channel = self.env["travel.sales.channel"].sudo()
        for root, _id, booking, end, channel_id in rows:
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
        self._blockers_of_partners(partners, reasons)
        return reasons

    @api.model
    def _blockers_of_partners(self, partners, reasons):
        """Customers that are not ours to erase: anonymized already, a
        company of the database, the contact of an employee."""
        cr = self.env.cr
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

    @api.model
    def _booking_companies(self, partners):
        """``{partner id: res.company}``: the companies whose confirmed
        bookings or posted invoices the customer (or its family) has."""
        Company = self.env["res.company"].sudo()
        companies = {partner.id: Company for partner in partners}
        self._flush_fields(
            FAMILY_FIELDS,
            BOOKING_FIELDS,
            {"account.move": ["partner_id", "company_id", "state", "move_type"]},
        )
        rows = self._fetch(
            SQL(
                FAMILY_QUERY + "SELECT f.root, o.company_id FROM family f "
                "JOIN sale_order o ON o.partner_id = f.id WHERE o.state = 'sale' "
                "UNION SELECT f.root, m.company_id FROM family f "
                "JOIN account_move m ON m.partner_id = f.id WHERE m.state = 'posted' "
                "AND m.move_type IN ('out_invoice', 'out_refund')",
                partners.ids,
            )
        )
        for root, company_id in rows:
            companies[root] |= Company.browse(company_id)
        return companies

    @api.model
    def _anonymize_on_request(self, partners):
        """A privacy officer's request: refused with every reason when a rule
        does not hold; carried out when the officer's allowed companies
        cover every company the customer booked with; otherwise recorded,
        for the other companies' privacy officers to approve.

        :return: ``(privacy logs, anonymization requests)``
        """
        self._check_anonymize(partners)
        allowed = self.env.user.company_ids
        companies = self._booking_companies(partners)
        direct = partners.filtered(lambda p: companies[p.id] <= allowed)
        logs = self.env["privacy.log"]
        if direct:
            logs = self._anonymize(direct)
        Request = self.env["travel.anonymize.request"]
        requests = Request.browse()
        for partner in partners - direct:
            requests |= Request._travel_request(partner, companies[partner.id])
        return logs, requests

    @api.model
    def _anonymize_notification(self, logs, requests):
        """What the officer is told: done, waiting for whom, and what Odoo's
        privacy lookup still finds."""
        lines, kind = [], "success"
        for request in requests.sudo():
            if request.state == "done":
                logs |= request._travel_log()
                continue
            kind = "warning"
            lines.append(
                _(
                    "%(customer)s also booked with %(companies)s: the anonymization "
                    "waits for the approval of their privacy officers.",
                    customer=request.partner_id.display_name,
                    companies=", ".join(request._pending_companies().mapped("name")),
                )
            )
        if logs:
            lines.insert(0, _("The customer has been anonymized."))
        for log in logs.sudo().filtered("travel_lookup_hits"):
            kind = "warning"
            lines.append(
                _(
                    "Odoo's privacy lookup still finds the old name or e-mail of "
                    "%(customer)s (a homonym, or data this anonymization does not "
                    "cover): %(hits)s. See the privacy log.",
                    customer=log.travel_partner_id.display_name,
                    hits=log.travel_lookup_hits.replace("\n", ", "),
                )
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": kind,
                "sticky": kind == "warning",
                "message": "\n".join(lines),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

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
    def _anonymize_steps(self):
        """The steps of an anonymization, in order: names of methods taking
        the :class:`Erasure`. Another addon erases its own data by adding
        its step, e.g. before the mentions (which look for the gathered
        identity in free text)::

            steps = super()._anonymize_steps()
            steps.insert(steps.index("_anonymize_step_mentions"), "_my_step")
        """
        return list(ANONYMIZE_STEPS)

    @api.model
    def _anonymize(self, partners, operation="anonymize", notes=None):
        """Anonymize ``partners`` (already checked), irreversibly: run the
        steps, then Odoo's privacy lookup for their old name and e-mail.

        :param notes: lines for the privacy log (who requested, approved).
        :return: the ``privacy.log`` records, one per customer.
        """
        privacy = self.sudo()
        env = privacy.env
        # else the ORM would write an old value over the erased one
        for model in privacy._erasure_models():
            if model in env:
                env[model].flush_model()
        erasure = Erasure(
            partners.with_env(env).with_context(active_test=False),
            operation,
            _("Anonymized customer"),
            notes,
        )
        for step in privacy._anonymize_steps():
            getattr(privacy, step)(erasure)
        privacy._anonymize_lookup(erasure)
        return privacy._log(erasure)

    @api.model
    def _erasure_models(self):
        """The models whose tables the steps read or rewrite in SQL: their
        pending changes are written first. A step of another addon adds the
        models it rewrites."""
        return {
            "res.partner",
            "res.users",
            "res.users.apikeys",
            "res.device.log",
            "res.partner.bank",
            "ir.attachment",
            "travel.customer.document",
            "travel.participant",
            "mail.message",
            "mail.notification",
            "mail.mail",
            "mail.tracking.value",
            "mail.activity",
            "travel.consent.record",
            "privacy.consent",
            "sale.order",
            "account.move",
            "account.move.line",
            "payment.transaction",
            "travel.customer.merge.log",
            "travel.duplicate.group",
            *self._mention_fields(),
        }

    @api.model
    def _flush_fields(self, *fields_by_model):
        """Write the pending changes of these ``{model: [field]}`` before an
        SQL query reads them."""
        for fields_of in fields_by_model:
            for model, fnames in fields_of.items():
                self.env[model].flush_model(fnames)

    @api.model
    def _identity_sources(self):
        """Where a customer's identity is read before it goes: ``(kind,
        query)``, the query returning ``(customer or contact id, value)``
        for ``%(ids)s``; kind is names, emails, phones or numbers."""
        return [
            ("names", "SELECT id, name FROM res_partner WHERE id = ANY(%(ids)s)"),
            ("emails", "SELECT id, email FROM res_partner WHERE id = ANY(%(ids)s)"),
            ("phones", "SELECT id, phone FROM res_partner WHERE id = ANY(%(ids)s)"),
            ("phones", "SELECT id, mobile FROM res_partner WHERE id = ANY(%(ids)s)"),
            ("numbers", "SELECT id, vat FROM res_partner WHERE id = ANY(%(ids)s)"),
            (
                "numbers",
                "SELECT id, travel_id_number FROM res_partner WHERE id = ANY(%(ids)s)",
            ),
            (
                "emails",
                "SELECT partner_id, login FROM res_users "
                "WHERE partner_id = ANY(%(ids)s)",
            ),
            (
                "numbers",
                "SELECT partner_id, acc_number FROM res_partner_bank "
                "WHERE partner_id = ANY(%(ids)s)",
            ),
            (
                "numbers",
                "SELECT partner_id, number FROM travel_customer_document "
                "WHERE partner_id = ANY(%(ids)s)",
            ),
            (
                "names",
                "SELECT partner_id, concat_ws(' ', first_name, last_name) "
                "FROM travel_participant WHERE partner_id = ANY(%(ids)s)",
            ),
            (
                "numbers",
                "SELECT partner_id, id_number FROM travel_participant "
                "WHERE partner_id = ANY(%(ids)s)",
            ),
        ]

    # ------------------------------------------------------------ STEPS
    @api.model
    def _anonymize_step_identity(self, erasure):
        """The customers' families, locked, and what names them."""
        cr = self.env.cr
        partners = erasure.partners
        cr.execute(SQL(FAMILY_QUERY + "SELECT root, id FROM family", partners.ids))
        erasure.root_of = {pid: root for root, pid in cr.fetchall()}
        erasure.ids = ids = list(erasure.root_of)
        # not while another user merges or anonymizes the same customers
        self.env["res.partner"].browse(ids)._travel_lock()
        erasure.originals = {p.id: (p.name or "", p.email or "") for p in partners}
        for kind, query in self._identity_sources():
            for partner_id, value in self._fetch(SQL(query, ids=ids)):
                if value:
                    identity = erasure.identities[erasure.root_of[partner_id]]
                    identity.add(**{kind: [value]})
        for identity in erasure.identities.values():
            erasure.texts += [*identity.names, *identity.emails]

    @api.model
    def _anonymize_step_profile(self, erasure):
        """The customers, contacts, addresses and merged duplicates."""
        columns = self._personal_columns()
        rows = self._fetch(
            SQL(
                "UPDATE res_partner SET name = %s || ' ' || id, %s, "
                "travel_anonymized = TRUE WHERE id = ANY(%s) RETURNING id",
                erasure.label,
                SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(column)) for column in columns
                ),
                erasure.ids,
            )
        )
        erasure.count("partner", [row[0] for row in rows])

    @api.model
    def _anonymize_step_bank_accounts(self, erasure):
        rows = self._fetch(
            SQL(
                "UPDATE res_partner_bank SET acc_number = 'ANONYMIZED-' || id, "
                "sanitized_acc_number = 'ANONYMIZED' || id, acc_holder_name = NULL "
                "WHERE partner_id = ANY(%s) RETURNING partner_id",
                erasure.ids,
            )
        )
        erasure.count("bank", [row[0] for row in rows])

    @api.model
    def _anonymize_step_users(self, erasure):
        """Their portal accounts (internal users block the anonymization):
        archived, without login, password, keys, devices."""
        cr = self.env.cr
        users = self._fetch(
            SQL(
                "UPDATE res_users SET login = 'anonymized-' || id, password = NULL, "
                "signature = NULL, active = FALSE WHERE partner_id = ANY(%s) "
                "AND share RETURNING id, partner_id",
                erasure.ids,
            )
        )
        erasure.count("user", [row[1] for row in users])
        if not users:
            return
        user_ids = [row[0] for row in users]
        if "totp_secret" in self.env["res.users"]._fields:
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
        cr.execute(SQL("DELETE FROM res_device_log WHERE user_id = ANY(%s)", user_ids))
        # session tokens are cached: their open sessions end now
        self.env.registry.clear_cache()

    @api.model
    def _anonymize_step_attachments(self, erasure):
        """Their files (photos, ID copies, exports...) and the signatures of
        their bookings."""
        attachments = self._fetch(
            SQL(
                "SELECT id, res_id, res_model FROM ir_attachment "
                "WHERE (res_model = 'res.partner' AND res_id = ANY(%(ids)s)) "
                "OR (res_model = 'sale.order' AND res_field = 'signature' "
                "AND res_id IN (SELECT id FROM sale_order "
                "WHERE partner_id = ANY(%(ids)s)))",
                ids=erasure.ids,
            )
        )
        erasure.count(
            "attachment", [row[1] for row in attachments if row[2] == "res.partner"]
        )
        self.env["ir.attachment"].browse([row[0] for row in attachments]).unlink()

    @api.model
    def _anonymize_step_documents(self, erasure):
        """Their identity documents go whole: number, scan, notes, chatter
        and the tracked changes of their number."""
        documents = (
            self.env["travel.customer.document"]
            .with_context(active_test=False, bin_size=True)
            .search([("partner_id", "in", erasure.ids)])
        )
        erasure.count("document", [document.partner_id.id for document in documents])
        # mail.thread takes their messages (and tracked values), activities
        # and attachments with them
        documents.unlink()

    @api.model
    def _anonymize_step_participants(self, erasure):
        """The participants it booked for: names, birth date, address, health."""
        rows = self._fetch(
            SQL(
                "UPDATE travel_participant SET first_name = %(label)s, "
                "last_name = id::text, name = %(label)s || ' ' || id, %(columns)s "
                "WHERE partner_id = ANY(%(ids)s) RETURNING id, partner_id",
                label=_("Anonymized participant"),
                columns=SQL(", ").join(
                    SQL("%s = NULL", SQL.identifier(column))
                    for column in PARTICIPANT_PERSONAL_COLUMNS
                ),
                ids=erasure.ids,
            )
        )
        erasure.count("participant", [row[1] for row in rows])
        self._anonymize_chatter("travel.participant", [row[0] for row in rows])

    @api.model
    def _anonymize_step_chatter(self, erasure):
        """Its chatter emptied; what it wrote elsewhere keeps its (anonymized)
        author without its address."""
        cr = self.env.cr
        messages = self._anonymize_chatter("res.partner", erasure.ids)
        erasure.count("message", [row[1] for row in messages])
        rows = self._fetch(
            SQL(
                "UPDATE mail_message SET email_from = NULL, reply_to = NULL "
                "WHERE author_id = ANY(%s) RETURNING author_id",
                erasure.ids,
            )
        )
        erasure.count("authored", [row[0] for row in rows])
        cr.execute(
            SQL(
                "UPDATE mail_notification SET failure_reason = NULL "
                "WHERE res_partner_id = ANY(%s) AND failure_reason IS NOT NULL",
                erasure.ids,
            )
        )

    @api.model
    def _anonymize_step_mails(self, erasure):
        """E-mails still queued for it are not sent: it leaves their
        recipients, and those with no recipient left go."""
        rows = self._fetch(
            SQL(
                "DELETE FROM mail_mail_res_partner_rel WHERE res_partner_id = ANY(%s) "
                "RETURNING mail_mail_id, res_partner_id",
                erasure.ids,
            )
        )
        rows += self._fetch(
            SQL(
                "SELECT m.id, r.res_partner_id FROM mail_mail m "
                "JOIN mail_message msg ON msg.id = m.mail_message_id "
                "JOIN mail_message_res_partner_rel r ON r.mail_message_id = msg.id "
                "WHERE r.res_partner_id = ANY(%s) "
                "AND m.state IN ('outgoing', 'exception')",
                erasure.ids,
            )
        )
        if not rows:
            return
        deleted = self._fetch(
            SQL(
                "DELETE FROM mail_mail m WHERE m.id = ANY(%s) "
                "AND m.state IN ('outgoing', 'exception') AND NOT EXISTS ("
                "SELECT 1 FROM mail_mail_res_partner_rel r "
                "WHERE r.mail_mail_id = m.id) "
                "RETURNING m.id",
                [row[0] for row in rows],
            )
        )
        deleted = {row[0] for row in deleted}
        erasure.count(
            "mail", [pid for mail_id, pid in dict(rows).items() if mail_id in deleted]
        )

    @api.model
    def _anonymize_step_consents(self, erasure):
        """The answers stay (they were given), where from goes."""
        cr = self.env.cr
        ids = erasure.ids
        cr.execute(
            SQL(
                "UPDATE travel_consent_record SET ip_address = NULL "
                "WHERE partner_id = ANY(%s)",
                ids,
            )
        )
        consents = self._fetch(
            SQL(
                "UPDATE privacy_consent SET last_metadata = NULL "
                "WHERE partner_id = ANY(%s) RETURNING id",
                ids,
            )
        )
        self._anonymize_chatter("privacy.consent", [row[0] for row in consents])

    @api.model
    def _anonymize_step_orders(self, erasure):
        """What its bookings and payments copied from it."""
        cr = self.env.cr
        cr.execute(
            SQL("SELECT id FROM sale_order WHERE partner_id = ANY(%s)", erasure.ids)
        )
        erasure.order_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL("SELECT id FROM account_move WHERE partner_id = ANY(%s)", erasure.ids)
        )
        erasure.move_ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            SQL(
                "UPDATE sale_order SET signed_by = NULL "
                "WHERE id = ANY(%s) AND signed_by IS NOT NULL",
                erasure.order_ids,
            )
        )
        if "payment.transaction" in self.env:
            cr.execute(
                SQL(
                    "UPDATE payment_transaction SET partner_name = NULL, "
                    "partner_email = NULL, partner_phone = NULL, "
                    "partner_address = NULL, partner_zip = NULL, partner_city = NULL "
                    "WHERE partner_id = ANY(%s)",
                    erasure.ids,
                )
            )

    @api.model
    def _mention_fields(self):
        """Free texts where anybody may have named a customer: ``{model:
        [field]}``. Its name reads there as "Anonymized customer N", its
        e-mails, phones and numbers as a mask."""
        return {
            "mail.message": [
                "body",
                "subject",
                "record_name",
                "email_from",
                "reply_to",
            ],
            "mail.mail": ["body_html", "email_to", "email_cc"],
            "mail.tracking.value": [
                "old_value_char",
                "new_value_char",
                "old_value_text",
                "new_value_text",
            ],
            "mail.activity": ["summary", "note"],
            "sale.order": ["note", "client_order_ref"],
            "sale.order.line": ["name"],
            "account.move": ["ref", "narration", "payment_reference"],
            "account.move.line": ["name"],
            "loyalty.history": ["description"],
            "res.partner": ["comment"],
            "ir.attachment": ["name", "description", "index_content"],
            "travel.customer.document": ["notes"],
            "travel.customer.merge.log": ["merged_names"],
        }

    @api.model
    def _anonymize_step_mentions(self, erasure):
        """Its name, e-mails, phones, document numbers and IBAN wherever
        they were written: a colleague's note on another customer, a booking
        line, a queued e-mail, an activity (in any case, with or without
        accents, HTML-escaped)."""
        roots = list(erasure.identities)
        for start in range(0, len(roots), MENTION_CHUNK):
            identities = [
                erasure.identities[root]
                for root in roots[start : start + MENTION_CHUNK]
            ]
            pattern = "|".join(filter(None, (i.pattern() for i in identities)))
            if not pattern:
                continue
            for model, fnames in self._mention_fields().items():
                self._rewrite_mentions(erasure, model, fnames, identities, pattern)

    @api.model
    def _rewrite_mentions(self, erasure, model, fnames, identities, pattern):
        if model not in self.env:
            return
        Model = self.env[model]
        columns = [
            fname
            for fname in fnames
            if fname in Model._fields
            and Model._fields[fname].store
            and Model._fields[fname].column_type
            and Model._fields[fname].column_type[0] in ("varchar", "text")
        ]
        if not columns:
            return
        rows = self._fetch(
            SQL(
                "SELECT id, %s FROM %s WHERE %s",
                SQL(", ").join(map(SQL.identifier, columns)),
                SQL.identifier(Model._table),
                SQL(" OR ").join(
                    SQL("%s ~* %s", SQL.identifier(column), pattern)
                    for column in columns
                ),
            )
        )
        root_of_label = {i.label: root for root, i in erasure.identities.items()}
        for row_id, *values in rows:
            new_values = list(values)
            for identity in identities:
                replaced = [identity.replace(value) for value in new_values]
                if replaced != new_values:
                    erasure.counts[root_of_label[identity.label]]["mention"] += 1
                    new_values = replaced
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET %s WHERE id = %s",
                    SQL.identifier(Model._table),
                    SQL(", ").join(
                        SQL("%s = %s", SQL.identifier(column), value)
                        for column, value in zip(columns, new_values, strict=True)
                    ),
                    row_id,
                )
            )

    @api.model
    def _anonymize_step_order_texts(self, erasure):
        """Each word of its names and e-mails in the messages, tracked values
        and journal items of its own bookings and invoices, and in what it
        wrote anywhere."""
        pattern = self._identity_pattern(erasure.texts)
        if not pattern:
            return
        cr = self.env.cr
        values = {
            "p": pattern,
            "ids": erasure.ids,
            "orders": erasure.order_ids,
            "moves": erasure.move_ids,
        }
        cr.execute(
            SQL(
                "UPDATE mail_message SET body = regexp_replace(body, %(p)s, '***', "
                "'gi'), subject = regexp_replace(subject, %(p)s, '***', 'gi') "
                "WHERE (author_id = ANY(%(ids)s) "
                "OR (model = 'sale.order' AND res_id = ANY(%(orders)s)) "
                "OR (model = 'account.move' AND res_id = ANY(%(moves)s))) "
                "AND (body ~* %(p)s OR subject ~* %(p)s)",
                **values,
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
                **values,
            )
        )
        # payments' journal items are labelled with the customer's name
        cr.execute(
            SQL(
                "UPDATE account_move_line SET name = regexp_replace(name, %(p)s, "
                "'***', 'gi') WHERE move_id = ANY(%(moves)s) AND name ~* %(p)s",
                **values,
            )
        )

    @api.model
    def _anonymize_step_merge_logs(self, erasure):
        erasure.count("merge", self._purge_merge_logs(erasure.ids, erasure.label))

    @api.model
    def _anonymize_step_duplicates(self, erasure):
        """It is no longer anybody's duplicate."""
        self.env.cr.execute(
            SQL(
                "DELETE FROM travel_duplicate_group WHERE id IN ("
                "SELECT group_id FROM travel_duplicate_group_partner_rel "
                "WHERE partner_id = ANY(%s))",
                erasure.ids,
            )
        )

    @api.model
    def _anonymize_step_recompute(self, erasure):
        """What is computed from them: display names, normalized e-mail and
        phone, the invoices' customer name..."""
        env = self.env
        env.invalidate_all()
        family = env["res.partner"].with_context(active_test=False).browse(erasure.ids)
        family.modified(["name", *self._personal_columns()])
        # what depends on a customer's name lives in any model (an invoice's
        # customer name...), and Odoo's privacy lookup then reads every
        # table in SQL: all of it is written now
        env.flush_all()

    @api.model
    def _anonymize_lookup(self, erasure):
        """Odoo's privacy lookup, for each customer's old name and e-mail:
        what it still finds (a homonym, another addon's data...) goes in the
        privacy log and is shown to the officer."""
        Lookup = self.env["privacy.lookup.wizard"]
        models_by_id = {}
        for root, (name, email) in erasure.originals.items():
            if not name.strip():
                continue
            wizard = Lookup.new(
                {"name": name, "email": email.strip() or f"anonymized-{root}@invalid"}
            )
            hits = Counter()
            for model_id, _res_id, _active in self._fetch(wizard._get_query()):
                if model_id not in models_by_id:
                    models_by_id[model_id] = self.env["ir.model"].browse(model_id).name
                hits[models_by_id[model_id]] += 1
            erasure.lookup[root] = [
                f"{model}: {count}" for model, count in sorted(hits.items())
            ]

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
    def _log(self, erasure):
        """One privacy log line per customer; its details are kept as codes
        and values too, shown in the reader's language."""
        Log = self.env["privacy.log"]
        messages = Log._travel_detail_messages()
        head = ["retention" if erasure.operation == "retention" else "request", {}]
        notes = [
            note if isinstance(note, list | tuple) else ["text", {"text": note}]
            for note in erasure.notes
        ]
        values = []
        for partner in erasure.partners:
            counts = erasure.counts[partner.id]
            details = [
                head,
                *notes,
                *([kind, {"count": counts[kind]}] for kind in KINDS if counts[kind]),
            ]
            values.append(
                {
                    "anonymized_name": erasure.originals[partner.id][0],
                    "anonymized_email": erasure.originals[partner.id][1],
                    "travel_operation": erasure.operation,
                    "travel_partner_id": partner.id,
                    "user_id": self.env.user.id,
                    "travel_details": details,
                    "execution_details": "\n".join(
                        Log._travel_detail_text(messages, code, params)
                        for code, params in [head, *notes]
                    ),
                    "travel_lookup_hits": "\n".join(erasure.lookup.get(partner.id, [])),
                    "records_description": "\n".join(
                        Log._travel_detail_text(messages, code, params)
                        for code, params in details[1 + len(notes) :]
                    ),
                }
            )
        return Log.sudo().create(values)

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

        The batch is locked and the customers another session holds are
        skipped (``SKIP LOCKED``): cron servers and sessions running the
        retention at once share the customers, none anonymized twice. The
        row conditions are checked again on the locked row, so a customer
        another session has just anonymized is seen done. The count (for the
        progress) includes the customers other sessions hold.
        """
        self._flush_fields(BOOKING_FIELDS, RETENTION_FIELDS)
        rows = self._fetch_without_jit(
            SQL(
                """
                WITH candidates AS MATERIALIZED (
                    SELECT p.id, count(*) OVER () AS total %(query)s
                )
                SELECT p.id, c.total FROM candidates c
                JOIN res_partner p ON p.id = c.id
                WHERE p.travel_anonymized IS NOT TRUE
                  AND p.travel_merged_into_id IS NULL
                ORDER BY p.id LIMIT %(limit)s
                FOR NO KEY UPDATE OF p SKIP LOCKED
                """,
                query=self._retention_query(years),
                limit=limit,
            )
        )
        partners = self.env["res.partner"].browse([row[0] for row in rows])
        return partners, rows[0][1] if rows else 0

    @api.model
    def _retention_query(self, years):
        """The ``FROM ... WHERE`` of ``_retention_candidates``."""
        today = fields.Date.context_today(self)
        since = today - relativedelta(years=years)
        return SQL(
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
            # each booking by its own company's rules, whatever the company
            # of the scheduled action's user
            blocking=self._blocking_booking_condition(self._anonymize_limit_date()),
        )

    @api.model
    def _fetch_without_jit(self, query):
        """The rows of ``query``, run without PostgreSQL's JIT compilation
        (compiling the retention query costs more than running it). The
        setting is put back right after: the anonymization that follows in
        the same transaction keeps the server's (a failed query aborts the
        transaction, which ends the setting)."""
        cr = self.env.cr
        cr.execute(SQL("SELECT current_setting('jit')"))
        jit = cr.fetchone()[0]
        cr.execute(SQL("SELECT set_config('jit', 'off', true)"))
        rows = self._fetch(query)
        cr.execute(SQL("SELECT set_config('jit', %s, true)", jit))
        return rows

    @api.model
    def _cron_retention(self, batch_size=None):
        """Anonymize one batch of customers past the retention period.

        Each batch is one transaction (the cron commits it and calls again
        while customers remain): a stopped run loses at most its current
        batch, and the next run starts from what is left. The batch size is
        the system parameter ``travel_customer.retention_batch_size`` (500).
        Cron servers and sessions running it at once share the customers
        (see ``_retention_candidates``).
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
        self._retention_begin_batch()
        partners, total = self._retention_candidates(years, batch_size)
        done, failed = self._retention_anonymize(partners)
        if done:
            _logger.info("Retention policy: %s customers anonymized", len(done))
        # a batch that failed whole says nothing is left: the night stops
        # rather than trying the same customers again
        Cron._notify_progress(done=len(done), remaining=total - len(done) - len(failed))
        return len(done)

    @api.model
    def _retention_begin_batch(self):
        """Start the batch's own READ COMMITTED transaction: a customer
        another cron server or session has just anonymized is then skipped,
        not a serialization failure (Odoo's transactions are REPEATABLE
        READ). In a test, the test's transaction goes on."""
        if getattr(threading.current_thread(), "testing", False):
            return
        self.env.cr.commit()  # pylint: disable=invalid-commit
        self.env.cr.execute(SQL("SET TRANSACTION ISOLATION LEVEL READ COMMITTED"))

    @api.model
    def _retention_anonymize(self, partners):
        """Anonymize ``partners`` in a savepoint; when that fails, each half
        again, down to the customer that fails, which is logged and left for
        the next run: one bad record does not stop the night. A lost
        connection stops the batch (the cron tries again). Returns
        ``(anonymized, failed)``."""
        if not partners:
            return partners, partners
        try:
            with self.env.cr.savepoint():
                self._anonymize(partners, operation="retention")
            return partners, partners.browse()
        except Exception as error:
            if self._retention_failure_is_fatal(error):
                raise
            if len(partners) == 1:
                _logger.exception(
                    "Retention policy: customer %s could not be anonymized, "
                    "left for the next run",
                    partners.id,
                )
                return partners.browse(), partners
        half = len(partners) // 2
        done, failed = self._retention_anonymize(partners[:half])
        done_2, failed_2 = self._retention_anonymize(partners[half:])
        return done | done_2, failed | failed_2

    @api.model
    def _retention_failure_is_fatal(self, error):
        """A lost connection is no customer's fault: the batch stops."""
        return isinstance(error, psycopg2.InterfaceError) or bool(
            isinstance(error, psycopg2.OperationalError) and self.env.cr._cnx.closed
        )
