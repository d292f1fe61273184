# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import io
import json
import zipfile

from odoo import _, api, fields, models
from odoo.tools import SQL, html2plaintext

from odoo.addons.base.models.res_partner import ADDRESS_FIELDS

from .travel_customer_privacy import FAMILY_FIELDS, FAMILY_QUERY, HEALTH_GROUP

# What a person reads about itself, in this order (the JSON file holds these
# and a few more: doc/personal_data.md).
READABLE_PROFILE_FIELDS = (
    "name",
    "title",
    "function",
    "email",
    "phone",
    "mobile",
    *ADDRESS_FIELDS,
    "vat",
    "website",
    "lang",
    "customer_type_id",
    "create_date",
)
IDENTITY_FIELDS = (
    "travel_birth_date",
    "travel_birth_place",
    "travel_nationality_id",
    "travel_id_type_id",
    "travel_id_number",
    "travel_id_issue_date",
    "travel_id_country_id",
)


class TravelCustomerPrivacyExport(models.AbstractModel):
    """The right of access and to data portability (GDPR Art. 15 and 20):
    what we hold on a customer, in a ZIP with ``personal_data.json`` (for
    another program), ``personal_data.html`` (for the person) and its
    documents' files."""

    _inherit = "travel.customer.privacy"

    @api.model
    def _export(self, partner, by_customer=False):
        """What we hold on ``partner``: ``(file name, ZIP bytes)``.

        Every export is written in the privacy log, in the name of the staff
        member when it views the portal as the customer. Health data
        (allergies, treatments, medical notes) is left out, and the file
        says so, unless the customer downloads its own or the user behind
        the request is in the Health data group.
        """
        real_user = self.env["res.users"]._travel_real_user()
        with_health = real_user.has_group(HEALTH_GROUP) or (
            by_customer and real_user == self.env.user
        )
        # the officer or the customer itself: what the rules hide is theirs
        privacy = self.sudo()
        partner = partner.with_env(privacy.env).with_context(active_test=False)
        privacy._flush_fields(FAMILY_FIELDS)
        family = partner.browse(
            row[0]
            for row in privacy._fetch(
                SQL(FAMILY_QUERY + "SELECT id FROM family ORDER BY id", partner.ids)
            )
        )
        files = []
        data = privacy._export_data(partner, family, with_health, by_customer, files)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path, content in files:
                archive.writestr(path, content)
            archive.writestr(
                "personal_data.json",
                json.dumps(data, indent=2, default=str, ensure_ascii=False),
            )
            archive.writestr(
                "personal_data.html", privacy._export_html(partner, data, with_health)
            )
        privacy._export_log(partner, real_user, by_customer, with_health, data)
        return f"personal_data_{partner.id}.zip", buffer.getvalue()

    @api.model
    def _export_data(self, partner, family, with_health, by_customer, files):
        """Everything, as JSON-ready values; the files go in ``files``."""
        env = self.env
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
        participants = (
            env["travel.participant"]
            .with_context(active_test=False)
            .search([("partner_id", "in", family.ids)])
        )
        return {
            "exported_at": fields.Datetime.now(),
            "customer": self._export_profile(partner),
            "identity": self._export_identity(partner),
            "addresses": [self._export_profile(child) for child in family - partner],
            "bookings": [self._export_order(order) for order in orders],
            "invoices": [self._export_invoice(move) for move in invoices],
            "participants": [
                self._export_participant(participant, with_health)
                for participant in participants
            ],
            "health_data": None if with_health else self._health_left_out(),
            "consents": self._export_current_consents(family),
            "consent_history": self._export_consents(family),
            "documents": self._export_documents(family, files),
            "attachments": self._export_attachments(family, files),
            "wallet": self._export_wallet(partner),
            "memberships": self._export_memberships(family),
            "messages": self._export_messages(family, by_customer),
        }

    @api.model
    def _health_left_out(self):
        return _(
            "Left out: the participants' allergies, treatments and medical "
            "notes are exported for the Health data group only."
        )

    @api.model
    def _export_log(self, partner, real_user, by_customer, with_health, data):
        """The export's privacy log line; its details are kept as codes and
        values too, shown in the reader's language."""
        Log = self.env["privacy.log"]
        if not by_customer:
            whom = ["officer", {}]
        elif real_user != self.env.user:
            whom = ["staff_portal", {"user": real_user.name}]
        else:
            whom = ["customer", {}]
        details = [whom, *([["health_left_out", {}]] if not with_health else [])]
        counts = [
            "exported",
            {
                "bookings": len(data["bookings"]),
                "invoices": len(data["invoices"]),
                "documents": len(data["documents"]) + len(data["attachments"]),
                "messages": len(data["messages"]),
            },
        ]
        messages = Log._travel_detail_messages()
        Log.create(
            {
                "anonymized_name": partner.name or "",
                "anonymized_email": partner.email or "",
                "travel_operation": "export",
                "travel_partner_id": partner.id,
                "user_id": real_user.id,
                "travel_details": [*details, counts],
                "execution_details": "\n".join(
                    Log._travel_detail_text(messages, code, values)
                    for code, values in details
                ),
                "records_description": Log._travel_detail_text(messages, *counts),
            }
        )

    @api.model
    def _export_profile_fields(self):
        """The person's own data (doc/personal_data.md), not Odoo's technical
        columns (e-invoicing endpoints, sales warnings, tokens...)."""
        return [
            *READABLE_PROFILE_FIELDS,
            "company_name",
            "comment",
            "is_company",
            "type",
            "travel_level_id",
        ]

    @api.model
    def _export_value(self, record, fname):
        field = record._fields[fname]
        value = record[fname]
        if field.type == "many2one":
            return value.display_name or None
        if field.type == "html":
            return html2plaintext(value) if value else None
        if field.type == "selection" and value:
            return dict(field._description_selection(self.env)).get(value, value)
        return value if value is not False else None

    @api.model
    def _export_profile(self, partner):
        values = {"id": partner.id, "name": partner.name}
        for fname in self._export_profile_fields():
            values[fname] = self._export_value(partner, fname)
        return values

    @api.model
    def _export_identity(self, partner):
        return {
            fname: self._export_value(partner, fname)
            for fname in IDENTITY_FIELDS
            if fname in partner._fields
        }

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
            "participants": [
                participant.name for participant in order.travel_participant_ids
            ],
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
    def _export_current_consents(self, family):
        """Its current answer to each purpose (OCA privacy_consent)."""
        consents = self.env["privacy.consent"].search(
            [("partner_id", "in", family.ids)]
        )
        return [
            {
                "purpose": consent.activity_id.name,
                "accepted": consent.accepted,
                "state": self._export_value(consent, "state"),
            }
            for consent in consents
        ]

    @api.model
    def _export_consents(self, family):
        """Its answers to each purpose, newest first, with where they were
        given."""
        records = self.env["travel.consent.record"].search(
            [("partner_id", "in", family.ids)]
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

    @api.model
    def _export_documents(self, family, files):
        """Its identity documents, with their scans."""
        documents = []
        Document = self.env["travel.customer.document"].with_context(bin_size=False)
        for document in Document.search([("partner_id", "in", family.ids)]):
            path = None
            if document.file:
                path = f"documents/{document.id}-{document.file_name or 'scan'}"
                files.append((path, base64.b64decode(document.file)))
            documents.append(
                {
                    "type": document.type_id.name,
                    "number": document.number,
                    "issuing_country": document.country_id.name,
                    "expiry_date": document.expiry_date,
                    "notes": document.notes,
                    "file": path,
                }
            )
        return documents

    @api.model
    def _export_attachments(self, family, files):
        """The files attached to it (ID copies, letters...)."""
        attachments = self.env["ir.attachment"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", family.ids),
                ("res_field", "=", False),
            ]
        )
        result = []
        for attachment in attachments:
            path = f"attachments/{attachment.id}-{attachment.name}"
            files.append((path, attachment.raw or b""))
            result.append(
                {
                    "file": path,
                    "name": attachment.name,
                    "mimetype": attachment.mimetype,
                    "date": attachment.create_date,
                }
            )
        return result

    @api.model
    def _export_wallet(self, partner):
        """Its e-wallet: balance and every credit and payment."""
        card = self.env["loyalty.card"]._travel_wallet(partner, create=False)
        if not card:
            return None
        return {
            "balance": card.points,
            "history": [
                {
                    "date": line.create_date,
                    "description": line.description,
                    "credited": line.issued,
                    "used": line.used,
                    "booking": line.order_id
                    and self.env[line.order_model].browse(line.order_id).display_name
                    or None,
                }
                for line in card.history_ids.sorted("id")
            ],
        }

    @api.model
    def _export_memberships(self, family):
        """Its association memberships, and Odoo's membership lines."""
        memberships = [
            {
                "year": membership.year,
                "member": membership.participant_id.name,
                "paying_member": membership.paid,
                "booking": membership.order_id.name or None,
            }
            for membership in self.env["travel.membership"].search(
                [("partner_id", "in", family.ids)]
            )
        ]
        memberships += [
            {
                "membership": line.membership_id.name,
                "from": line.date_from,
                "to": line.date_to,
                "fee": line.member_price,
                "status": self._export_value(line, "state"),
            }
            for line in self.env["membership.membership_line"].search(
                [("partner", "in", family.ids)]
            )
        ]
        return memberships

    @api.model
    def _export_messages(self, family, by_customer):
        """The messages on its record, those it wrote, and those it
        received; on the portal, what the portal shows (no employees'
        notes)."""
        messages = self.env["mail.message"].search(
            [
                "|",
                "|",
                "&",
                ("model", "=", "res.partner"),
                ("res_id", "in", family.ids),
                ("author_id", "in", family.ids),
                ("partner_ids", "in", family.ids),
                ("message_type", "!=", "user_notification"),
                *(
                    [("is_internal", "=", False), ("subtype_id.internal", "=", False)]
                    if by_customer
                    else []
                ),
            ],
            order="date, id",
        )
        return [
            {
                "date": message.date,
                "document": message.record_name or message.model,
                "author": message.author_id.name or message.email_from,
                "to": message.partner_ids.mapped("name"),
                "subject": message.subject,
                "body": html2plaintext(message.body) if message.body else None,
            }
            for message in messages
        ]

    @api.model
    def _export_html(self, partner, data, with_health):
        """The same data as a page a person reads: labels in its language,
        no technical fields."""
        Partner = self.env["res.partner"]
        fnames = [f for f in READABLE_PROFILE_FIELDS if f in Partner._fields]

        def rows(record, names):
            return [
                (Partner._fields[f].get_description(self.env)["string"], value)
                for f in names
                if (value := self._export_value(record, f)) not in (None, "")
            ]

        values = {
            "partner": partner,
            "data": data,
            "profile": rows(partner, fnames),
            "identity": rows(
                partner, [f for f in IDENTITY_FIELDS if f in Partner._fields]
            ),
            "addresses": [
                rows(child, fnames)
                for child in partner.browse([a["id"] for a in data["addresses"]])
            ],
            "with_health": with_health,
        }
        html = self.env["ir.qweb"]._render("travel_customer.personal_data_html", values)
        return "<!DOCTYPE html>\n" + str(html)
