# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64
import html
import inspect
import io
import json
import unicodedata
import zipfile
from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.mail.tests.common import mail_new_test_user

from .test_privacy import PrivacyCommon

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _unaccented(text):
    return "".join(
        char
        for char in unicodedata.normalize("NFKD", text)
        if not unicodedata.combining(char)
    )


class ErasureCommon(PrivacyCommon):
    NAME = "Siobhán O'Brien-Quixote"
    EMAIL = "siobhan.obq@example.org"
    PHONE = "+33 6 91 82 73 64"
    MOBILE = "+44 7700 900461"
    IBAN = "FR7630006000011234567890189"
    ID_NUMBER = "X4F8829QZ"
    PASSPORT = "P2468013579"
    PASSPORT_NEW = "P9753102468"

    @classmethod
    def default_env_context(cls):
        # tracking on: the tracked old values are personal data to erase
        return {}

    def _terms(self):
        """What must be found nowhere: the name as typed, without accents,
        HTML-escaped (in any case: ILIKE), the e-mail, phones, numbers."""
        names = {self.NAME, _unaccented(self.NAME)}
        names |= {html.escape(name) for name in names}
        names |= {name.replace("&#x27;", "&#39;") for name in names}
        return sorted(names) + [
            self.EMAIL,
            "91 82 73 64",
            "691827364",
            "7700 900461",
            "7700900461",
            self.IBAN,
            self.ID_NUMBER,
            self.PASSPORT,
            self.PASSPORT_NEW,
        ]

    def _leftovers(self, terms, attachment_ids=()):
        """Every (table, column, term) of the database holding one of
        ``terms``: each text, varchar and jsonb column of each table
        (attachments' ``index_content`` included), and the bytes of
        ``attachment_ids`` if they still exist. The privacy log's masked
        name and e-mail are what it keeps."""
        cr = self.env.cr
        self.env.flush_all()
        cr.execute(
            """
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t
              ON t.table_name = c.table_name AND t.table_schema = c.table_schema
            WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
              AND c.data_type IN ('character varying', 'text', 'jsonb')
            ORDER BY 1, 2
            """
        )
        columns = [
            (table, column)
            for table, column in cr.fetchall()
            if (table, column)
            not in {
                ("privacy_log", "anonymized_name"),
                ("privacy_log", "anonymized_email"),
            }
        ]
        found = []
        for table, column in columns:
            cr.execute(
                SQL(
                    "SELECT t.term FROM unnest(%s::text[]) AS t(term) WHERE EXISTS ("
                    "SELECT 1 FROM %s "
                    "WHERE strpos(lower(%s::text), lower(t.term)) > 0)",
                    list(terms),
                    SQL.identifier(table),
                    SQL.identifier(column),
                )
            )
            found += [(table, column, row[0]) for row in cr.fetchall()]
        for attachment in self.env["ir.attachment"].browse(attachment_ids).exists():
            raw = (attachment.raw or b"").decode("utf-8", "ignore").lower()
            found += [
                ("ir.attachment file", attachment.id, term)
                for term in terms
                if term.lower() in raw
            ]
        return found


class TestErasure(ErasureCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.Partner.create(
            {
                "name": cls.NAME,
                "email": cls.EMAIL,
                "phone": cls.PHONE,
                "mobile": cls.MOBILE,
                "travel_id_number": cls.ID_NUMBER,
                "bank_ids": [Command.create({"acc_number": cls.IBAN})],
            }
        )
        cls.other = cls._fake_customer()
        cls.colleague = mail_new_test_user(
            cls.env,
            login="erasure_colleague",
            email="colleague@example.org",
            groups="base.group_user,travel_customer.group_travel_user",
        )

    def _plant(self):
        """The person named everywhere an agency names people."""
        customer, env = self.customer, self.env
        booking = self._create_order(
            customer,
            travel_date_start=self._weeks_ago(12),
            travel_date_end=self._weeks_ago(10),
        )
        booking.order_line.name = f"Double room for {self.NAME}"
        booking.action_confirm()
        # a colleague's note on another customer's chatter
        self.other.with_user(self.colleague).message_post(
            body=f"Travels with {self.NAME}, call her at {self.PHONE}",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        # an HTML-escaped name (O'Brien is O&#39;Brien), as e-mail gateways
        # and other programs write it, without accents, in capitals
        escaped = self.other.message_post(body="Quote", message_type="comment")
        escaped_name = html.escape(_unaccented(self.NAME).upper()).replace(
            "&#x27;", "&#39;"
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE mail_message SET body = %s WHERE id = %s",
            [f"<p>{escaped_name} asked for a quote</p>", escaped.id],
        )
        # queued e-mails: to the person, and to a colleague about it
        to_person = env["mail.mail"].create(
            {
                "subject": "Your trip",
                "body_html": f"<p>Dear {html.escape(self.NAME)}</p>",
                "email_to": self.EMAIL,
                "recipient_ids": [Command.link(customer.id)],
            }
        )
        about_person = env["mail.mail"].create(
            {
                "subject": "Call back",
                "body_html": f"<p>{self.NAME} called about IBAN {self.IBAN}</p>",
                "email_to": "colleague@example.org",
            }
        )
        # an identity document: number, scan, a tracked change of its number
        document = env["travel.customer.document"].create(
            {
                "partner_id": customer.id,
                "type_id": env.ref("travel_customer.document_type_passport").id,
                "number": self.PASSPORT,
                "file": base64.b64encode(PDF),
                "file_name": f"passport {self.NAME}.pdf",
                "notes": f"Renewed by {self.NAME} herself",
            }
        )
        env.flush_all()
        env.cr.precommit.run()
        document.number = self.PASSPORT_NEW
        env.flush_all()
        env.cr.precommit.run()
        scan = env["ir.attachment"].search(
            [("res_model", "=", document._name), ("res_id", "=", document.id)]
        )
        id_copy = env["ir.attachment"].create(
            {
                "name": "id_copy.txt",
                "res_model": "res.partner",
                "res_id": customer.id,
                "raw": f"Identity card of {self.NAME}".encode(),
            }
        )
        # an activity on another record, typed without accents, in capitals
        booking.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=f"CALL {_unaccented(self.NAME).upper()}",
            user_id=self.colleague.id,
        )
        return {
            "booking": booking,
            "document": document,
            "attachments": scan | id_copy,
            "to_person": to_person,
            "about_person": about_person,
        }

    def test_nothing_left_anywhere(self):
        planted = self._plant()
        tracked = planted["document"].message_ids.tracking_value_ids
        self.assertIn(self.PASSPORT, tracked.mapped("old_value_char"))
        terms = self._terms()
        attachment_ids = planted["attachments"].ids
        before = {term for _t, _c, term in self._leftovers(terms, attachment_ids)}
        # the scan sees every planted case before
        planted_terms = {
            self.NAME,
            _unaccented(self.NAME),
            _unaccented(self.NAME).replace("'", "&#39;"),
            html.escape(self.NAME),
            self.EMAIL,
            "91 82 73 64",
            "7700 900461",
            self.IBAN,
            self.ID_NUMBER,
            self.PASSPORT,
            self.PASSPORT_NEW,
        }
        self.assertEqual(planted_terms - before, set())
        action = self.customer.with_user(self.officer).action_travel_anonymize()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self._leftovers(terms, attachment_ids), [])
        # the person's files are gone, the document with them
        self.assertFalse(planted["attachments"].exists())
        self.assertFalse(planted["document"].exists())
        self.assertFalse(tracked.exists())
        # other records keep their meaning
        label = f"Anonymized customer {self.customer.id}"
        self.assertEqual(planted["booking"].order_line.name, f"Double room for {label}")
        note = self.other.message_ids.filtered(
            lambda m: m.author_id == self.colleague.partner_id
        )
        self.assertIn(f"Travels with {label}, call her at", str(note.body))
        # the e-mail to the person is not sent; the colleague's still is
        self.assertFalse(planted["to_person"].exists())
        self.assertIn(f"{label} called", planted["about_person"].body_html)
        self.assertEqual(planted["about_person"].state, "outgoing")
        self.assertEqual(planted["booking"].activity_ids.summary, f"CALL {label}")
        log = self.env["privacy.log"].search(
            [("travel_partner_id", "=", self.customer.id)]
        )
        self.assertIn("Identity documents: 1", log.records_description)
        self.assertIn("Queued e-mails cancelled: 1", log.records_description)
        self.assertFalse(log.travel_lookup_hits)

    def test_privacy_lookup_cross_check(self):
        """What Odoo's privacy lookup still finds (here a homonym, another
        person, left alone) is in the log and told to the officer."""
        homonym = self.Partner.create({"name": self.NAME, "city": "Cork"})
        self._create_order(homonym)
        action = self.customer.with_user(self.officer).action_travel_anonymize()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("privacy lookup still finds", action["params"]["message"])
        log = self.env["privacy.log"].search(
            [("travel_partner_id", "=", self.customer.id)]
        )
        self.assertIn("Contact: 1", log.travel_lookup_hits)
        self.assertIn("Sales Order: 1", log.travel_lookup_hits)
        # the same query, run by hand, agrees
        wizard = self.env["privacy.lookup.wizard"].create(
            {"name": self.NAME, "email": self.EMAIL}
        )
        wizard.action_lookup()
        self.assertTrue(wizard.line_ids)
        for model in wizard.line_ids.res_model_id:
            self.assertIn(f"{model.name}: ", log.travel_lookup_hits)
        self.assertEqual(homonym.name, self.NAME)
        self.assertEqual(homonym.city, "Cork")

    def test_steps_are_methods_of_their_own(self):
        """One overridable method per kind of data, none over 60 lines."""
        Privacy = self.env["travel.customer.privacy"]
        steps = Privacy._anonymize_steps()
        for kind in (
            "profile",
            "users",
            "documents",
            "participants",
            "chatter",
            "mentions",
            "orders",
            "merge_logs",
        ):
            self.assertIn(f"_anonymize_step_{kind}", steps)
        for step in steps:
            self.assertTrue(callable(getattr(Privacy, step)), step)
        for name, method in inspect.getmembers(
            type(Privacy), predicate=inspect.isfunction
        ):
            module = method.__module__
            if "travel_customer" in module and "privacy" in module:
                lines = len(inspect.getsource(method).splitlines())
                self.assertLessEqual(lines, 60, name)


class TestSharedCustomer(ErasureCommon):
    """A customer with bookings in two companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.main_company = cls.env.company
        cls.officer_b = mail_new_test_user(
            cls.env,
            login="privacy_officer_b",
            name="Officer of Other Agency",
            company_id=cls.other_company.id,
            company_ids=[Command.set(cls.other_company.ids)],
            groups="base.group_user,travel_customer.group_travel_privacy",
        )
        cls.customer = cls._fake_customer(name=cls.NAME, email=cls.EMAIL)
        cls._booking(cls.customer, cls.today - timedelta(weeks=20))
        cls.booking_b = cls._booking(
            cls.customer,
            cls.today - timedelta(weeks=30),
            company_id=cls.other_company.id,
        )

    def _request(self):
        return self.env["travel.anonymize.request"].search(
            [("partner_id", "=", self.customer.id)]
        )

    def test_other_company_approves_then_it_runs(self):
        customer = self.customer
        self.assertTrue(customer.with_user(self.officer).travel_can_anonymize)
        action = customer.with_user(self.officer).action_travel_anonymize()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("Other Agency", action["params"]["message"])
        self.assertFalse(customer.travel_anonymized)
        self.assertEqual(customer.name, self.NAME)
        request = self._request()
        self.assertEqual(request.state, "pending")
        self.assertEqual(request.approved_company_ids, self.main_company)
        # an activity for the other company's privacy officer
        self.assertEqual(request.activity_ids.user_id, self.officer_b)
        # neither the requester again, nor a travel manager, may approve
        with self.assertRaisesRegex(AccessError, "Other Agency"):
            request.with_user(self.officer).action_approve()
        with self.assertRaisesRegex(AccessError, "Only Privacy officers"):
            request.with_user(self.travel_manager).action_approve()
        with self.assertRaises(AccessError):
            request.with_user(self.officer).write({"state": "done"})
        self.env.invalidate_all()
        self.assertFalse(customer.travel_anonymized)
        self.assertEqual(request.state, "pending")
        # the other company's officer approves: it runs
        request.with_user(self.officer_b).action_approve()
        self.env.invalidate_all()
        self.assertTrue(customer.travel_anonymized)
        self.assertEqual(request.state, "done")
        self.assertFalse(request.activity_ids)
        log = self.env["privacy.log"].search([("travel_partner_id", "=", customer.id)])
        self.assertEqual(log.user_id, self.officer_b)
        self.assertIn(f"Requested by {self.officer.name}", log.execution_details)
        self.assertIn(
            f"Other Agency: approved by {self.officer_b.name}", log.execution_details
        )
        self.assertIn(f"approved by {self.officer.name}", log.execution_details)
        self.assertEqual(self._leftovers([self.NAME, self.EMAIL]), [])

    def test_officer_of_both_companies_anonymizes_at_once(self):
        self.officer.company_ids |= self.other_company
        self.customer.with_user(self.officer).action_travel_anonymize()
        self.assertTrue(self.customer.travel_anonymized)
        self.assertFalse(self._request())

    def test_rules_checked_per_booking_and_again_on_approval(self):
        """A recent booking of the other company blocks whoever asks; a rule
        broken after the request blocks the approval, which changes
        nothing."""
        self.customer.with_user(self.officer).action_travel_anonymize()
        request = self._request()
        late = self._booking(
            self.customer, self.today, company_id=self.other_company.id
        )
        with self.assertRaisesRegex(UserError, f"Booking {late.name} ends on"):
            request.with_user(self.officer_b).action_approve()
        self.env.invalidate_all()
        self.assertFalse(self.customer.travel_anonymized)
        self.assertEqual(request.state, "pending")
        with self.assertRaisesRegex(UserError, f"Booking {late.name} ends on"):
            self.customer.with_user(self.officer_b).action_travel_anonymize()

    def test_retention_across_companies(self):
        params = self.env["ir.config_parameter"]
        params.set_param("travel_customer.retention", "True")
        params.set_param("travel_customer.retention_years", "1")
        long_ago = self.today - timedelta(days=800)
        recent_elsewhere = self._fake_customer()
        self._booking(recent_elsewhere, long_ago)
        self._booking(
            recent_elsewhere,
            self.today - timedelta(days=30),
            company_id=self.other_company.id,
        )
        self.booking_b.write(
            {
                "travel_date_start": long_ago - timedelta(days=7),
                "travel_date_end": long_ago,
            }
        )
        self.customer.sale_order_ids.filtered(
            lambda o: o.company_id == self.main_company
        ).write({"travel_date_end": long_ago, "travel_date_start": long_ago})
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id IN %s",
            [long_ago, (self.customer.id, recent_elsewhere.id)],
        )
        self.env["travel.customer.privacy"]._cron_retention()
        self.env.invalidate_all()
        self.assertTrue(self.customer.travel_anonymized)
        self.assertFalse(recent_elsewhere.travel_anonymized)


class TestExportContent(ErasureCommon):
    def test_each_kind_of_data(self):
        env = self.env
        customer = self._fake_customer(
            name=self.NAME,
            email=self.EMAIL,
            travel_id_number=self.ID_NUMBER,
            travel_birth_place="Cork",
        )
        address = self._fake_customer(parent_id=customer.id, type="delivery")
        participant = env["travel.participant"].create(
            {"first_name": "Aoife", "last_name": "O'Brien", "partner_id": customer.id}
        )
        booking = self._create_order(
            customer, travel_participant_ids=[Command.link(participant.id)]
        )
        booking.action_confirm()
        invoice = booking._create_invoices()
        invoice.action_post()
        env["travel.customer.document"].create(
            {
                "partner_id": customer.id,
                "type_id": env.ref("travel_customer.document_type_passport").id,
                "number": self.PASSPORT,
                "file": base64.b64encode(PDF),
                "file_name": "passport.pdf",
            }
        )
        customer._travel_record_consents({"us": True}, channel="backoffice")
        customer._travel_record_consents({"us": False}, channel="portal")
        card = env["loyalty.card"]._travel_wallet(customer)
        card._travel_move(40.0, "Welcome gift")
        env["travel.membership"].create(
            {"participant_id": participant.id, "partner_id": customer.id, "year": 2030}
        )
        booking.message_post(
            body="Your booking is confirmed",
            partner_ids=customer.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        _name, content = self.Privacy.with_user(self.officer)._export(customer)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            data = json.loads(archive.read("personal_data.json"))
            page = archive.read("personal_data.html").decode()
            scan = archive.read(data["documents"][0]["file"])
        self.assertEqual(scan, PDF)
        self.assertEqual(data["documents"][0]["number"], self.PASSPORT)
        self.assertEqual(data["identity"]["travel_id_number"], self.ID_NUMBER)
        self.assertEqual(data["identity"]["travel_birth_place"], "Cork")
        self.assertEqual([a["id"] for a in data["addresses"]], [address.id])
        self.assertEqual(data["bookings"][0]["participants"], [participant.name])
        self.assertEqual(data["invoices"][0]["number"], invoice.name)
        self.assertEqual(
            [(c["purpose"], c["accepted"]) for c in data["consents"]],
            [("Contacted by us", False)],
        )
        self.assertEqual(
            {(c["accepted"], c["channel"]) for c in data["consent_history"]},
            {(True, "backoffice"), (False, "portal")},
        )
        self.assertEqual(data["wallet"]["balance"], 40.0)
        self.assertEqual(data["wallet"]["history"][0]["description"], "Welcome gift")
        self.assertEqual(data["memberships"][0]["year"], 2030)
        self.assertIn("Your booking is confirmed", json.dumps(data["messages"]))
        self.assertEqual(data["participants"][0]["first_name"], "Aoife")
        # the page a person reads: the same data, no technical fields
        for text in (
            self.NAME.replace("'", "&#39;"),
            self.PASSPORT,
            self.ID_NUMBER,
            "Welcome gift",
            "Contacted by us",
            "Your booking is confirmed",
            invoice.name,
            booking.name,
            "Aoife",
        ):
            self.assertIn(text, page)
        for technical in ("peppol_endpoint", "sale_warn_msg", "invoice_edi_format"):
            self.assertNotIn(technical, page)
            # the machine-readable file holds the documented keys only
            self.assertNotIn(technical, data["customer"])
        self.assertIn(
            "Your booking is confirmed", [m["body"] for m in data["messages"]]
        )
        self.assertFalse([m for m in data["messages"] if "<p>" in (m["body"] or "")])
